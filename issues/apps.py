from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = _("Reports")

    def ready(self):
        from beefeed import generations, mediafiles, privatemedia
        from beefeed.models import Organization
        from issues import photo_access, publication, retention
        from issues.models import Campaign, Category, ExtensionRequest, Rating, Report, ReportPhoto, TriageReport
        from issues.queries import reports_per_volunteer
        from stations import hooks
        from volunteers import counters

        counters.register(reports_per_volunteer)
        counters.register_section("sheet", publication.sheet_section)
        counters.register_section("me", publication.my_latest_reports)
        counters.register_section("data", publication.personal_data)
        counters.register_eraser(publication.erase_personal_data)
        hooks.register("report_url", publication.report_here_url)
        hooks.register("checkin_refusal", publication.checkin_refusal)
        hooks.register_section(publication.station_points)
        privatemedia.protect("reports/", photo_access.report_photo_access)
        privatemedia.protect("ratings/", photo_access.rating_photo_access)
        mediafiles.register_retention(retention.remove_rejected_photos)
        # The home page's figures, /stats/ and the board's counts are cached per generation of these.
        generations.watch(
            "reports", Report, TriageReport, ReportPhoto, Rating, ExtensionRequest, Category, Campaign, Organization
        )
