from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from volunteers import membership
from volunteers.models import Volunteer


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "work_type", "employer", "community", "status", "joined_at"]
    list_filter = ["status", "community", "work_type"]
    list_select_related = ["user", "community"]
    search_fields = ["name", "user__phone"]
    readonly_fields = ["user", "status", "joined_at", "approved_at", "approved_by"]
    actions = ["approve_selected", "suspend_selected"]
    show_facets = admin.ShowFacets.ALWAYS

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = request.user
        if user.is_superuser or user.is_coordinator:
            return queryset
        if user.is_handler and user.organization_id:
            return queryset.filter(community_id=user.organization_id)
        return queryset.none()

    @admin.display(description=gettext_lazy("mobile phone"), ordering="user__phone")
    def phone(self, volunteer):
        return volunteer.user.phone

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Approve selected volunteers"), permissions=["change"])
    def approve_selected(self, request, queryset):
        n = sum(membership.approve(v, by=request.user) for v in queryset)
        messages.success(request, _("%(n)d volunteers approved.") % {"n": n})

    @admin.action(description=gettext_lazy("Suspend selected volunteers"), permissions=["change"])
    def suspend_selected(self, request, queryset):
        n = sum(membership.suspend(v, by=request.user) for v in queryset)
        messages.success(request, _("%(n)d volunteers suspended.") % {"n": n})
