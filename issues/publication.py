"""What the reports add to the volunteers' pages: the publication sheet (公示) and /me/."""

from django.template.loader import render_to_string

from issues.models import Report
from issues.queries import local_day_bounds


def sheet_section(request, *, community, first_day, last_day):
    """Every report from `community` made in the period, and how it ended — public-safe fields only."""
    start, end = local_day_bounds(first_day, last_day)
    reports = (
        Report.objects.filter(community=community, created_at__gte=start, created_at__lt=end)
        .select_related("category", "assignee")
        .order_by("created_at", "pk")
    )
    return render_to_string("issues/_sheet_section.html", {"reports": reports}, request=request)


def my_latest_reports(request, *, volunteer):
    """On the volunteer's own page: their five latest reports and where each stands."""
    reports = volunteer.reports.select_related("category").order_by("-created_at")[:5]
    return render_to_string(
        "issues/_my_latest.html", {"reports": reports, "total": volunteer.reports.count()}, request=request
    )
