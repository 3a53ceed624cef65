"""What a community's (or township's) handler gets on the report list beyond a department's:
every report located in their community (Report.objects.visible_to), told apart from those
dispatched to them, and the claim (认领) of a new one before triage (issues.workflow, Action.CLAIM).

Seeing is not acting: the moves stay with the organization a report is dispatched to.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from issues import workflow
from issues.deadlines import deadline_for
from issues.models import IN_HAND, Action, Assist, Report, State


def may_claim(user):
    """Whether claiming is on and this person is a handler of a community (or township)."""
    return settings.COMMUNITY_CLAIMS and user.is_active and user.is_area_handler


class WhoseFilter(admin.SimpleListFilter):
    """A community's handler tells apart what is theirs to do from what merely happens in their area."""

    title = gettext_lazy("scope")
    parameter_name = "whose"

    def lookups(self, request, model_admin):
        user = request.user
        if not user.is_handler or user.is_coordinator or user.organization_id is None:
            return []
        choices = [("ours", gettext_lazy("Dispatched to us"))]
        if Assist.objects.filter(organization_id=user.organization_id).exists():
            choices.append(("assisting", gettext_lazy("We assist")))
        if not user.is_area_handler:
            return choices if len(choices) > 1 else []
        if may_claim(user):
            choices.append(("claimable", gettext_lazy("Awaiting triage: we may claim")))
        choices.append(("area", gettext_lazy("Everything in our community")))
        return choices

    def queryset(self, request, queryset):
        org = request.user.organization_id
        if self.value() == "ours":
            return queryset.filter(assignee_id=org)
        if self.value() == "assisting":
            return queryset.filter(assists__organization_id=org)
        if self.value() == "claimable":
            return queryset.filter(community_id=org, state=State.SUBMITTED)
        if self.value() == "area":
            return queryset.filter(community_id=org)
        return queryset


def handler_ordering(user):
    """A handler works by urgency: their own reports in hand first (overdue before due soonest), then
    (a community) the new reports in their area they may claim, then what others handle there."""
    org = user.organization_id
    first = Case(
        When(Q(state__in=IN_HAND, assignee_id=org), then=Value(0)),
        When(Q(state=State.SUBMITTED, community_id=org), then=Value(1)),
        default=Value(2),
    )
    return [first, F("deadline").asc(nulls_last=True), "-created_at"]


def with_claim_buttons(list_display, user):
    """The list's "handling organization" column, for a community's handler: the organization, or on a
    new report of their own community the button "认领" (no wider table), which opens the claim's
    confirmation (an optional note), where the workflow decides."""
    org = user.organization_id

    @admin.display(description=Report._meta.get_field("assignee").verbose_name, ordering="assignee__name")
    def assignee_or_claim(report):
        if report.state == State.SUBMITTED and report.community_id == org:
            return format_html(
                '<a class="bf-move bf-move-claim" href="{}">{}</a>',
                reverse("admin:issues_report_act", args=[report.pk, Action.CLAIM]),
                workflow.MOVES[Action.CLAIM].button,
            )
        return report.assignee or "—"

    return [assignee_or_claim if column == "assignee" else column for column in list_display]


@admin.action(description=gettext_lazy("Claim selected reports for our community"), permissions=["claim"])
def claim_selected(modeladmin, request, queryset):
    done = 0
    for report in queryset.select_related("category"):
        try:
            workflow.transition(report, Action.CLAIM, by=request.user, seen_state=report.state)
            done += 1
        except workflow.TransitionError as error:
            messages.warning(request, str(error))
    if done:
        messages.success(request, _("%(n)d reports claimed.") % {"n": done})


def handled_elsewhere(report, user):
    """On the report page of a community's handler: why there is no button (another organization has it)."""
    if user.is_coordinator or report.assignee_id is None or report.assignee_id == user.organization_id:
        return ""
    return _("In your community, handled by %(org)s: you follow it here; its steps are theirs.") % {
        "org": report.assignee
    }


def claim_explained(report):
    """On the claim's confirmation: what claiming does, before it is done."""
    due = timezone.localtime(deadline_for(report.category, timezone.now()))
    return _(
        "Claiming dispatches it to your community at once, to be solved by %(deadline)s (the time limit of "
        "%(category)s); the coordinators no longer triage it."
    ) % {"deadline": f"{due:%Y-%m-%d %H:%M}", "category": report.category.name}
