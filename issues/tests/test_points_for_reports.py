"""A report's moves pay its reporter through the one points ledger."""

import pytest
from django.urls import reverse

from issues import awards, workflow
from issues.tests.conftest import processed_photo
from volunteers import ledger, quarters, service_items, tallies
from volunteers.models import PointsEntry, ServiceItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def feedback(db):
    return ServiceItem.objects.get(code=service_items.REPORT_ITEM)  # 城市环境问题反馈: 5 points, +3 when published


def test_a_submitted_report_earns_nothing_yet(make_report, volunteer, feedback):
    make_report("submitted")
    assert ledger.balance(volunteer) == 0


def test_a_dispatched_report_earns_the_feedback_points(make_report, volunteer, coordinator, feedback):
    report = make_report("dispatched", by_coordinator=coordinator)
    entry = PointsEntry.objects.get(volunteer=volunteer)
    assert (entry.kind, entry.points, entry.item, entry.source) == ("award", 5, feedback, f"report:{report.pk}")
    assert entry.created_by == coordinator


def test_publication_adds_the_bonus(make_report, volunteer, coordinator, handler_a, feedback):
    make_report("published", by_coordinator=coordinator, handler=handler_a)
    assert ledger.balance(volunteer) == 8


def test_a_report_rejected_as_a_duplicate_earns_nothing(make_report, volunteer, coordinator, feedback):
    original = make_report("dispatched", by_coordinator=coordinator)
    copy = make_report("submitted")
    workflow.reject(copy, by=coordinator, reason="duplicate", duplicate_of=original, notify=False)
    assert ledger.balance(volunteer) == 5  # the original's points only
    assert not PointsEntry.objects.filter(source=f"report:{copy.pk}").exists()


def test_a_report_returned_and_dispatched_again_is_paid_once(
    make_report, volunteer, coordinator, handler_a, community_a, feedback
):
    report = make_report("returned", by_coordinator=coordinator, handler=handler_a)
    workflow.dispatch(report, by=coordinator, organization=community_a, notify=False)
    assert ledger.balance(volunteer) == 5


def test_a_reopened_and_republished_report_gets_one_bonus(make_report, volunteer, coordinator, handler_a, feedback):
    report = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
    workflow.reopen(report, by=coordinator, reason="没修好", notify=False)
    workflow.resolve(report, by=handler_a, note="已修好", photos=[processed_photo()], notify=False)
    workflow.publish(report, by=coordinator, notify=False)
    assert ledger.balance(volunteer) == 8


def test_a_false_report_is_reversed_by_a_coordinator_with_a_reason(
    make_report, volunteer, coordinator, handler_a, feedback
):
    report = make_report("published", by_coordinator=coordinator, handler=handler_a)
    reversals = awards.reverse_report(volunteer, report.pk, by=coordinator, reason="现场核实为虚假报告")
    assert len(reversals) == 2
    assert ledger.balance(volunteer) == 0
    assert awards.reverse_report(volunteer, report.pk, by=coordinator, reason="再冲一次") == []
    assert ledger.balance(volunteer) == 0


def test_points_follow_the_item_the_coordinators_set(make_report, volunteer, coordinator, feedback):
    feedback.points = 10
    feedback.save()
    make_report("dispatched", by_coordinator=coordinator)
    assert ledger.balance(volunteer) == 10


def test_a_coordinator_takes_back_the_points_of_a_false_report_in_the_admin(
    client, make_report, volunteer, coordinator, feedback
):
    report = make_report("dispatched", by_coordinator=coordinator)
    client.force_login(coordinator)
    changelist = reverse("admin:issues_report_changelist")
    asked = client.post(changelist, {"action": "reverse_points_selected", "_selected_action": [report.pk]})
    assert 'name="reason"' in asked.content.decode() and ledger.balance(volunteer) == 5
    client.post(
        changelist,
        {"action": "reverse_points_selected", "_selected_action": [report.pk], "reason": "现场核实不存在"},
    )
    assert ledger.balance(volunteer) == 0
    assert PointsEntry.objects.get(kind="reversal").reason == "现场核实不存在"


def test_the_volunteers_page_shows_the_latest_reports_and_what_they_earned(
    client, make_report, volunteer, coordinator, feedback
):
    report = make_report("dispatched", by_coordinator=coordinator)
    client.force_login(volunteer.user)
    body = client.get(reverse("volunteers:me")).content.decode()
    assert report.reference in body and "已派单" in body
    assert 'id="balance">5<' in body


def test_a_report_found_false_earns_nothing_more_when_published(
    make_report, volunteer, coordinator, handler_a, feedback
):
    report = make_report("in_progress", by_coordinator=coordinator, handler=handler_a)
    awards.reverse_report(volunteer, report.pk, by=coordinator, reason="虚假报告")
    workflow.resolve(report, by=handler_a, note="已核实", photos=[processed_photo()], notify=False)
    workflow.publish(report, by=coordinator, notify=False)
    assert ledger.balance(volunteer) == 0


def test_closing_a_quarter_counts_reports_without_a_volunteer_reporter(make_report, volunteer, coordinator, feedback):
    import datetime

    from django.utils import timezone

    from issues.models import Report

    report = make_report("dispatched", by_coordinator=coordinator)
    first_of_this = quarters.quarter_bounds(*quarters.quarter_of(timezone.localdate()))[0]
    last_quarter = quarters.quarter_of(first_of_this - datetime.timedelta(days=1))
    when = timezone.make_aware(datetime.datetime.combine(quarters.quarter_bounds(*last_quarter)[0], datetime.time(10)))
    Report.objects.filter(pk=report.pk).update(reporter=None, created_at=when)
    quarter = tallies.close_quarter(*last_quarter, by=coordinator)
    assert quarter.tallies.count() == 0
