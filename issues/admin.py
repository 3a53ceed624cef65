import functools
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beefeed import admin_tools, spreadsheets
from beefeed.admin_tools import ReadOnlyAdminMixin, ask_then
from beefeed.forms import PLEASE_CHOOSE, Prompted
from beefeed.models import Organization
from beefeed.parsing import parse_id, readable
from issues import (
    awards,
    campaigns,
    community_admin,
    deadlines,
    exports,
    intake,
    joint_admin,
    map_admin,
    merging,
    report_page,
    workflow,
)
from issues.desk import TriageDeskMixin
from issues.forms import DispatchForm
from issues.models import (
    IN_HAND,
    Action,
    Campaign,
    Category,
    ExtensionRequest,
    Rating,
    ReplyTemplate,
    Report,
    ReportEvent,
    ReportPhoto,
    State,
    SupervisionNotice,
    TriageReport,
)
from issues.moderation_admin import moderate_view
from issues.open311 import admin as open311_admin  # noqa: F401  (registers the API clients' admin)
from issues.queries import possible_duplicates


@admin.register(Category)
class CategoryAdmin(admin_tools.ModelAdmin):
    list_display = ["name", "short_label", "time_limit", "time_limit_unit", "default_organization", "position"]
    list_editable = ["position"]
    list_select_related = ["default_organization"]


class JoinCampaignForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"),
        queryset=Campaign.objects.all(),
        empty_label=gettext_lazy("Choose a campaign"),
        error_messages={
            "required": gettext_lazy("Choose the campaign."),
            "invalid_choice": gettext_lazy("Choose the campaign."),
        },
    )


@admin.register(Campaign)
class CampaignAdmin(admin_tools.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "taking_part"]
    search_fields = ["name"]
    fields = ["name", "starts_on", "ends_on", "goal", "organizations", "description"]
    filter_horizontal = ["organizations"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("organizations")

    @admin.display(description=gettext_lazy("organizations"))
    def taking_part(self, campaign):
        return "、".join(org.name for org in campaign.organizations.all()) or "—"


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("deadline")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", gettext_lazy("Overdue")), ("today", gettext_lazy("Due today"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "overdue":
            return queryset.overdue(now)
        if self.value() == "today":
            return queryset.due_today(now)
        return queryset


class PhotoInline(admin_tools.TabularInline):
    model = ReportPhoto
    extra = 0
    classes = ["collapse"]  # the page shows the photos large at its top (_photos.html); this is the file list
    can_delete = False
    fields = ["kind", "preview"]
    readonly_fields = ["kind", "preview"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("photo"))
    def preview(self, photo):
        return format_html(
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="" style="max-height:160px"></a>',
            photo.image.url,
            photo.thumbnail.url,
        )


class EventInline(admin_tools.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    fields = [
        "created_at",
        "action_label",
        "from_state",
        "to_state",
        "actor_label",
        "organization",
        "note",
        "is_public",
    ]
    readonly_fields = fields
    ordering = ["created_at", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor__volunteer", "organization")

    @admin.display(description=gettext_lazy("by"))
    def actor_label(self, event):
        # A courier appears by the shortened name, as on the rest of the page: their user name is
        # their phone number, which a handler has no need of.
        actor = event.actor
        if actor is None:
            return "—"
        volunteer = getattr(actor, "volunteer", None)
        return volunteer.short_name if volunteer is not None else str(actor)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("action"))
    def action_label(self, event):
        return event.get_action_display()


@admin.register(Report)
class ReportAdmin(admin_tools.ModelAdmin):
    list_display = ["ref", "thumb", "category", "community", "state_badge", "assignee", "time_left", "created_at"]
    list_display_links = ["ref", "thumb"]
    # Organizations and communities offered as filters are those of the reports this user may see.
    list_filter = [
        community_admin.WhoseFilter,  # a community's handler: theirs, or all of their area
        "state",
        OverdueFilter,
        "category",
        ("assignee", admin.RelatedOnlyFieldListFilter),
        ("community", admin.RelatedOnlyFieldListFilter),
        "campaign",
    ]
    list_select_related = ["category", "community", "assignee"]
    search_fields = ["description", "address"]
    show_full_result_count = False
    list_per_page = 50
    inlines = [PhotoInline, EventInline]
    actions = [
        "dispatch_to_defaults",
        "dispatch_selected",
        "publish_selected",
        "join_campaign_selected",
        "reverse_points_selected",
        "export_selected_xlsx",
        "export_selected_csv",
        community_admin.claim_selected,
    ]
    fields = [
        "ref",
        "state_badge",
        "category",
        "description",
        "community",
        "address",
        "position",
        "station",
        "campaign",
        "reporter_short",
        "assignee",
        "deadline",
        "time_left",
        "reject_reason",
        "duplicate_of",
        "resolution_note",
        "created_at",
        "duplicates",
    ]
    coordinator_editable = ["category", "community", "campaign"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .select_related("category", "community", "assignee", "reporter")
            .prefetch_related("photos")
        )

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if request.user.is_coordinator:
            return columns
        # A handler, often on a phone, sees how urgent each report is before the table scrolls sideways,
        # and a community's handler the 认领 button of a new report in their area (in the organization column).
        first = [c for c in ("ref", "thumb", "time_left", "state_badge") if c in columns]
        if community_admin.may_claim(request.user):
            columns = community_admin.with_claim_buttons(columns, request.user)
            first += [c for c in columns if callable(c)]
        return first + [c for c in columns if c not in first]

    def get_ordering(self, request):
        if request.user.is_coordinator:
            return super().get_ordering(request)
        return community_admin.handler_ordering(request.user)

    def has_claim_permission(self, request):
        return community_admin.may_claim(request.user)

    def get_readonly_fields(self, request, obj=None):
        editable = self.coordinator_editable if request.user.is_coordinator else []
        return [f for f in self.fields if f not in editable]

    # Shown only when the report has them: a new report's page has no six empty rows.
    shown_when_set = ["station", "assignee", "deadline", "reject_reason", "duplicate_of", "resolution_note"]

    # Shown large in the overview above the fields (issues/report_page.py), so not again below.
    in_overview = ["description", "address", "position", "reporter_short", "deadline", "time_left"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None:
            return fields
        hidden = {name for name in self.shown_when_set if getattr(obj, name) in (None, "")}
        hidden.update(self.in_overview)
        if obj.deadline is None or obj.state not in IN_HAND:
            hidden.add("time_left")
        if not request.user.is_coordinator and obj.campaign_id is None:
            hidden.add("campaign")
        return [f for f in fields if f not in hidden]

    def has_add_permission(self, request):
        # Reports come from couriers and clients, through the workflow.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        pk = Report.pk_from_reference(search_term)
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if pk is not None:
            results = results | queryset.filter(pk=pk)
        return results, may_have_duplicates

    # --- columns ---------------------------------------------------------------

    @admin.display(description=gettext_lazy("reference"), ordering="id")
    def ref(self, report):
        return report.reference

    @admin.display(description=gettext_lazy("photo"))
    def thumb(self, report):
        photo = report.before_photos[0] if report.before_photos else None
        if photo is None:
            return "—"
        return format_html('<img src="{}" alt="" width="64" height="48" style="object-fit:cover">', photo.thumbnail.url)

    @admin.display(description=gettext_lazy("state"), ordering="state")
    def state_badge(self, report):
        return format_html('<span class="bf-state bf-state-{}">{}</span>', report.state, report.get_state_display())

    @admin.display(description=gettext_lazy("time left"), ordering="deadline")
    def time_left(self, report):
        left = report.time_left()
        if left is None:
            return "—"
        hours = int(left.total_seconds() // 3600)
        if left.total_seconds() < 0:
            return format_html('<strong style="color:#b3261e">{}</strong>', _("overdue %(h)d h") % {"h": -hours or 1})
        return _("%(d)d d %(h)d h") % {"d": hours // 24, "h": hours % 24}

    @admin.display(description=gettext_lazy("position"))
    def position(self, report):
        if report.latitude is None:
            return "—"
        return f"{report.latitude:.6f}, {report.longitude:.6f}"

    @admin.display(description=gettext_lazy("reporter"))
    def reporter_short(self, report):
        return report.reporter.short_name if report.reporter else "—"

    def get_object(self, request, object_id, from_field=None):
        report = super().get_object(request, object_id, from_field)
        if report is not None:
            # The "possible duplicates" field lists only reports this user may open, like every other list.
            report.visible_reports = Report.objects.visible_to(request.user)
        return report

    @admin.display(description=gettext_lazy("possible duplicates"))
    def duplicates(self, report):
        found = possible_duplicates(
            among=getattr(report, "visible_reports", Report.objects.none()),
            category_id=report.category_id,
            latitude=report.latitude,
            longitude=report.longitude,
            exclude_pk=report.pk,
            now=report.created_at,
        )
        if not found:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:issues_report_change", args=[r.pk]), f"{r.reference} ({r.get_state_display()})")
                for r in found
            ),
        )

    # --- moves -----------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        # Only coordinators can act on it (they set the deadlines); handlers would see it on every list.
        gaps = deadlines.calendar_gaps() if request.user.is_coordinator else []
        if gaps:
            messages.warning(
                request,
                _(
                    "The holiday calendar does not know %(years)s yet: working-day deadlines there skip weekends "
                    "only. Update the chinese-calendar package once the State Council publishes the holidays."
                )
                % {"years": "、".join(str(y) for y in gaps)},
            )
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        opts = self.model._meta
        return [
            # Staff intake (代录问题): issues.intake, for coordinators only.
            path(
                "enter/", self.admin_site.admin_view(self.enter_view), name=f"{opts.app_label}_{opts.model_name}_enter"
            ),
            path(
                "enter/community/",
                self.admin_site.admin_view(self.enter_community_view),
                name=f"{opts.app_label}_{opts.model_name}_enter_community",
            ),
            path(
                "<int:pk>/act/<str:action>/",
                self.admin_site.admin_view(self.act_view),
                name=f"{opts.app_label}_{opts.model_name}_act",
            ),
            path(
                "<int:pk>/joint/",
                self.admin_site.admin_view(functools.partial(joint_admin.joint_view, self)),
                name=f"{opts.app_label}_{opts.model_name}_joint",
            ),
            path(
                "<int:pk>/moderate/",
                self.admin_site.admin_view(functools.partial(moderate_view, model_admin=self)),
                name=f"{opts.app_label}_{opts.model_name}_moderate",
            ),
            path(
                "map/",
                self.admin_site.admin_view(functools.partial(map_admin.map_view, self)),
                name=f"{opts.app_label}_{opts.model_name}_map",
            ),
            path(
                "map.geojson",
                self.admin_site.admin_view(functools.partial(map_admin.geojson_view, self)),
                name=f"{opts.app_label}_{opts.model_name}_map_geojson",
            ),
            path(
                "export/<str:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name=f"{opts.app_label}_{opts.model_name}_export",
            ),
        ] + super().get_urls()

    def enter_view(self, request):
        return intake.enter_view(self, request)

    def enter_community_view(self, request):
        return intake.community_view(self, request)

    def export_view(self, request, fmt):
        """The list as filtered and searched on screen, as .xlsx or .csv (handlers: their own reports only)."""
        if fmt not in ("xlsx", "csv"):
            raise Http404
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            queryset = self.get_queryset(request)
        if fmt == "xlsx" and self._too_many_for_excel(request, queryset):
            query = request.GET.urlencode()
            return HttpResponseRedirect(reverse("admin:issues_report_changelist") + (f"?{query}" if query else ""))
        return self._export(queryset, fmt)

    def _too_many_for_excel(self, request, queryset):
        """An Excel file is built before its first byte goes out (about 25 s per 50,000 rows here), and the
        proxy or gunicorn would cut a much longer wait; a CSV streams from its first row."""
        count = queryset.count()
        if count <= exports.XLSX_MAX_ROWS:
            return False
        self.message_user(
            request,
            _(
                "%(n)s reports are too many for one Excel file (at most %(max)s). Narrow the list with the "
                "filters, or export it as CSV, which Excel opens too."
            )
            % {"n": count, "max": exports.XLSX_MAX_ROWS},
            messages.WARNING,
        )
        return True

    def _export(self, queryset, fmt):
        headers, rows = exports.report_table(queryset)
        name = f"beefeed-reports-{timezone.localdate():%Y%m%d}"
        return spreadsheets.streaming_response(headers, rows, fmt=fmt, filename=name, title="reports")

    @admin.action(description=gettext_lazy("Export selected reports (Excel)"))
    def export_selected_xlsx(self, request, queryset):
        if self._too_many_for_excel(request, queryset):
            return None  # back to the list, with the message
        return self._export(queryset, "xlsx")

    @admin.action(description=gettext_lazy("Export selected reports (CSV)"))
    def export_selected_csv(self, request, queryset):
        return self._export(queryset, "csv")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        pk = readable(parse_id, object_id)
        report = self.get_queryset(request).filter(pk=pk).first() if pk else None
        if report is not None:
            extra_context["moves"] = [
                (action, workflow.MOVES[action].button)
                for action in workflow.allowed_actions(report, request.user)
                if workflow.MOVES[action].form  # a move without a form is made by code only (supervision)
            ]
            far_future = report.deadline + timedelta(days=365) if report.deadline else None
            extra_context["may_extend"] = far_future is not None and not workflow.extension_refusal(
                report, by=request.user, deadline=far_future
            )
            # The report at a glance above the fields (templates/admin/issues/report/_overview.html).
            extra_context.update(report_page.overview(report, request.user))
            if report.time_left() is not None:
                extra_context.update(deadline=report.deadline, time_left=self.time_left(report))
            extra_context.update(joint_admin.context(report, request.user))
            extra_context["area_only"] = (
                _("%(org)s leads this report and resolves it; your organization assists: add what you find as notes.")
                % {"org": report.assignee}
                if extra_context["assisting_here"]
                else community_admin.handled_elsewhere(report, request.user)
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def act_view(self, request, pk, action):
        move = workflow.MOVES.get(action)
        if move is None or move.form is None:
            raise Http404
        report = self.get_queryset(request).filter(pk=pk).first()
        if report is None:
            raise Http404
        change_url = reverse("admin:issues_report_change", args=[report.pk])
        if request.method != "POST" and not workflow.may(request.user, action, report):
            # On POST the workflow itself says precisely why (e.g. someone else moved it first).
            messages.error(request, _("This step is not possible for report %(ref)s now.") % {"ref": report.reference})
            return HttpResponseRedirect(change_url)
        initial = {}
        if action == Action.DISPATCH:
            initial = {
                "organization": report.assignee or workflow.default_organization(report),
                "deadline": timezone.localtime(workflow.deadline_for(report.category, timezone.now())),
            }
        elif action == Action.MERGE:
            initial = {"into": merging.suggested_original(report, request.user)}
        if request.method == "POST":
            form = move.form(request.POST, request.FILES)
            # The state the coordinator saw when the form was shown: if it has moved since,
            # the workflow says "already moved on".
            seen_state = request.POST.get("seen_state")
            if seen_state not in State.values:
                seen_state = report.state
            if form.is_valid():
                try:
                    workflow.transition(report, action, by=request.user, seen_state=seen_state, **form.cleaned_data)
                except workflow.TransitionError as error:
                    messages.error(request, str(error))
                    return HttpResponseRedirect(change_url)
                messages.success(
                    request, _("Report %(ref)s: %(action)s done.") % {"ref": report.reference, "action": move.label}
                )
                return HttpResponseRedirect(change_url)
        else:
            form = move.form(initial=initial)
        if action == Action.DISPATCH:
            form.fields["organization"].queryset = Organization.objects.all()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "report": report,
            "form": form,
            "action": action,
            "action_label": move.button,
            "title": f"{report.reference} · {move.button}",
            "change_url": change_url,
            # Offered above the form's text field: one tap puts one in (static/js/admin_act.js).
            "replies": ReplyTemplate.objects.for_move(report.category_id, action),
            "explain": community_admin.claim_explained(report) if action == Action.CLAIM else "",
        }
        return TemplateResponse(request, "admin/issues/report/act.html", context, status=400 if form.errors else 200)

    # --- bulk actions ----------------------------------------------------------

    def _dispatch_each(self, request, queryset, *, organization, deadline, note):
        """Dispatch every selected report through the workflow; `organization` None: each to its
        default (its category's organization, else its community), with its category's deadline."""
        done, refused = 0, []
        for report in queryset.select_related("category__default_organization", "community"):
            try:
                workflow.transition(
                    report,
                    Action.DISPATCH,
                    by=request.user,
                    seen_state=report.state,
                    organization=organization,
                    deadline=deadline,
                    note=note,
                )
                done += 1
            except workflow.TransitionError as error:
                refused.append(f"{report.reference}: {error}")
        if done:
            messages.success(request, _("%(n)d reports dispatched.") % {"n": done})
        for text in refused:
            messages.warning(request, text)

    @admin.action(
        description=gettext_lazy("Dispatch selected reports, each to its category's default organization"),
        permissions=["change"],
    )
    def dispatch_to_defaults(self, request, queryset):
        return self._dispatch_each(request, queryset, organization=None, deadline=None, note="")

    @admin.action(description=gettext_lazy("Dispatch selected reports to one organization"), permissions=["change"])
    def dispatch_selected(self, request, queryset):
        if "organization" in request.POST:
            form = DispatchForm(request.POST)
            if form.is_valid():
                return self._dispatch_each(request, queryset, **form.cleaned_data)
        else:
            form = DispatchForm()
        return self._ask(request, queryset, form, "dispatch_selected", _("Dispatch selected reports"), _("Dispatch"))

    @admin.action(description=gettext_lazy("Add selected reports to a campaign"), permissions=["change"])
    def join_campaign_selected(self, request, queryset):
        """专项行动: the selected reports join a campaign at once (issues.campaigns.join)."""
        if "campaign" in request.POST:
            form = JoinCampaignForm(request.POST)
            if form.is_valid():
                campaign = form.cleaned_data["campaign"]
                done = campaigns.join(queryset, campaign)
                self.message_user(
                    request,
                    _("%(n)d reports added to the campaign %(campaign)s.") % {"n": done, "campaign": campaign},
                    messages.SUCCESS,
                )
                return None
        else:
            form = JoinCampaignForm()
        return self._ask(
            request,
            queryset,
            form,
            "join_campaign_selected",
            _("Add selected reports to a campaign"),
            _("Add to the campaign"),
        )

    def _ask(self, request, queryset, form, action, title, submit_label):
        """A bulk action's question (which organization, which campaign) before it is done."""
        return render(
            request,
            "admin/action_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "form": form,
                "items": [
                    f"{r.reference} · {r.category.name} · {r.community.name} · {r.description[:40]}" for r in queryset
                ],
                "selected": [r.pk for r in queryset],
                "action": action,
                "title": title,
                "submit_label": submit_label,
            },
        )

    @admin.action(description=gettext_lazy("Publish selected resolved reports"), permissions=["change"])
    def publish_selected(self, request, queryset):
        done = 0
        for report in queryset:
            try:
                workflow.transition(report, Action.PUBLISH, by=request.user, seen_state=report.state)
                done += 1
            except workflow.TransitionError as error:
                messages.warning(request, str(error))
        if done:
            messages.success(request, _("%(n)d reports published.") % {"n": done})

    @admin.action(description=gettext_lazy("Found false: take back the reporter's points"), permissions=["change"])
    def reverse_points_selected(self, request, queryset):
        return ask_then(
            self,
            request,
            queryset.select_related("reporter", "category"),
            action="reverse_points_selected",
            title=_("Take back the points of false reports"),
            submit_label=_("Take back the points"),
            describe=lambda r: f"{r.reference} · {r.category.name} · {r.reporter.short_name if r.reporter else '—'}",
            apply=lambda r, reason: awards.reverse_report(r.reporter, r.pk, by=request.user, reason=reason),
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and request.user.is_coordinator


@admin.register(TriageReport)
class TriageAdmin(TriageDeskMixin, ReportAdmin):
    """The coordinators' queue: new reports, oldest first, each decided from its row (issues.desk)."""

    # Everything here waits for triage: no state, organization or deadline columns, but what the
    # coordinator decides on (photo, category, place, the courier's words) and how long it waited.
    list_display = ["ref", "thumb", "category", "community", "summary", "waiting", "desk"]
    list_filter = ["category", ("community", admin.RelatedOnlyFieldListFilter)]

    @admin.display(description=gettext_lazy("description"))
    def summary(self, report):
        first_line = (report.description or "").strip().splitlines()[0:1]
        text = first_line[0] if first_line else ""
        return text if len(text) <= 40 else text[:39] + "…"

    @admin.display(description=gettext_lazy("waiting"), ordering="created_at")
    def waiting(self, report):
        waited = timezone.now() - report.created_at
        hours = int(waited.total_seconds() // 3600)
        if hours >= 24:
            text = _("%(d)d d %(h)d h") % {"d": hours // 24, "h": hours % 24}
        else:
            text = _("%(h)d h %(m)d min") % {"h": hours, "m": int(waited.total_seconds() // 60) % 60}
        if waited > timedelta(hours=settings.TRIAGE_HOURS):
            return format_html('<strong class="bf-late">{}</strong>', text)
        return text

    actions = ["dispatch_to_defaults", "dispatch_selected", "export_selected_xlsx", "export_selected_csv"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(state=State.SUBMITTED).order_by("created_at")

    def get_ordering(self, request):
        return ["created_at"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:issues_report_change", args=[object_id]))

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff and request.user.is_coordinator

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_module_permission(self, request):
        return self.has_view_permission(request)


class ExtensionRequestForm(Prompted, forms.ModelForm):
    user = None  # set by the admin: the handler asking
    prompts = {"report": gettext_lazy("Choose the report")}

    class Meta:
        model = ExtensionRequest
        fields = ["report", "proposed_deadline", "reason"]

    def clean(self):
        cleaned = super().clean()
        report, deadline = cleaned.get("report"), cleaned.get("proposed_deadline")
        if report and deadline:
            refusal = workflow.extension_refusal(report, by=self.user, deadline=deadline)
            if refusal:
                raise forms.ValidationError(refusal)
        return cleaned

    def _post_clean(self):
        pass  # the workflow creates the row (old deadline, requester); nothing to validate on the bare instance


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin_tools.ModelAdmin):
    """Handlers ask for more time here (before the deadline); coordinators grant or refuse."""

    form = ExtensionRequestForm
    list_display = ["report", "assignee", "old_deadline", "proposed_deadline", "status", "requested_by", "created_at"]
    list_filter = ["status"]
    list_select_related = ["report__assignee", "requested_by"]
    actions = ["grant_selected", "refuse_selected"]
    readonly_fields = ["status", "old_deadline", "requested_by", "created_at", "decided_by", "decided_at"]

    @admin.display(description=gettext_lazy("handled by"), ordering="report__assignee__name")
    def assignee(self, request_):
        return request_.report.assignee

    def get_queryset(self, request):
        return super().get_queryset(request).filter(report__in=Report.objects.visible_to(request.user))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["report", "proposed_deadline", "reason"]
        return [
            "report",
            "status",
            "old_deadline",
            "proposed_deadline",
            "reason",
            "requested_by",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "report":
            kwargs["queryset"] = (
                Report.objects.in_hand().filter(assignee_id=request.user.organization_id).select_related("category")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return request.user.is_handler and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        created = workflow.request_extension(
            data["report"], by=request.user, deadline=data["proposed_deadline"], reason=data["reason"]
        )
        for field in ExtensionRequest._meta.concrete_fields:  # the admin logs and shows what was written
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except workflow.TransitionError as error:  # someone asked for the same report a moment earlier
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("admin:issues_extensionrequest_changelist"))

    def _decide(self, request, queryset, grant):
        done = 0
        for extension in queryset:
            try:
                workflow.decide_extension(extension, by=request.user, grant=grant)
                done += 1
            except workflow.TransitionError as error:
                messages.warning(request, f"{extension.report.reference}: {error}")
        if done:
            messages.success(request, _("%(n)d extension requests decided.") % {"n": done})

    @admin.action(description=gettext_lazy("Grant: move the deadline"), permissions=["decide"])
    def grant_selected(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description=gettext_lazy("Refuse"), permissions=["decide"])
    def refuse_selected(self, request, queryset):
        self._decide(request, queryset, False)

    def has_decide_permission(self, request):
        return request.user.is_coordinator


@admin.register(Rating)
class RatingAdmin(admin_tools.ModelAdmin):
    list_display = ["report", "score", "comment", "created_at", "reviewed_at"]
    list_filter = ["score", ("reviewed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["report"]
    fields = ["report", "reporter", "score", "comment", "photo", "created_at", "reviewed_at", "reviewed_by"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("reporter"))
    def reporter(self, rating):
        return rating.volunteer.short_name  # as on the report page: handlers need no full name

    actions = ["mark_reviewed"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(report__in=Report.objects.visible_to(request.user))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Mark as reviewed"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        n = queryset.filter(reviewed_at__isnull=True).update(reviewed_at=timezone.now(), reviewed_by=request.user)
        messages.success(request, _("%(n)d ratings marked as reviewed.") % {"n": n})


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(ReadOnlyAdminMixin, admin_tools.ModelAdmin):
    list_display = ["created_at", "kind", "report", "sent_at", "attempts", "last_error"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["report"]
    show_full_result_count = False


def _moves_with_a_form():
    return [(action, move.label) for action, move in workflow.MOVES.items() if move.form]


class ReplyMoveFilter(admin.SimpleListFilter):
    title = gettext_lazy("step")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return _moves_with_a_form()

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin_tools.ModelAdmin):
    """Coordinators keep the reply templates (回复模板); handlers read them and use them on the moves' forms."""

    list_display = ["text", "action", "for_category", "position"]
    list_filter = [ReplyMoveFilter, ("category", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["category"]
    search_fields = ["text"]
    fields = ["action", "category", "text", "position"]

    @admin.display(description=gettext_lazy("category"), ordering="category__position")
    def for_category(self, template):
        return template.category.name if template.category else _("every category")

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "action":
            # Only moves a person makes through a form have a text field to fill.
            kwargs["choices"] = [("", PLEASE_CHOOSE), *_moves_with_a_form()]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "maxlength": db_field.max_length})
        return super().formfield_for_dbfield(db_field, request, **kwargs)
