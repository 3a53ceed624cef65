from django import forms
from django.contrib import admin
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beefeed.admin_tools import ProcessedImageField, community_scoped
from stations import tiles
from stations.models import Amenity, Donation, OpeningSpan, Station, StationPhoto, Visit


class OpeningSpanInline(admin.TabularInline):
    model = OpeningSpan
    extra = 0


class StationPhotoForm(forms.ModelForm):
    image = ProcessedImageField(label=_("photo"))

    class Meta:
        model = StationPhoto
        fields = ["image", "caption", "position"]


class StationPhotoInline(admin.TabularInline):
    model = StationPhoto
    form = StationPhotoForm
    extra = 0


class StationForm(forms.ModelForm):
    class Meta:
        model = Station
        fields = [
            "name",
            "community",
            "status",
            "tier",
            "established",
            "host",
            "host_kind",
            "phone",
            "description",
            "address",
            "latitude",
            "longitude",
            "all_night",
            "amenities",
        ]
        widgets = {"amenities": forms.CheckboxSelectMultiple}


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    form = StationForm
    list_display = ["name", "community", "host", "tier", "status", "all_night", "served"]
    list_filter = ["status", "tier", "community", "amenities", "all_night"]
    list_select_related = ["community"]
    search_fields = ["name", "address", "host"]
    inlines = [OpeningSpanInline, StationPhotoInline]
    readonly_fields = ["visits_per_month"]
    fieldsets = [
        (None, {"fields": ["name", "community", "status", "tier", "established"]}),
        (_("Host"), {"fields": ["host", "host_kind", "phone", "description"]}),
        (_("Place"), {"fields": ["address", "latitude", "longitude"], "classes": ["station-place"]}),
        (_("Opening hours and amenities"), {"fields": ["all_night", "amenities"]}),
        (_("Visits"), {"fields": ["visits_per_month"]}),
    ]
    show_facets = admin.ShowFacets.ALWAYS

    def get_queryset(self, request):
        return community_scoped(request, super().get_queryset(request), "community_id").annotate(
            served_total=Sum("visits__count")
        )

    @admin.display(description=_("served"), ordering="served_total")
    def served(self, station):
        return station.served_total or 0

    @admin.display(description=_("visits per month"))
    def visits_per_month(self, station):
        if station.pk is None:
            return "—"
        since = timezone.localdate().replace(day=1) - timezone.timedelta(days=365)
        rows = (
            station.visits.filter(at__date__gte=since)
            .annotate(month=TruncMonth("at"))
            .values("month")
            .annotate(people=Sum("count"))
            .order_by("-month")
        )
        return ", ".join(f"{row['month']:%Y-%m}: {row['people']}" for row in rows) or "—"

    def render_change_form(self, request, context, *args, **kwargs):
        context["map_tiles"] = tiles.config()
        return super().render_change_form(request, context, *args, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Amenity)
class AmenityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position"]
    list_editable = ["position"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []


@admin.register(Donation)
class DonationAdmin(admin.ModelAdmin):
    list_display = ["date", "station", "donor", "item", "quantity"]
    list_filter = ["station__community", "station"]
    list_select_related = ["station"]
    search_fields = ["donor", "item", "station__name"]
    date_hierarchy = "date"

    def get_queryset(self, request):
        return community_scoped(request, super().get_queryset(request), "station__community_id")


class VisitForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = ["station", "service", "count", "at"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    """Check-ins arrive from the stations' posters; keepers add the counts they log here."""

    form = VisitForm
    list_display = ["at", "station", "service", "count", "checked_in"]
    list_filter = ["service", "station__community", "station"]
    list_select_related = ["station"]
    date_hierarchy = "at"
    show_full_result_count = False

    def get_queryset(self, request):
        return community_scoped(request, super().get_queryset(request), "station__community_id")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "station":
            kwargs["queryset"] = community_scoped(request, Station.objects.all(), "community_id")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        return {"at": timezone.now(), **super().get_changeform_initial_data(request)}

    @admin.display(description=_("check-in"), boolean=True)
    def checked_in(self, visit):
        return visit.user_id is not None

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
