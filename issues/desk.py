"""The triage desk: a coordinator dispatches or rejects a waiting report from its row of the queue.

Each row of the queue (TriageAdmin) carries a small dispatch control — the organization, with the
category's default preselected and changeable, the deadline the category gives, a 派单 button —,
a 不予受理 control asking the reason (the reject move's own form fields), and a 同一问题 control
that merges the report into an open one by its reference (the MERGE move's form). Each posts once to
`triagereport/<pk>/desk/`, which makes the move through `issues.workflow.transition` with the
state the coordinator saw. With JavaScript (static/js/triage_desk.js) the answer is a small JSON
and the row becomes one line ("BF000012 已派给 龙西社区") without leaving the list; without it,
the plain POST comes back to the queue with a message.

HTML has no nested forms: the rows' <form> elements are rendered after the changelist's own
<form> (templates/admin/issues/triagereport/change_list.html) and the controls in the table name
theirs with the `form` attribute.
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect, JsonResponse, QueryDict
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from beefeed.models import Organization
from issues import workflow
from issues.models import Action, RejectReason, Report, State

DESK_MOVES = (Action.DISPATCH, Action.REJECT, Action.MERGE)


def form_id(report_pk, action):
    """The id of the row's <form> for `action`: its controls point at it with form="…"."""
    return f"bf-desk-{action}-{report_pk}"


def _form_problems(form):
    """The form's errors as one line, each named by its field unless it names it itself."""
    lines = []
    for name, errors in form.errors.items():
        label = str(form.fields[name].label) if name in form.fields else ""
        lines += [error if label in error else f"{label}：{error}" for error in errors]
    return " ".join(lines)


class TriageDeskMixin:
    """For TriageAdmin: the row's dispatch and reject controls, and the one URL they post to."""

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<int:pk>/desk/",
                self.admin_site.admin_view(require_POST(self.desk_view)),
                name=f"{opts.app_label}_{opts.model_name}_desk",
            ),
        ] + super().get_urls()

    # --- the rows -----------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "desk_moves": DESK_MOVES})

    def get_changelist_instance(self, request):
        """The rows of the page learn once what their controls offer: organizations, default, deadline."""
        changelist = super().get_changelist_instance(request)
        organizations = list(Organization.objects.order_by("kind", "name").only("pk", "name", "kind"))
        now = timezone.now()
        deadlines = {}
        for report in changelist.result_list:
            category = report.category
            if category.pk not in deadlines:
                deadlines[category.pk] = timezone.localtime(workflow.deadline_for(category, now))
            report.desk_organizations = organizations
            report.desk_default_id = category.default_organization_id or report.community_id
            report.desk_deadline = deadlines[category.pk]
        return changelist

    @admin.display(description=gettext_lazy("dispatch or not accept"))
    def desk(self, report):
        organizations = getattr(report, "desk_organizations", None)
        if organizations is None:  # a list built elsewhere (an export): no controls
            return ""
        dispatch, reject = form_id(report.pk, Action.DISPATCH), form_id(report.pk, Action.REJECT)
        merge = form_id(report.pk, Action.MERGE)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((org.pk, " selected" if org.pk == report.desk_default_id else "", org.name) for org in organizations),
        )
        reasons = format_html_join("", '<option value="{}">{}</option>', RejectReason.choices)
        due = report.desk_deadline
        return format_html(
            '<div class="bf-desk" data-report="{pk}">'
            '<div class="bf-desk-line">'
            '<select name="organization" form="{dispatch}" aria-label="{to_label}">{options}</select>'
            '<button type="submit" form="{dispatch}" class="bf-desk-go">{dispatch_label}</button>'
            "</div>"
            '<div class="bf-desk-line2">'
            '<span class="bf-desk-due">{due_label} <time datetime="{due_iso}">{due_text}</time></span>'
            '<details class="bf-desk-no"><summary>{reject_label}</summary>'
            '<select name="reason" form="{reject}" aria-label="{reason_label}" required>'
            '<option value="">{reason_prompt}</option>{reasons}</select>'
            '<input name="duplicate_of" form="{reject}" size="9" placeholder="{duplicate_hint}" '
            'aria-label="{duplicate_label}">'
            '<input name="note" form="{reject}" placeholder="{note_hint}" aria-label="{note_hint}">'
            '<button type="submit" form="{reject}">{reject_label}</button>'
            "</details>"
            '<details class="bf-desk-no bf-desk-merge"><summary>{merge_label}</summary>'
            '<input name="into" form="{merge}" size="9" placeholder="BF…" aria-label="{into_label}" required>'
            '<button type="submit" form="{merge}">{merge_go}</button>'
            "</details>"
            "</div>"
            '<p class="bf-desk-msg" role="alert"></p>'
            "</div>",
            pk=report.pk,
            dispatch=dispatch,
            reject=reject,
            to_label=_("Handling organization"),
            options=options,
            dispatch_label=_("Dispatch"),
            due_label=_("Due if dispatched now:"),
            due_iso=due.isoformat(),
            due_text=date_format(due, "DATETIME_FORMAT"),
            reject_label=_("Reject"),
            reason_label=_("Reason"),
            reason_prompt=_("Reason…"),
            reasons=reasons,
            duplicate_hint=_("duplicate of BF…"),
            duplicate_label=_("Duplicate of (reference number)"),
            note_hint=_("note (optional)"),
            merge=merge,
            merge_label=_("Same problem"),
            into_label=_("Same problem as (reference number)"),
            merge_go=_("Merge"),
        )

    # --- the one request per decision ----------------------------------------------------

    def desk_view(self, request, pk):
        """Dispatch or reject report `pk` from its row: through the workflow, with the state the row showed."""
        if not self.has_change_permission(request):
            return self._desk_answer(request, _("Only a coordinator dispatches or rejects reports."), status=403)
        report = Report.objects.visible_to(request.user).select_related("category", "community").filter(pk=pk).first()
        if report is None:
            return self._desk_answer(request, _("This report does not exist."), status=404)
        action = request.POST.get("move")
        if action not in DESK_MOVES:
            return self._desk_answer(
                request, _("Choose to dispatch, not to accept or to merge."), status=400, report=report
            )
        move = workflow.MOVES[action]
        form = move.form(request.POST)
        if action == Action.DISPATCH:
            choose = _("Choose the organization from the list.")
            form.fields["organization"].error_messages.update(required=choose, invalid_choice=choose)
        elif action == Action.REJECT:
            form.fields["reason"].error_messages["required"] = _("Choose why the report is not accepted.")
        if not form.is_valid():
            problems = _form_problems(form)
            return self._desk_answer(request, problems, status=400, report=report)
        # The queue shows waiting reports: if it has moved since, the workflow says "already moved on".
        seen_state = request.POST.get("seen_state")
        if seen_state not in State.values:
            seen_state = State.SUBMITTED
        try:
            event = workflow.transition(report, action, by=request.user, seen_state=seen_state, **form.cleaned_data)
        except workflow.TransitionError as error:
            return self._desk_answer(request, str(error), status=409, report=report)
        if action == Action.DISPATCH:
            text = _("%(ref)s dispatched to %(organization)s") % {
                "ref": report.reference,
                "organization": event.organization,
            }
        elif action == Action.MERGE:
            text = _("%(ref)s merged into %(into)s: its courier now follows that report") % {
                "ref": report.reference,
                "into": Report.reference_for(form.cleaned_data["into"]),
            }
        else:
            text = _("%(ref)s not accepted: %(reason)s") % {"ref": report.reference, "reason": event.note}
        return self._desk_answer(request, text, status=200, report=report)

    def _desk_answer(self, request, text, *, status, report=None):
        """JSON for the row's script; for a plain form, back to the queue with the message."""
        if "application/json" in request.headers.get("Accept", ""):
            body = {"ok": status == 200, "message": text}
            if report is not None:
                body["ref"] = report.reference
            return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
        if report is not None and status != 200:
            text = text if report.reference in text else f"{report.reference}: {text}"
        (messages.success if status == 200 else messages.error)(request, text)
        back = QueryDict(request.POST.get("back", "")).urlencode()  # only a query string, re-encoded
        url = reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist")
        return HttpResponseRedirect(f"{url}?{back}" if back else url)
