from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from beefeed import phones


def sign_in_identity(login):
    """The account a sign-in names, as the backend resolves it: a mainland mobile number in
    its one normal form however it was typed, otherwise the user name (case folded)."""
    login = (login or "").strip()[:150]
    phone = phones.normalize(login)
    return f"phone:{phone}" if phones.is_mainland_mobile(phone) else f"user:{login.casefold()}"


class PhoneOrUsernameBackend(ModelBackend):
    """Volunteers sign in with their mobile number, staff with a user name."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        login = username.strip()
        phone = phones.normalize(login)
        user = User.objects.filter(
            Q(username=login) | Q(phone=phone if phones.is_mainland_mobile(phone) else login)
        ).first()
        if user is None:
            # Spend the same time as a real check, so timing tells nothing.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
