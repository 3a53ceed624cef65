"""Pledges from the public and the donations they become: the one home of a pledge's moves.

new → accepted → fulfilled (a Donation is recorded, which counts as received on the wish list);
new or accepted → declined. The admin's actions and the public form call these functions; nothing
else sets `Pledge.state` or creates a Donation from a pledge. A closed pledge's contact is erased
PLEDGE_CONTACT_RETENTION_DAYS after it closed (`erase_closed_contacts`, a retention sweep run by
`manage.py media_check --remove-orphans`).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stations.models import Donation, Pledge

State = Pledge.State


class PledgeError(Exception):
    """A move the pledge's state does not allow; the message is for the coordinator."""


def submit(*, station, offer, quantity, contact, wish=None, giver_name="", organization="", public_as, message=""):
    """A giver's pledge from the public form, waiting for a coordinator."""
    return Pledge.objects.create(
        station=station,
        wish=wish,
        offer=offer or (wish.name if wish else ""),
        quantity=quantity,
        giver_name=giver_name,
        organization=organization,
        public_as=public_as,
        contact=contact,
        message=message,
    )


def _locked(pledge, allowed, verb):
    current = Pledge.objects.select_for_update(of=("self",)).select_related("wish").get(pk=pledge.pk)
    if current.state not in allowed:
        raise PledgeError(
            _("Pledge #%(id)s is %(state)s; it cannot be %(verb)s.")
            % {"id": current.pk, "state": current.get_state_display(), "verb": verb}
        )
    return current


def accept(pledge, *, by, now=None):
    """The station wants what is offered: a coordinator will arrange the handover with the giver."""
    with transaction.atomic():
        current = _locked(pledge, {State.NEW}, _("accepted"))
        current.state = State.ACCEPTED
        current.decided_at = now or timezone.now()
        current.decided_by = by
        current.save(update_fields=["state", "decided_at", "decided_by"])
    return current


def decline(pledge, *, by, now=None):
    """Not needed (any more): the pledge closes, and its contact starts its retention period."""
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(pledge, {State.NEW, State.ACCEPTED}, _("declined"))
        current.state = State.DECLINED
        current.decided_at = current.decided_at or now
        current.decided_by = current.decided_by or by
        current.closed_at = now
        current.save(update_fields=["state", "decided_at", "decided_by", "closed_at"])
    return current


def record_donation(pledge, *, by, quantity=None, date=None, now=None):
    """The accepted pledge was handed over: record the Donation the station's page thanks, under
    the name the giver agreed to, against the wish-list item (which then counts it as received)."""
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(pledge, {State.ACCEPTED}, _("recorded as a donation"))
        donation = Donation.objects.create(
            station_id=current.station_id,
            donor=current.public_name,
            item=current.wish.name if current.wish else current.offer,
            unit=current.wish.unit if current.wish else "",
            quantity=quantity or current.quantity,
            date=date or timezone.localdate(now),
            wish=current.wish,
            pledge=current,
        )
        current.state = State.FULFILLED
        current.closed_at = now
        current.save(update_fields=["state", "closed_at"])
    return donation


def erase_closed_contacts(now=None):
    """Blank the contact, the giver's own name and message of every pledge closed longer ago than
    PLEDGE_CONTACT_RETENTION_DAYS. The organization and the public thanks stay."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PLEDGE_CONTACT_RETENTION_DAYS)
    due = Pledge.objects.filter(closed_at__lt=cutoff, contact_erased_at__isnull=True)
    erased = [f"contact of pledge #{pk}" for pk in due.values_list("pk", flat=True)]
    due.update(contact="", giver_name="", message="", contact_erased_at=now)
    return erased
