"""The state machine: every move from every state, for every role."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from issues import workflow
from issues.models import Action, Report, ReportEvent, State
from issues.tests.conftest import processed_photo

pytestmark = pytest.mark.django_db

STATES = ["submitted", "dispatched", "in_progress", "resolved", "published", "rejected", "returned"]
ROLES = ["coordinator", "handler_a", "handler_b", "volunteer", "anonymous"]

# What DESIGN.md allows: (action, from state) -> the role that may do it, and where it leads.
ALLOWED = {
    ("dispatch", "submitted"): ("coordinator", "dispatched"),
    ("dispatch", "returned"): ("coordinator", "dispatched"),
    ("reject", "submitted"): ("coordinator", "rejected"),
    # The report happened in 龙西社区 (A): its handlers may take it on before triage.
    ("claim", "submitted"): ("handler_a", "dispatched"),
    ("start", "dispatched"): ("handler_a", "in_progress"),
    ("resolve", "dispatched"): ("handler_a", "resolved"),
    ("resolve", "in_progress"): ("handler_a", "resolved"),
    ("return", "dispatched"): ("handler_a", "returned"),
    ("return", "in_progress"): ("handler_a", "returned"),
    ("publish", "resolved"): ("coordinator", "published"),
    ("reopen", "resolved"): ("coordinator", "dispatched"),
    # The reporter's re-check may come after publication: "不满意" lets a coordinator reopen it.
    ("reopen", "published"): ("coordinator", "dispatched"),
    # The same problem as an open report: the new one ends merged into it (issues/tests/test_merge.py).
    ("merge", "submitted"): ("coordinator", "rejected"),
}


def sample_data(action):
    """What each move needs, as the admin's form would give it."""
    return {
        "dispatch": lambda: {"organization": None},
        "claim": dict,
        "reject": lambda: {"reason": "not_enough_info"},
        "start": dict,
        "resolve": lambda: {"note": "修好了", "photos": [processed_photo()]},
        "return": lambda: {"reason": "不归我们管"},
        "publish": dict,
        "reopen": lambda: {"reason": "现场复核未修好"},
    }[action]()


def do(action, report, by):
    data = {"into": another_open_report(report)} if action == "merge" else sample_data(action)
    return workflow.transition(report, action, by=by, seen_state=report.state, notify=False, **data)


def another_open_report(report):
    return workflow.submit_report(
        volunteer=report.reporter,
        category=report.category,
        description="同一个垃圾桶",
        community=report.community,
        address=report.address,
        notify=False,
    )


@pytest.fixture
def actors(coordinator, handler_a, handler_b, volunteer):
    from django.contrib.auth.models import AnonymousUser

    return {
        "coordinator": coordinator,
        "handler_a": handler_a,
        "handler_b": handler_b,
        "volunteer": volunteer.user,
        "anonymous": AnonymousUser(),
    }


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(workflow.MOVES))
@pytest.mark.parametrize("role", ROLES)
def test_move_matrix(state, action, role, actors, make_report, coordinator, handler_a):
    report = make_report(state, by_coordinator=coordinator, handler=handler_a)
    events_before = report.events.count()
    allowed = ALLOWED.get((action, state))
    expected_ok = allowed is not None and allowed[0] == role
    assert workflow.may(actors[role], action, report) == expected_ok
    if expected_ok:
        event = do(action, report, actors[role])
        report.refresh_from_db()
        assert report.state == allowed[1]
        assert (event.from_state, event.to_state, event.action) == (state, allowed[1], action)
        assert report.events.count() == events_before + 1
    else:
        snapshot = Report.objects.filter(pk=report.pk).values().get()
        with pytest.raises(workflow.TransitionError):
            do(action, report, actors[role])
        assert Report.objects.filter(pk=report.pk).values().get() == snapshot
        assert report.events.count() == events_before


def test_dispatch_sets_the_deadline_from_the_category(make_report, coordinator, category):
    report = make_report()
    now = timezone.now()
    workflow.dispatch(report, by=coordinator, now=now, notify=False)
    assert report.deadline == now + timedelta(hours=category.time_limit)
    assert report.assignee == report.community  # the category has no default organization


def test_dispatch_defaults_to_the_categorys_organization(make_report, coordinator, category, community_b):
    category.default_organization = community_b
    category.save()
    report = make_report()
    workflow.dispatch(report, by=coordinator, notify=False)
    assert report.assignee == community_b


def test_a_coordinator_may_set_another_deadline_but_not_one_in_the_past(make_report, coordinator, community_a):
    report = make_report()
    with pytest.raises(workflow.TransitionError):
        workflow.dispatch(report, by=coordinator, deadline=timezone.now() - timedelta(hours=1), notify=False)
    due = timezone.now() + timedelta(days=3)
    workflow.dispatch(report, by=coordinator, organization=community_a, deadline=due, notify=False)
    assert report.deadline == due


def test_rejecting_as_duplicate_names_the_original(make_report, coordinator):
    original = make_report()
    copy = make_report()
    with pytest.raises(workflow.TransitionError):
        workflow.reject(copy, by=coordinator, reason="duplicate", notify=False)
    workflow.reject(copy, by=coordinator, reason="duplicate", duplicate_of=original, notify=False)
    assert copy.state == State.REJECTED and copy.duplicate_of == original
    assert original.reference in copy.events.last().note


def test_rejecting_needs_a_known_reason(make_report, coordinator):
    report = make_report()
    with pytest.raises(workflow.TransitionError):
        workflow.reject(report, by=coordinator, reason="because", notify=False)
    assert Report.objects.get(pk=report.pk).state == State.SUBMITTED


def test_resolving_needs_a_note_and_a_photo(make_report, coordinator, handler_a):
    report = make_report("in_progress", by_coordinator=coordinator, handler=handler_a)
    with pytest.raises(workflow.TransitionError):
        workflow.resolve(report, by=handler_a, note="", photos=[processed_photo()], notify=False)
    with pytest.raises(workflow.TransitionError):
        workflow.resolve(report, by=handler_a, note="修好了", photos=[], notify=False)
    assert Report.objects.get(pk=report.pk).state == State.IN_PROGRESS


def test_returning_needs_a_reason_and_the_report_can_be_dispatched_again(
    make_report, coordinator, handler_a, community_b
):
    report = make_report("dispatched", by_coordinator=coordinator, handler=handler_a)
    with pytest.raises(workflow.TransitionError):
        workflow.return_report(report, by=handler_a, reason="  ", notify=False)
    workflow.return_report(report, by=handler_a, reason="属于龙北社区", notify=False)
    workflow.dispatch(report, by=coordinator, organization=community_b, notify=False)
    assert report.state == State.DISPATCHED and report.assignee == community_b


def test_reopening_clears_the_resolution_and_sets_a_new_deadline(make_report, coordinator, handler_a):
    report = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
    later = timezone.now() + timedelta(hours=5)
    workflow.reopen(report, by=coordinator, reason="垃圾桶还是坏的", now=later, notify=False)
    assert report.state == State.DISPATCHED
    assert report.resolution_note == "" and report.resolved_at is None
    assert report.deadline > later


def test_a_stale_view_is_told_the_report_already_moved(make_report, coordinator, community_a):
    report = make_report()
    stale = Report.objects.get(pk=report.pk)
    workflow.dispatch(report, by=coordinator, organization=community_a, notify=False)
    with pytest.raises(workflow.TransitionError, match="已|already"):
        workflow.dispatch(stale, by=coordinator, organization=community_a, notify=False)
    assert ReportEvent.objects.filter(report=report, action="dispatch").count() == 1


def test_a_pending_volunteer_cannot_submit(pending_volunteer, category, community_a):
    with pytest.raises(workflow.TransitionError):
        workflow.submit_report(
            volunteer=pending_volunteer, category=category, description="x", community=community_a, address="某处"
        )
    assert Report.objects.count() == 0


def test_events_are_append_only(make_report):
    event = make_report().events.get()
    event.note = "changed"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    assert ReportEvent.objects.get(pk=event.pk).note == ""


def test_the_database_refuses_a_published_report_without_resolution(make_report):
    from django.db import IntegrityError, transaction

    report = make_report()
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(state="published", published_at=timezone.now())


# --- One declaration per move ---------------------------------------------------------------


def test_the_moved_check_uses_the_state_the_caller_saw(make_report, coordinator, community_a):
    report = make_report("dispatched", by_coordinator=coordinator)  # a fresh object: its own state is current
    with pytest.raises(workflow.TransitionError, match="已被他人处理"):
        workflow.transition(report, Action.DISPATCH, by=coordinator, seen_state=State.SUBMITTED, notify=False)
    with pytest.raises(workflow.TransitionError) as refused:
        workflow.transition(report, Action.DISPATCH, by=coordinator, seen_state=State.DISPATCHED, notify=False)
    assert "已被他人处理" not in str(refused.value)
    assert report.events.filter(action=Action.DISPATCH).count() == 1


def test_an_unknown_move_is_refused_not_a_crash(make_report, coordinator):
    report = make_report()
    with pytest.raises(workflow.TransitionError):
        workflow.transition(report, "explode", by=coordinator, seen_state=report.state)
    assert Report.objects.get(pk=report.pk).state == State.SUBMITTED


def test_every_timeline_action_is_a_choice_and_every_move_is_declared_once():
    assert ReportEvent._meta.get_field("action").choices == Action.choices
    for action, move in workflow.MOVES.items():
        assert action == move.action and move.action in Action.values
        assert move.label == Action(action).label and move.form is not None
        assert workflow.notices_for(action) == move.notices


def test_only_the_declared_notes_are_public(make_report, coordinator, handler_a):
    report = make_report("published", by_coordinator=coordinator, handler=handler_a)
    for event in report.events.all():
        assert (event.public_note == event.note) == workflow.has_public_note(event.action) or not event.note
    public = {action for action, move in workflow.MOVES.items() if move.public_note}
    assert public == {Action.REJECT, Action.RESOLVE, Action.PUBLISH}


def test_a_new_move_is_one_declaration(
    monkeypatch, client, make_report, coordinator, handler_a, django_capture_on_commit_callbacks
):
    """A hypothetical move: back from "returned" to the triage queue. Declared once, it is allowed, made,
    recorded and heard about through the same entry point as every other."""
    heard = []
    requeue = workflow.Move(
        "requeue",
        frm=frozenset({State.RETURNED}),
        to=State.SUBMITTED,
        who=workflow._coordinator,
        public=False,
        notices=(heard.append,),
    )
    monkeypatch.setitem(workflow.MOVES, "requeue", requeue)
    report = make_report("returned", by_coordinator=coordinator, handler=handler_a)
    assert "requeue" in workflow.allowed_actions(report, coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("admin:issues_report_change", args=[report.pk])).content.decode()
    assert "/act/dispatch/" in page and "/act/requeue/" not in page  # no form: made by code only
    with django_capture_on_commit_callbacks(execute=True):
        event = workflow.transition(report, "requeue", by=coordinator, seen_state=State.RETURNED, note="重新分拨")
    assert report.state == State.SUBMITTED and (event.from_state, event.to_state) == ("returned", "submitted")
    assert heard == [event] and event.public_note == ""
