from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Volunteers")

    def ready(self):
        from django.db.models.signals import post_migrate

        from beefeed import privatemedia, signals
        from beefeed.reference import seed_after_migrate
        from volunteers.access import checkin_refusal
        from volunteers.photo_access import volunteer_photo_access
        from volunteers.service_items import seed

        signals.checking_in.connect(checkin_refusal)
        post_migrate.connect(seed_after_migrate("volunteers", "ServiceItem", seed), sender=self, weak=False)
        privatemedia.protect("volunteers/", volunteer_photo_access)
