"""Merging a new report into an open one of the same problem (the MERGE move is issues.workflow's):
what the coordinator's form starts with, and who reported a problem."""

from issues.models import Report
from issues.queries import possible_duplicates


def suggested_original(report, user):
    """The first of the report's "possible duplicates" the user may see, preferring one reported before
    it (the original), as a reference for the merge form; "" when there is none."""
    found = possible_duplicates(
        among=Report.objects.visible_to(user),
        category_id=report.category_id,
        latitude=report.latitude,
        longitude=report.longitude,
        exclude_pk=report.pk,
        now=report.created_at,
    )
    earlier = [r for r in found if r.created_at <= report.created_at]
    first = (earlier or found or [None])[0]
    return first.reference if first else ""


def couriers_count(report):
    """How many couriers reported the problem: its reporter and its co-reporters (no names)."""
    return (1 if report.reporter_id else 0) + report.co_reporters.count()
