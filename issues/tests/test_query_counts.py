"""Each public page and the admin's report list ask the database a fixed number of times,
whether the district has 10 reports or 1,000."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from issues.models import Report, ReportEvent, State

pytestmark = pytest.mark.django_db


def add_published(count, *, reporter, category, community):
    """Published reports written in bulk (the workflow would take minutes for a thousand)."""
    now = timezone.now()
    rows = [
        Report(
            reporter=reporter,
            category=category,
            community=community,
            description=f"第{n}号问题",
            address="广场花苑",
            latitude=30.27,
            longitude=118.13,
            state=State.PUBLISHED,
            assignee=community,
            deadline=now - datetime.timedelta(hours=1),
            dispatched_at=now - datetime.timedelta(hours=30),
            resolved_at=now - datetime.timedelta(hours=5),
            resolution_note="已处理",
            published_at=now - datetime.timedelta(hours=2),
            created_at=now - datetime.timedelta(hours=31),
        )
        for n in range(count)
    ]
    created = Report.objects.bulk_create(rows, batch_size=500)
    ReportEvent.objects.bulk_create(
        [
            ReportEvent(report=r, action="publish", from_state="resolved", to_state="published", is_public=True)
            for r in created
        ],
        batch_size=500,
    )
    return created


def queries(client, url, cold=True):
    if cold:  # what the page costs when it computes its figures (bulk_create sends no change signal)
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


PUBLIC = [
    "/",
    "/board/",
    "/stats/",
    "/board.geojson",
    "/board/map/",
    "/open311/v2/requests.json",
    "/stations/",
    "/stations.geojson",
    "/points/",
]


def test_public_pages_do_not_ask_more_with_more_reports(client, volunteer, category, community_a):
    first = add_published(10, reporter=volunteer, category=category, community=community_a)
    few = {url: queries(client, url) for url in PUBLIC}
    few["detail"] = queries(client, reverse("issues:board_detail", args=[first[0].pk]))
    add_published(990, reporter=volunteer, category=category, community=community_a)
    many = {url: queries(client, url) for url in PUBLIC}
    many["detail"] = queries(client, reverse("issues:board_detail", args=[first[0].pk]))
    assert many == few
    assert max(few.values()) <= 25


def test_cached_figures_cost_the_database_nothing_until_a_report_changes(client, volunteer, category, community_a):
    add_published(10, reporter=volunteer, category=category, community=community_a)
    cache.clear()
    cold = {url: queries(client, url, cold=False) for url in ("/", "/stats/", "/board/")}
    warm = {url: queries(client, url, cold=False) for url in ("/", "/stats/", "/board/")}
    assert cold["/"] >= 1 and cold["/stats/"] >= 5 and cold["/board/"] >= 3
    assert warm == {"/": 0, "/stats/": 0, "/board/": 0}


def test_the_admin_report_list_does_not_ask_more_with_more_reports(
    client, coordinator, volunteer, category, community_a
):
    add_published(10, reporter=volunteer, category=category, community=community_a)
    client.force_login(coordinator)
    url = reverse("admin:issues_report_changelist")
    few = queries(client, url)
    add_published(990, reporter=volunteer, category=category, community=community_a)
    assert queries(client, url) == few
