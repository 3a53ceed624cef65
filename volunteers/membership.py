"""Joining the team and being approved: the one home of a volunteer's status."""

from django.db import transaction
from django.utils import timezone

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


def show_party_membership(volunteer, *, show):
    """The volunteer's own choice (亮明身份): only a party member can show it."""
    volunteer.show_party_member = volunteer.party_member and bool(show)
    volunteer.save(update_fields=["show_party_member"])
    return volunteer.show_party_member


def set_claims(volunteer, items):
    """The service items a volunteer takes on (认领清单): exactly `items` afterwards."""
    wanted = {item.pk for item in items}
    with transaction.atomic():
        Claim.objects.filter(volunteer=volunteer).exclude(item_id__in=wanted).delete()
        have = set(Claim.objects.filter(volunteer=volunteer).values_list("item_id", flat=True))
        Claim.objects.bulk_create(Claim(volunteer=volunteer, item_id=pk) for pk in sorted(wanted - have))
