from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from beefeed.admin_tools import ProcessedImageField
from beefeed.models import Organization, User


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "contact_email", "contact_phone"]
    list_filter = ["kind"]
    search_fields = ["name"]
    show_facets = admin.ShowFacets.ALWAYS
    # The seal passes through beefeed.photos like every picture, as a PNG to keep its transparency.
    formfield_overrides = {models.ImageField: {"form_class": ProcessedImageField, "keep_transparency": True}}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        # A coordinator may reset a volunteer's password and fix contact
        # details, but never hand out staff powers.
        return [fs for fs in fieldsets if fs[0] != _("Permissions")]
