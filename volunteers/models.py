"""The 小蜜蜂 volunteers: couriers and riders who report what they see."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beefeed.models import Organization


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
    def short_name(self):
        """What the public sees: the family name and a star (叶*)."""
        return shorten_name(self.name)


def shorten_name(name):
    name = (name or "").strip()
    if not name:
        return "*"
    return name[0] + "*"


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
