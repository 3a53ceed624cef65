"""The three rates on a hand-built district with known answers, and the pages that show them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from issues import stats, workflow
from issues.models import Campaign, Report
from issues.tests.conftest import processed_photo

pytestmark = pytest.mark.django_db
H = datetime.timedelta(hours=1)


@pytest.fixture
def district(make_report, volunteer, coordinator, handler_a, community_a, settings):
    """Four reports handled by 龙西社区 (limit 48 h; triage time 4 h):

    A: dispatched after 1 h, resolved after 10 h, rated satisfied      → responded, on time, satisfied
    B: dispatched after 6 h, resolved after 60 h (late), dissatisfied  → late triage, late, unhappy
    C: dispatched after 2 h, resolved after 20 h, not rated            → responded, on time, not rated
    D: dispatched after 3 h, still open and 10 h past its deadline     → responded, overdue now
    """
    settings.TRIAGE_HOURS = 4
    now = timezone.now()
    start = now - 200 * H
    plan = [("A", 1, 10, "satisfied"), ("B", 6, 60, "dissatisfied"), ("C", 2, 20, None), ("D", 3, None, None)]
    made = {}
    for name, dispatch_after, resolve_after, score in plan:
        report = make_report()
        Report.objects.filter(pk=report.pk).update(created_at=start)
        report.refresh_from_db()
        dispatched = start + dispatch_after * H
        if name == "D":
            dispatched = now - 58 * H
            Report.objects.filter(pk=report.pk).update(created_at=dispatched - 3 * H)
        workflow.dispatch(report, by=coordinator, organization=community_a, now=dispatched, notify=False)
        if resolve_after:
            workflow.resolve(
                report,
                by=handler_a,
                note="已处理",
                photos=[processed_photo()],
                now=dispatched + resolve_after * H,
                notify=False,
            )
            if score:
                workflow.rate(report, volunteer=volunteer, score=score, now=dispatched + (resolve_after + 1) * H)
        made[name] = report
    return made


def test_the_three_rates_have_the_known_answers(district, community_a):
    [row] = stats.breakdown("organization")
    assert row.label == community_a.name
    assert (row.received, row.dispatched, row.responded) == (4, 4, 3)
    assert row.response_rate == 75.0
    assert (row.solved, row.on_time) == (3, 2) and row.on_time_rate == 66.7
    assert (row.rated, row.satisfied) == (2, 1) and row.satisfaction_rate == 50.0  # C is not rated: not counted
    assert row.overdue == 1
    assert row.median == 20 * H
    assert row.average == (10 + 60 + 20) / 3 * H


def test_a_granted_extension_counts_as_on_time(make_report, coordinator, handler_a, community_a):
    now = timezone.now()
    report = make_report()
    workflow.dispatch(report, by=coordinator, organization=community_a, now=now - 50 * H, notify=False)
    report.refresh_from_db()
    request = workflow.request_extension(
        report, by=handler_a, deadline=report.deadline + 24 * H, reason="等配件", now=now - 10 * H
    )
    workflow.decide_extension(request, by=coordinator, grant=True, now=now - 9 * H)
    workflow.resolve(report, by=handler_a, note="已修", photos=[processed_photo()], now=now - H, notify=False)
    row = stats.overall()
    assert (row.on_time, row.extended) == (1, 1)


def test_the_stats_page_shows_the_rates_and_a_table_beside_each_chart(client, district, community_a):
    body = client.get(reverse("issues:stats")).content.decode()
    assert "75.0%" in body and "66.7%" in body and "50.0%" in body
    assert body.count('<table class="visually-hidden">') == 3
    assert community_a.name in body


def test_the_stats_page_asks_the_database_a_fixed_number_of_times(client, district, make_report, coordinator):
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("issues:stats"))
    for _ in range(6):
        make_report("dispatched", by_coordinator=coordinator)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("issues:stats"))
    assert len(more.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) < 40


def test_the_statistics_are_not_held_up_by_postgresqls_jit_compiler():
    """The timeline's one aggregation of about a hundred expressions took PostgreSQL's JIT 1.8 s to
    compile and 0.1 s to run at 100,000 reports (bench/RESULTS.md): connections run without it."""
    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's (DATABASE_URL); SQLite has none")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_a_campaign_page_lists_its_published_results(client, make_report, coordinator, handler_a):
    campaign = Campaign.objects.create(name="背街小巷整治", starts_on=timezone.localdate())
    report = make_report("published", by_coordinator=coordinator, handler=handler_a, campaign=campaign)
    make_report("dispatched", by_coordinator=coordinator, campaign=campaign)
    body = client.get(reverse("issues:campaign", args=[campaign.pk])).content.decode()
    assert "背街小巷整治" in body and report.reference in body
    assert "<b>2</b>" in body and "<b>1</b>" in body
    assert client.get(reverse("issues:campaign", args=[999999])).status_code == 404


def test_the_coordinators_front_page_shows_what_is_late(client, district, coordinator, handler_a):
    client.force_login(coordinator)
    body = client.get(reverse("admin:index")).content.decode()
    assert 'id="supervision-dashboard"' in body and "龙西社区" in body
    client.force_login(handler_a)
    assert 'id="supervision-dashboard"' not in client.get(reverse("admin:index")).content.decode()


def test_an_even_number_of_durations_has_the_mean_of_the_middle_two(district, make_report, coordinator, handler_a):
    now = timezone.now()
    report = make_report()
    workflow.dispatch(report, by=coordinator, organization=report.community, now=now - 100 * H, notify=False)
    workflow.resolve(report, by=handler_a, note="好了", photos=[processed_photo()], now=now - 60 * H, notify=False)
    assert stats.overall().median == 30 * H  # 10, 20, 40, 60 hours


def test_months_have_their_medians(district):
    rows = stats.breakdown("month")
    assert sum(r.received for r in rows) == 4
    assert any(r.median is not None for r in rows)


def test_reports_left_waiting_past_the_triage_time_lower_the_response_rate(district, make_report):
    waiting = make_report()
    Report.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - 10 * H)
    assert stats.overall().response_rate == 60.0  # 3 of 5


def test_reopening_keeps_the_first_dispatch_and_the_unhappy_rating(district, coordinator):
    before = stats.overall()
    workflow.reopen(district["B"], by=coordinator, reason="回访不满意")
    after = stats.overall()
    assert after.responded == before.responded and after.rated == before.rated
    assert after.satisfied == before.satisfied
