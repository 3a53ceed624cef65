"""Joining the team and being approved: the one home of a volunteer's status."""

from django.db import transaction
from django.utils import timezone

from volunteers.models import Volunteer


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
