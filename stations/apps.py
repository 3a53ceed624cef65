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
        from beefeed import generations
        from beefeed.models import Organization
        from stations.models import Amenity, OpeningSpan, Station, StationPhoto

        # /stations.geojson is cached (and its ETag derived) per generation of these.
        generations.watch("stations", Station, OpeningSpan, StationPhoto, Amenity, Organization)
