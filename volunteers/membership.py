"""Joining the team and being approved: the one home of a volunteer's status."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beefeed.models import User
from volunteers.models import Claim, Volunteer


def approve(volunteer, *, by, now=None):
    """A coordinator approves a pending (or suspended) volunteer; returns True if it changed."""
    with transaction.atomic():
        current = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        if current.status == Volunteer.Status.APPROVED:
            return False
        current.status = Volunteer.Status.APPROVED
        current.approved_at = now or timezone.now()
        current.approved_by = by
        current.save(update_fields=["status", "approved_at", "approved_by"])
    volunteer.refresh_from_db()
    return True


def suspend(volunteer, *, by):
    with transaction.atomic():
        current = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        if current.status == Volunteer.Status.SUSPENDED:
            return False
        current.status = Volunteer.Status.SUSPENDED
        current.save(update_fields=["status"])
    volunteer.refresh_from_db()
    return True


def join(*, name, phone, password, work_type, employer, community, party_member, show_party_member, now=None):
    """A courier joins: a user who signs in with the phone number, and a volunteer waiting for approval."""
    with transaction.atomic():
        user = User.objects.create_user(username=phone, phone=phone, password=password)
        return Volunteer.objects.create(
            user=user,
            name=name,
            work_type=work_type,
            employer=employer,
            community=community,
            party_member=party_member,
            show_party_member=party_member and show_party_member,
            privacy_consent_at=now or timezone.now(),
        )


def set_claims(volunteer, items):
    """The service items a volunteer takes on (认领清单): exactly `items` afterwards."""
    wanted = {item.pk for item in items}
    with transaction.atomic():
        Claim.objects.filter(volunteer=volunteer).exclude(item_id__in=wanted).delete()
        have = set(Claim.objects.filter(volunteer=volunteer).values_list("item_id", flat=True))
        Claim.objects.bulk_create(Claim(volunteer=volunteer, item_id=pk) for pk in sorted(wanted - have))


def erase(volunteer, *, now=None):
    """The volunteer deletes the account (PIPL): personal data goes, reports and the ledger stay consistent.

    The name becomes 已注销的小蜜蜂, the phone number, password, e-mail, employer, party membership,
    photo, claims and notices are removed, the card stops being valid, and a balance left over is
    brought to zero by an explicit ledger entry. Reports stay, attributed to 已注销的小蜜蜂.
    """
    from volunteers import points
    from volunteers.models import ERASED_NAME, new_card_token

    now = now or timezone.now()
    with transaction.atomic():
        current = Volunteer.objects.select_for_update().select_related("user").get(pk=volunteer.pk)
        if current.erased_at:
            return current
        left = points.balance(current)
        if left:
            points.adjust(current, points=-left, by=None, reason=_("Account deleted by the volunteer"), now=now)
        if current.photo:
            current.photo.delete(save=False)
        current.claims.all().delete()
        current.notices.all().delete()
        current.name = ERASED_NAME
        current.employer = ""
        current.party_member = current.show_party_member = False
        current.card_token = new_card_token()
        current.status = Volunteer.Status.SUSPENDED
        current.erased_at = now
        current.save()
        user = current.user
        user.phone = None
        user.username = f"erased-{user.pk}"
        user.email = user.first_name = user.last_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    return current
