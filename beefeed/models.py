"""The shared core: users and the organizations they work for.

This module knows no other BeeFeed app; the apps know it.
"""

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

mainland_mobile = RegexValidator(r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland mobile number, e.g. 13800138000."))


class OrganizationQuerySet(models.QuerySet):
    def areas(self):
        """Communities and townships: the places a report or a volunteer belongs to."""
        return self.filter(kind__in=["community", "township"])


class Organization(models.Model):
    class Kind(models.TextChoices):
        COMMUNITY = "community", _("Community")
        TOWNSHIP = "township", _("Township")
        DEPARTMENT = "department", _("Department")
        OFFICE = "office", _("Coordinating office")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    head_email = models.EmailField(_("head's e-mail"), blank=True, help_text=_("Receives escalations of overdue work."))
    seal = models.ImageField(_("seal image"), upload_to="seals/", blank=True, help_text=_("Printed on points cards."))
    card_rules = models.TextField(
        _("points card rules"), blank=True, help_text=_("The community's rules, printed on the back of points cards.")
    )
    # The community office's position; used to suggest a report's community.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["community", "township", "department", "office"]),
                name="organization_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="organization_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="organization_longitude_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_area(self):
        """Communities and townships are places a report can belong to."""
        return self.kind in (self.Kind.COMMUNITY, self.Kind.TOWNSHIP)


class User(AbstractUser):
    """Everyone who signs in: volunteers (by phone number) and staff."""

    phone = models.CharField(
        _("mobile phone"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[mainland_mobile],
        help_text=_("Volunteers sign in with this number."),
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("Coordinators and handlers act for this organization."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_coordinator(self):
        return self.is_superuser or self._in_group("Coordinators")

    @property
    def is_handler(self):
        return self._in_group("Handlers")

    @property
    def is_area_handler(self):
        """A handler of a community (or township): the place reports are located in, not only a desk."""
        return self.is_handler and self.organization_id is not None and self.organization.is_area

    def scope(self, queryset, field, *, area_field=None, also=None):
        """The one scoping rule: coordinators see everything, a handler what belongs to their own
        organization (`field` names it on the queryset's model), anyone else nothing.

        `area_field`: what is located in a community (or township) is that community's too, so its
        handlers also see what that field names as theirs (seeing is not acting: who may act is
        issues.workflow's to say). `also`: a further condition under which a handler sees a row (an
        organization assisting with a report sees it too)."""
        if self.is_coordinator:
            return queryset
        if self.is_handler and self.organization_id:
            theirs = Q(**{field: self.organization_id})
            if area_field and self.is_area_handler:
                theirs |= Q(**{area_field: self.organization_id})
            if also is not None:
                theirs |= Q(also)
            return queryset.filter(theirs)
        return queryset.none()

    def _in_group(self, name):
        if not hasattr(self, "_group_names"):
            self._group_names = set(self.groups.values_list("name", flat=True)) if self.pk else set()
        return name in self._group_names
