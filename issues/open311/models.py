"""Open311 GeoReport v2 clients: their API keys, and the reports they sent.

Models of the `issues` app (tables `issues_apiclient`, `issues_clientreport`), kept beside the
interface that uses them; `issues.models` imports them so Django registers them with the app.
"""

import hashlib
import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX_LENGTH = 8


def hash_key(key):
    return hashlib.sha256(key.encode()).hexdigest()


class ApiClientQuerySet(models.QuerySet):
    def by_key(self, key):
        """The active client holding `key`, or None (compared by hash; the key itself is never stored)."""
        key = (key or "").strip()
        if len(key) < PREFIX_LENGTH + 8 or len(key) > 200:
            return None
        client = self.filter(key_prefix=key[:PREFIX_LENGTH], revoked_at__isnull=True).first()
        if client and secrets.compare_digest(client.key_hash, hash_key(key)):
            return client
        return None


class ApiClient(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    key_prefix = models.CharField(_("key prefix"), max_length=PREFIX_LENGTH, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    deferred_ids = models.BooleanField(
        _("deferred ids"), default=False, help_text=_("Answer a POST with a token instead of the request id.")
    )
    media_hosts = models.TextField(
        _("media hosts"),
        blank=True,
        help_text=_("Host names from which this client's media_url photos may be fetched, one per line."),
    )
    posts_per_hour = models.PositiveIntegerField(_("posts per hour"), default=60)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("issued"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @classmethod
    def issue(cls, name, **fields):
        """A new client and its key; the key is shown once and only its hash is kept."""
        key = secrets.token_urlsafe(30)
        client = cls.objects.create(name=name, key_prefix=key[:PREFIX_LENGTH], key_hash=hash_key(key), **fields)
        return client, key

    @property
    def allowed_media_hosts(self):
        return {line.strip().lower() for line in self.media_hosts.splitlines() if line.strip()}


class ClientReport(models.Model):
    """A report that came through the API: who sent it, with the contact details only staff see."""

    report = models.OneToOneField("issues.Report", on_delete=models.CASCADE, related_name="open311")
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="reports")
    token = models.CharField(_("token"), max_length=40, unique=True)
    account_id = models.CharField(_("account id"), max_length=100, blank=True)
    device_id = models.CharField(_("device id"), max_length=100, blank=True)
    email = models.CharField(_("e-mail"), max_length=200, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("report from an API client")
        verbose_name_plural = _("reports from API clients")
        constraints = [models.CheckConstraint(condition=~Q(token=""), name="client_report_has_token")]

    def __str__(self):
        return f"{self.client} · {self.report.reference}"
