"""A community sees every report located in it, and may claim (认领) a new one before triage (issue 16, item 5).

The cast: 龙西社区 (A, handler_a), 龙北社区 (B, handler_b), a department (区城管局, dept_handler), a
coordinator. Reports are located in 龙西社区 unless a test says otherwise.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from issues import workflow
from issues.models import Action, Report, ReportEvent, State
from volunteers import ledger, service_items
from volunteers.models import Notice, PointsEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def handled_by_department(make_report, coordinator, department):
    """In 龙西社区, dispatched to 区城管局: 龙西社区 follows it, the department acts."""
    report = make_report()
    workflow.dispatch(report, by=coordinator, organization=department, notify=False)
    return report


@pytest.fixture
def in_longbei(make_report, community_b):
    """A new report in 龙北社区: none of 龙西社区's business."""
    return make_report(community=community_b, description="龙北小区5栋路灯不亮")


def change_url(report):
    return reverse("admin:issues_report_change", args=[report.pk])


def act_url(report, action):
    return reverse("admin:issues_report_act", args=[report.pk, action])


def list_page(client, **query):
    return client.get(reverse("admin:issues_report_changelist"), query).content.decode()


def exported_references(client):
    body = client.get(reverse("admin:issues_report_export", args=["csv"])).getvalue().decode("utf-8-sig")
    return {row[0] for row in list(csv.reader(io.StringIO(body)))[1:]}


def snapshot(report):
    return Report.objects.filter(pk=report.pk).values().get(), report.events.count()


# --- Seeing: every report in one's own community ------------------------------------------------


def test_a_community_handler_sees_every_report_in_their_community(
    client, handler_a, handled_by_department, make_report
):
    waiting = make_report(description="龙西小区12栋窨井盖破损")
    client.force_login(handler_a)
    page = list_page(client)
    assert handled_by_department.reference in page and waiting.reference in page
    report_page = client.get(change_url(handled_by_department)).content.decode()
    photo = handled_by_department.photos.get()
    assert photo.image.url in report_page
    assert client.get(photo.image.url).status_code == 200
    assert client.get(photo.thumbnail.url).status_code == 200
    assert exported_references(client) == {handled_by_department.reference, waiting.reference}


def test_a_community_handler_sees_nothing_of_another_community(client, handler_a, in_longbei, coordinator):
    workflow.dispatch(in_longbei, by=coordinator, notify=False)  # to 龙北社区 itself
    client.force_login(handler_a)
    assert in_longbei.reference not in list_page(client)
    assert in_longbei.reference not in list_page(client, whose="area")
    assert client.get(change_url(in_longbei)).status_code in (302, 404)
    photo = in_longbei.photos.get()
    assert client.get(photo.image.url).status_code == 404
    assert client.get(photo.thumbnail.url).status_code == 404
    assert exported_references(client) == set()
    # Forged: the report's id in the list's filters and the move's URL.
    assert in_longbei.reference not in list_page(client, id__exact=in_longbei.pk)
    assert client.get(act_url(in_longbei, Action.START)).status_code == 404


def test_a_department_handler_still_sees_only_what_was_dispatched_to_it(
    client, dept_handler, handled_by_department, make_report
):
    waiting = make_report()
    client.force_login(dept_handler)
    page = list_page(client)
    assert handled_by_department.reference in page and waiting.reference not in page
    assert client.get(change_url(waiting)).status_code in (302, 404)
    assert client.get(waiting.photos.get().image.url).status_code == 404
    assert exported_references(client) == {handled_by_department.reference}
    # No claim for a department: no column, no action, no filter of areas.
    assert "bf-move-claim" not in page and "claim_selected" not in page and "whose=" not in page


def test_the_list_tells_ours_from_the_rest_of_the_community(
    client, coordinator, handler_a, handled_by_department, make_report
):
    ours = make_report("dispatched", by_coordinator=coordinator)  # dispatched to 龙西社区
    waiting = make_report()
    client.force_login(handler_a)
    everything = list_page(client)
    # Ours in hand first, then what we may claim, then what others handle here.
    positions = [everything.index(f">{r.reference}<") for r in (ours, waiting, handled_by_department)]
    assert positions == sorted(positions)
    filters = everything[everything.index('id="changelist-filter"') :]
    assert "派给我们的" in filters and "本社区全部" in filters
    theirs_only = list_page(client, whose="ours")
    assert ours.reference in theirs_only
    assert waiting.reference not in theirs_only and handled_by_department.reference not in theirs_only
    claimable = list_page(client, whose="claimable")
    assert waiting.reference in claimable and ours.reference not in claimable
    area = list_page(client, whose="area")
    assert all(r.reference in area for r in (ours, waiting, handled_by_department))
    counted = list_page(client, _facets="True")
    assert "派给我们的 (1)" in counted and "本社区全部 (3)" in counted


# --- Read-only where another organization handles it --------------------------------------------


def test_a_report_handled_by_another_organization_is_read_only(client, handler_a, handled_by_department):
    client.force_login(handler_a)
    page = client.get(change_url(handled_by_department)).content.decode()
    assert "bf-move" not in page
    assert "区城管局" in page and "办理" in page  # says who handles it
    before = snapshot(handled_by_department)
    for action in (Action.START, Action.RETURN, Action.CLAIM, Action.DISPATCH):
        response = client.post(
            act_url(handled_by_department, action),
            {
                "seen_state": "dispatched",
                "reason": "试试",
                "note": "试试",
                "organization": handled_by_department.community_id,
            },
        )
        assert response.status_code == 302
    assert snapshot(handled_by_department) == before
    messages = [str(m) for m in client.get(change_url(handled_by_department)).context["messages"]]
    assert messages  # each refusal was said


def test_a_community_handler_cannot_change_a_report_in_the_admin_form(client, handler_a, handled_by_department):
    client.force_login(handler_a)
    before = snapshot(handled_by_department)
    client.post(change_url(handled_by_department), {"category": "", "community": "", "description": "改了"})
    assert snapshot(handled_by_department) == before


# --- Claiming -----------------------------------------------------------------------------------


def test_a_community_handler_claims_a_new_report_from_its_page(
    client, handler_a, make_report, community_a, category, volunteer, django_capture_on_commit_callbacks
):
    report = make_report()
    client.force_login(handler_a)
    page = client.get(change_url(report)).content.decode()
    assert act_url(report, Action.CLAIM) in page and ">认领<" in page
    confirm = client.get(act_url(report, Action.CLAIM)).content.decode()
    assert "认领" in confirm and 'name="note"' in confirm
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(act_url(report, Action.CLAIM), {"seen_state": "submitted", "note": "我们马上去"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == State.DISPATCHED and report.assignee == community_a
    assert before <= report.dispatched_at <= timezone.now()
    assert report.deadline == report.dispatched_at + timedelta(hours=category.time_limit)
    event = report.events.get(action=Action.CLAIM)
    assert (event.actor, event.organization, event.from_state, event.to_state) == (
        handler_a,
        community_a,
        State.SUBMITTED,
        State.DISPATCHED,
    )
    assert event.note == "我们马上去"
    assert not report.events.filter(action=Action.DISPATCH).exists()
    # As a dispatch: the reporter is paid the feedback points once, and hears who has it.
    entry = PointsEntry.objects.get(volunteer=volunteer, source=f"report:{report.pk}")
    assert entry.item.code == service_items.REPORT_ITEM and ledger.balance(volunteer) == entry.points > 0
    notice = Notice.objects.get(volunteer=volunteer)
    assert report.reference in notice.text and "龙西社区" in notice.text
    # The claimer now acts on it as on any report dispatched to them.
    assert workflow.may(handler_a, Action.START, report)
    # The courier's timeline says who has it, as for a dispatch.
    client.force_login(volunteer.user)
    assert "已派单 · 龙西社区" in client.get(reverse("issues:my_reports")).content.decode()


def test_a_claim_cannot_send_the_report_elsewhere(client, handler_a, make_report, department, community_a):
    report = make_report()
    client.force_login(handler_a)
    far = (timezone.now() + timedelta(days=300)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        act_url(report, Action.CLAIM), {"seen_state": "submitted", "organization": department.pk, "deadline": far}
    )
    report.refresh_from_db()
    assert report.assignee == community_a and report.deadline < timezone.now() + timedelta(days=3)


def test_claiming_from_the_list(client, handler_a, make_report, in_longbei):
    first, second = make_report(), make_report(description="龙西小区12栋窨井盖破损")
    client.force_login(handler_a)
    page = list_page(client)
    assert act_url(first, Action.CLAIM) in page and "claim_selected" in page
    response = client.post(
        reverse("admin:issues_report_changelist"),
        {"action": "claim_selected", "_selected_action": [first.pk, second.pk, in_longbei.pk]},
        follow=True,
    )
    assert "2 个问题已认领" in response.content.decode()
    assert set(Report.objects.filter(state=State.DISPATCHED).values_list("pk", flat=True)) == {first.pk, second.pk}
    in_longbei.refresh_from_db()
    assert in_longbei.state == State.SUBMITTED  # not visible to them: never selected


def test_only_the_reports_own_community_may_claim(make_report, handler_b, in_longbei, handler_a):
    report = make_report()
    assert not workflow.may(handler_b, Action.CLAIM, report)
    before = snapshot(report)
    with pytest.raises(workflow.TransitionError):
        workflow.claim(report, by=handler_b)
    assert snapshot(report) == before
    assert workflow.may(handler_b, Action.CLAIM, in_longbei)
    assert not workflow.may(handler_a, Action.CLAIM, in_longbei)


def test_another_community_forging_a_claim_gets_nothing(client, handler_b, make_report):
    report = make_report()
    client.force_login(handler_b)
    before = snapshot(report)
    assert client.post(act_url(report, Action.CLAIM), {"seen_state": "submitted"}).status_code == 404
    response = client.post(
        reverse("admin:issues_report_changelist"), {"action": "claim_selected", "_selected_action": [report.pk]}
    )
    assert response.status_code in (200, 302)
    assert snapshot(report) == before


@pytest.mark.parametrize("state", ["dispatched", "in_progress", "resolved", "published", "rejected", "returned"])
def test_a_claim_is_only_before_triage(state, make_report, coordinator, handler_a):
    report = make_report(state, by_coordinator=coordinator, handler=handler_a)
    assert not workflow.may(handler_a, Action.CLAIM, report)
    before = snapshot(report)
    with pytest.raises(workflow.TransitionError):
        workflow.claim(report, by=handler_a)
    assert snapshot(report) == before


def test_a_department_handler_cannot_claim(make_report, dept_handler, department, category):
    category.default_organization = department
    category.save()
    report = make_report()
    assert not workflow.may(dept_handler, Action.CLAIM, report)
    with pytest.raises(workflow.TransitionError):
        workflow.claim(report, by=dept_handler)
    assert Report.objects.get(pk=report.pk).state == State.SUBMITTED


def test_a_coordinator_dispatches_rather_than_claims(make_report, coordinator):
    report = make_report()
    assert not workflow.may(coordinator, Action.CLAIM, report)
    with pytest.raises(workflow.TransitionError):
        workflow.claim(report, by=coordinator)


def test_claiming_can_be_turned_off(client, settings, handler_a, make_report):
    settings.COMMUNITY_CLAIMS = False
    report = make_report()
    client.force_login(handler_a)
    # Still seen (it is in their community), but no button, no column, no action, no claim filter.
    assert report.reference in list_page(client)
    assert "bf-move-claim" not in list_page(client) and "claim_selected" not in list_page(client)
    assert "bf-move" not in client.get(change_url(report)).content.decode()
    before = snapshot(report)
    response = client.post(act_url(report, Action.CLAIM), {"seen_state": "submitted"}, follow=True)
    assert "协调员" in response.content.decode()  # told that coordinators dispatch here
    assert snapshot(report) == before
    with pytest.raises(workflow.TransitionError):
        workflow.claim(report, by=handler_a)


def test_a_dispatch_after_a_claim_is_told_it_came_too_late(client, coordinator, handler_a, make_report):
    """The same moment, one after the other (SQLite serialises writers; the PostgreSQL race is in
    test_claim_concurrency.py): the coordinator saw it waiting and is told someone else has it."""
    report = make_report()
    workflow.claim(report, by=handler_a, notify=False)
    client.force_login(coordinator)
    response = client.post(
        act_url(report, Action.DISPATCH),
        {"seen_state": "submitted", "organization": report.community_id, "deadline": ""},
        follow=True,
    )
    assert "已被他人处理" in response.content.decode()
    report.refresh_from_db()
    assert report.assignee == handler_a.organization
    assert ReportEvent.objects.filter(report=report, action__in=[Action.DISPATCH, Action.CLAIM]).count() == 1


def test_a_claim_after_a_dispatch_is_told_it_came_too_late(client, coordinator, handler_a, make_report, department):
    report = make_report()
    workflow.dispatch(report, by=coordinator, organization=department, notify=False)
    client.force_login(handler_a)
    response = client.post(act_url(report, Action.CLAIM), {"seen_state": "submitted"}, follow=True)
    assert "已被他人处理" in response.content.decode()
    report.refresh_from_db()
    assert report.assignee == department
