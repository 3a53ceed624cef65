"""What the reports app adds to the pages of the apps below it (volunteers, stations)."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from issues.models import Report
from issues.queries import local_day_bounds
from volunteers.access import volunteer_of
from volunteers.models import QuarterTally
from volunteers.publication import tallies_by_community


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


def report_here_url(station):
    """Stations' "report a problem here": the courier's form with the station filled in."""
    return reverse("issues:report_new") + f"?station={station.pk}"


def checkin_refusal(user):
    """Only approved volunteers check in at a station (a visit counts them as served)."""
    volunteer = volunteer_of(user)
    if volunteer is None:
        return _("Check-in is for little bees volunteers. Join the team first, then scan again.")
    if not volunteer.is_approved:
        return _("Your volunteer account is not approved yet; check-in opens after approval.")
    return None


def station_points(request, *, station):
    """On a station's page: its community's latest published quarterly points (names shortened)."""
    quarter = QuarterTally.objects.filter(community=station.community).order_by("-quarter__year", "-quarter__number")
    latest = quarter.select_related("quarter").first()
    if latest is None:
        return ""
    groups = tallies_by_community(latest.quarter, station.community)
    return render_to_string(
        "issues/_station_points.html",
        {"quarter": latest.quarter, "community": station.community, "rows": groups[0][1][:10] if groups else []},
        request=request,
    )


def personal_data(request, *, volunteer):
    """For the volunteer's own data download: their reports, ratings and station check-ins."""
    from stations.models import Visit

    reports = volunteer.reports.select_related("category", "community").order_by("created_at")
    return {
        "reports": [
            {
                "reference": r.reference,
                "received": r.created_at,
                "category": r.category.name,
                "community": r.community.name,
                "description": r.description,
                "address": r.address,
                "latitude": r.latitude,
                "longitude": r.longitude,
                "state": r.get_state_display(),
            }
            for r in reports
        ],
        "ratings": [
            {"report": r.reference, "rating": r.rating.get_score_display(), "comment": r.rating.comment}
            for r in reports.filter(rating__isnull=False).select_related("rating")
        ],
        "station_check_ins": [
            {"station": v.station.name, "when": v.at, "service": v.get_service_display()}
            for v in Visit.objects.filter(user=volunteer.user).select_related("station")
        ],
    }
