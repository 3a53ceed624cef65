from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = _("Reports")

    def ready(self):
        from issues.publication import my_latest_reports, sheet_section
        from issues.queries import reports_per_volunteer
        from volunteers import counters

        counters.register(reports_per_volunteer)
        counters.register_section("sheet", sheet_section)
        counters.register_section("me", my_latest_reports)
