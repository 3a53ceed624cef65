from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = _("Reports")

    def ready(self):
        from beefeed import generations, mediafiles, privatemedia, signals
        from beefeed.models import Organization
        from issues import personal_data, photo_access, retention
        from issues.models import (
            Assist,
            Campaign,
            Category,
            CoReporter,
            ExtensionRequest,
            Rating,
            Report,
            ReportEvent,
            ReportPhoto,
            TriageReport,
        )
        from issues.queries import quarter_counts

        # What the reports add to volunteers' books (their pages' parts are issues/templatetags/reports.py).
        signals.count_quarter.connect(quarter_counts)
        signals.collect_personal_data.connect(personal_data.personal_data)
        signals.erase_personal_data.connect(personal_data.erase_personal_data)
        privatemedia.protect("reports/", photo_access.report_photo_access)
        privatemedia.protect("ratings/", photo_access.rating_photo_access)
        mediafiles.register_retention(retention.remove_rejected_photos)
        # The home page's figures, /stats/, the board's counts and the public pages (beefeed.pagecache)
        # are cached per generation of these (a report's public timeline and its co-reporters included).
        generations.watch(
            "reports",
            Report,
            ReportEvent,
            CoReporter,
            TriageReport,
            ReportPhoto,
            Rating,
            ExtensionRequest,
            Category,
            Campaign,
            Organization,
            Assist,
        )
