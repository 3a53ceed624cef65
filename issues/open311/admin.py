from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beefeed import admin_tools
from beefeed.admin_tools import ReadOnlyAdminMixin
from issues.open311.models import ApiClient, ClientReport


@admin.register(ApiClient)
class ApiClientAdmin(admin_tools.ModelAdmin):
    """Issue a key (shown once, stored hashed), limit it, revoke it."""

    list_display = ["name", "key_prefix", "deferred_ids", "posts_per_hour", "created_at", "revoked_at"]
    fields = [
        "name",
        "contact",
        "deferred_ids",
        "media_hosts",
        "posts_per_hour",
        "key_prefix",
        "created_at",
        "revoked_at",
    ]
    readonly_fields = ["key_prefix", "created_at", "revoked_at"]
    actions = ["revoke_selected"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        fields = {f: form.cleaned_data[f] for f in ("contact", "deferred_ids", "media_hosts", "posts_per_hour")}
        client, key = ApiClient.issue(form.cleaned_data["name"], **fields)
        obj.pk, obj.key_prefix, obj.key_hash, obj.created_at = (
            client.pk,
            client.key_prefix,
            client.key_hash,
            client.created_at,
        )
        obj._state.adding = False
        messages.warning(
            request,
            _(
                "The api_key of %(name)s is %(key)s — copy it now; "
                "it is stored only as a hash and cannot be shown again."
            )
            % {"name": client.name, "key": key},
        )

    @admin.action(description=gettext_lazy("Revoke the selected keys"))
    def revoke_selected(self, request, queryset):
        n = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, _("%(n)d keys revoked.") % {"n": n})

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClientReport)
class ClientReportAdmin(ReadOnlyAdminMixin, admin_tools.ModelAdmin):
    list_display = ["report", "client", "token"]
    list_filter = ["client"]
    readonly_fields = ["report", "client", "token", "account_id", "device_id", "email", "first_name", "last_name"]
    readonly_fields += ["phone", "media_url"]
