"""Reports and the three rates as tables for the district office (see beefeed.spreadsheets).

Internal exports carry what the admin shows, but never a phone number or a reporter's full name.
"""

from django.utils.translation import gettext as _

from issues import stats
from issues.models import Rating, Report, State
from volunteers.models import public_name

# The most reports one Excel export takes (a CSV takes any number: it streams).
XLSX_MAX_ROWS = 50_000


def report_table(reports):
    """The headers and the rows of `reports`, oldest first. The rows are a generator that reads the
    reports 2,000 at a time as it is consumed, so a streamed export never holds them all."""
    headers = [
        _("No."),
        _("Received at"),
        _("Category"),
        _("Community"),
        _("Address"),
        _("Description"),
        _("State"),
        _("Handled by"),
        _("Dispatched"),
        _("Deadline"),
        _("Resolved"),
        _("On time"),
        _("Rating"),
        _("Campaign"),
        _("Reporter"),
    ]
    # Labels are looked up once, in the request's language: the rows are read later, while the file
    # is written or streamed, and a choice's display looked up per row costs a translation each time.
    states = {value: str(label) for value, label in State.choices}
    scores = {value: str(label) for value, label in Rating.Score.choices}
    yes, no = _("yes"), _("no")
    reports = (
        reports.prefetch_related(None)  # the admin list prefetches photos; the table shows none
        .order_by("created_at", "pk")
        .values_list(  # plain values, not model instances: about a third of the time
            "pk",
            "created_at",
            "category__name",
            "community__name",
            "address",
            "description",
            "state",
            "assignee__name",
            "dispatched_at",
            "deadline",
            "resolved_at",
            "rating__score",
            "campaign__name",
            "reporter_id",
            "reporter__name",
            "reporter__erased_at",
            named=True,
        )
    )

    def rows():
        for r in reports.iterator(chunk_size=2000):
            on_time = {None: "", True: yes, False: no}[Report.resolved_by_deadline(r.resolved_at, r.deadline)]
            yield [
                Report.reference_for(r.pk),
                r.created_at,
                r.category__name,
                r.community__name,
                r.address,
                r.description,
                states.get(r.state, r.state),
                r.assignee__name or "",
                r.dispatched_at,
                r.deadline,
                r.resolved_at,
                on_time,
                scores.get(r.rating__score, r.rating__score) if r.rating__score else "",
                r.campaign__name or "",
                public_name(r.reporter__name, erased_at=r.reporter__erased_at) if r.reporter_id else "",
            ]

    return headers, rows()


def _hours(delta):
    return round(delta.total_seconds() / 3600, 1) if delta else None


def _rates_headers():
    return [
        _("Received"),
        _("Dispatched"),
        _("Response rate %"),
        _("Solved"),
        _("On-time rate %"),
        _("Rated"),
        _("Satisfaction %"),
        _("Median hours to resolve"),
        _("Went overdue"),
        _("Extensions granted"),
    ]


def _rates_cells(row):
    return [
        row.received,
        row.dispatched,
        row.response_rate,
        row.solved,
        row.on_time_rate,
        row.rated,
        row.satisfaction_rate,
        _hours(row.median),
        row.overdue,
        row.extended,
    ]


def _dimension_names(period):
    return {
        "organization": _("Handling organization"),
        "category": _("Category"),
        "community": _("Community"),
        "month": str(stats.TIMELINE_TITLES[stats.period_figures(period)["unit"]]),
    }


def rates_table(period):
    """The three rates of `period` by organization, category, community and week or month, one table."""
    figures = stats.period_figures(period)
    rows = []
    for dimension, name in _dimension_names(period).items():
        for row in figures[dimension]:
            rows.append([name, str(row.label), *_rates_cells(row)])
    return [_("Grouped by"), _("Group"), *_rates_headers()], rows


def period_sheets(period):
    """The figures of `period` as sheets for beefeed.spreadsheets.workbook: the whole period first,
    then one sheet per dimension, the campaigns, and each community's most frequent problems."""
    figures = stats.period_figures(period)
    overall = figures["overall"]
    summary = [
        [_("Period"), str(period.label)],
        [_("First day"), period.first],
        [_("Last day"), period.last],
        [_("Categories"), figures["categories"]],
        [_("Campaigns"), len(figures["campaigns"])],
        *[[header, value] for header, value in zip(_rates_headers(), _rates_cells(overall), strict=True)],
    ]
    sheets = [(_("Overview"), [_("Figure"), _("Value")], summary)]
    for dimension, name in _dimension_names(period).items():
        rows = [[str(row.label), *_rates_cells(row)] for row in figures[dimension]]
        sheets.append((name, [name, *_rates_headers()], rows))
    sheets.append(
        (
            _("Campaigns"),
            [_("Campaign"), _("Starts on"), _("Ends on"), _("Received"), _("Solved")],
            [[c.name, c.starts_on, c.ends_on, c.received, c.solved] for c in figures["campaigns"]],
        )
    )
    sheets.append(
        (
            _("Frequent problems"),
            [_("Community"), _("Received"), _("Category"), _("Number of reports")],
            [
                [community, received, category, n]
                for community, received, categories in figures["top_problems"]
                for category, n in categories
            ],
        )
    )
    return sheets
