"""The triage desk: dispatch or reject a waiting report from its row of the queue (issue 16, item 2).

Every decision goes through the workflow (its timeline event names who and to whom); a row that
has moved meanwhile, a bad organization, a forged report or a person who is not a coordinator is
refused with a message in the row, and the report stays as it was."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from issues import deadlines, workflow
from issues.models import Category, Report, ReportEvent, State

pytestmark = pytest.mark.django_db

QUEUE = "admin:issues_triagereport_changelist"
JSON = {"HTTP_ACCEPT": "application/json"}


def desk_url(report):
    return reverse("admin:issues_triagereport_desk", args=[report.pk])


def dispatch(client, report, organization, **extra):
    data = {"move": "dispatch", "seen_state": "submitted", "organization": organization, **extra}
    return client.post(desk_url(report), data, **JSON)


def reject(client, report, reason, **extra):
    return client.post(
        desk_url(report), {"move": "reject", "seen_state": "submitted", "reason": reason, **extra}, **JSON
    )


@pytest.fixture
def waiting(make_report, category, department):
    Category.objects.filter(pk=category.pk).update(default_organization=department)
    return make_report()


@pytest.fixture
def desk(client, coordinator):
    client.force_login(coordinator)
    return client


def unchanged(report):
    fresh = Report.objects.get(pk=report.pk)
    return fresh.state == State.SUBMITTED and fresh.assignee_id is None and fresh.events.count() == 1


def test_each_row_offers_the_categorys_default_organization_and_shows_its_deadline(desk, waiting, department):
    page = desk.get(reverse(QUEUE)).content.decode()
    row = page[page.index(f'data-report="{waiting.pk}"') :]
    assert re.search(rf'<option value="{department.pk}" selected>区城管局</option>', row)
    assert row.count(" selected>") == 1  # one default, the others offered
    due = timezone.localtime(deadlines.deadline_for(waiting.category, timezone.now()))
    assert f"{due.year}年{due.month}月{due.day}日 {due:%H:%M}</time>" in row  # as Chinese writes it
    assert ">派单</button>" in row and "不予受理" in row
    # The row's forms sit after the changelist's own form: forms are never nested.
    changelist_form_ends = page.index("</form>", page.index('id="changelist-form"'))
    assert page.index(f'<form id="bf-desk-dispatch-{waiting.pk}"') > changelist_form_ends
    assert page.index(f'<form id="bf-desk-reject-{waiting.pk}"') > changelist_form_ends
    assert f'form="bf-desk-dispatch-{waiting.pk}"' in row and "csrfmiddlewaretoken" in page


def test_a_report_without_a_category_default_offers_its_community(desk, make_report, community_a):
    report = make_report()
    page = desk.get(reverse(QUEUE)).content.decode()
    row = page[page.index(f'data-report="{report.pk}"') :]
    assert re.search(rf'<option value="{community_a.pk}" selected>龙西社区</option>', row)


def test_dispatch_from_the_row_goes_through_the_workflow(desk, coordinator, waiting, department):
    response = dispatch(desk, waiting, department.pk)
    assert response.status_code == 200
    assert response.json() == {"ok": True, "message": f"{waiting.reference} 已派给 区城管局", "ref": waiting.reference}
    waiting.refresh_from_db()
    assert waiting.state == State.DISPATCHED and waiting.assignee == department
    event = ReportEvent.objects.get(report=waiting, action="dispatch")
    assert event.actor == coordinator and event.organization == department
    assert event.from_state == State.SUBMITTED and event.to_state == State.DISPATCHED
    assert waiting.deadline == deadlines.deadline_for(waiting.category, event.created_at)


def test_the_coordinator_may_send_it_elsewhere(desk, coordinator, waiting, community_b):
    response = dispatch(desk, waiting, community_b.pk)
    assert response.json()["message"] == f"{waiting.reference} 已派给 龙北社区"
    waiting.refresh_from_db()
    assert waiting.assignee == community_b
    assert ReportEvent.objects.get(report=waiting, action="dispatch").organization == community_b


def test_without_javascript_the_form_comes_back_to_the_queue_with_a_message(desk, waiting, department, make_report):
    other = make_report()
    response = desk.post(
        desk_url(waiting),
        {"move": "dispatch", "seen_state": "submitted", "organization": department.pk, "back": "o=6&q=垃圾"},
    )
    assert response.status_code == 302
    assert response.url == reverse(QUEUE) + "?o=6&q=%E5%9E%83%E5%9C%BE"
    page = desk.get(response.url).content.decode()
    assert f"{waiting.reference} 已派给 区城管局" in page
    assert Report.objects.get(pk=waiting.pk).state == State.DISPATCHED
    assert Report.objects.get(pk=other.pk).state == State.SUBMITTED


def test_reject_from_the_row_with_a_reason_and_a_note(desk, coordinator, waiting):
    response = reject(desk, waiting, "out_of_scope", note="属于物业管理范围")
    assert response.json()["ok"] is True
    assert response.json()["message"] == f"{waiting.reference} 不予受理：属于物业管理范围"
    waiting.refresh_from_db()
    assert waiting.state == State.REJECTED and waiting.reject_reason == "out_of_scope"
    event = ReportEvent.objects.get(report=waiting, action="reject")
    assert event.actor == coordinator and event.note == "属于物业管理范围"


def test_reject_as_a_duplicate_names_the_original(desk, waiting, make_report):
    original = waiting
    again = make_report(description="垃圾桶坏了（又报一次）")
    response = reject(desk, again, "duplicate", duplicate_of=original.reference)
    assert response.json()["ok"] is True
    again.refresh_from_db()
    assert again.state == State.REJECTED and again.duplicate_of == original


def test_merge_from_the_row_makes_its_courier_a_co_reporter(desk, coordinator, waiting, make_report, community_a):
    from conftest import make_volunteer
    from issues.models import CoReporter

    second = make_volunteer("13711112222", community_a, name="王二蜂")
    again = make_report(description="垃圾桶坏了（又报一次）", reporter=second)
    response = desk.post(
        desk_url(again), {"move": "merge", "seen_state": "submitted", "into": waiting.reference}, **JSON
    )
    assert response.json()["ok"] is True
    assert response.json()["message"].startswith(f"{again.reference} 已合并到 {waiting.reference}")
    again.refresh_from_db()
    assert again.state == State.REJECTED and again.reject_reason == "merged" and again.duplicate_of == waiting
    assert CoReporter.objects.filter(report=waiting, volunteer=second).exists()
    assert ReportEvent.objects.filter(report=again, action="merge", actor=coordinator).exists()


def test_merge_from_the_row_into_nothing_is_refused(desk, waiting):
    response = desk.post(desk_url(waiting), {"move": "merge", "seen_state": "submitted", "into": "BF999999"}, **JSON)
    assert response.status_code == 409 and "BF999999" in response.json()["message"]
    assert unchanged(waiting)
    response = desk.post(desk_url(waiting), {"move": "merge", "seen_state": "submitted", "into": "垃圾"}, **JSON)
    assert response.status_code == 400 and "BF000012" in response.json()["message"]
    assert unchanged(waiting)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": ""}, "请选择不予受理的原因。"),
        ({"reason": "because"}, "选择一个有效的选项"),
        ({"reason": "duplicate", "duplicate_of": "BF999999"}, "已有问题"),
    ],
    ids=["no-reason", "forged-reason", "unknown-original"],
)
def test_reject_without_a_usable_reason_is_refused(desk, waiting, data, message):
    response = reject(desk, waiting, **data)
    assert response.status_code == 400 and response.json()["ok"] is False
    assert message in response.json()["message"]
    assert unchanged(waiting)


def test_a_row_that_moved_meanwhile_is_refused(desk, coordinator, waiting, community_b):
    workflow.dispatch(waiting, by=coordinator, organization=community_b, notify=False)  # another coordinator, first
    response = dispatch(desk, waiting, community_b.pk)
    assert response.status_code == 409
    assert (
        response.json()["message"] == f"问题 {waiting.reference} 已被他人处理，当前状态为“已派单”。请刷新查看最新情况。"
    )
    response = reject(desk, waiting, "out_of_scope")
    assert response.status_code == 409
    waiting.refresh_from_db()
    assert waiting.state == State.DISPATCHED and waiting.events.filter(action="dispatch").count() == 1
    assert not waiting.events.filter(action="reject").exists()


def test_a_stale_row_is_refused_without_javascript_too(desk, coordinator, waiting, community_b):
    workflow.reject(waiting, by=coordinator, reason="out_of_scope", notify=False)
    response = desk.post(
        desk_url(waiting), {"move": "dispatch", "seen_state": "submitted", "organization": community_b.pk}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(QUEUE)
    assert "已被他人处理" in response.content.decode()
    assert Report.objects.get(pk=waiting.pk).state == State.REJECTED


@pytest.mark.parametrize("organization", ["999999", "abc", "", "1 OR 1=1", "9" * 40])
def test_a_bad_organization_is_refused(desk, waiting, organization):
    response = dispatch(desk, waiting, organization)
    assert response.status_code == 400 and response.json()["ok"] is False
    assert "承办单位" in response.json()["message"] or "列表" in response.json()["message"]
    assert unchanged(waiting)


@pytest.mark.parametrize(
    "data",
    [
        {"move": "publish"},
        {"move": ""},
        {},
        {"move": "dispatch", "organization": "1", "deadline": "next tuesday"},
        {"move": "dispatch", "organization": "1", "deadline": "2001-01-01T00:00"},
        {"move": "dispatch", "organization": "1", "seen_state": "nonsense\x00"},
        {"move": "reject", "reason": "duplicate", "duplicate_of": "BF" + "9" * 30},
    ],
)
def test_hostile_input_is_refused_with_a_message_never_a_500(desk, waiting, data):
    response = desk.post(desk_url(waiting), data, **JSON)
    assert response.status_code in (200, 400, 409)
    answer = response.json()
    if answer["ok"]:  # the forged seen_state counts as the queue's "submitted": a plain dispatch
        assert Report.objects.get(pk=waiting.pk).events.filter(action="dispatch").exists()
    else:
        assert answer["message"] and unchanged(waiting)


def test_a_report_that_does_not_exist_is_refused(desk, waiting, department):
    response = desk.post(
        reverse("admin:issues_triagereport_desk", args=[waiting.pk + 1000]),
        {"move": "dispatch", "organization": department.pk},
        **JSON,
    )
    assert response.status_code == 404 and response.json()["ok"] is False
    assert unchanged(waiting)


def test_a_handler_cannot_dispatch_or_reject_from_a_forged_post(client, handler_a, waiting, community_a):
    client.force_login(handler_a)
    assert client.get(reverse(QUEUE)).status_code == 403
    assert dispatch(client, waiting, community_a.pk).status_code == 403
    response = reject(client, waiting, "out_of_scope")
    assert response.status_code == 403 and "协调" in response.json()["message"]
    assert unchanged(waiting)


@pytest.mark.parametrize("who", ["volunteer", "anonymous"])
def test_a_volunteer_or_the_public_is_sent_to_the_login(client, request, waiting, community_a, who):
    if who == "volunteer":
        client.force_login(request.getfixturevalue("volunteer").user)
    response = dispatch(client, waiting, community_a.pk)
    assert response.status_code == 302 and "/login/" in response.url
    assert reject(client, waiting, "out_of_scope").status_code == 302
    assert unchanged(waiting)


def test_the_desk_keeps_csrf(coordinator, waiting, department):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(coordinator)
    response = dispatch(browser, waiting, department.pk)
    assert response.status_code == 403
    assert unchanged(waiting)


def test_the_desk_answers_only_posts(desk, waiting):
    assert desk.get(desk_url(waiting)).status_code == 405
    assert unchanged(waiting)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_deciding_one_row_at_once_one_wins_the_other_is_told(coordinator, make_report, community_b):
    """On PostgreSQL (row locks): one dispatches, the other rejects the same row at the same moment."""
    import threading

    from django.db import connection, connections

    from beefeed.roles import COORDINATORS
    from conftest import make_staff

    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (DATABASE_URL); SQLite serialises writers anyway")
    colleague = make_staff("coord2", coordinator.organization, COORDINATORS)
    report = make_report()
    barrier = threading.Barrier(2)
    answers = {}

    def decide(user, data):
        browser = Client()
        browser.force_login(user)
        barrier.wait()
        try:
            answers[user.username] = browser.post(desk_url(report), {"seen_state": "submitted", **data}, **JSON)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(coordinator, {"move": "dispatch", "organization": community_b.pk})),
        threading.Thread(target=decide, args=(colleague, {"move": "reject", "reason": "out_of_scope"})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    statuses = sorted(answer.status_code for answer in answers.values())
    assert statuses == [200, 409]
    loser = next(answer for answer in answers.values() if answer.status_code == 409)
    assert "已被他人处理" in loser.json()["message"]
    report.refresh_from_db()
    assert report.events.filter(action__in=["dispatch", "reject"]).count() == 1
    assert report.state in (State.DISPATCHED, State.REJECTED)
