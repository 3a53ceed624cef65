"""Hive stations (蜂巢驿站): where outdoor workers rest, drink, charge, read and get first aid."""

import math

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beefeed.models import Organization

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
METRES_PER_DEGREE_LAT = 111_320.0


class Amenity(models.Model):
    """Something a station offers (books, a first-aid kit, a charger …); `code` picks its icon."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("amenity")
        verbose_name_plural = _("amenities")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class StationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Station.Status.OPEN)

    def with_amenities(self, amenities):
        """Stations that have every one of `amenities` (codes)."""
        queryset = self
        for code in amenities:
            queryset = queryset.filter(amenities__code=code)
        return queryset

    def within(self, latitude, longitude, radius_m):
        """A bounding box around a point: an index-friendly prefilter before exact distances."""
        dlat = radius_m / METRES_PER_DEGREE_LAT
        dlng = radius_m / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(latitude)), 0.01))
        return self.filter(
            latitude__range=(latitude - dlat, latitude + dlat),
            longitude__range=(longitude - dlng, longitude + dlng),
        )


class Station(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Tier(models.TextChoices):
        PILOT = "pilot", _("Pilot (先行打造)")
        PLAQUED = "plaqued", _("Plaqued (统一挂牌)")
        MODEL = "model", _("Model (集中示范)")

    class HostKind(models.TextChoices):
        RESTAURANT = "restaurant", _("Restaurant")
        COMMUNITY = "community", _("Community centre")
        LOGISTICS = "logistics", _("Logistics company")
        SHOP = "shop", _("Shop")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    community = models.ForeignKey(
        Organization, verbose_name=_("community"), on_delete=models.PROTECT, related_name="stations"
    )
    host = models.CharField(_("host"), max_length=100, blank=True, help_text=_("Who runs it, e.g. 龙北夜宵店."))
    host_kind = models.CharField(_("kind of host"), max_length=12, choices=HostKind.choices, default=HostKind.OTHER)
    address = models.CharField(_("address"), max_length=200)
    latitude = models.FloatField(_("latitude"), help_text=_("WGS-84, as a phone's GPS gives it."))
    longitude = models.FloatField(_("longitude"), help_text=_("WGS-84, as a phone's GPS gives it."))
    phone = models.CharField(_("station phone"), max_length=30, blank=True)
    all_night = models.BooleanField(_("open day and night"), default=False)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, default=Tier.PLAQUED)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    established = models.DateField(_("established"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    amenities = models.ManyToManyField(Amenity, verbose_name=_("amenities"), blank=True, related_name="stations")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = _("hive station")
        verbose_name_plural = _("hive stations")
        ordering = ["name"]
        indexes = [models.Index(fields=["latitude", "longitude"]), models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["planned", "open", "closed"]), name="station_status_valid"),
            models.CheckConstraint(condition=Q(tier__in=["pilot", "plaqued", "model"]), name="station_tier_valid"),
            models.CheckConstraint(condition=Q(latitude__gte=-90, latitude__lte=90), name="station_latitude_range"),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180), name="station_longitude_range"
            ),
        ]

    def __str__(self):
        return self.name


class OpeningSpan(models.Model):
    """One opening span on one weekday; a span that closes at or before it opens runs past midnight."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="spans")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("Earlier than the opening time: closes after midnight."))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="span_weekday_valid"),
            models.CheckConstraint(condition=~Q(opens=models.F("closes")), name="span_not_empty"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    @property
    def crosses_midnight(self):
        return self.closes < self.opens


class StationPhoto(models.Model):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="stations/")
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("station photo")
        verbose_name_plural = _("station photos")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.caption or self.image.name


class Donation(models.Model):
    """Who gave what to which station: thanked in public."""

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="donations")
    donor = models.CharField(_("donor"), max_length=100)
    item = models.CharField(_("item"), max_length=100)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    date = models.DateField(_("date"))

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-date", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="donation_quantity_positive")]

    def __str__(self):
        return f"{self.donor}: {self.item} × {self.quantity}"


class Visit(models.Model):
    """A check-in by a signed-in worker, or a count the station keeper logs."""

    class Service(models.TextChoices):
        REST = "rest", _("Rest")
        WATER = "water", _("Water")
        CHARGING = "charging", _("Charging")
        FIRST_AID = "first_aid", _("First aid")
        READING = "reading", _("Reading")

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="visits")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    service = models.CharField(_("service used"), max_length=12, choices=Service.choices, default=Service.REST)
    count = models.PositiveIntegerField(_("people"), default=1)
    at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["station", "user", "-at"])]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="visit_count_positive"),
            models.CheckConstraint(
                condition=Q(service__in=["rest", "water", "charging", "first_aid", "reading"]),
                name="visit_service_valid",
            ),
        ]

    def __str__(self):
        return f"{self.station} {self.at:%Y-%m-%d %H:%M}"
