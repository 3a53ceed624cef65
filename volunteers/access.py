"""Who is a volunteer, and whether they may report yet."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import render


def volunteer_of(user):
    if not user.is_authenticated:
        return None
    try:
        return user.volunteer
    except ObjectDoesNotExist:
        return None


def approved_volunteer_required(view):
    """Signed in, with an approved volunteer profile; otherwise say why."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        volunteer = volunteer_of(request.user)
        if volunteer is None or not volunteer.is_approved:
            return render(request, "volunteers/not_approved.html", {"volunteer": volunteer}, status=403)
        request.volunteer = volunteer
        return view(request, *args, **kwargs)

    return wrapper
