from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beefeed import admin_tools, spreadsheets
from beefeed.admin_tools import ProcessedImageField, ReadOnlyAdminMixin, ask_then, community_scoped
from beefeed.forms import Prompted
from beefeed.parsing import IdField, parse_id, parse_int, readable
from volunteers import activities, ledger, membership, quarters, rewards, tallies, views
from volunteers.exceptions import PointsError
from volunteers.models import (
    Activity,
    PointsEntry,
    Quarter,
    QuarterTally,
    Redemption,
    RedemptionWindow,
    RewardItem,
    ServiceItem,
    Volunteer,
)


class LedgerInline(ReadOnlyAdminMixin, admin_tools.TabularInline):
    model = PointsEntry
    fk_name = "volunteer"
    fields = ["occurred_on", "kind", "points", "hours", "item", "source", "reason", "created_by"]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = gettext_lazy("points ledger (newest first)")


class VolunteerForm(forms.ModelForm):
    photo = ProcessedImageField(label=gettext_lazy("photo"), required=False)

    class Meta:
        model = Volunteer
        fields = ["name", "work_type", "employer", "community", "party_member", "show_party_member", "photo"]


@admin.register(Volunteer)
class VolunteerAdmin(admin_tools.ModelAdmin):
    form = VolunteerForm
    list_display = ["name", "phone", "work_type", "employer", "community", "party_member", "status", "balance"]
    list_filter = ["status", "community", "work_type", "party_member"]
    list_select_related = ["user", "community"]
    search_fields = ["name", "user__phone"]
    ordering = ["name", "pk"]  # also the autocomplete's (staff intake), which pages its answers
    readonly_fields = ["user", "card_number", "status", "joined_at", "approved_at", "approved_by", "ledger_links"]
    fields = [
        "name",
        "user",
        "card_number",
        "work_type",
        "employer",
        "community",
        "party_member",
        "show_party_member",
        "photo",
        "status",
        "joined_at",
        "approved_at",
        "approved_by",
        "ledger_links",
    ]
    inlines = [LedgerInline]
    actions = ["approve_selected", "suspend_selected", "print_cards"]
    show_facets = admin.ShowFacets.ALWAYS

    def get_queryset(self, request):
        # The balance in the list is the sum of the ledger, added in the same query (not one per row).
        queryset = super().get_queryset(request).annotate(points_balance=Coalesce(Sum("ledger__points"), 0))
        return community_scoped(request, queryset, "community_id")

    @admin.display(description=gettext_lazy("mobile phone"), ordering="user__phone")
    def phone(self, volunteer):
        return volunteer.user.phone

    @admin.display(description=gettext_lazy("points balance"), ordering="points_balance")
    def balance(self, volunteer):
        return volunteer.points_balance

    @admin.display(description=gettext_lazy("points"))
    def ledger_links(self, volunteer):
        if volunteer.pk is None:
            return "—"
        entries = reverse("admin:volunteers_pointsentry_changelist") + f"?volunteer__id__exact={volunteer.pk}"
        adjust = reverse("admin:volunteers_pointsentry_add") + f"?volunteer={volunteer.pk}"
        return format_html(
            '{} {} · <a href="{}">{}</a> · <a href="{}">{}</a>',
            _("Balance:"),
            ledger.balance(volunteer),
            entries,
            _("Full ledger"),
            adjust,
            _("Adjust points"),
        )

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

    @admin.action(description=gettext_lazy("Print points cards of the selected volunteers"))
    def print_cards(self, request, queryset):
        chosen = queryset.filter(status=Volunteer.Status.APPROVED).select_related("user", "community")
        return views.card_page_for_staff(request, chosen.order_by("community__name", "name"))


class AdjustmentForm(forms.ModelForm):
    """Adding a ledger entry in the admin means a coordinator's adjustment (booked through volunteers.ledger)."""

    corrects = IdField(
        label=gettext_lazy("corrects entry no."),
        required=False,
        help_text=gettext_lazy("Optional: the number of the entry this corrects (from the ledger list)."),
    )

    class Meta:
        model = PointsEntry
        fields = ["volunteer", "points", "hours", "reason"]
        help_texts = {
            "points": gettext_lazy("Positive to add, negative to take away."),
            "reason": gettext_lazy("Required. Name the entry or the event you are correcting."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True
        self.fields["hours"].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("points") and not cleaned.get("hours"):
            raise forms.ValidationError(_("An adjustment needs points or hours."))
        number, volunteer = cleaned.get("corrects"), cleaned.get("volunteer")
        if number and volunteer:
            cleaned["corrects"] = PointsEntry.objects.filter(pk=number, volunteer=volunteer).first()
            if cleaned["corrects"] is None:
                self.add_error("corrects", _("That volunteer has no entry with this number."))
        return cleaned


@admin.register(PointsEntry)
class PointsEntryAdmin(admin_tools.ModelAdmin):
    list_display = ["number", "created_at", "volunteer", "kind", "points", "hours", "item", "source", "reason"]
    list_filter = ["kind", "item", "occurred_on"]
    list_select_related = ["volunteer", "item", "created_by"]
    search_fields = ["volunteer__name", "volunteer__user__phone", "source", "reason"]
    autocomplete_fields = ["volunteer"]
    date_hierarchy = "occurred_on"
    actions = ["reverse_selected"]
    show_full_result_count = False

    def get_queryset(self, request):
        return community_scoped(request, super().get_queryset(request), "volunteer__community_id")

    @admin.display(description=gettext_lazy("No."), ordering="pk")
    def number(self, entry):
        return entry.pk

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if readable(parse_id, initial.get("volunteer")) is None:
            initial.pop("volunteer", None)  # absent, or a hand-made link: start with an empty form
        return initial

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AdjustmentForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["volunteer", "points", "hours", "reason", "corrects"]
        return [
            "volunteer",
            "kind",
            "points",
            "hours",
            "item",
            "rule",
            "source",
            "reverses",
            "reason",
            "occurred_on",
            "created_at",
            "created_by",
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        entry = ledger.adjust(
            data["volunteer"],
            points=data["points"] or 0,
            hours=data["hours"] or 0,
            reason=data["reason"],
            corrects=data.get("corrects"),
            by=request.user,
        )
        obj.pk = entry.pk
        obj._state.adding = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Reverse the selected entries"), permissions=["add"])
    def reverse_selected(self, request, queryset):
        return ask_then(
            self,
            request,
            queryset.select_related("volunteer"),
            action="reverse_selected",
            title=_("Reverse points entries"),
            submit_label=_("Reverse"),
            describe=lambda e: f"{e.volunteer.name} · {e.get_kind_display()} {e.points:+d} · {e.source or e.reason}",
            apply=lambda e, reason: ledger.reverse(e, by=request.user, reason=reason),
        )


@admin.register(ServiceItem)
class ServiceItemAdmin(admin_tools.ModelAdmin):
    list_display = ["name", "unit", "points", "bonus_points", "active", "position"]
    list_editable = ["points", "bonus_points", "active", "position"]
    fields = ["name", "code", "description", "unit", "points", "bonus_points", "active", "position"]

    def get_readonly_fields(self, request, obj=None):
        # The code is how the ledger finds an item; it never changes once used.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["title", "item", "date", "hours", "community", "participants"]

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("Record an activity after it took place."))
        latest = Quarter.objects.order_by("-year", "-number").first()
        if quarters.is_closed(date) or (latest and date <= quarters.quarter_bounds(latest.year, latest.number)[1]):
            raise forms.ValidationError(_("The activity's date lies in a closed quarter."))
        return date

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and quarters.is_closed(self.instance.date):
            raise forms.ValidationError(
                _(
                    "The activity's quarter is closed: its participants can no longer change. "
                    "Make an adjustment instead."
                )
            )
        return cleaned


@admin.register(Activity)
class ActivityAdmin(admin_tools.ModelAdmin):
    form = ActivityForm
    list_display = ["date", "title", "item", "hours", "community", "participant_count", "recorded_by"]
    list_filter = ["item", "community", "date"]
    search_fields = ["title"]
    autocomplete_fields = ["participants"]
    date_hierarchy = "date"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(participant_total=Count("participants"))
        return community_scoped(request, queryset, "community_id")

    @admin.display(description=gettext_lazy("participants"), ordering="participant_total")
    def participant_count(self, activity):
        return activity.participant_total

    def get_readonly_fields(self, request, obj=None):
        # Once paid, what an activity was worth stays; participants may still be added or removed.
        return ["item", "date", "hours", "recorded_by"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        try:
            paid, not_repaid = activities.settle_activity(form.instance, by=request.user)
        except PointsError as error:
            messages.error(request, str(error))
        else:
            if paid:
                messages.success(request, _("%(n)d participants received their points.") % {"n": paid})
            if not_repaid:
                messages.warning(
                    request,
                    _("Not paid again (their pay was taken back when they were removed): %(names)s. Use an adjustment.")
                    % {"names": "、".join(not_repaid)},
                )

    def has_delete_permission(self, request, obj=None):
        return False


class CloseQuarterForm(Prompted, forms.ModelForm):
    prompts = {"number": gettext_lazy("Choose the quarter")}

    class Meta:
        model = Quarter
        fields = ["year", "number"]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2999:
            raise forms.ValidationError(_("Write the year with four digits, e.g. 2026."))
        return year

    def clean(self):
        cleaned = super().clean()
        year, number = cleaned.get("year"), cleaned.get("number")
        if year and number:
            try:
                tallies.check_closable(year, number)
            except PointsError as error:
                raise forms.ValidationError(str(error)) from None
        return cleaned

    def validate_unique(self):
        # close_quarter itself refuses a second closing, with a clear message.
        pass


@admin.register(Quarter)
class QuarterAdmin(admin_tools.ModelAdmin):
    """Adding a row here means closing a quarter (一季度一统计)."""

    form = CloseQuarterForm
    list_display = ["quarter", "closed_at", "closed_by", "tally_count", "publication"]

    @admin.display(description=gettext_lazy("quarter"), ordering="year")
    def quarter(self, quarter):
        return quarter.label

    @admin.display(description=gettext_lazy("volunteers tallied"))
    def tally_count(self, quarter):
        return quarter.tallies.count()

    @admin.display(description=gettext_lazy("publication"))
    def publication(self, quarter):
        url = reverse("volunteers:points") + f"?quarter={quarter.key}"
        return format_html('<a href="{}">{}</a>', url, _("Published tallies and sheets"))

    def get_readonly_fields(self, request, obj=None):
        return ["year", "number", "closed_at", "closed_by"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return
        closed = tallies.close_quarter(obj.year, obj.number, by=request.user)
        obj.pk = closed.pk
        obj.closed_at, obj.closed_by = closed.closed_at, closed.closed_by
        obj._state.adding = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(QuarterTally)
class QuarterTallyAdmin(ReadOnlyAdminMixin, admin_tools.ModelAdmin):
    list_display = ["quarter", "volunteer", "community", "points", "hours", "reports", "solved"]
    actions = ["export_xlsx"]

    @admin.action(description=gettext_lazy("Export selected tallies (Excel)"))
    def export_xlsx(self, request, queryset):
        headers = [_("Quarter"), _("Community"), _("Volunteer"), _("Card no."), _("Points"), _("Hours")]
        headers += [_("Reports"), _("Solved")]
        rows = [
            [t.quarter.label, t.community.name, t.volunteer.name, t.volunteer.card_number, t.points, t.hours]
            + [t.reports, t.solved]
            for t in queryset.select_related("quarter", "community", "volunteer").order_by(
                "quarter__year", "quarter__number", "community__name", "-points"
            )
        ]
        name = f"beefeed-tallies-{timezone.localdate():%Y%m%d}"
        return spreadsheets.response(headers, rows, fmt="xlsx", filename=name, title="tallies")

    list_filter = ["quarter", "community"]
    list_select_related = ["quarter", "volunteer", "community"]
    search_fields = ["volunteer__name"]

    def get_queryset(self, request):
        return community_scoped(request, super().get_queryset(request), "community_id")


class RewardItemForm(forms.ModelForm):
    picture = ProcessedImageField(label=gettext_lazy("picture"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The stock the coordinator saw travels with the form: saving applies the difference.
        self.fields["stock"].show_hidden_initial = True

    def stock_change(self):
        """How much the coordinator added to (or took from) the stock the form showed them."""
        seen = readable(parse_int, self.data.get(self.add_initial_prefix("stock")), low=-(2**31), high=2**31 - 1)
        if seen is None:
            seen = self.initial["stock"]
        return self.cleaned_data["stock"] - seen

    class Meta:
        model = RewardItem
        fields = ["name", "description", "points", "stock", "picture", "active", "position"]


@admin.register(RewardItem)
class RewardItemAdmin(admin_tools.ModelAdmin):
    form = RewardItemForm
    list_display = ["name", "points", "stock", "active", "position"]
    list_editable = ["active", "position"]

    def save_model(self, request, obj, form, change):
        if not change or "stock" not in form.changed_data:
            return super().save_model(request, obj, form, change)
        # Redemptions take stock while the form is open: the other fields are saved as typed, the stock
        # only through the change made here, never the stale total.
        obj.refresh_from_db(fields=["stock"])
        super().save_model(request, obj, form, change)
        if not rewards.change_stock(obj, form.stock_change()):
            messages.warning(request, _("The stock was not changed: fewer items are left than you took away."))
        obj.refresh_from_db()

    def has_delete_permission(self, request, obj=None):
        return False


class RedemptionWindowForm(forms.ModelForm):
    class Meta:
        model = RedemptionWindow
        fields = ["year", "opens_on", "closes_on", "note"]

    def clean(self):
        cleaned = super().clean()
        year, opens, closes = cleaned.get("year"), cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes:
            if closes < opens:
                raise forms.ValidationError(_("The window closes before it opens."))
            if year and not (year <= opens.year <= year + 1):
                raise forms.ValidationError(_("The window of %(year)d should open in that year.") % {"year": year})
            overlapping = RedemptionWindow.objects.filter(opens_on__lte=closes, closes_on__gte=opens)
            if self.instance.pk:
                overlapping = overlapping.exclude(pk=self.instance.pk)
            if overlapping.exists():
                raise forms.ValidationError(_("Another redemption window covers some of these days."))
        return cleaned


@admin.register(RedemptionWindow)
class RedemptionWindowAdmin(admin_tools.ModelAdmin):
    form = RedemptionWindowForm
    list_display = ["year", "opens_on", "closes_on", "note"]


@admin.register(Redemption)
class RedemptionAdmin(admin_tools.ModelAdmin):
    list_display = ["created_at", "volunteer", "community", "item", "points", "status", "closed_at"]
    list_filter = ["status", "item", "volunteer__community"]
    list_select_related = ["volunteer__community", "item"]
    search_fields = ["volunteer__name", "volunteer__user__phone"]
    readonly_fields = [
        "volunteer",
        "item",
        "points",
        "status",
        "created_at",
        "closed_at",
        "closed_by",
        "cancel_reason",
    ]
    fields = readonly_fields
    actions = ["hand_over_selected", "cancel_selected", "export_xlsx"]

    @admin.action(description=gettext_lazy("Export selected redemptions (Excel)"))
    def export_xlsx(self, request, queryset):
        headers = [_("Redeemed at"), _("Community"), _("Volunteer"), _("Card no."), _("Reward"), _("Points")]
        headers += [_("Status"), _("Handed over or cancelled at")]
        rows = [
            [r.created_at, r.volunteer.community.name, r.volunteer.name, r.volunteer.card_number, r.item.name]
            + [r.points, r.get_status_display(), r.closed_at]
            for r in queryset.select_related("volunteer__community", "item").order_by("created_at")
        ]
        name = f"beefeed-redemptions-{timezone.localdate():%Y%m%d}"
        return spreadsheets.response(headers, rows, fmt="xlsx", filename=name, title="redemptions")

    @admin.display(description=gettext_lazy("community"), ordering="volunteer__community__name")
    def community(self, redemption):
        return redemption.volunteer.community

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Mark as handed over"), permissions=["change"])
    def hand_over_selected(self, request, queryset):
        n = sum(rewards.hand_over(r, by=request.user) for r in queryset)
        messages.success(request, _("%(n)d redemptions handed over.") % {"n": n})

    @admin.action(description=gettext_lazy("Cancel and refund the points"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        return ask_then(
            self,
            request,
            queryset.select_related("volunteer", "item"),
            action="cancel_selected",
            title=_("Cancel redemptions"),
            submit_label=_("Cancel and refund"),
            describe=lambda r: f"{r.volunteer.name} · {r.item.name} · {r.points}",
            apply=lambda r, reason: rewards.cancel_redemption(r, by=request.user, reason=reason),
        )
