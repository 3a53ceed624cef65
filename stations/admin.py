from django import forms
from django.contrib import admin, messages
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from beefeed import admin_tools
from beefeed.admin_tools import ProcessedImageField, community_scoped
from stations import pledges, tiles
from stations.models import Amenity, Donation, OpeningSpan, PartyPost, Pledge, Station, StationPhoto, Visit, WishItem


class OpeningSpanInline(admin_tools.TabularInline):
    model = OpeningSpan
    extra = 0


class StationPhotoForm(forms.ModelForm):
    image = ProcessedImageField(label=_("photo"))

    class Meta:
        model = StationPhoto
        fields = ["image", "caption", "position"]


class StationPhotoInline(admin_tools.TabularInline):
    model = StationPhoto
    form = StationPhotoForm
    extra = 0


class WishItemInline(admin_tools.TabularInline):
    """The station's wish list; what was received is counted from the donations recorded against each item."""

    model = WishItem
    fields = ["name", "unit", "wanted", "received", "position"]
    readonly_fields = ["received"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).with_received()

    @admin.display(description=pgettext_lazy("wish list", "received"))
    def received(self, wish):
        return wish.received if wish.pk else 0


class PartyPostInline(admin_tools.StackedInline):
    model = PartyPost
    fields = ["name", "on_duty"]
    filter_horizontal = ["on_duty"]
    extra = 0
    max_num = 1


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
class StationAdmin(admin_tools.ModelAdmin):
    form = StationForm
    list_display = ["name", "community", "host", "tier", "status", "all_night", "served"]
    list_filter = ["status", "tier", "community", "amenities", "all_night"]
    list_select_related = ["community"]
    search_fields = ["name", "address", "host"]
    inlines = [OpeningSpanInline, StationPhotoInline, WishItemInline, PartyPostInline]
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
class AmenityAdmin(admin_tools.ModelAdmin):
    list_display = ["name", "code", "position"]
    list_editable = ["position"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []


class DonationForm(forms.ModelForm):
    class Meta:
        model = Donation
        fields = ["station", "donor", "item", "quantity", "unit", "date", "wish"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        wish = self.fields["wish"]
        wish.queryset = WishItem.objects.select_related("station")
        wish.label_from_instance = lambda w: f"{w.station} · {w.name}"

    def clean(self):
        cleaned = super().clean()
        wish, station = cleaned.get("wish"), cleaned.get("station")
        if wish and station and wish.station_id != station.pk:
            self.add_error("wish", gettext("That item is on another station's wish list."))
        return cleaned


@admin.register(Donation)
class DonationAdmin(admin_tools.ModelAdmin):
    form = DonationForm
    list_display = ["date", "station", "donor", "item", "quantity", "unit", "wish", "pledge"]
    list_filter = ["station__community", "station"]
    list_select_related = ["station", "wish", "pledge__station"]
    search_fields = ["donor", "item", "station__name"]
    date_hierarchy = "date"

    def get_queryset(self, request):
        return community_scoped(request, super().get_queryset(request), "station__community_id")


@admin.register(Pledge)
class PledgeAdmin(admin_tools.ModelAdmin):
    """Offers from the public. Only coordinators see this list (and the contacts in it); the state
    moves through the actions, which call stations.pledges."""

    list_display = ["created_at", "state", "station", "what", "giver", "contact"]
    list_filter = ["state", "station__community", "station"]
    list_select_related = ["station"]
    search_fields = ["offer", "organization", "station__name"]
    date_hierarchy = "created_at"
    actions = ["accept_selected", "decline_selected", "record_donations"]
    fieldsets = [
        (None, {"fields": ["station", "wish", "offer", "quantity", "message"]}),
        (_("Giver"), {"fields": ["organization", "giver_name", "public_as", "public_name", "contact"]}),
        (
            _("Handling"),
            {"fields": ["state", "created_at", "decided_at", "decided_by", "closed_at", "contact_erased_at"]},
        ),
    ]
    show_facets = admin.ShowFacets.ALWAYS

    def get_readonly_fields(self, request, obj=None):
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    def get_queryset(self, request):
        return community_scoped(request, super().get_queryset(request), "station__community_id")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("giver"))
    def giver(self, pledge):
        return " · ".join(part for part in (pledge.organization, pledge.giver_name) if part) or "—"

    @admin.display(description=_("thanked as"))
    def public_name(self, pledge):
        return pledge.public_name

    @admin.display(description=_("what is offered"), ordering="offer")
    def what(self, pledge):
        return f"{pledge.offer} × {pledge.quantity}"

    def _move(self, request, queryset, move, done):
        moved, refused = 0, []
        for pledge in queryset:
            try:
                move(pledge, by=request.user)
                moved += 1
            except pledges.PledgeError as error:
                refused.append(str(error))
        if moved:
            messages.success(request, done % {"n": moved})
        for reason in refused:
            messages.warning(request, reason)

    @admin.action(description=_("Accept the selected pledges"), permissions=["change"])
    def accept_selected(self, request, queryset):
        self._move(request, queryset, pledges.accept, gettext("%(n)d pledges accepted."))

    @admin.action(description=_("Decline the selected pledges"), permissions=["change"])
    def decline_selected(self, request, queryset):
        self._move(request, queryset, pledges.decline, gettext("%(n)d pledges declined."))

    @admin.action(description=_("Handed over: record the selected pledges as donations"), permissions=["change"])
    def record_donations(self, request, queryset):
        self._move(
            request,
            queryset,
            pledges.record_donation,
            gettext("%(n)d donations recorded; the station's page thanks the givers."),
        )


class VisitForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = ["station", "service", "count", "at"]


@admin.register(Visit)
class VisitAdmin(admin_tools.ModelAdmin):
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
