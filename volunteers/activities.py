"""Activities (志愿活动): what one is worth, and paying its participants through the ledger."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from volunteers import ledger
from volunteers.exceptions import PointsError
from volunteers.models import PointsEntry, ServiceItem, Volunteer
from volunteers.quarters import is_closed

Kind = PointsEntry.Kind


def activity_points(item, hours):
    if item.unit == ServiceItem.Unit.HOUR:
        return int((Decimal(hours) * item.points).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return item.points


def settle_activity(activity, *, by, now=None):
    """Pay every participant once; take back the pay of anyone removed since.

    Returns (number paid now, names of re-added participants whose earlier pay was taken back).
    """
    if is_closed(activity.date):
        raise PointsError(_("The activity's date lies in a closed quarter."))
    points = activity_points(activity.item, activity.hours)
    paid, not_repaid = 0, []
    with transaction.atomic():
        participants = set(activity.participants.values_list("pk", flat=True))
        taken_back = set(
            PointsEntry.objects.filter(kind=Kind.AWARD, source=activity.source, reversed_by__isnull=False).values_list(
                "volunteer_id", flat=True
            )
        )
        for volunteer in Volunteer.objects.filter(pk__in=participants):
            if volunteer.pk in taken_back:
                # Paid once, taken back when removed: a source is never paid twice. An adjustment can.
                not_repaid.append(volunteer.name)
                continue
            entry = ledger.award(
                volunteer,
                item=activity.item,
                source=activity.source,
                rule="activity",
                points=points,
                hours=activity.hours,
                by=by,
                on=activity.date,
                now=now,
            )
            paid += entry is not None
        removed = PointsEntry.objects.filter(kind=Kind.AWARD, source=activity.source, reversed_by__isnull=True).exclude(
            volunteer_id__in=participants
        )
        for entry in removed.select_related("volunteer"):
            ledger.reverse(
                entry, by=by, reason=_("Removed from the activity “%(title)s”") % {"title": activity.title}, now=now
            )
    return paid, not_repaid
