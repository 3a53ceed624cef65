"""The three rates (三率) and the statistics: the one home of how they are counted.

- response rate: dispatched within TRIAGE_HOURS of arriving, over all dispatched plus those
  still waiting longer than that;
- on-time resolution rate: resolved by the deadline (a granted extension moved it), over all resolved;
- satisfaction rate: 满意 + 基本满意 over rated (not rated is not satisfied, and not counted);
- average and median time from dispatch to resolution; overdue now; extensions granted.

A report merged into another (the same problem, issues.workflow's MERGE) is counted once, as that
other one: the figures read Report.objects.counted().

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

from beefeed import generations
from beefeed.display import month_label
from issues import deadlines
from issues.models import IN_HAND, ON_TIME, Assist, Category, ExtensionRequest, Rating, RejectReason, Report, State

SOLVED = [State.RESOLVED, State.PUBLISHED]
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


def _aggregates(now):
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


def _median_filter():
    return Q(state__in=SOLVED, dispatched_at__isnull=False, resolved_at__isnull=False)


def _median(reports):
    """The middle duration of `reports` (solved ones), found by the database: one query."""
    durations = (
        reports.filter(_median_filter()).annotate(took=_duration()).order_by("took").values_list("took", flat=True)
    )
    count = durations.count()
    if not count:
        return None
    middle = list(durations[(count - 1) // 2 : count // 2 + 1])  # one value, or the two middle ones
    return sum(middle, datetime.timedelta()) / len(middle)


def _medians_by_group(reports, group):
    """{group value: median duration} of the solved `reports`, in one query whatever the number
    of groups (the databases without percentile_cont: SQLite, the embedded run)."""
    durations = defaultdict(list)
    rows = reports.filter(_median_filter()).annotate(took=_duration(), group=group).values_list("group", "took")
    for value, took in rows:
        durations[value].append(took)
    medians = {}
    for value, took in durations.items():
        took.sort()
        middle = took[(len(took) - 1) // 2 : len(took) // 2 + 1]  # one value, or the two middle ones
        medians[value] = sum(middle, datetime.timedelta()) / len(middle)
    return medians


def breakdown(dimension, reports=None, now=None):
    """[Row, …] for each organization / category / community / month."""
    now = now or timezone.now()
    reports = Report.objects.counted() if reports is None else reports
    key, label = DIMENSIONS[dimension]
    if dimension == "month":
        month = TruncMonth("created_at", tzinfo=timezone.get_default_timezone())
        grouped = reports.annotate(month=month)
        values = grouped.values("month")
    else:
        grouped = reports.filter(**{f"{key}__isnull": False})
        values = grouped.values(key, label)
    rows = []
    for data in values.annotate(**_aggregates(now)).order_by(key if dimension == "month" else label):
        group_key = data.pop(key)
        group_label = month_label(group_key) if dimension == "month" else data.pop(label)
        rows.append(Row(key=group_key, label=group_label, **data))
    if not _median_in_aggregate():
        medians = _medians_by_group(grouped, month if dimension == "month" else F(key))
        for row in rows:
            row.median = medians.get(row.key)
    return rows


def overall(reports=None, now=None):
    now = now or timezone.now()
    reports = Report.objects.counted() if reports is None else reports
    data = reports.aggregate(**_aggregates(now))
    row = Row(key=None, label="", **data)
    if not _median_in_aggregate():
        row.median = _median(reports)
    return row


def public_figures():
    """Everything /stats/ shows, computed once per change of the reports (and at most 5 minutes old)."""

    def compute():
        now = timezone.now()
        figures = {dimension: breakdown(dimension, now=now) for dimension in DIMENSIONS}
        figures.update(overall=overall(now=now), campaigns=list(campaigns()), categories=Category.objects.count())
        figures["assists"] = assists()
        return figures

    return generations.cached("reports", "public-stats", compute, timeout=300)


def assists(reports=None):
    """Joint handling (协办) beside the figures: per assisting organization, the reports it assisted
    with and how many of those are solved. The figures above count each report for its lead only."""
    reports = Report.objects.counted() if reports is None else reports
    return list(
        Assist.objects.filter(report__in=reports)
        .values("organization_id", "organization__name")
        .annotate(
            assisted=Count("report", distinct=True),
            solved=Count("report", filter=Q(report__state__in=SOLVED), distinct=True),
        )
        .order_by("-assisted", "organization__name")
    )


def bars(rows, value="received"):
    """Rows with the width (in % of the largest) of a bar for `value`."""
    largest = max((getattr(row, value) or 0 for row in rows), default=0)
    return [(row, round(100 * (getattr(row, value) or 0) / largest) if largest else 0) for row in rows]


def campaigns():
    from issues.models import Campaign

    counted = ~Q(reports__reject_reason=RejectReason.MERGED)  # a merged report is counted as its original
    return Campaign.objects.annotate(
        received=Count("reports", filter=counted, distinct=True),
        solved=Count("reports", filter=Q(reports__state__in=SOLVED), distinct=True),
        published=Count("reports", filter=Q(reports__state=State.PUBLISHED), distinct=True),
    ).order_by("-starts_on")


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
    }
