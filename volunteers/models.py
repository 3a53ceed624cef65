"""The 小蜜蜂 volunteers: couriers and riders who report what they see."""

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beefeed.display import QUARTER_NAMES, quarter_label
from beefeed.models import Organization


def new_card_token():
    return secrets.token_urlsafe(16)


class Moment(models.TextChoices):
    """The moments a courier hears about beyond /me/ (volunteers.deliveries)."""

    DISPATCHED = "dispatched", _("Dispatched")
    RESOLVED = "resolved", _("Resolved: please go back and rate")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Not accepted (with the reason)")
    QUARTER = "quarter", _("Points at the quarter's close")
    REDEMPTION = "redemption", _("The redemption window opens")


def default_sms_moments():
    """Opt-in (PIPL): until a courier chooses, only the re-check request goes out by SMS."""
    return [Moment.RESOLVED.value]


class VolunteerQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Volunteer.Status.APPROVED)


class Volunteer(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        SUSPENDED = "suspended", _("Suspended")

    class WorkType(models.TextChoices):
        COURIER = "courier", _("Express courier")
        FOOD = "food", _("Food-delivery rider")
        RIDE = "ride", _("Ride-hailing driver")
        FREIGHT = "freight", _("Freight driver")
        OTHER = "other", _("Other")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="volunteer"
    )
    name = models.CharField(_("full name"), max_length=50)
    work_type = models.CharField(_("work type"), max_length=10, choices=WorkType.choices, default=WorkType.OTHER)
    employer = models.CharField(_("employer or platform"), max_length=100, blank=True)
    community = models.ForeignKey(
        Organization,
        verbose_name=_("home community"),
        on_delete=models.PROTECT,
        related_name="volunteers",
        limit_choices_to={"kind__in": ["community", "township"]},
    )
    party_member = models.BooleanField(_("party member"), default=False)
    show_party_member = models.BooleanField(
        _("show party membership"),
        default=False,
        help_text=_("亮明身份: the volunteer chose to show the party badge on the card."),
    )
    photo = models.ImageField(_("photo"), upload_to="volunteers/", blank=True)
    card_token = models.CharField(_("card token"), max_length=32, unique=True, default=new_card_token, editable=False)
    privacy_consent_at = models.DateTimeField(_("agreed to the privacy notice"), null=True, blank=True)
    erased_at = models.DateTimeField(_("account deleted at"), null=True, blank=True)
    # The moments the courier chose to hear by SMS (a list of Moment values); empty until they choose,
    # which means the default (default_sms_moments). Read it as `sms_choice`.
    sms_moments = models.JSONField(_("moments told by SMS"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["-joined_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "suspended"]), name="volunteer_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False), name="volunteer_approved_has_time"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def shows_party_badge(self):
        return self.party_member and self.show_party_member

    @property
    def card_number(self):
        return f"XF{self.pk:06d}"

    @property
    def sms_choice(self):
        return default_sms_moments() if self.sms_moments is None else self.sms_moments

    @property
    def masked_phone(self):
        return mask_phone(self.user.phone)

    @property
    def short_name(self):
        """What the public sees: the family name and a star (叶*)."""
        return public_name(self.name, erased_at=self.erased_at)


ERASED_NAME = "已注销的小蜜蜂"


def public_name(name, *, erased_at):
    """A volunteer's short name from the two fields it depends on (for lists read as plain values)."""
    return ERASED_NAME if erased_at else shorten_name(name)


def shorten_name(name):
    name = (name or "").strip()
    if not name:
        return "*"
    return name[0] + "*"


def mask_phone(phone):
    """138****1234: enough for the volunteer to recognise, useless to anyone else."""
    phone = (phone or "").strip()
    if len(phone) < 7:
        return "****"
    return phone[:3] + "****" + phone[-4:]


class Notice(models.Model):
    """A message for a volunteer, shown on /me/ (e.g. "your report was published")."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="notices")
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["volunteer", "-created_at"])]

    def __str__(self):
        return self.text


class ServiceItem(models.Model):
    """One of the district's fifteen service items (服务项目), with its points rule."""

    class Unit(models.TextChoices):
        REPORT = "report", _("per report")
        HOUR = "hour", _("per hour of service")
        ACTIVITY = "activity", _("per activity")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("points rule"), max_length=10, choices=Unit.choices)
    points = models.PositiveIntegerField(_("points per unit"))
    bonus_points = models.PositiveIntegerField(
        _("publication bonus"),
        default=0,
        help_text=_("For per-report items: extra points when the report is published."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(unit__in=["report", "hour", "activity"]), name="serviceitem_unit_valid"),
        ]

    def __str__(self):
        return self.name

    @property
    def rule_text(self):
        if self.unit == self.Unit.REPORT:
            text = _("%(points)d points per report") % {"points": self.points}
            if self.bonus_points:
                text += _(", +%(bonus)d when published") % {"bonus": self.bonus_points}
            return text
        if self.unit == self.Unit.HOUR:
            return _("%(points)d points per hour") % {"points": self.points}
        return _("%(points)d points per activity") % {"points": self.points}


class Claim(models.Model):
    """A service item a volunteer signed up for (the card's 认领清单)."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="claims")
    item = models.ForeignKey(ServiceItem, verbose_name=_("service item"), on_delete=models.PROTECT, related_name="+")
    claimed_at = models.DateTimeField(_("claimed"), auto_now_add=True)

    class Meta:
        verbose_name = _("claimed item")
        verbose_name_plural = _("claimed items")
        ordering = ["item__position", "item_id"]
        constraints = [models.UniqueConstraint(fields=["volunteer", "item"], name="claim_once_per_item")]

    def __str__(self):
        return f"{self.volunteer} · {self.item}"


class Activity(models.Model):
    """A patrol, a campaign day, a 送清凉 event: recorded by a coordinator, paid by the item's rule."""

    item = models.ForeignKey(ServiceItem, verbose_name=_("service item"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=100)
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours per participant"), max_digits=4, decimal_places=1)
    community = models.ForeignKey(
        Organization, verbose_name=_("community"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    participants = models.ManyToManyField(
        Volunteer, verbose_name=_("participants"), related_name="activities", blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24), name="activity_hours_in_a_day"),
        ]

    def __str__(self):
        return f"{self.date} {self.title}"

    @property
    def source(self):
        return f"activity:{self.pk}"


class Quarter(models.Model):
    """A closed quarter (一季度一统计): its tallies are frozen and published."""

    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("quarter"), choices=QUARTER_NAMES)
    closed_at = models.DateTimeField(_("closed at"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("closed quarter")
        verbose_name_plural = _("closed quarters")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="quarter_closed_once"),
            models.CheckConstraint(condition=Q(number__gte=1) & Q(number__lte=4), name="quarter_number_valid"),
        ]

    def __str__(self):
        return self.label

    @property
    def key(self):
        """The machine form, as URLs and commands carry it: 2026Q3."""
        return f"{self.year}Q{self.number}"

    @property
    def label(self):
        """As people read it: 2026年第三季度 / Q3 2026."""
        return quarter_label(self.year, self.number)


class QuarterTally(models.Model):
    """One volunteer's frozen figures for a closed quarter (what /points/ publishes)."""

    quarter = models.ForeignKey(Quarter, verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="tallies")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="tallies"
    )
    community = models.ForeignKey(Organization, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    points = models.IntegerField(_("points"))
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=1)
    reports = models.PositiveIntegerField(_("reports"))
    solved = models.PositiveIntegerField(_("solved"))

    class Meta:
        verbose_name = _("quarterly tally")
        verbose_name_plural = _("quarterly tallies")
        ordering = ["-points", "volunteer_id"]
        constraints = [models.UniqueConstraint(fields=["quarter", "volunteer"], name="tally_once_per_quarter")]

    def __str__(self):
        return f"{self.quarter} · {self.volunteer}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("points entries are append-only")

    def delete(self):
        raise PermissionDenied("points entries are append-only")


class PointsEntry(models.Model):
    """One line of the points ledger. Append-only: corrections are new entries.

    Written only by `volunteers.ledger`. A volunteer's balance is the sum of
    their entries.
    """

    class Kind(models.TextChoices):
        AWARD = "award", _("Award")
        REDEMPTION = "redemption", _("Redemption")
        ADJUSTMENT = "adjustment", _("Adjustment")
        REVERSAL = "reversal", _("Reversal")
        LAPSE = "lapse", _("Lapse")

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="ledger"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    points = models.IntegerField(_("points"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, default=0)
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("service item"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule = models.CharField(_("rule"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=40, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    occurred_on = models.DateField(_("counts on"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["volunteer", "-created_at"]), models.Index(fields=["occurred_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["award", "redemption", "adjustment", "reversal", "lapse"]),
                name="points_entry_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False) | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="points_reversal_names_its_entry",
            ),
            models.CheckConstraint(condition=~Q(kind="award") | Q(points__gte=0), name="points_award_not_negative"),
            models.CheckConstraint(
                condition=~Q(kind="redemption") | Q(points__lt=0), name="points_redemption_negative"
            ),
            models.CheckConstraint(condition=~Q(kind="lapse") | Q(points__lte=0), name="points_lapse_not_positive"),
            models.CheckConstraint(
                condition=~Q(kind__in=["adjustment", "reversal"]) | ~Q(reason=""), name="points_correction_has_reason"
            ),
            # One source is never paid twice under the same rule.
            models.UniqueConstraint(
                fields=["volunteer", "source", "rule"], condition=Q(kind="award"), name="points_award_once_per_rule"
            ),
            models.UniqueConstraint(fields=["source"], condition=Q(kind="redemption"), name="points_redemption_once"),
            models.UniqueConstraint(
                fields=["volunteer", "source"], condition=Q(kind="lapse"), name="points_lapse_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.points:+d}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionDenied("points entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("points entries are append-only")


class RewardItem(models.Model):
    """Something on the yearly redemption list (兑换清单)."""

    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=200, blank=True)
    points = models.PositiveIntegerField(_("points"))
    stock = models.PositiveIntegerField(_("stock"))
    picture = models.ImageField(_("picture"), upload_to="rewards/", blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("on the list"), default=True)

    class Meta:
        verbose_name = _("reward item")
        verbose_name_plural = _("reward items")
        ordering = ["position", "points", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="reward_costs_points"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="reward_stock_not_negative"),
        ]

    def __str__(self):
        return self.name


class RedemptionWindow(models.Model):
    """The once-a-year period (一年度一兑换) when volunteers may redeem."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("redemption window")
        verbose_name_plural = _("redemption windows")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="window_closes_after_opening")
        ]

    def __str__(self):
        return f"{self.year}: {self.opens_on} – {self.closes_on}"


class Redemption(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting to be handed over")
        HANDED_OVER = "handed_over", _("Handed over")
        CANCELLED = "cancelled", _("Cancelled")

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="redemptions"
    )
    item = models.ForeignKey(RewardItem, verbose_name=_("reward"), on_delete=models.PROTECT, related_name="redemptions")
    points = models.PositiveIntegerField(_("points"))
    token = models.UUIDField(_("form token"), unique=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    created_at = models.DateTimeField(_("redeemed at"), default=timezone.now)
    closed_at = models.DateTimeField(_("handed over or cancelled at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["requested", "handed_over", "cancelled"]), name="redemption_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="requested") | Q(closed_at__isnull=False), name="redemption_closed_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="redemption_cancel_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.item}"

    @property
    def source(self):
        return f"redemption:{self.pk}"


class Delivery(models.Model):
    """One notice to one courier (or to the couriers' group) through one channel, recorded before
    it is sent: unique per (courier, moment, source, channel), so nothing is sent twice; claimed
    atomically and retried with backoff (volunteers.deliveries). The phone number is not stored
    here: it is read when the SMS is sent."""

    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        help_text=_("Empty for a message to the couriers' group."),
    )
    moment = models.CharField(_("moment"), max_length=12, choices=Moment.choices)
    source = models.CharField(_("source"), max_length=60)
    channel = models.CharField(_("channel"), max_length=10)
    text = models.CharField(_("text"), max_length=500)
    params = models.JSONField(_("template parameters"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    due_at = models.DateTimeField(_("next try"), default=timezone.now)
    claimed_at = models.DateTimeField(_("being sent since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    given_up_at = models.DateTimeField(_("given up at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "moment", "source", "channel"],
                condition=Q(volunteer__isnull=False),
                name="delivery_once_per_courier",
            ),
            models.UniqueConstraint(
                fields=["moment", "source", "channel"],
                condition=Q(volunteer__isnull=True),
                name="delivery_once_to_group",
            ),
        ]
        indexes = [models.Index(fields=["sent_at", "given_up_at", "due_at"], name="delivery_due_idx")]

    def __str__(self):
        return f"{self.get_moment_display()} · {self.channel} · {self.source}"
