"""The three rates (三率) and the statistics: the one home of how they are counted.

- response rate: dispatched within TRIAGE_HOURS of arriving, over all dispatched plus those
  still waiting longer than that;
- on-time resolution rate: resolved by the deadline (a granted extension moved it), over all resolved;
- satisfaction rate: 满意 + 基本满意 over rated (not rated is not satisfied, and not counted);
- average and median time from dispatch to resolution; overdue now; extensions granted.

A report merged into another (the same problem, issues.workflow's MERGE) is counted once, as that
other one: the figures read Report.objects.counted().

For a period (issues.periods: whole days in the district's time), each figure counts what
happened in it, by the moment it happened:

- received: reported (created) in the period; "categories" are those with a report received;
- dispatched / response rate: first dispatched in the period, plus those received in the period
  and still waiting past the triage time; responded: of those dispatched in the period, within
  the triage time of arriving;
- solved, on time, average and median time: resolved in the period (and not reopened since);
  on time means by the deadline;
- rated / satisfaction: the ratings of the reports solved in the period (a rating given before a
  reopening belongs to the earlier resolution and is not counted);
- overdue: the deadline fell in the period (up to now) and passed with the report unresolved;
- extensions: granted in the period;
- campaigns: those running on some day of the period, with their reports received and solved in it.

Without a period (the campaign pages, the legacy callers) the figures count all time and
"overdue" means overdue now.

Every figure is a database aggregation grouped by organization, category, community or
month. On PostgreSQL the median is part of the same aggregation (percentile_cont); elsewhere
it costs one extra query per group, never one per report.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Aggregate, Avg, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beefeed import generations
from beefeed.display import month_label
from issues import deadlines, periods
from issues.models import IN_HAND, ON_TIME, Assist, ExtensionRequest, Rating, RejectReason, Report, State
from stations.models import Pledge

SOLVED = [State.RESOLVED, State.PUBLISHED]
TIMELINE_TITLES = {"week": _("By week"), "month": _("By month"), "year": _("By year")}
REPORT_ROWS = 10  # the printable report's second page has room for this many communities and organizations
DIMENSIONS = {
    "organization": ("assignee_id", "assignee__name"),
    "category": ("category_id", "category__name"),
    "community": ("community_id", "community__name"),
    "month": ("month", None),
}


@dataclass
class Row:
    key: object
    label: str
    received: int
    dispatched: int
    responded: int
    solved: int
    on_time: int
    rated: int
    satisfied: int
    overdue: int
    extended: int
    average: datetime.timedelta | None
    median: datetime.timedelta | None = None

    @classmethod
    def empty(cls, key, label):
        """A group with nothing in it yet (an organization named by a campaign that has no report)."""
        zeros = dict.fromkeys(
            ["received", "dispatched", "responded", "solved", "on_time", "rated", "satisfied", "overdue", "extended"], 0
        )
        return cls(key=key, label=label, average=None, **zeros)

    @staticmethod
    def _rate(part, whole):
        return round(100 * part / whole, 1) if whole else None

    @property
    def response_rate(self):
        return self._rate(self.responded, self.dispatched)

    @property
    def not_rated(self):
        return max(0, self.solved - self.rated)

    @property
    def on_time_rate(self):
        return self._rate(self.on_time, self.solved)

    @property
    def satisfaction_rate(self):
        return self._rate(self.satisfied, self.rated)


def _duration():
    return ExpressionWrapper(F("resolved_at") - F("dispatched_at"), output_field=DurationField())


def _within(field, period):
    """`field` falls in the period (half-open: from its start up to, not including, its end)."""
    condition = Q(**{f"{field}__isnull": False})
    if period.start is not None:
        condition &= Q(**{f"{field}__gte": period.start})
    if period.end is not None:
        condition &= Q(**{f"{field}__lt": period.end})
    return condition


def _granted_in(period):
    granted = ExtensionRequest.objects.filter(report=OuterRef("pk"), status=ExtensionRequest.Status.GRANTED)
    return Exists(granted.filter(_within("decided_at", period)))


def _solved_in(period):
    return Q(state__in=SOLVED) & _within("resolved_at", period)


def _overdue_in(period, now):
    """The deadline fell in the period, before now, and passed with the report unresolved."""
    until = now if period.end is None else min(now, period.end)
    deadline = Q(deadline__isnull=False, deadline__lt=until)
    if period.start is not None:
        deadline &= Q(deadline__gte=period.start)
    unresolved = Q(resolved_at__isnull=True) | Q(resolved_at__gt=F("deadline"))
    return deadline & unresolved & ~Q(state__in=[State.SUBMITTED, State.REJECTED])


def _touching(period, now):
    """Reports with anything to count in the period: what a grouped query needs to read."""
    return (
        _within("created_at", period)
        | _within("dispatched_at", period)
        | _within("resolved_at", period)
        | _overdue_in(period, now)
        | Q(_granted_in(period))
    )


def _period_aggregates(now, period):
    triage = datetime.timedelta(hours=settings.TRIAGE_HOURS)
    received = _within("created_at", period)
    dispatched = _within("dispatched_at", period)
    solved = _solved_in(period)
    rated = solved & Q(rating__created_at__gte=F("resolved_at"))
    waiting = received & Q(state=State.SUBMITTED, created_at__lt=now - triage)
    return {
        "received": Count("id", filter=received),
        "dispatched": Count("id", filter=dispatched | waiting),
        "responded": Count("id", filter=dispatched & Q(dispatched_at__lte=F("created_at") + triage)),
        "solved": Count("id", filter=solved),
        "on_time": Count("id", filter=solved & ON_TIME),
        "rated": Count("rating", filter=rated),
        "satisfied": Count("rating", filter=rated & Q(rating__score__in=[Rating.Score.SATISFIED, Rating.Score.FAIRLY])),
        "overdue": Count("id", filter=_overdue_in(period, now)),
        "extended": Count("id", filter=Q(_granted_in(period))),
        "average": Avg(_duration(), filter=solved & Q(dispatched_at__isnull=False)),
        **({"median": _Median(_duration(), filter=_median_filter(period))} if _median_in_aggregate() else {}),
    }


def _aggregates(now, period=None):
    if period is not None:
        return _period_aggregates(now, period)
    triage = datetime.timedelta(hours=settings.TRIAGE_HOURS)
    solved = Q(state__in=SOLVED)
    granted = ExtensionRequest.objects.filter(report=OuterRef("pk"), status=ExtensionRequest.Status.GRANTED)
    # Each report is one row: the only join is its rating (one-to-one), so no DISTINCT (which sorts every group).
    return {
        "received": Count("id"),
        # Reports still waiting past the triage time count against the response rate too.
        "dispatched": Count(
            "id",
            filter=Q(dispatched_at__isnull=False) | Q(state=State.SUBMITTED, created_at__lt=now - triage),
        ),
        "responded": Count("id", filter=Q(dispatched_at__lte=F("created_at") + triage)),
        "solved": Count("id", filter=solved),
        "on_time": Count("id", filter=solved & ON_TIME),
        "rated": Count("rating"),
        "satisfied": Count("rating", filter=Q(rating__score__in=[Rating.Score.SATISFIED, Rating.Score.FAIRLY])),
        "overdue": Count("id", filter=Q(state__in=IN_HAND, deadline__lt=now)),
        # A subquery, not a join: a report with two requests must not count twice in the average.
        "extended": Count("id", filter=Q(Exists(granted))),
        "average": Avg(_duration(), filter=solved & Q(dispatched_at__isnull=False)),
        **({"median": _Median(_duration(), filter=_median_filter())} if _median_in_aggregate() else {}),
    }


class _Median(Aggregate):
    """The middle value (the mean of the two middle ones for an even count), PostgreSQL only."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _median_in_aggregate():
    return connection.vendor == "postgresql"


def _median_filter(period=None):
    solved = Q(state__in=SOLVED, dispatched_at__isnull=False, resolved_at__isnull=False)
    return solved if period is None else solved & _within("resolved_at", period)


def _median(reports, period=None):
    """The middle duration of `reports` (solved ones), found by the database: one query."""
    durations = (
        reports.filter(_median_filter(period))
        .annotate(took=_duration())
        .order_by("took")
        .values_list("took", flat=True)
    )
    count = durations.count()
    if not count:
        return None
    middle = list(durations[(count - 1) // 2 : count // 2 + 1])  # one value, or the two middle ones
    return sum(middle, datetime.timedelta()) / len(middle)


def _medians_by_group(reports, group, period=None):
    """{group value: median duration} of the solved `reports`, in one query whatever the number
    of groups (the databases without percentile_cont: SQLite, the embedded run)."""
    durations = defaultdict(list)
    rows = reports.filter(_median_filter(period)).annotate(took=_duration(), group=group).values_list("group", "took")
    for value, took in rows:
        durations[value].append(took)
    return {value: _middle(took) for value, took in durations.items()}


def _middle(durations):
    """The median of a list of durations (the mean of the two middle ones for an even count)."""
    durations = sorted(durations)
    middle = durations[(len(durations) - 1) // 2 : len(durations) // 2 + 1]  # one value, or the two middle ones
    return sum(middle, datetime.timedelta()) / len(middle)


def breakdown(dimension, reports=None, now=None, period=None):
    """[Row, …] for each organization / category / community / month (the month of arrival; with a
    period, the period's weeks, months or years: see `timeline`)."""
    now = now or timezone.now()
    reports = Report.objects.counted() if reports is None else reports
    if dimension == "month" and period is not None:
        return timeline(period, reports=reports, now=now)
    key, label = DIMENSIONS[dimension]
    if period is not None:
        reports = reports.filter(_touching(period, now))
    if dimension == "month":
        month = TruncMonth("created_at", tzinfo=timezone.get_default_timezone())
        grouped = reports.annotate(month=month)
        values = grouped.values("month")
    else:
        grouped = reports.filter(**{f"{key}__isnull": False})
        values = grouped.values(key, label)
    rows = []
    for data in values.annotate(**_aggregates(now, period)).order_by(key if dimension == "month" else label):
        group_key = data.pop(key)
        group_label = month_label(group_key) if dimension == "month" else data.pop(label)
        rows.append(Row(key=group_key, label=group_label, **data))
    if not _median_in_aggregate():
        medians = _medians_by_group(grouped, month if dimension == "month" else F(key), period)
        for row in rows:
            row.median = medians.get(row.key)
    return rows


def _timeline_period(period, reports, today):
    """The period a timeline covers: for all time, from the month of the first report."""
    if period.first is not None:
        return period
    first = reports.order_by("created_at").values_list("created_at", flat=True).first()
    start = timezone.localdate(first).replace(day=1) if first is not None else today
    return periods.Period("range", start, today, "")


def timeline(period, reports=None, now=None):
    """[Row, …] for each week, month or year of the period (issues.periods.Period.buckets), each
    counted as a period of its own: a report resolved in November counts in November's row
    whenever it arrived. One aggregation for all the buckets (and, without percentile_cont,
    one more query for their medians), whatever the number of reports."""
    now = now or timezone.now()
    reports = Report.objects.counted() if reports is None else reports
    today = timezone.localdate(now)
    whole = _timeline_period(period, reports, today)
    buckets = whole.buckets(today)
    if not buckets:
        return []
    reports = reports.filter(_touching(whole, now))
    aggregates = {}
    for index, bucket in enumerate(buckets):
        for name, aggregate in _period_aggregates(now, bucket).items():
            aggregates[f"b{index}_{name}"] = aggregate
    data = reports.aggregate(**aggregates)
    rows = []
    for index, bucket in enumerate(buckets):
        prefix = f"b{index}_"
        values = {name.removeprefix(prefix): value for name, value in data.items() if name.startswith(prefix)}
        rows.append(Row(key=bucket.first, label=bucket.label, **values))
    if not _median_in_aggregate():
        durations = defaultdict(list)
        solved = reports.filter(_median_filter(whole)).annotate(took=_duration()).values_list("resolved_at", "took")
        for resolved_at, took in solved:
            day = timezone.localdate(resolved_at)
            # The buckets stop today; the period (this quarter) may not.
            index = next((i for i, bucket in enumerate(buckets) if bucket.first <= day <= bucket.last), None)
            if index is not None:
                durations[index].append(took)
        for index, took in durations.items():
            rows[index].median = _middle(took)
    return rows


def overall(reports=None, now=None, period=None):
    now = now or timezone.now()
    reports = Report.objects.counted() if reports is None else reports
    if period is not None:
        reports = reports.filter(_touching(period, now))
    data = reports.aggregate(**_aggregates(now, period))
    row = Row(key=None, label="", **data)
    if not _median_in_aggregate():
        row.median = _median(reports, period)
    return row


def count_by_community(reports):
    """[(community id, community name, number of `reports`), …], most first: the counts per
    community beside a map or a list, for whatever reports the caller chose. One query."""
    rows = (
        reports.filter(community__isnull=False)
        .values_list("community_id", "community__name")
        .annotate(n=Count("id"))
        .order_by("-n", "community__name")
    )
    return list(rows)


def top_problems_by_community(period, reports=None, per_community=3, now=None):
    """[(community name, received in the period, [(category name, count), …]), …]: each
    community's most frequent problems (categories) among the reports received in the period,
    busiest community first. One query."""
    reports = Report.objects.counted() if reports is None else reports
    rows = (
        reports.filter(_within("created_at", period), community__isnull=False)
        .values_list("community__name", "category__name")
        .annotate(n=Count("id"))
        .order_by("community__name", "-n", "category__name")
    )
    communities = defaultdict(list)
    for community, category, n in rows:
        communities[community].append((category, n))
    result = [(name, sum(n for _category, n in cats), cats[:per_community]) for name, cats in communities.items()]
    return sorted(result, key=lambda item: (-item[1], item[0]))


def period_figures(period):
    """Everything /stats/, its export and its printable report show for `period`, computed once per
    change of the reports and period (and at most 5 minutes old: "overdue" moves with the clock)."""

    def compute():
        now = timezone.now()
        figures = {dimension: breakdown(dimension, now=now, period=period) for dimension in DIMENSIONS}
        campaigns_in_period = list(campaigns(period))
        today = timezone.localdate(now)
        figures.update(
            unit=_timeline_period(period, Report.objects.counted(), today).unit(today),
            overall=overall(now=now, period=period),
            campaigns=campaigns_in_period,
            categories=sum(1 for row in figures["category"] if row.received),
            top_problems=top_problems_by_community(period),
            assists=assists(period),
        )
        return figures

    return generations.cached("reports", f"period-stats:{period.key}", compute, timeout=300)


def assists(period=None):
    """Joint handling (协办) beside the figures: per assisting organization, the reports it assisted
    with (asked in the period, if one is given) and how many of those are solved. The figures above
    count each report for its lead only."""
    found = Assist.objects.filter(report__in=Report.objects.counted())
    if period is not None:
        if period.start is not None:
            found = found.filter(added_at__gte=period.start)
        if period.end is not None:
            found = found.filter(added_at__lt=period.end)
    return list(
        found.values("organization_id", "organization__name")
        .annotate(
            assisted=Count("report", distinct=True),
            solved=Count("report", filter=Q(report__state__in=SOLVED), distinct=True),
        )
        .order_by("-assisted", "organization__name")
    )


def bars(rows):
    """[(row, received width, solved width), …]: bar widths in % of the largest figure. In a period
    a row may solve more than it received (reports that arrived earlier), so both share one scale."""
    largest = max((max(row.received or 0, row.solved or 0) for row in rows), default=0)

    def width(value):
        return round(100 * (value or 0) / largest) if largest else 0

    return [(row, width(row.received), width(row.solved)) for row in rows]


def campaigns(period=None):
    """The campaigns with their reports received, solved and published; with a period, those running
    on some day of it, with their reports received and solved in it."""
    from issues.models import Campaign

    counted = ~Q(reports__reject_reason=RejectReason.MERGED)  # a merged report is counted as its original
    received, solved = counted, Q(reports__state__in=SOLVED)
    found = Campaign.objects.all()
    if period is not None:
        if period.last is not None:
            found = found.filter(starts_on__lte=period.last)
        if period.first is not None:
            found = found.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period.first))
        received &= _prefixed(_within("created_at", period))
        solved &= _prefixed(_within("resolved_at", period))
    return found.annotate(
        received=Count("reports", filter=received, distinct=True),
        solved=Count("reports", filter=solved, distinct=True),
        published=Count("reports", filter=Q(reports__state=State.PUBLISHED), distinct=True),
    ).order_by("-starts_on")


def _prefixed(condition):
    """A Q on a report's fields, read from a campaign (through its `reports`)."""
    children = [
        _prefixed(child) if isinstance(child, Q) else (f"reports__{child[0]}", child[1]) for child in condition.children
    ]
    return Q(*children, _connector=condition.connector, _negated=condition.negated)


def coordinator_dashboard(now=None):
    """What a coordinator must look at now (the admin's front page)."""
    now = now or timezone.now()
    late_triage = now - datetime.timedelta(hours=settings.TRIAGE_HOURS)
    overdue = (
        Report.objects.overdue(now)
        .values("assignee_id", "assignee__name")
        .annotate(n=Count("id"))
        .order_by("-n", "assignee__name")
    )
    return {
        "overdue_by_organization": list(overdue),
        "overdue_total": sum(row["n"] for row in overdue),
        "due_today": Report.objects.due_today(now).count(),
        "waiting_for_triage": Report.objects.filter(state=State.SUBMITTED).count(),
        "waiting_too_long": Report.objects.filter(state=State.SUBMITTED, created_at__lt=late_triage).count(),
        "returned": Report.objects.filter(state=State.RETURNED).count(),
        "calendar_gaps": deadlines.calendar_gaps(now),
        "extensions_pending": ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING).count(),
        "dissatisfied_to_review": Rating.objects.filter(
            score=Rating.Score.DISSATISFIED, reviewed_at__isnull=True
        ).count(),
        # Firms and neighbours who offered a station something wait for a coordinator's answer.
        "pledges_new": Pledge.objects.filter(state=Pledge.State.NEW).count(),
    }
