from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Volunteers")

    def ready(self):
        from django.db.models.signals import post_migrate

        from beefeed import generations, privatemedia, signals
        from beefeed.models import Organization
        from beefeed.reference import seed_after_migrate
        from volunteers.access import checkin_refusal
        from volunteers.models import Quarter, QuarterTally, Volunteer
        from volunteers.photo_access import volunteer_photo_access
        from volunteers.service_items import seed

        signals.checking_in.connect(checkin_refusal)
        post_migrate.connect(seed_after_migrate("volunteers", "ServiceItem", seed), sender=self, weak=False)
        privatemedia.protect("volunteers/", volunteer_photo_access)
        # /points/ and the names on the public pages (beefeed.pagecache) are cached per generation of these.
        generations.watch("volunteers", Volunteer, Quarter, QuarterTally, Organization)
