"""Hive stations (蜂巢驿站): where outdoor workers rest, drink, charge, read and get first aid."""

import math

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
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


class WishItemQuerySet(models.QuerySet):
    def with_received(self):
        """Annotate `received_total`: the quantity the donations recorded against each item add up to."""
        return self.annotate(received_total=Coalesce(Sum("donations__quantity"), 0))


class WishItem(models.Model):
    """Something a station still lacks (a fridge, an air conditioner, first-aid kits), and how many.

    What has been received is never typed in: it is the sum of the donations recorded against
    the item, so the wish list and the thanks cannot disagree.
    """

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="wishes")
    name = models.CharField(_("item"), max_length=40, help_text=_("e.g. 冰箱, 空调, 急救包."))
    unit = models.CharField(_("unit"), max_length=6, blank=True, help_text=_("e.g. 台, 个, 箱."))
    wanted = models.PositiveIntegerField(_("quantity wanted"), default=1)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = WishItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("wish-list item")
        verbose_name_plural = _("wish list")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(wanted__gte=1), name="wish_wanted_positive"),
            models.UniqueConstraint(fields=["station", "name"], name="wish_unique_per_station"),
        ]

    def __str__(self):
        return self.name

    @property
    def received(self):
        total = getattr(self, "received_total", None)
        if total is None:
            total = self.donations.aggregate(total=Sum("quantity"))["total"] or 0
        return total

    @property
    def still_needed(self):
        return max(self.wanted - self.received, 0)


class Pledge(models.Model):
    """An offer from the public (a firm, a shop, a neighbour) to give a station something.

    The contact is for the coordinators only: never on a public page, never in a log line, and
    erased PLEDGE_CONTACT_RETENTION_DAYS after the pledge is closed (stations.pledges). The
    state moves only through stations.pledges.
    """

    class State(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        FULFILLED = "fulfilled", _("Fulfilled")

    class PublicAs(models.TextChoices):
        ORGANIZATION = "organization", _("Only the organization's name")
        NAME = "name", _("My name (and the organization's)")
        ANONYMOUS = "anonymous", _("No name: thank a kind-hearted giver (爱心人士)")

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="pledges")
    wish = models.ForeignKey(
        WishItem,
        verbose_name=_("wish-list item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pledges",
    )
    offer = models.CharField(_("what is offered"), max_length=100)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    giver_name = models.CharField(_("giver's name"), max_length=50, blank=True)
    organization = models.CharField(_("organization"), max_length=100, blank=True)
    public_as = models.CharField(
        _("thanked in public as"), max_length=12, choices=PublicAs.choices, default=PublicAs.ORGANIZATION
    )
    contact = models.CharField(_("contact details"), max_length=100, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.NEW)
    created_at = models.DateTimeField(_("pledged at"), auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    contact_erased_at = models.DateTimeField(_("contact erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["new", "accepted", "declined", "fulfilled"]), name="pledge_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(public_as__in=["organization", "name", "anonymous"]), name="pledge_public_as_valid"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="pledge_quantity_positive"),
            models.CheckConstraint(condition=~Q(offer=""), name="pledge_offers_something"),
            models.CheckConstraint(
                condition=Q(state__in=["new", "accepted"]) | Q(closed_at__isnull=False),
                name="pledge_closed_has_time",
            ),
        ]

    def __str__(self):
        # Shown in the admin's history (LogEntry.object_repr): never the contact or a person's name.
        return f"#{self.pk} {self.station} · {self.offer} × {self.quantity}"

    @property
    def is_closed(self):
        return self.state in (self.State.DECLINED, self.State.FULFILLED)

    @property
    def public_name(self):
        """The name the giver agreed to be thanked under."""
        if self.public_as == self.PublicAs.NAME and (self.giver_name or self.organization):
            return " ".join(part for part in (self.organization, self.giver_name) if part)
        if self.public_as == self.PublicAs.ORGANIZATION and self.organization:
            return self.organization
        return ANONYMOUS_GIVER


ANONYMOUS_GIVER = "爱心人士"


class Donation(models.Model):
    """Who gave what to which station: thanked in public."""

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="donations")
    donor = models.CharField(_("donor"), max_length=100, help_text=_("As the giver agreed to be thanked in public."))
    item = models.CharField(_("item"), max_length=100)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit = models.CharField(_("unit"), max_length=6, blank=True)
    date = models.DateField(_("date"))
    wish = models.ForeignKey(
        WishItem,
        verbose_name=_("wish-list item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="donations",
        help_text=_("The donation counts as received against this item."),
    )
    pledge = models.OneToOneField(
        Pledge,
        verbose_name=_("pledge"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donation",
        editable=False,
    )

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-date", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="donation_quantity_positive")]

    def __str__(self):
        return f"{self.donor}: {self.item} × {self.quantity}"


class PartyPost(models.Model):
    """A station's 党员先锋岗: its name and the party-member volunteers on duty there.

    The public page names only those on duty who chose to show their membership (亮明身份),
    by their short names (volunteers/templatetags/party_posts.py).
    """

    station = models.OneToOneField(
        Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="party_post"
    )
    name = models.CharField(_("name"), max_length=60, default="党员先锋岗")
    on_duty = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("volunteers on duty"),
        blank=True,
        related_name="party_posts",
        limit_choices_to={"volunteer__party_member": True},
        help_text=_("Party-member volunteers. The public page names only those who chose to show it (亮明身份)."),
    )

    class Meta:
        verbose_name = _("party members' post")
        verbose_name_plural = _("party members' posts")

    def __str__(self):
        return f"{self.station} · {self.name}"


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
