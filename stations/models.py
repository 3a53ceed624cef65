"""Hive stations (蜂巢驿站): where outdoor workers rest, drink and charge."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beefeed.models import Organization


class Station(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=100, unique=True)
    community = models.ForeignKey(
        Organization, verbose_name=_("community"), on_delete=models.PROTECT, related_name="stations"
    )
    address = models.CharField(_("address"), max_length=200)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        verbose_name = _("hive station")
        verbose_name_plural = _("hive stations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["planned", "open", "closed"]), name="station_status_valid"),
            models.CheckConstraint(condition=Q(latitude__gte=-90, latitude__lte=90), name="station_latitude_range"),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180), name="station_longitude_range"
            ),
        ]

    def __str__(self):
        return self.name
