"""Reports and the three rates as tables for the district office (see beefeed.spreadsheets).

Internal exports carry what the admin shows, but never a phone number or a reporter's full name.
"""

from django.utils.translation import gettext as _

from issues import stats


def report_table(reports):
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
    reports = reports.select_related("category", "community", "assignee", "campaign", "reporter", "rating")
    rows = []
    for r in reports.order_by("created_at", "pk").iterator(chunk_size=2000):
        rating = r.rating_or_none
        on_time = "" if not (r.resolved_at and r.deadline) else (_("yes") if r.resolved_at <= r.deadline else _("no"))
        rows.append(
            [
                r.reference,
                r.created_at,
                r.category.name,
                r.community.name,
                r.address,
                r.description,
                r.get_state_display(),
                r.assignee.name if r.assignee else "",
                r.dispatched_at,
                r.deadline,
                r.resolved_at,
                on_time,
                rating.get_score_display() if rating else "",
                r.campaign.name if r.campaign else "",
                r.reporter.short_name if r.reporter else "",
            ]
        )
    return headers, rows


def rates_table():
    """The three rates by organization, category, community and month, one table."""
    headers = [
        _("Grouped by"),
        _("Group"),
        _("Received"),
        _("Dispatched"),
        _("Response rate %"),
        _("Solved"),
        _("On-time rate %"),
        _("Rated"),
        _("Satisfaction %"),
        _("Median hours to resolve"),
        _("Overdue now"),
        _("Extensions granted"),
    ]
    names = {
        "organization": _("Handling organization"),
        "category": _("Category"),
        "community": _("Community"),
        "month": _("Month"),
    }
    rows = []
    for dimension, name in names.items():
        for row in stats.breakdown(dimension):
            rows.append(
                [
                    name,
                    row.label,
                    row.received,
                    row.dispatched,
                    row.response_rate,
                    row.solved,
                    row.on_time_rate,
                    row.rated,
                    row.satisfaction_rate,
                    round(row.median.total_seconds() / 3600, 1) if row.median else None,
                    row.overdue,
                    row.extended,
                ]
            )
    return headers, rows
