"""The admin site: Django's, with the one sign-in limit on its login."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class BeeFeedAdminSite(admin.AdminSite):
    site_header = "蜂巢 BeeFeed"
    site_title = "蜂巢 BeeFeed"

    def login(self, request, extra_context=None):
        from beefeed.views import limit_sign_ins  # not at import: this module loads with the apps

        # Staff hold the most power: their sign-in page counts failures exactly as /login/ does.
        return limit_sign_ins(super().login)(request, extra_context)


class AdminConfig(DjangoAdminConfig):
    default_site = "beefeed.sites.BeeFeedAdminSite"
