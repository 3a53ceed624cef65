"""What the public sees of the points: closed quarters, shortened names, no phone numbers."""

from itertools import groupby

from volunteers.models import Quarter, QuarterTally


def closed_quarters():
    return Quarter.objects.order_by("-year", "-number")


def pick_quarter(quarters, key):
    """The quarter named by `key` ('2026Q3') among `quarters`, else the latest."""
    key = (key or "").strip().upper()
    for quarter in quarters:
        if quarter.key == key:
            return quarter
    return quarters.first()


def tallies_by_community(quarter, community=None):
    """[(community, [row, ...]), ...]; each row has only what may be published."""
    tallies = QuarterTally.objects.filter(quarter=quarter).select_related("community", "volunteer")
    if community is not None:
        tallies = tallies.filter(community=community)
    tallies = tallies.order_by("community__name", "-points", "volunteer_id")
    return [
        (
            org,
            [
                {
                    "name": row.volunteer.short_name,
                    "points": row.points,
                    "hours": row.hours,
                    "reports": row.reports,
                    "solved": row.solved,
                }
                for row in rows
            ],
        )
        for org, rows in groupby(tallies, key=lambda t: t.community)
    ]
