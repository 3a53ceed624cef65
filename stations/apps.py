from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("Hive stations")

    def ready(self):
        from django.db.models.signals import post_migrate

        from beefeed.reference import seed_after_migrate
        from stations.amenities import seed

        post_migrate.connect(seed_after_migrate("stations", "Amenity", seed), sender=self, weak=False)
        from beefeed import generations, mediafiles, signals
        from beefeed.models import Organization
        from stations import pledges
        from stations.models import Amenity, OpeningSpan, Station, StationPhoto
        from stations.personal_data import check_ins, forget_check_ins, leave_party_posts, party_posts

        signals.collect_personal_data.connect(check_ins)
        signals.collect_personal_data.connect(party_posts)
        signals.erase_personal_data.connect(forget_check_ins)
        signals.erase_personal_data.connect(leave_party_posts)
        # Pledges' contacts are erased after their retention by the same sweep as the media.
        mediafiles.register_retention(pledges.erase_closed_contacts)

        # /stations.geojson is cached (and its ETag derived) per generation of these.
        generations.watch("stations", Station, OpeningSpan, StationPhoto, Amenity, Organization)
