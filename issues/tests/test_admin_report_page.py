"""What each staff role sees on a report's admin page and on the admin index (issue 16, first slice)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from beefeed.models import Organization
from issues import deadlines, workflow
from issues.models import Category, Report, ReportEvent

pytestmark = pytest.mark.django_db


def change_url(report):
    return reverse("admin:issues_report_change", args=[report.pk])


@pytest.fixture
def dispatched(make_report, coordinator):
    # Dispatched to 龙西社区, handler_a's organization.
    return make_report("dispatched", by_coordinator=coordinator)


@pytest.mark.parametrize("role", ["coordinator", "handler_a"])
def test_the_report_page_shows_the_photos_and_the_timeline(client, request, dispatched, role):
    client.force_login(request.getfixturevalue(role))
    page = client.get(change_url(dispatched)).content.decode()
    photo = dispatched.photos.get()
    assert photo.image.url in page and photo.thumbnail.url in page
    for event in ReportEvent.objects.filter(report=dispatched):
        assert str(event.get_action_display()) in page
    # The courier appears by the shortened name, never by the phone number that is their user name;
    # a coordinator has the number once, as the link to call back (test_report_overview.py).
    phone = dispatched.reporter.user.phone
    assert page.count(phone) == (2 if role == "coordinator" else 0)  # href="tel:…" and its text
    assert dispatched.reporter.short_name in page
    # ... and the photo behind the link opens for this role.
    assert client.get(photo.image.url).status_code == 200


def test_a_handler_of_another_organization_sees_neither_page_nor_photos(client, handler_b, dispatched):
    client.force_login(handler_b)
    response = client.get(change_url(dispatched))
    assert response.status_code in (302, 404)
    photo = dispatched.photos.get()
    assert photo.image.url not in response.content.decode()
    assert client.get(photo.image.url).status_code == 404


def test_the_daily_work_comes_first_on_the_admin_index(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("admin:index")).content.decode()
    app_list = page[page.index('id="content-main"') :]

    def position(name):
        return app_list.index(f'href="{reverse(name)}"')

    order = [position(f"admin:issues_{model}_changelist") for model in ["triagereport", "report", "extensionrequest"]]
    assert order == sorted(order)
    # Before every other app's models.
    assert order[-1] < position("admin:volunteers_volunteer_changelist")
    assert order[-1] < position("admin:beefeed_organization_changelist")


def test_the_admin_index_headers_for_screen_readers_are_in_chinese(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Model name" not in page and "Change or view list link" not in page
    assert "模型名称" in page


def test_the_calendar_warning_is_for_coordinators_only(client, coordinator, handler_a):
    gaps = deadlines.calendar_gaps()
    client.force_login(handler_a)
    handler_page = client.get(reverse("admin:issues_report_changelist")).content.decode()
    assert "chinese-calendar" not in handler_page
    client.force_login(coordinator)
    coordinator_page = client.get(reverse("admin:issues_report_changelist")).content.decode()
    assert ("chinese-calendar" in coordinator_page) == bool(gaps)


def test_a_handlers_list_puts_the_most_urgent_first(client, coordinator, handler_a, make_report):
    now = timezone.now()
    later = make_report("dispatched", by_coordinator=coordinator)
    overdue = make_report("dispatched", by_coordinator=coordinator)
    soon = make_report("in_progress", by_coordinator=coordinator, handler=handler_a)
    resolved = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
    # Deadlines as the clock would have made them (the move set them; only the test moves them).
    Report.objects.filter(pk=later.pk).update(deadline=now + timedelta(days=3))
    Report.objects.filter(pk=overdue.pk).update(deadline=now - timedelta(hours=2))
    Report.objects.filter(pk=soon.pk).update(deadline=now + timedelta(hours=3))
    Report.objects.filter(pk=resolved.pk).update(deadline=now - timedelta(days=1))
    client.force_login(handler_a)
    page = client.get(reverse("admin:issues_report_changelist")).content.decode()
    positions = [page.index(f">{r.reference}<") for r in (overdue, soon, later, resolved)]
    assert positions == sorted(positions)


def test_a_handlers_filters_offer_only_what_they_can_see(client, coordinator, handler_a, handler_b, make_report):
    mine = make_report("dispatched", by_coordinator=coordinator)
    elsewhere = make_report("submitted", community=handler_b.organization)
    workflow.dispatch(elsewhere, by=coordinator, organization=handler_b.organization, notify=False)
    Organization.objects.create(name="区城管局", kind=Organization.Kind.DEPARTMENT)
    client.force_login(handler_a)
    page = client.get(reverse("admin:issues_report_changelist")).content.decode()
    assert mine.reference in page and elsewhere.reference not in page
    filters = page[page.index('id="changelist-filter"') :]
    assert "区城管局" not in filters and handler_b.organization.name not in filters
    assert handler_a.organization.name in filters


def test_a_new_reports_page_shows_no_empty_rows(client, coordinator, make_report):
    report = make_report()
    client.force_login(coordinator)
    page = client.get(change_url(report)).content.decode()
    for field in ["field-reject_reason", "field-duplicate_of", "field-resolution_note", "field-deadline"]:
        assert field not in page
    # What the overview shows large above the fields is not repeated below.
    for field in ["field-description", "field-reporter_short", "field-address", "field-position"]:
        assert field not in page
    assert report.description in page and "field-category" in page


def test_a_rejected_reports_page_shows_why(client, coordinator, make_report):
    report = make_report("rejected", by_coordinator=coordinator)
    client.force_login(coordinator)
    page = client.get(change_url(report)).content.decode()
    assert "field-reject_reason" in page


def test_the_triage_queue_shows_the_words_and_how_long_each_report_waited(client, coordinator, make_report, settings):
    settings.TRIAGE_HOURS = 4
    fresh = make_report(description="龙西小区12栋窨井盖破损\n第二行补充说明")
    late = make_report(description="广场花苑小区3栋的垃圾桶坏了")
    Report.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(hours=5, minutes=10))
    client.force_login(coordinator)
    page = client.get(reverse("admin:issues_triagereport_changelist")).content.decode()
    assert "龙西小区12栋窨井盖破损" in page and "第二行补充说明" not in page
    # Oldest first; past TRIAGE_HOURS in red.
    assert page.index(late.reference) < page.index(fresh.reference)
    assert re.search(r'<strong class="bf-late">5小时1\d分</strong>', page)
    assert re.search(r"<td[^>]*>0小时\d+分</td>", page)  # the fresh one: not red


def test_bulk_dispatch_sends_each_report_to_its_own_categorys_default(
    client, coordinator, make_report, category, other_category, community_a, community_b
):
    Category.objects.filter(pk=other_category.pk).update(default_organization=community_b)
    # A category without a default organization: the report goes to its own community.
    to_community = make_report(category=category)
    to_default = make_report(category=other_category)
    already = make_report("dispatched", by_coordinator=coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:issues_triagereport_changelist"),
        {"action": "dispatch_to_defaults", "_selected_action": [to_community.pk, to_default.pk]},
        follow=True,
    )
    assert "2" in response.content.decode()
    for report, organization in [(to_community, community_a), (to_default, community_b)]:
        report.refresh_from_db()
        assert report.state == "dispatched" and report.assignee == organization
        assert report.deadline is not None
        # Through the workflow: the dispatch is on the timeline.
        assert report.events.filter(action="dispatch", actor=coordinator).exists()
    # A report that moved on meanwhile is refused with its reference, and stays as it was.
    response = client.post(
        reverse("admin:issues_report_changelist"),
        {"action": "dispatch_to_defaults", "_selected_action": [already.pk]},
        follow=True,
    )
    assert already.reference in response.content.decode()
    already.refresh_from_db()
    assert already.events.filter(action="dispatch").count() == 1


def test_a_handler_cannot_bulk_dispatch(client, handler_a, make_report):
    report = make_report()
    client.force_login(handler_a)
    client.post(
        reverse("admin:issues_report_changelist"),
        {"action": "dispatch_to_defaults", "_selected_action": [report.pk]},
    )
    report.refresh_from_db()
    assert report.state == "submitted"
