"""What a report earns its reporter, paid through the volunteers' ledger (`volunteers.ledger`).

Dispatched: the 城市环境问题反馈 item's points; solved and published: its bonus; re-checked by the
reporter (回访): POINTS_FOR_RECHECK; a co-reporter (同一问题共同上报: the same problem reported again and merged
into it): POINTS_FOR_CO_REPORT, once the report is dispatched. Every award names its report as
`report:{ref}`, so a report is paid at most once per rule, and a report found false (its awards taken
back) earns nothing more.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from volunteers import ledger
from volunteers.exceptions import PointsError
from volunteers.models import PointsEntry, ServiceItem
from volunteers.quarters import booking_day
from volunteers.service_items import REPORT_ITEM


def _source(report_ref):
    return f"report:{report_ref}"


def _award(volunteer, report_ref, *, rule, points, by, now):
    """Pay one rule for a report; nothing without a volunteer, an item or an amount, or once it was found false."""
    item = ServiceItem.objects.filter(code=REPORT_ITEM, active=True).first()
    if volunteer is None or item is None:
        return None
    amount = points(item)
    if not amount or ledger.was_reversed(volunteer, _source(report_ref)):
        return None
    return ledger.award(
        volunteer,
        item=item,
        source=_source(report_ref),
        rule=rule,
        points=amount,
        by=by,
        on=booking_day(now),
        now=now,
    )


def report_dispatched(volunteer, report_ref, *, by, now=None):
    """A dispatched report earns its reporter the 城市环境问题反馈 points."""
    return _award(volunteer, report_ref, rule="report", points=lambda item: item.points, by=by, now=now)


def report_published(volunteer, report_ref, *, by, now=None):
    """Publication of a solved report adds the item's bonus (not if its points were taken back as false)."""
    return _award(volunteer, report_ref, rule="report_published", points=lambda item: item.bonus_points, by=by, now=now)


def report_rechecked(volunteer, report_ref, *, by, now=None):
    """The reporter went back, re-checked the place and rated the result (回访): POINTS_FOR_RECHECK."""
    amount = settings.POINTS_FOR_RECHECK
    return _award(volunteer, report_ref, rule="recheck", points=lambda item: amount, by=by, now=now)


CO_REPORT = "co_report"


def co_reported(volunteer, report_ref, *, by, now=None):
    """同一问题共同上报: a co-reporter of a dispatched report earns POINTS_FOR_CO_REPORT, once per report, and
    never on top of that report's own points (its reporter is never its co-reporter, but the rule holds here)."""
    own = PointsEntry.objects.filter(volunteer=volunteer, kind=PointsEntry.Kind.AWARD, source=_source(report_ref))
    if own.exclude(rule=CO_REPORT).exists():
        return None
    amount = settings.POINTS_FOR_CO_REPORT
    return _award(volunteer, report_ref, rule=CO_REPORT, points=lambda item: amount, by=by, now=now)


def co_reporters_of(report, *, by, now=None):
    """Pay every co-reporter of a dispatched `report` (those paid before are paid nothing more)."""
    co_reporters = report.co_reporters.select_related("volunteer")
    return [co_reported(co.volunteer, report.pk, by=by, now=now) for co in co_reporters]


def reverse_co_report(volunteer, report_ref, *, by, reason, now=None):
    """Take back a co-reporter's points for `report_ref` (a co-report found false); nothing more is paid for it."""
    entries = PointsEntry.objects.filter(
        volunteer=volunteer, kind=PointsEntry.Kind.AWARD, source=_source(report_ref), rule=CO_REPORT
    )
    return [ledger.reverse(entry, by=by, reason=reason, now=now) for entry in entries.filter(reversed_by__isnull=True)]


def reverse_report(volunteer, report_ref, *, by, reason, now=None):
    """A dispatched report found false: take back what it earned, and it earns nothing more. Returns the reversals."""
    if volunteer is None:
        raise PointsError(_("This report has no volunteer reporter; there are no points to take back."))
    return ledger.reverse_awards(volunteer, source=_source(report_ref), by=by, reason=reason, now=now)
