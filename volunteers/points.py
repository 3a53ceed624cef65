"""The points ledger: the only module that writes a points entry.

Everything that earns or spends points comes through here — a report's
moves (called by `issues.workflow`), an activity, a coordinator's adjustment
or reversal, a redemption and its cancellation, a year-end lapse, closing a
quarter. The rules:

- entries are never changed or deleted; a correction is a new entry (one exception: the
  free-text reasons of an erased volunteer's entries lose the person's name, see `redact_reasons`);
- one source (a report, an activity, a redemption) is paid at most once per
  rule, which the database enforces with a unique constraint;
- an entry is reversed at most once (a one-to-one link, again in the database);
- nothing may be dated into a closed quarter;
- a volunteer's balance is the sum of their entries, nothing cached.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from beefeed.parsing import parse_int
from volunteers import counters
from volunteers.models import (
    PointsEntry,
    Quarter,
    QuarterTally,
    Redemption,
    RedemptionWindow,
    RewardItem,
    ServiceItem,
    Volunteer,
)

Kind = PointsEntry.Kind
REPORT_ITEM = "city_feedback"  # 城市环境问题反馈: what a report earns its reporter
EARNING = Q(kind__in=[Kind.AWARD, Kind.ADJUSTMENT]) | Q(
    kind=Kind.REVERSAL, reverses__kind__in=[Kind.AWARD, Kind.ADJUSTMENT]
)


class PointsError(ValueError):
    """A refused ledger operation; the message is for the person who asked."""


class AlreadyDone(PointsError):
    """The same form was sent twice; the first one counted."""


# -- quarters -----------------------------------------------------------------


def quarter_of(day):
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year, number):
    first = datetime.date(year, 3 * (number - 1) + 1, 1)
    last = datetime.date(year + (number == 4), (3 * number) % 12 + 1, 1) - datetime.timedelta(days=1)
    return first, last


def parse_quarter(text):
    """'2026Q4' → (2026, 4); PointsError for anything else."""
    text = (text or "").strip().upper()
    try:
        year, number = text.split("Q")
        year, number = parse_int(year, low=2000, high=2999), parse_int(number, low=1, high=4)
    except ValueError:  # parsing.Unreadable is one
        raise PointsError(_("Write a quarter like 2026Q4.")) from None
    if year is None or number is None:
        raise PointsError(_("Write a quarter like 2026Q4."))
    return year, number


def is_closed(day):
    year, number = quarter_of(day)
    return Quarter.objects.filter(year=year, number=number).exists()


def today(now=None):
    return timezone.localdate(now or timezone.now())


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
        rows.append({"quarter": f"{year}Q{number}", "points": figures["points"], "hours": figures["hours"] or 0})
    return rows


# -- the one writer ------------------------------------------------------------


LEDGER_LOCK = 7_411_001  # PostgreSQL advisory lock: writers share it, closing a quarter takes it alone


def _lock_ledger(exclusive=False):
    """Keep entries from landing in a quarter while it is being closed (SQLite serialises writers anyway)."""
    if connection.vendor == "postgresql":
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s)", [LEDGER_LOCK])


def _write(volunteer, *, kind, points, by, on, now=None, **fields):
    if not connection.in_atomic_block:
        with transaction.atomic():
            return _write(volunteer, kind=kind, points=points, by=by, on=on, now=now, **fields)
    _lock_ledger()
    if is_closed(on):
        year, number = quarter_of(on)
        raise PointsError(
            _("%(quarter)s is closed: nothing more may be booked into it. Book a correction in the current quarter.")
            % {"quarter": f"{year}Q{number}"}
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


def _automatic_day(now):
    """Awards that follow an event are booked on its day, or today if that quarter is closed."""
    day = today(now)
    return today() if is_closed(day) else day


def _report_found_false(volunteer, report_ref):
    return PointsEntry.objects.filter(volunteer=volunteer, kind=Kind.REVERSAL, source=f"report:{report_ref}").exists()


def report_dispatched(volunteer, report_ref, *, by, now=None):
    """A dispatched report earns its reporter the 城市环境问题反馈 points."""
    item = ServiceItem.objects.filter(code=REPORT_ITEM, active=True).first()
    if volunteer is None or item is None or not item.points or _report_found_false(volunteer, report_ref):
        return None
    return award(
        volunteer,
        item=item,
        source=f"report:{report_ref}",
        rule="report",
        points=item.points,
        by=by,
        on=_automatic_day(now),
        now=now,
    )


def report_published(volunteer, report_ref, *, by, now=None):
    """Publication of a solved report adds the item's bonus (not if its points were taken back as false)."""
    item = ServiceItem.objects.filter(code=REPORT_ITEM, active=True).first()
    if volunteer is None or item is None or not item.bonus_points or _report_found_false(volunteer, report_ref):
        return None
    return award(
        volunteer,
        item=item,
        source=f"report:{report_ref}",
        rule="report_published",
        points=item.bonus_points,
        by=by,
        on=_automatic_day(now),
        now=now,
    )


def report_rechecked(volunteer, report_ref, *, by, now=None):
    """The reporter went back, re-checked the place and rated the result (回访): POINTS_FOR_RECHECK."""
    item = ServiceItem.objects.filter(code=REPORT_ITEM, active=True).first()
    amount = getattr(settings, "POINTS_FOR_RECHECK", 2)
    if volunteer is None or item is None or not amount or _report_found_false(volunteer, report_ref):
        return None
    return award(
        volunteer,
        item=item,
        source=f"report:{report_ref}",
        rule="recheck",
        points=amount,
        by=by,
        on=_automatic_day(now),
        now=now,
    )


def reverse(entry, *, by, reason, now=None):
    """Undo one entry with an opposite entry naming it (at most once)."""
    reason = (reason or "").strip()
    if not reason:
        raise PointsError(_("Give a reason for the reversal."))
    if entry.kind == Kind.REVERSAL:
        raise PointsError(_("A reversal cannot itself be reversed; make an adjustment instead."))
    if entry.kind == Kind.REDEMPTION and not getattr(entry, "_cancelling", False):
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


def reverse_report(volunteer, report_ref, *, by, reason, now=None):
    """A dispatched report found false: take back what it earned, and it earns nothing more. Returns the reversals."""
    if volunteer is None:
        raise PointsError(_("This report has no volunteer reporter; there are no points to take back."))
    entries = PointsEntry.objects.filter(
        volunteer=volunteer, kind=Kind.AWARD, source=f"report:{report_ref}", reversed_by__isnull=True
    )
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


# -- activities ----------------------------------------------------------------


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
            entry = award(
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
            reverse(
                entry, by=by, reason=_("Removed from the activity “%(title)s”") % {"title": activity.title}, now=now
            )
    return paid, not_repaid


# -- the quarterly tally (一季度一统计) ---------------------------------------------


def close_quarter(year, number, *, by, now=None):
    """Freeze every volunteer's figures for a quarter that has ended."""
    first, last = quarter_bounds(year, number)
    if last >= today(now):
        raise PointsError(_("%(quarter)s has not ended yet.") % {"quarter": f"{year}Q{number}"})
    if Quarter.objects.filter(year=year, number=number).exists():
        raise PointsError(_("%(quarter)s is already closed.") % {"quarter": f"{year}Q{number}"})
    with transaction.atomic():
        _lock_ledger(exclusive=True)
        if number == 4 and getattr(settings, "POINTS_LAPSE_AT_YEAR_END", False):
            lapse_year(year, by=by, now=now)
        try:
            with transaction.atomic():
                quarter = Quarter.objects.create(
                    year=year, number=number, closed_by=by, closed_at=now or timezone.now()
                )
        except IntegrityError:
            raise PointsError(_("%(quarter)s is already closed.") % {"quarter": f"{year}Q{number}"}) from None
        figures = {}
        entries = (
            PointsEntry.objects.filter(occurred_on__range=(first, last))
            .values("volunteer_id")
            .annotate(points=Coalesce(Sum("points", filter=EARNING), 0), hours=Sum("hours"))
        )
        for row in entries:
            figures[row["volunteer_id"]] = {"points": row["points"], "hours": row["hours"] or 0}
        for volunteer_id, counts in counters.collect(first, last).items():
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
    return quarter


def lapse_year(year, *, by, now=None):
    """Unspent points of `year` lapse (only if the district decided so): one entry each."""
    last = datetime.date(year, 12, 31)
    balances = (
        PointsEntry.objects.filter(occurred_on__lte=last)
        .values("volunteer_id")
        .annotate(total=Sum("points"))
        .filter(total__gt=0)
    )
    written = 0
    for row in balances:
        if PointsEntry.objects.filter(
            volunteer_id=row["volunteer_id"], kind=Kind.LAPSE, source=f"lapse:{year}"
        ).exists():
            continue
        volunteer = Volunteer(pk=row["volunteer_id"])
        # Points already spent since the year ended (in January's window, say) cannot lapse again.
        unspent = min(row["total"], balance(volunteer))
        if unspent <= 0:
            continue
        _write(
            volunteer,
            kind=Kind.LAPSE,
            points=-unspent,
            source=f"lapse:{year}",
            reason=_("Unspent points of %(year)d lapse at the end of the year.") % {"year": year},
            by=by,
            on=last,
            now=now,
        )
        written += 1
    return written


# -- the yearly redemption (一年度一兑换) --------------------------------------------


def open_window(day=None):
    day = day or today()
    return RedemptionWindow.objects.filter(opens_on__lte=day, closes_on__gte=day).first()


def next_window(day=None):
    day = day or today()
    return RedemptionWindow.objects.filter(opens_on__gt=day).order_by("opens_on").first()


def redeem(volunteer, item, *, token, now=None):
    """Spend points on a reward: balance and stock checked and taken under row locks."""
    day = today(now)
    try:
        with transaction.atomic():
            locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
            if Redemption.objects.filter(token=token).exists():
                raise AlreadyDone(_("This redemption was already received; it was counted once."))
            if not locked.is_approved:
                raise PointsError(_("Only approved volunteers can redeem points."))
            if open_window(day) is None:
                raise PointsError(_("Redemption is closed now."))
            reward = RewardItem.objects.select_for_update().get(pk=item.pk)
            if not reward.active:
                raise PointsError(_("“%(item)s” is no longer on the list.") % {"item": reward.name})
            if reward.stock < 1:
                raise PointsError(_("“%(item)s” is out of stock.") % {"item": reward.name})
            available = balance(locked)
            if available < reward.points:
                raise PointsError(
                    _("“%(item)s” needs %(points)d points; your balance is %(balance)d.")
                    % {"item": reward.name, "points": reward.points, "balance": available}
                )
            redemption = Redemption.objects.create(
                volunteer=locked, item=reward, points=reward.points, token=token, created_at=now or timezone.now()
            )
            RewardItem.objects.filter(pk=reward.pk).update(stock=F("stock") - 1)
            _write(
                locked,
                kind=Kind.REDEMPTION,
                points=-reward.points,
                source=redemption.source,
                rule="redemption",
                by=locked.user,
                on=day,
                now=now,
            )
    except IntegrityError:
        # The same form at the same instant: the token's unique constraint held.
        raise AlreadyDone(_("This redemption was already received; it was counted once.")) from None
    return redemption


def hand_over(redemption, *, by, now=None):
    with transaction.atomic():
        current = Redemption.objects.select_for_update().get(pk=redemption.pk)
        if current.status != Redemption.Status.REQUESTED:
            return False
        current.status = Redemption.Status.HANDED_OVER
        current.closed_at = now or timezone.now()
        current.closed_by = by
        current.save(update_fields=["status", "closed_at", "closed_by"])
    redemption.refresh_from_db()
    return True


def cancel_redemption(redemption, *, by, reason, now=None):
    """Refund the points (a reversal) and return the reward to stock."""
    reason = (reason or "").strip()
    if not reason:
        raise PointsError(_("Give a reason for cancelling."))
    with transaction.atomic():
        Volunteer.objects.select_for_update().get(pk=redemption.volunteer_id)
        current = Redemption.objects.select_for_update().get(pk=redemption.pk)
        if current.status != Redemption.Status.REQUESTED:
            raise PointsError(_("Only a redemption that has not been handed over can be cancelled."))
        entry = PointsEntry.objects.select_related("volunteer").get(kind=Kind.REDEMPTION, source=current.source)
        entry._cancelling = True
        reverse(entry, by=by, reason=reason, now=now)
        RewardItem.objects.filter(pk=current.item_id).update(stock=F("stock") + 1)
        current.status = Redemption.Status.CANCELLED
        current.closed_at = now or timezone.now()
        current.closed_by = by
        current.cancel_reason = reason[:200]
        current.save(update_fields=["status", "closed_at", "closed_by", "cancel_reason"])
    redemption.refresh_from_db()


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
