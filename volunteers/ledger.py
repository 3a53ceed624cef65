"""The points ledger: the only module that writes a points entry.

Everything that earns or spends points comes through here — a report's
awards (`issues.awards`), an activity (`volunteers.activities`), a
coordinator's adjustment or reversal, a redemption and its cancellation
(`volunteers.rewards`), a year-end lapse (`volunteers.tallies`). The rules:

- entries are never changed or deleted; a correction is a new entry (one exception: the
  free-text reasons of an erased volunteer's entries lose the person's name, see `redact_reasons`);
- one source (a report, an activity, a redemption) is paid at most once per
  rule, which the database enforces with a unique constraint;
- an entry is reversed at most once (a one-to-one link, again in the database);
- nothing may be dated into a closed quarter;
- a volunteer's balance is the sum of their entries, nothing cached.
"""

from decimal import Decimal

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from beefeed.display import quarter_label, quarter_name
from volunteers.exceptions import PointsError
from volunteers.models import PointsEntry
from volunteers.quarters import is_closed, quarter_bounds, quarter_of, today

Kind = PointsEntry.Kind
EARNING = Q(kind__in=[Kind.AWARD, Kind.ADJUSTMENT]) | Q(
    kind=Kind.REVERSAL, reverses__kind__in=[Kind.AWARD, Kind.ADJUSTMENT]
)


# -- reading ------------------------------------------------------------------


def balance(volunteer):
    return PointsEntry.objects.filter(volunteer=volunteer).aggregate(total=Coalesce(Sum("points"), 0))["total"]


def hours(volunteer):
    total = PointsEntry.objects.filter(volunteer=volunteer).aggregate(total=Sum("hours"))["total"]
    return total or Decimal("0.0")


def quarter_figures(volunteer, year):
    """Points earned and hours per quarter of `year`, for /me/ and the card."""
    rows = []
    for number in range(1, 5):
        first, last = quarter_bounds(year, number)
        entries = PointsEntry.objects.filter(volunteer=volunteer, occurred_on__range=(first, last))
        figures = entries.aggregate(points=Coalesce(Sum("points", filter=EARNING), 0), hours=Sum("hours"))
        rows.append(
            {
                "quarter": f"{year}Q{number}",
                "label": quarter_label(year, number),
                "name": quarter_name(number),
                "points": figures["points"],
                "hours": figures["hours"] or 0,
            }
        )
    return rows


def was_reversed(volunteer, source):
    """Whether anything `source` paid `volunteer` has been taken back."""
    return PointsEntry.objects.filter(volunteer=volunteer, kind=Kind.REVERSAL, source=source).exists()


# -- writing ------------------------------------------------------------------


LEDGER_LOCK = 7_411_001  # PostgreSQL advisory lock: writers share it, closing a quarter takes it alone


def lock_ledger(exclusive=False):
    """Keep entries from landing in a quarter while it is being closed (SQLite serialises writers anyway)."""
    if connection.vendor == "postgresql":
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s)", [LEDGER_LOCK])


def _write(volunteer, *, kind, points, by, on, now=None, **fields):
    if not connection.in_atomic_block:
        with transaction.atomic():
            return _write(volunteer, kind=kind, points=points, by=by, on=on, now=now, **fields)
    lock_ledger()
    if is_closed(on):
        year, number = quarter_of(on)
        raise PointsError(
            _("%(quarter)s is closed: nothing more may be booked into it. Book a correction in the current quarter.")
            % {"quarter": quarter_label(year, number)}
        )
    entry = PointsEntry(
        volunteer=volunteer,
        kind=kind,
        points=points,
        occurred_on=on,
        created_at=now or timezone.now(),
        created_by=by,
        **fields,
    )
    entry.save(force_insert=True)
    return entry


def award(volunteer, *, item, source, rule, points, by, on, hours=0, now=None):
    """Pay `volunteer` for `source` under `rule`; None if that was paid before."""
    if PointsEntry.objects.filter(volunteer=volunteer, kind=Kind.AWARD, source=source, rule=rule).exists():
        return None
    try:
        with transaction.atomic():
            return _write(
                volunteer,
                kind=Kind.AWARD,
                points=points,
                hours=hours,
                item=item,
                source=source,
                rule=rule,
                by=by,
                on=on,
                now=now,
            )
    except IntegrityError:
        # Someone paid the same source at the same moment: the constraint held.
        return None


def reverse(entry, *, by, reason, now=None, cancelling_redemption=False):
    """Undo one entry with an opposite entry naming it (at most once).

    A redemption's entry is reversed only by cancelling the redemption (`cancelling_redemption=True`,
    passed by `volunteers.rewards.cancel_redemption`), which also returns the reward to stock.
    """
    reason = (reason or "").strip()
    if not reason:
        raise PointsError(_("Give a reason for the reversal."))
    if entry.kind == Kind.REVERSAL:
        raise PointsError(_("A reversal cannot itself be reversed; make an adjustment instead."))
    if entry.kind == Kind.REDEMPTION and not cancelling_redemption:
        raise PointsError(_("Cancel the redemption instead: that also returns the reward to stock."))
    if PointsEntry.objects.filter(reverses=entry).exists():
        raise PointsError(_("This entry has already been reversed."))
    try:
        with transaction.atomic():
            return _write(
                entry.volunteer,
                kind=Kind.REVERSAL,
                points=-entry.points,
                hours=-entry.hours,
                item=entry.item,
                rule=entry.rule,
                source=entry.source,
                reverses=entry,
                reason=reason[:200],
                by=by,
                on=today(now),
                now=now,
            )
    except IntegrityError:
        raise PointsError(_("This entry has already been reversed.")) from None


def reverse_awards(volunteer, *, source, by, reason, now=None):
    """Take back every award `source` paid `volunteer` that still stands. Returns the reversals."""
    entries = PointsEntry.objects.filter(volunteer=volunteer, kind=Kind.AWARD, source=source, reversed_by__isnull=True)
    return [reverse(entry, by=by, reason=reason, now=now) for entry in entries]


def adjust(volunteer, *, points, by, reason, hours=0, corrects=None, now=None):
    """A coordinator's correction, always booked in the current quarter."""
    reason = (reason or "").strip()
    if not reason:
        raise PointsError(_("Give a reason for the adjustment."))
    if not points and not hours:
        raise PointsError(_("An adjustment needs points or hours."))
    return _write(
        volunteer,
        kind=Kind.ADJUSTMENT,
        points=points,
        hours=hours,
        source=f"entry:{corrects.pk}" if corrects else "",
        reason=reason[:200],
        by=by,
        on=today(now),
        now=now,
    )


def spend(volunteer, *, points, source, by, on, now=None):
    """A redemption's entry (written by `volunteers.rewards.redeem`, inside its row locks)."""
    return _write(
        volunteer, kind=Kind.REDEMPTION, points=-points, source=source, rule="redemption", by=by, on=on, now=now
    )


def lapse(volunteer, *, points, year, by, now=None):
    """`points` unspent at the end of `year` lapse, booked on its last day; None if that year already lapsed."""
    source = f"lapse:{year}"
    if PointsEntry.objects.filter(volunteer=volunteer, kind=Kind.LAPSE, source=source).exists():
        return None
    return _write(
        volunteer,
        kind=Kind.LAPSE,
        points=-points,
        source=source,
        reason=_("Unspent points of %(year)d lapse at the end of the year.") % {"year": year},
        by=by,
        on=quarter_bounds(year, 4)[1],
        now=now,
    )


# -- erasure ------------------------------------------------------------------


def redact_reasons(volunteer, redact):
    """An erased volunteer's books stay as they are; only the words typed about them lose their name.

    Ledger reasons and redemption cancel reasons are free text a coordinator wrote ("补录叶小蜂的巡逻").
    The figures, dates, sources and rules of the entries are untouched: the database's append-only
    triggers let through an UPDATE of `reason` alone, and only once the volunteer is marked erased.
    """
    ledger = models.QuerySet(PointsEntry)  # the append-only manager refuses every update, by design
    for pk, reason in ledger.filter(volunteer=volunteer).exclude(reason="").values_list("pk", "reason"):
        if redact(reason) != reason:
            ledger.filter(pk=pk).update(reason=redact(reason)[:200])
    for redemption in volunteer.redemptions.exclude(cancel_reason=""):
        if redact(redemption.cancel_reason) != redemption.cancel_reason:
            redemption.cancel_reason = redact(redemption.cancel_reason)[:200]
            redemption.save(update_fields=["cancel_reason"])
