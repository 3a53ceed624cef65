"""The quarterly tally (一季度一统计): closing a quarter freezes every volunteer's figures; a closed
fourth quarter may let the year's unspent points lapse (POINTS_LAPSE_AT_YEAR_END)."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from beefeed import generations, signals
from beefeed.display import quarter_label
from volunteers import deliveries, ledger
from volunteers.exceptions import PointsError
from volunteers.models import PointsEntry, Quarter, QuarterTally, Volunteer
from volunteers.quarters import quarter_bounds, today


def check_closable(year, number, *, now=None):
    """PointsError unless the quarter has ended and is not closed yet (the admin's form asks this too)."""
    key = {"quarter": quarter_label(year, number)}
    if quarter_bounds(year, number)[1] >= today(now):
        raise PointsError(_("%(quarter)s has not ended yet.") % key)
    if Quarter.objects.filter(year=year, number=number).exists():
        raise PointsError(_("%(quarter)s is already closed.") % key)


def close_quarter(year, number, *, by, now=None):
    """Freeze every volunteer's figures for a quarter that has ended."""
    check_closable(year, number, now=now)
    first, last = quarter_bounds(year, number)
    with transaction.atomic():
        ledger.lock_ledger(exclusive=True)
        if number == 4 and settings.POINTS_LAPSE_AT_YEAR_END:
            lapse_year(year, by=by, now=now)
        try:
            with transaction.atomic():
                quarter = Quarter.objects.create(
                    year=year, number=number, closed_by=by, closed_at=now or timezone.now()
                )
        except IntegrityError:
            raise PointsError(_("%(quarter)s is already closed.") % {"quarter": quarter_label(year, number)}) from None
        figures = {}
        entries = (
            PointsEntry.objects.filter(occurred_on__range=(first, last))
            .values("volunteer_id")
            .annotate(points=Coalesce(Sum("points", filter=ledger.EARNING), 0), hours=Sum("hours"))
        )
        for row in entries:
            figures[row["volunteer_id"]] = {"points": row["points"], "hours": row["hours"] or 0}
        for _receiver, counts_of in signals.count_quarter.send(Quarter, first_day=first, last_day=last):
            for volunteer_id, counts in counts_of.items():
                figures.setdefault(volunteer_id, {"points": 0, "hours": 0}).update(counts)
        communities = dict(Volunteer.objects.filter(pk__in=figures).values_list("pk", "community_id"))
        QuarterTally.objects.bulk_create(
            QuarterTally(
                quarter=quarter,
                volunteer_id=volunteer_id,
                community_id=communities[volunteer_id],
                points=row["points"],
                hours=row["hours"],
                reports=row.get("reports", 0),
                solved=row.get("solved", 0),
            )
            for volunteer_id, row in figures.items()
        )
        generations.changed("volunteers")  # bulk_create sends no signal: the published tallies changed
        deliveries.quarter_closed(quarter, now=now)  # recorded with the tallies, sent after the commit
    return quarter


def lapse_year(year, *, by, now=None):
    """Unspent points of `year` lapse (only if the district decided so): one entry each."""
    balances = (
        PointsEntry.objects.filter(occurred_on__lte=datetime.date(year, 12, 31))
        .values("volunteer_id")
        .annotate(total=Sum("points"))
        .filter(total__gt=0)
    )
    written = 0
    for row in balances:
        volunteer = Volunteer(pk=row["volunteer_id"])
        # Points already spent since the year ended (in January's window, say) cannot lapse again.
        unspent = min(row["total"], ledger.balance(volunteer))
        if unspent > 0 and ledger.lapse(volunteer, points=unspent, year=year, by=by, now=now) is not None:
            written += 1
    return written
