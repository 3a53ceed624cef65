from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeefeedConfig(AppConfig):
    name = "beefeed"
    verbose_name = _("BeeFeed core")

    def ready(self):
        from django.db.models.signals import post_migrate

        from beefeed import (
            checks,  # noqa: F401 (registers the deploy checks)
            mediafiles,
            privatemedia,
        )
        from beefeed.roles import sync_roles

        # Last app to migrate triggers it too; sync_roles is idempotent.
        post_migrate.connect(sync_roles, dispatch_uid="beefeed.sync_roles")
        # Uploads waiting for their rows to commit (beefeed.staging) are nobody's to see.
        privatemedia.protect(mediafiles.STAGING, lambda request, name: None)
