"""Campaigns (专项行动) as joint actions (issue 19, item 4): a campaign names its organizations, its
period and its goal; coordinators add reports in bulk from the report list; its page shows each
organization's reports, solved and on time, and the before/after photos of its published results."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from issues import campaigns, workflow
from issues.models import Campaign, RejectReason, Report
from issues.tests.conftest import processed_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def sweep(community_a, community_b, department):
    """背街小巷环境整治: 区城管局 and the two communities take part."""
    campaign = Campaign.objects.create(
        name="背街小巷环境整治", starts_on=timezone.localdate(), goal="清理背街小巷卫生死角，两周内整改到位。"
    )
    campaign.organizations.set([department, community_a, community_b])
    return campaign


def changelist():
    return reverse("admin:issues_report_changelist")


def test_a_coordinator_adds_selected_reports_to_a_campaign_in_one_go(client, coordinator, make_report, sweep):
    reports = [make_report(description=f"背街小巷{n}号垃圾堆积") for n in range(3)]
    untouched = make_report(description="与专项行动无关")
    client.force_login(coordinator)
    selected = [r.pk for r in reports]

    # First the question (which campaign?), then the answer.
    asked = client.post(changelist(), {"action": "join_campaign_selected", "_selected_action": selected})
    assert asked.status_code == 200 and "请选择专项行动" in asked.content.decode()
    done = client.post(
        changelist(),
        {"action": "join_campaign_selected", "_selected_action": selected, "campaign": sweep.pk},
        follow=True,
    )

    assert "3" in done.content.decode() and "背街小巷环境整治" in done.content.decode()
    assert set(Report.objects.filter(campaign=sweep).values_list("pk", flat=True)) == set(selected)
    untouched.refresh_from_db()
    assert untouched.campaign is None


def test_no_campaign_chosen_gets_a_message_and_changes_nothing(client, coordinator, make_report, sweep):
    report = make_report()
    client.force_login(coordinator)
    for bad in ("", "999999", "x"):
        response = client.post(
            changelist(), {"action": "join_campaign_selected", "_selected_action": [report.pk], "campaign": bad}
        )
        assert response.status_code == 200 and "请选择专项行动" in response.content.decode()
    report.refresh_from_db()
    assert report.campaign is None


def test_a_handler_cannot_add_reports_to_a_campaign(client, handler_a, make_report, coordinator, sweep):
    report = make_report("dispatched", by_coordinator=coordinator)
    client.force_login(handler_a)
    client.post(
        changelist(), {"action": "join_campaign_selected", "_selected_action": [report.pk], "campaign": sweep.pk}
    )
    report.refresh_from_db()
    assert report.campaign is None


def test_a_merged_report_stays_counted_as_its_original(make_report, coordinator, sweep):
    original = make_report()
    duplicate = make_report()
    workflow.merge(duplicate, by=coordinator, into=original, notify=False)

    assert campaigns.join(Report.objects.filter(pk__in=[original.pk, duplicate.pk]), sweep) == 1
    duplicate.refresh_from_db()
    assert duplicate.campaign is None and duplicate.reject_reason == RejectReason.MERGED


def test_the_campaign_page_says_who_did_what(
    client, make_report, coordinator, handler_a, sweep, department, dept_handler
):
    # 龙西社区 solved one on time and one late; 区城管局 has one in hand; 龙北社区 nothing yet.
    on_time = make_report("published", by_coordinator=coordinator, handler=handler_a, campaign=sweep)
    late = make_report("dispatched", by_coordinator=coordinator, campaign=sweep)
    workflow.start(late, by=handler_a, notify=False)
    workflow.resolve(
        late,
        by=handler_a,
        note="已清运",
        photos=[processed_photo()],
        now=late.deadline + datetime.timedelta(hours=2),
        notify=False,
    )
    in_hand = make_report(campaign=sweep)
    workflow.dispatch(in_hand, by=coordinator, organization=department, notify=False)

    rows = {row.label: (row.received, row.solved, row.on_time) for row in campaigns.by_organization(sweep)}
    assert rows == {"区城管局": (1, 0, 0), "龙西社区": (2, 2, 1), "龙北社区": (0, 0, 0)}

    text = client.get(reverse("issues:campaign", args=[sweep.pk])).content.decode()
    assert "清理背街小巷卫生死角" in text  # the goal
    assert "龙北社区" in text and "区城管局" in text
    # The published result with its before and after photos, as the public sees them.
    on_time.refresh_from_db()
    before, after = on_time.public_before_photos[0], on_time.public_after_photos[0]
    assert before.public_thumbnail_url in text and after.public_thumbnail_url in text
    assert late.reference not in text  # resolved, not yet published


def test_the_campaign_page_shows_no_personal_data(client, make_report, coordinator, handler_a, sweep, volunteer):
    make_report("published", by_coordinator=coordinator, handler=handler_a, campaign=sweep)
    text = client.get(reverse("issues:campaign", args=[sweep.pk])).content.decode()
    assert volunteer.user.phone not in text and volunteer.name not in text


def test_a_campaign_names_its_organizations_in_the_admin(client, coordinator, sweep, community_a):
    client.force_login(coordinator)
    text = client.get(reverse("admin:issues_campaign_changelist")).content.decode()
    assert "区城管局" in text and "龙西社区" in text
    response = client.get(reverse("admin:issues_campaign_change", args=[sweep.pk]))
    assert response.status_code == 200 and 'name="organizations"' in response.content.decode()
