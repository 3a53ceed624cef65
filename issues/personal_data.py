"""The reports app's part of a volunteer's data copy and erasure (`volunteers.personal_data`):
receivers of beefeed.signals.collect_personal_data and erase_personal_data, connected in IssuesConfig.ready."""

from django.conf import settings
from django.utils import translation

from beefeed import generations
from issues.models import ExtensionRequest, Rating, Report, ReportEvent, State, SupervisionNotice
from volunteers.personal_data import delete_files_on_commit


def personal_data(sender, *, volunteer, **kwargs):
    """For the volunteer's own data download: their reports and ratings."""
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
        # The same problem reported first by someone else: their report was merged into it.
        "co_reports": [
            {
                "report": co.report.reference,
                "merged_report": co.merged_report.reference if co.merged_report else "",
                "merged": co.created_at,
            }
            for co in volunteer.co_reports.select_related("report", "merged_report").order_by("created_at")
        ],
    }


# A rejected report is never published: its spot is kept only to ~100 m (3 decimals of a degree).
ERASED_SPOT_DECIMALS = 3


def erase_personal_data(sender, *, volunteer, redact, **kwargs):
    """A volunteer deleted the account (`volunteers.personal_data.erase`): what the reports app holds, without them.

    Reports stay, attributed to the anonymous husk: the problem is not the person, and the handlers,
    the board and the books need it. Their texts lose the person's name and number; a rejected
    report, which will never be public, keeps its place only to ~100 m (the reporter's exact spot
    could show their route). Ratings keep their score and lose comment and photo; the "rated" note
    keeps the score only. Rows that are otherwise never changed (timeline events) are written with
    QuerySet.update on purpose.
    """
    ratings = Rating.objects.filter(volunteer=volunteer)
    delete_files_on_commit([rating.photo.name for rating in ratings if rating.photo])
    ratings.update(comment="", photo="")
    for report in Report.objects.filter(reporter=volunteer):
        fields = {
            name: redact(getattr(report, name))
            for name in ("description", "public_description", "address", "resolution_note")
        }
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
