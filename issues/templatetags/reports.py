"""The reports' parts of the volunteer and station pages: `{% load reports %}` in their templates.

`volunteers` and `stations` do not import `issues`; their templates load these tags instead.
"""

from django import template
from django.urls import reverse

from issues.models import Report
from issues.queries import local_day_bounds

register = template.Library()


@register.simple_tag(takes_context=True)
def report_here_url(context, station, absolute=False):
    """Stations' "report a problem here" (page button and poster QR code): the courier's form, station filled in."""
    url = reverse("issues:report_new") + f"?station={station.pk}"
    return context["request"].build_absolute_uri(url) if absolute else url


@register.inclusion_tag("issues/_my_latest.html")
def latest_reports(volunteer):
    """On the volunteer's own page: their five latest reports and where each stands."""
    reports = volunteer.reports.select_related("category").order_by("-created_at")[:5]
    return {"reports": reports, "total": volunteer.reports.count()}


@register.inclusion_tag("issues/_sheet_section.html")
def community_reports(community, first_day, last_day):
    """On the quarterly publication sheet: every report from `community` made in the period, and how it
    ended — public-safe fields only."""
    start, end = local_day_bounds(first_day, last_day)
    reports = (
        Report.objects.counted()  # a report merged into another is that other one, listed once
        .filter(community=community, created_at__gte=start, created_at__lt=end)
        .select_related("category", "assignee")
        .order_by("created_at", "pk")
    )
    return {"reports": reports}
