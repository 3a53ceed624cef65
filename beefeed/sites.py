"""The admin site: Django's, with the one sign-in limit on its login."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.utils.translation import gettext_noop

# The admin index's column headers for screen readers: Django's own Chinese catalog lacks them,
# so ours carries them (LOCALE_PATHS take precedence over Django's catalogs).
SCREEN_READER_HEADERS = [gettext_noop("Model name"), gettext_noop("Add link"), gettext_noop("Change or view list link")]

# The daily work comes first on the admin index, in this order; every other app and model follows
# in Django's alphabetical order.
DAILY_WORK = [("issues", "triagereport"), ("issues", "report"), ("issues", "extensionrequest")]


class BeeFeedAdminSite(admin.AdminSite):
    site_header = "蜂巢 BeeFeed"
    site_title = "蜂巢 BeeFeed"

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        first = {key: n for n, key in enumerate(DAILY_WORK)}

        def model_rank(app, model):
            return first.get((app["app_label"], model["object_name"].lower()), len(first))

        for app in apps:
            app["models"].sort(key=lambda model: model_rank(app, model))
        apps.sort(key=lambda app: min((model_rank(app, m) for m in app["models"]), default=len(first)))
        return apps

    def login(self, request, extra_context=None):
        from beefeed.views import limit_sign_ins  # not at import: this module loads with the apps

        # Staff hold the most power: their sign-in page counts failures exactly as /login/ does.
        return limit_sign_ins(super().login)(request, extra_context)


class AdminConfig(DjangoAdminConfig):
    default_site = "beefeed.sites.BeeFeedAdminSite"
