from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from beefeed import admin_tools
from beefeed.admin_tools import ProcessedImageField
from beefeed.models import Organization, User


@admin.register(Organization)
class OrganizationAdmin(admin_tools.ModelAdmin):
    list_display = ["name", "kind", "contact_email", "contact_phone"]
    list_filter = ["kind"]
    search_fields = ["name"]
    show_facets = admin.ShowFacets.ALWAYS
    # The seal passes through beefeed.photos like every picture, as a PNG to keep its transparency.
    formfield_overrides = {models.ImageField: {"form_class": ProcessedImageField, "keep_transparency": True}}


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(admin_tools.PromptedAdmin, BaseGroupAdmin):
    pass


@admin.register(User)
class UserAdmin(admin_tools.PromptedAdmin, BaseUserAdmin):
    list_display = ["username", "phone", "first_name", "last_name", "organization", "is_staff"]
    list_filter = ["is_staff", "is_active", "groups", "organization"]
    list_select_related = ["organization"]
    search_fields = ["username", "phone", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "phone", "email")}),
        (_("Organization"), {"fields": ("organization",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "phone", "password1", "password2")}),)

    # Who may change which account: a superuser changes everyone; a coordinator manages the
    # volunteers' accounts only (approve, suspend, reset a password), never a staff account,
    # so no coordinator can take over a handler, another coordinator or a superuser; handlers
    # hold no permission on users at all. Every view of this admin (list, change, password,
    # delete, autocomplete) reads through get_queryset, so a staff account outside it is a 404.
    def get_queryset(self, request):
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        return users.filter(is_staff=False, is_superuser=False)

    def _may_manage(self, request, obj):
        return obj is None or request.user.is_superuser or not (obj.is_staff or obj.is_superuser)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._may_manage(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_manage(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        # A coordinator may reset a volunteer's password and fix contact
        # details, but never hand out staff powers.
        return [fs for fs in fieldsets if fs[0] != _("Permissions")]
