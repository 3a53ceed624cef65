"""Joint handling on the admin's report page (主办/协办, issue 19 item 3): who leads, who assists,
the form that asks another organization to assist or lets it go, and the internal notes.

The rules are issues.workflow's (`assist`, `unassist`, `add_note`); this module shows them and
posts to them. Everything is one POST to `report/<pk>/joint/`, which redirects back to the page.
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beefeed.models import Organization
from beefeed.parsing import parse_id, readable
from issues import workflow


class AssistForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Ask to assist"),
        queryset=Organization.objects.none(),
        empty_label=gettext_lazy("Choose an organization"),
        error_messages={
            "required": gettext_lazy("Choose the organization to ask."),
            "invalid_choice": gettext_lazy("Choose the organization to ask."),
        },
    )
    note = forms.CharField(label=gettext_lazy("What you need from them"), required=False, max_length=500)

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        taken = list(report.assists.values_list("organization_id", flat=True)) + [report.assignee_id]
        self.fields["organization"].queryset = Organization.objects.exclude(pk__in=[t for t in taken if t])


class InternalNoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Internal note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Write the note first.")},
    )


def context(report, user):
    """Template context for templates/admin/issues/report/_joint.html."""
    assists = list(report.assists.select_related("organization"))
    may_change = workflow.assist_refusal(report, by=user) is None
    return {
        "assists": assists,
        "may_unassist": workflow.may_unassist(user, report),
        "assist_form": AssistForm(report=report) if may_change else None,
        "note_form": InternalNoteForm() if workflow.may_note(user, report) else None,
        "assisting_here": any(a.organization_id == user.organization_id for a in assists) and not user.is_coordinator,
    }


def joint_view(model_admin, request, pk):
    """POST only: `do` is assist, unassist or note. Refusals and bad input come back as messages;
    the report stays as it was."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    report = model_admin.get_queryset(request).filter(pk=pk).first()
    if report is None:
        raise Http404
    change_url = reverse("admin:issues_report_change", args=[report.pk]) + "#bf-joint"
    do = request.POST.get("do")
    try:
        if do == "assist":
            form = AssistForm(request.POST, report=report)
            if not form.is_valid():
                return _refused(request, change_url, form)
            org = form.cleaned_data["organization"]
            workflow.assist(report, by=request.user, organization=org, note=form.cleaned_data["note"])
            messages.success(request, _("%(org)s is asked to assist.") % {"org": org})
        elif do == "unassist":
            org_pk = readable(parse_id, request.POST.get("organization"))
            org = Organization.objects.filter(pk=org_pk).first() if org_pk else None
            if org is None:
                messages.error(request, _("Choose the organization to ask."))
                return HttpResponseRedirect(change_url)
            workflow.unassist(report, by=request.user, organization=org)
            messages.success(request, _("%(org)s no longer assists.") % {"org": org})
        elif do == "note":
            form = InternalNoteForm(request.POST)
            if not form.is_valid():
                return _refused(request, change_url, form)
            workflow.add_note(report, by=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("Note added to the timeline."))
        else:
            raise Http404
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    return HttpResponseRedirect(change_url)


def _refused(request, url, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return HttpResponseRedirect(url)
