"""Coordinators and handlers in the admin: moves, scoping, refusals."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from issues.models import Report, ReportEvent, State
from issues.tests.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db


def act_url(report, action):
    return reverse("admin:issues_report_act", args=[report.pk, action])


def change_url(report):
    return reverse("admin:issues_report_change", args=[report.pk])


def test_the_coordinator_dispatches_from_the_report_page(client, coordinator, make_report, community_a):
    report = make_report()
    client.force_login(coordinator)
    page = client.get(change_url(report)).content.decode()
    assert act_url(report, "dispatch") in page and act_url(report, "reject") in page
    form = client.get(act_url(report, "dispatch"))
    assert form.status_code == 200
    response = client.post(
        act_url(report, "dispatch"), {"organization": community_a.pk, "deadline": "", "note": "请尽快"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == State.DISPATCHED and report.assignee == community_a
    assert ReportEvent.objects.filter(report=report, action="dispatch", actor=coordinator).exists()


def test_a_second_coordinator_on_a_stale_page_is_told_it_already_moved(
    client, coordinator, make_report, community_a, community_b
):
    report = make_report()
    client.force_login(coordinator)
    client.post(act_url(report, "dispatch"), {"organization": community_a.pk, "seen_state": "submitted"})
    response = client.post(
        act_url(report, "dispatch"), {"organization": community_b.pk, "seen_state": "submitted"}, follow=True
    )
    assert "已被他人处理" in response.content.decode()
    report.refresh_from_db()
    assert report.assignee == community_a
    assert report.events.filter(action="dispatch").count() == 1


def test_rejecting_as_duplicate_needs_an_existing_reference(client, coordinator, make_report):
    original, copy = make_report(), make_report()
    client.force_login(coordinator)
    response = client.post(act_url(copy, "reject"), {"reason": "duplicate", "duplicate_of": "BF999999"})
    assert response.status_code == 400 and Report.objects.get(pk=copy.pk).state == State.SUBMITTED
    client.post(act_url(copy, "reject"), {"reason": "duplicate", "duplicate_of": original.reference})
    copy.refresh_from_db()
    assert copy.state == State.REJECTED and copy.duplicate_of == original


def test_the_handler_resolves_with_an_after_photo(client, coordinator, handler_a, make_report):
    report = make_report("in_progress", by_coordinator=coordinator, handler=handler_a)
    client.force_login(handler_a)
    bad = client.post(act_url(report, "resolve"), {"note": "已修好", "photo": SimpleUploadedFile("a.jpg", b"nope")})
    assert bad.status_code == 400 and "已修好" in bad.content.decode()
    assert Report.objects.get(pk=report.pk).state == State.IN_PROGRESS
    client.post(act_url(report, "resolve"), {"note": "已修好", "photo": SimpleUploadedFile("a.jpg", jpeg_bytes())})
    report.refresh_from_db()
    assert report.state == State.RESOLVED and len(report.after_photos) == 1


def test_the_handler_returns_with_a_reason(client, coordinator, handler_a, make_report):
    report = make_report("dispatched", by_coordinator=coordinator, handler=handler_a)
    client.force_login(handler_a)
    assert client.post(act_url(report, "return"), {"reason": ""}).status_code == 400
    client.post(act_url(report, "return"), {"reason": "不属于本社区"})
    assert Report.objects.get(pk=report.pk).state == State.RETURNED


def test_a_handler_sees_only_their_organizations_reports(client, coordinator, handler_a, handler_b, make_report):
    mine = make_report("dispatched", by_coordinator=coordinator, handler=handler_a)
    waiting = make_report()
    client.force_login(handler_b)
    listing = client.get(reverse("admin:issues_report_changelist")).content.decode()
    assert mine.reference not in listing and waiting.reference not in listing
    assert client.get(change_url(mine)).status_code in (302, 404)
    assert mine.description not in client.get(change_url(mine), follow=True).content.decode()
    assert client.get(act_url(mine, "resolve")).status_code == 404
    assert client.post(act_url(mine, "return"), {"reason": "x"}).status_code == 404
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "issues", "model_name": "report", "field_name": "duplicate_of", "term": ""},
    )
    assert autocomplete.status_code in (200, 403)
    if autocomplete.status_code == 200:
        assert str(mine.pk) not in [r["id"] for r in autocomplete.json()["results"]]
    assert Report.objects.get(pk=mine.pk).state == State.DISPATCHED
    client.force_login(handler_a)
    assert mine.reference in client.get(reverse("admin:issues_report_changelist")).content.decode()
    assert client.get(change_url(mine)).status_code == 200


def test_possible_duplicates_on_a_handlers_report_page_keep_to_their_organization(
    client, coordinator, handler_a, make_report, community_b
):
    from issues import workflow

    mine = make_report("dispatched", by_coordinator=coordinator, handler=handler_a)
    # 3 m away, same category, across the line in 龙北社区 (what is in 龙西社区 they see: test_community_claims.py)
    next_door = make_report(latitude=30.27452, longitude=118.13222, community=community_b)
    workflow.dispatch(next_door, by=coordinator, organization=community_b, notify=False)
    client.force_login(handler_a)
    page = client.get(change_url(mine)).content.decode()
    assert mine.reference in page and next_door.reference not in page
    client.force_login(coordinator)
    assert next_door.reference in client.get(change_url(mine)).content.decode()


def test_a_handler_cannot_dispatch_or_publish(client, coordinator, handler_a, make_report):
    report = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
    client.force_login(handler_a)
    response = client.post(act_url(report, "publish"), {}, follow=True)
    assert "无权" in response.content.decode()
    assert Report.objects.get(pk=report.pk).state == State.RESOLVED


def test_a_forged_post_cannot_pose_as_the_supervision_run_or_a_stale_state(client, coordinator, handler_a, make_report):
    """Only the move's form fields reach the workflow: no "unrated" pass for a handler, and a made-up
    seen_state is ignored (the state just read counts)."""
    report = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
    client.force_login(handler_a)
    response = client.post(act_url(report, "publish"), {"unrated": "1", "seen_state": "nonsense"}, follow=True)
    assert "无权" in response.content.decode()
    assert Report.objects.get(pk=report.pk).state == State.RESOLVED
    assert not report.events.filter(action="publish").exists()


def test_the_triage_queue_lists_new_reports_oldest_first(client, coordinator, make_report):
    first, second = make_report(), make_report()
    make_report("dispatched", by_coordinator=coordinator)
    client.force_login(coordinator)
    response = client.get(reverse("admin:issues_triagereport_changelist"))
    rows = list(response.context["cl"].result_list)
    assert rows == [first, second]


def test_bulk_dispatch_sends_several_reports_to_one_organization(client, coordinator, make_report, community_b):
    reports = [make_report(), make_report()]
    client.force_login(coordinator)
    client.post(
        reverse("admin:issues_report_changelist"),
        {"action": "dispatch_selected", "_selected_action": [r.pk for r in reports], "organization": community_b.pk},
    )
    for report in reports:
        report.refresh_from_db()
        assert report.state == State.DISPATCHED and report.assignee == community_b


def test_search_finds_a_report_by_reference(client, coordinator, make_report):
    report = make_report()
    make_report(description="另一件事")
    client.force_login(coordinator)
    response = client.get(reverse("admin:issues_report_changelist"), {"q": report.reference})
    assert list(response.context["cl"].result_list) == [report]


def test_overdue_filter_and_state_is_never_an_editable_field(client, coordinator, make_report):
    from datetime import timedelta

    from django.utils import timezone

    from issues import workflow

    report = make_report()
    workflow.dispatch(report, by=coordinator, now=timezone.now() - timedelta(days=5), notify=False)
    client.force_login(coordinator)
    listing = client.get(reverse("admin:issues_report_changelist"), {"due": "overdue"})
    assert list(listing.context["cl"].result_list) == [report]
    assert "超时" in listing.content.decode()
    page = client.get(change_url(report)).content.decode()
    assert 'name="state"' not in page
