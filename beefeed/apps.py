from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeefeedConfig(AppConfig):
    name = "beefeed"
    verbose_name = _("BeeFeed core")
