"""What the reports app adds to the apps below it (volunteers, stations): parts of their pages,
and its part of a volunteer's data copy and erasure."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from beefeed import generations
from issues.models import ExtensionRequest, Rating, Report, ReportEvent, State, SupervisionNotice
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


# A rejected report is never published: its spot is kept only to ~100 m (3 decimals of a degree).
ERASED_SPOT_DECIMALS = 3


def erase_personal_data(volunteer, *, redact, now):
    """A volunteer deleted the account (`volunteers.personal_data.erase`): what the reports app holds, without them.

    Reports stay, attributed to the anonymous husk: the problem is not the person, and the handlers,
    the board and the books need it. Their texts lose the person's name and number; a rejected
    report, which will never be public, keeps its place only to ~100 m (the reporter's exact spot
    could show their route). Ratings keep their score and lose comment and photo; the "rated" note
    keeps the score only. Station check-ins stay counted, no longer linked to the account.
    Rows that are otherwise never changed (timeline events) are written with QuerySet.update on purpose.
    """
    from stations.models import Visit
    from volunteers.personal_data import delete_files_on_commit

    Visit.objects.filter(user=volunteer.user).update(user=None)
    ratings = Rating.objects.filter(volunteer=volunteer)
    delete_files_on_commit([rating.photo.name for rating in ratings if rating.photo])
    ratings.update(comment="", photo="")
    for report in Report.objects.filter(reporter=volunteer):
        fields = {name: redact(getattr(report, name)) for name in ("description", "address", "resolution_note")}
        if report.state == State.REJECTED and report.latitude is not None:
            fields["latitude"] = round(report.latitude, ERASED_SPOT_DECIMALS)
            fields["longitude"] = round(report.longitude, ERASED_SPOT_DECIMALS)
            fields["address"] = ""
        Report.objects.filter(pk=report.pk).update(**fields)
    _rewrite(ReportEvent.objects.filter(report__reporter=volunteer).exclude(action="rated"), redact, "note")
    _rewrite(ReportEvent.objects.filter(report__reporter=volunteer, action="rated"), _score_only, "note")
    _rewrite(ExtensionRequest.objects.filter(report__reporter=volunteer), redact, "reason", "decision_note")
    _rewrite(SupervisionNotice.objects.filter(report__reporter=volunteer), redact, "subject", "body")
    generations.changed("reports")


def _rewrite(rows, change, *names):
    for row in rows.only("pk", *names):
        fields = {name: change(getattr(row, name)) for name in names}
        if any(fields[name] != getattr(row, name) for name in names):
            type(row).objects.filter(pk=row.pk).update(**fields)


def _score_only(note):
    """A "rated" note is the score's label and the reporter's comment: keep the label (in either language)."""
    labels = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            labels += [str(label) for label in Rating.Score.labels]
    return max((label for label in labels if note.startswith(label)), key=len, default="")
