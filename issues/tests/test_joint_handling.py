"""Joint handling (主办/协办, issue 19 item 3): one organization leads a report, others may be asked
to assist. The assisting ones see it and add internal notes; only the lead resolves; the figures
count the report for the lead and show the assists beside them.

The cast: the report is dispatched to 区城管局 (the lead, dept_handler); 龙北社区 (handler_b) is
asked to assist; 龙西社区 (handler_a) is where it happens; 区住建局 (housing_handler) has nothing to
do with it.
"""

import pytest
from django.core import mail
from django.urls import reverse

from beefeed.models import Organization
from beefeed.roles import HANDLERS
from conftest import make_staff
from issues import stats, workflow
from issues.models import Action, Assist, Report, State
from issues.tests.conftest import processed_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def housing(db):
    return Organization.objects.create(name="区住建局", kind=Organization.Kind.DEPARTMENT)


@pytest.fixture
def housing_handler(housing):
    return make_staff("zhujian", housing, HANDLERS)


@pytest.fixture
def led(make_report, coordinator, department):
    report = make_report()
    workflow.dispatch(report, by=coordinator, organization=department, notify=False)
    return report


@pytest.fixture
def assisted(led, coordinator, community_b):
    workflow.assist(led, by=coordinator, organization=community_b, note="请协助核实产权", notify=False)
    return led


def page(report):
    return reverse("admin:issues_report_change", args=[report.pk])


def joint(report):
    return reverse("admin:issues_report_joint", args=[report.pk])


# --- the moves ------------------------------------------------------------------


def test_the_lead_asks_another_organization_to_assist_with_an_event(led, dept_handler, community_b):
    workflow.assist(led, by=dept_handler, organization=community_b, note="需要社区配合入户")

    assert list(led.assists.values_list("organization__name", flat=True)) == ["龙北社区"]
    event = led.events.get(action=Action.ASSIST)
    assert (event.organization, event.actor, event.note, event.is_public) == (
        community_b,
        dept_handler,
        "需要社区配合入户",
        False,
    )
    led.refresh_from_db()
    assert (led.state, led.assignee.name) == (State.DISPATCHED, "区城管局")  # the lead and the state stay


def test_the_assisting_organization_is_told_by_email(
    led, coordinator, community_b, handler_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.assist(led, by=coordinator, organization=community_b, note="请协助")
    [message] = [m for m in mail.outbox if "handler_b@example.org" in m.to]
    assert led.reference in message.subject and "区城管局" in message.subject


def test_an_organization_assists_once_and_the_lead_never_assists_itself(assisted, coordinator, community_b, department):
    with pytest.raises(workflow.TransitionError, match="已在协办|already assists"):
        workflow.assist(assisted, by=coordinator, organization=community_b)
    with pytest.raises(workflow.TransitionError, match="主办|already leads"):
        workflow.assist(assisted, by=coordinator, organization=department)
    assert assisted.assists.count() == 1


def test_neither_an_assistant_nor_an_outsider_may_ask_others(assisted, handler_b, housing_handler, housing, handler_a):
    for who in (handler_b, housing_handler, handler_a):
        with pytest.raises(workflow.TransitionError):
            workflow.assist(assisted, by=who, organization=housing)
    assert list(assisted.assists.values_list("organization__name", flat=True)) == ["龙北社区"]


def test_no_assistance_before_dispatch_or_after_resolution(make_report, coordinator, handler_a, community_b):
    new = make_report()
    with pytest.raises(workflow.TransitionError):
        workflow.assist(new, by=coordinator, organization=community_b)
    solved = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
    with pytest.raises(workflow.TransitionError):
        workflow.assist(solved, by=coordinator, organization=community_b)
    assert not Assist.objects.exists()


def test_the_lead_lets_an_assistant_go_with_an_event(assisted, dept_handler, community_b):
    workflow.unassist(assisted, by=dept_handler, organization=community_b)

    assert not assisted.assists.exists()
    assert assisted.events.filter(action=Action.UNASSIST, organization=community_b).exists()


def test_an_assistant_cannot_let_itself_or_others_go(assisted, handler_b, community_b):
    with pytest.raises(workflow.TransitionError):
        workflow.unassist(assisted, by=handler_b, organization=community_b)
    assert assisted.assists.count() == 1


def test_dispatching_to_the_assisting_organization_makes_it_the_lead(assisted, coordinator, community_b, dept_handler):
    workflow.return_report(assisted, by=dept_handler, reason="主要是社区的事", notify=False)
    workflow.dispatch(assisted, by=coordinator, organization=community_b, notify=False)

    assisted.refresh_from_db()
    assert assisted.assignee == community_b
    assert not assisted.assists.exists()


# --- who sees, who notes, who resolves -------------------------------------------------


def test_the_assisting_handler_sees_the_report_and_an_outsider_does_not(assisted, handler_b, housing_handler):
    assert Report.objects.visible_to(handler_b).filter(pk=assisted.pk).exists()
    assert not Report.objects.visible_to(housing_handler).filter(pk=assisted.pk).exists()


def test_the_assisting_handler_reads_the_page_and_may_not_resolve(client, assisted, handler_b):
    client.force_login(handler_b)
    response = client.get(page(assisted))

    assert response.status_code == 200
    text = response.content.decode()
    assert "区城管局" in text and "龙北社区" in text
    assert workflow.allowed_actions(assisted, handler_b) == []
    resolve = reverse("admin:issues_report_act", args=[assisted.pk, Action.RESOLVE])
    assert resolve not in text
    # Forging the resolve form is refused and changes nothing.
    response = client.post(resolve, {"note": "我们修好了", "seen_state": "dispatched"}, follow=True)
    assisted.refresh_from_db()
    assert assisted.state == State.DISPATCHED
    assert not assisted.events.filter(action=Action.RESOLVE).exists()


def test_the_assisting_handler_adds_an_internal_note_on_the_page(client, assisted, handler_b):
    client.force_login(handler_b)
    response = client.post(joint(assisted), {"do": "note", "note": "已联系物业，周三到场"}, follow=True)

    assert response.status_code == 200
    note = assisted.events.get(action=Action.NOTE)
    assert (note.actor, note.organization.name, note.is_public) == (handler_b, "龙北社区", False)
    assert "已联系物业，周三到场" in response.content.decode()  # on the timeline


def test_internal_notes_stay_inside(client, assisted, handler_b, volunteer):
    workflow.add_note(assisted, by=handler_b, note="产权属于开发商，需协调")
    client.force_login(volunteer.user)
    assert "产权属于开发商" not in client.get(reverse("issues:my_reports")).content.decode()


def test_an_outsider_may_neither_note_nor_see_the_joint_form(client, assisted, housing_handler, handler_a):
    with pytest.raises(workflow.TransitionError):
        workflow.add_note(assisted, by=housing_handler, note="路过")
    client.force_login(housing_handler)
    assert client.post(joint(assisted), {"do": "note", "note": "路过"}).status_code == 404
    # The community where it happens follows it but is not in the work: no note.
    client.force_login(handler_a)
    client.post(joint(assisted), {"do": "note", "note": "看到了"})
    assert not assisted.events.filter(action=Action.NOTE).exists()


def test_an_empty_note_is_refused_with_a_message(client, assisted, handler_b):
    client.force_login(handler_b)
    response = client.post(joint(assisted), {"do": "note", "note": "   "}, follow=True)
    assert not assisted.events.filter(action=Action.NOTE).exists()
    assert "请先写下备注" in response.content.decode() or "Write the note first" in response.content.decode()


def test_the_coordinator_asks_for_help_from_the_page(client, led, coordinator, community_b):
    client.force_login(coordinator)
    text = client.get(page(led)).content.decode()
    assert 'name="do" value="assist"' in text

    response = client.post(joint(led), {"do": "assist", "organization": community_b.pk, "note": "请协助"}, follow=True)
    assert response.status_code == 200
    assert led.assists.filter(organization=community_b).exists()


def test_a_forged_assist_request_is_refused_and_changes_nothing(client, led, handler_b, housing, community_b):
    client.force_login(handler_b)  # not the lead, not yet assisting: the report is not theirs to see
    assert client.post(joint(led), {"do": "assist", "organization": community_b.pk}).status_code == 404
    client.force_login(handler_b)
    for bad in ({"do": "assist", "organization": "x"}, {"do": "unassist", "organization": "../1"}, {"do": "?"}):
        assert client.post(joint(led), bad).status_code in (302, 404)
    assert not led.assists.exists()


def test_bad_input_on_the_joint_form_never_answers_500(client, assisted, coordinator):
    client.force_login(coordinator)
    for data in (
        {"do": "assist"},
        {"do": "assist", "organization": "99999999"},
        {"do": "assist", "organization": "1\x00"},
        {"do": "unassist", "organization": "99999999"},
        {"do": "note", "note": "\x00"},
        {"do": "note", "note": "很长" * 3000},
    ):
        response = client.post(joint(assisted), data)
        assert response.status_code == 302, data
    assert client.get(joint(assisted)).status_code == 405
    assert assisted.assists.count() == 1


# --- the figures -----------------------------------------------------------------


def test_the_figures_count_the_lead_only_and_show_assists_beside(assisted, coordinator, dept_handler, client):
    workflow.start(assisted, by=dept_handler, notify=False)
    workflow.resolve(assisted, by=dept_handler, note="已清理", photos=[processed_photo()], notify=False)

    by_org = {row.label: row.received for row in stats.breakdown("organization")}
    assert by_org == {"区城管局": 1}
    assert stats.assists() == [
        {
            "organization_id": assisted.assists.get().organization_id,
            "organization__name": "龙北社区",
            "assisted": 1,
            "solved": 1,
        }
    ]
    text = client.get(reverse("issues:stats")).content.decode()
    assert "龙北社区" in text


def test_the_assisting_handler_finds_its_assists_in_the_list(client, assisted, handler_b, make_report, community_b):
    own = make_report(community=community_b, description="龙北小区5栋路灯不亮")
    client.force_login(handler_b)
    changelist = reverse("admin:issues_report_changelist")

    everything = client.get(changelist).content.decode()
    assert assisted.reference in everything
    assisting = client.get(changelist, {"whose": "assisting"}).content.decode()
    assert assisted.reference in assisting and own.reference not in assisting
