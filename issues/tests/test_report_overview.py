"""The report at a glance at the top of its admin page (issues.report_page, _overview.html), for every
staff role: photos, place, the courier's words, the reporter, the deadline, open reports nearby."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from beefeed.geo import distance_m
from issues import report_page, workflow
from issues.models import Report
from issues.tests.conftest import processed_photo

pytestmark = pytest.mark.django_db

HERE = (30.2745, 118.1322)
# Offsets northwards: 1e-5 degree of latitude is about 1.11 m.
M = 1 / 111_195


def change_url(report):
    return reverse("admin:issues_report_change", args=[report.pk])


def page_of(client, user, report):
    client.force_login(user)
    response = client.get(change_url(report))
    assert response.status_code == 200
    return response.content.decode()


def overview_of(page):
    return page[page.index('id="report-overview"') : page.index('id="bf-nearby-title"')]


def nearby_of(page):
    start = page.index('id="bf-nearby-title"')
    return page[start : page.index("</section>", start)]


@pytest.fixture
def rated(make_report, coordinator, handler_a, volunteer):
    """Resolved with an after photo, and re-checked by the reporter with a photo of the place now."""
    report = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
    workflow.rate(report, volunteer=volunteer, score="satisfied", photo=processed_photo())
    return report


# --- photos -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "handler_a"])
def test_the_photos_come_first_grouped_before_after_and_recheck(client, request, rated, role):
    page = page_of(client, request.getfixturevalue(role), rated)
    overview = overview_of(page)
    before, after = rated.before_photos[0], rated.after_photos[0]
    recheck = rated.rating.photo
    # In the order of the report's life, each under its heading, before the report's fields.
    positions = [overview.index(text) for text in ("报告照片", before.image.url, "办结照片", after.image.url)]
    positions += [overview.index("核查照片"), overview.index(recheck.url)]
    assert positions == sorted(positions)
    assert page.index('id="report-overview"') < page.index("field-category")
    # Each photo is a link to the full image (the dialog enlarges it; without JavaScript the link does).
    for url in (before.image.url, after.image.url, recheck.url):
        assert re.search(rf'<a href="{re.escape(url)}"[^>]*data-enlarge', overview)
    assert 'id="bf-photo-dialog"' in overview


def test_a_report_without_after_or_recheck_photos_shows_only_its_own(client, coordinator, make_report):
    report = make_report()
    page = page_of(client, coordinator, report)
    assert "报告照片" in page and "办结照片" not in page and "核查照片" not in page


@pytest.mark.parametrize("photo", ["before", "after", "recheck"])
def test_staff_who_may_see_the_report_load_its_photos_and_other_staff_cannot(
    client, rated, photo, coordinator, handler_a, handler_b, volunteer
):
    url = {
        "before": rated.before_photos[0].image.url,
        "after": rated.after_photos[0].image.url,
        "recheck": rated.rating.photo.url,
    }[photo]
    assert url.startswith("/photos/")
    statuses = {}
    for name, user in [("coordinator", coordinator), ("handler_a", handler_a), ("handler_b", handler_b)]:
        client.force_login(user)
        statuses[name] = client.get(url).status_code
    client.logout()
    statuses["public"] = client.get(url).status_code
    assert statuses == {"coordinator": 200, "handler_a": 200, "handler_b": 404, "public": 404}
    # ... and the other organization's handler never gets the page that names it.
    client.force_login(handler_b)
    response = client.get(change_url(rated))
    assert response.status_code in (302, 404) and url not in response.content.decode()


# --- the courier's words and the reporter --------------------------------------------------------------------


def test_the_description_is_shown_whole_and_escaped(client, coordinator, make_report):
    report = make_report(description="龙西小区12栋窨井盖破损\n<script>alert(1)</script>")
    overview = overview_of(page_of(client, coordinator, report))
    assert '<p class="bf-description">龙西小区12栋窨井盖破损<br>&lt;script&gt;alert(1)&lt;/script&gt;</p>' in overview


def test_a_coordinator_sees_the_full_name_and_a_number_to_call_back(client, coordinator, make_report, volunteer):
    report = make_report()
    overview = overview_of(page_of(client, coordinator, report))
    assert volunteer.name in overview
    assert f'<a href="tel:{volunteer.user.phone}" class="bf-call">' in overview


@pytest.mark.parametrize("state", ["dispatched", "in_progress", "resolved"])
def test_a_handlers_page_never_holds_the_reporters_full_name_or_phone(
    client, coordinator, handler_a, make_report, volunteer, state
):
    report = make_report(state, by_coordinator=coordinator, handler=handler_a)
    page = page_of(client, handler_a, report)
    assert volunteer.short_name in overview_of(page)
    assert volunteer.name not in page
    assert volunteer.user.phone not in page and "tel:" not in page
    assert volunteer.user.phone[-4:] not in page  # not even a masked number


def test_an_erased_reporter_has_neither_name_nor_number_even_for_coordinators(
    client, coordinator, make_report, volunteer
):
    report = make_report()
    type(volunteer).objects.filter(pk=volunteer.pk).update(erased_at=timezone.now())
    page = page_of(client, coordinator, report)
    assert volunteer.name not in page and "tel:" not in page


# --- deadline ------------------------------------------------------------------------------------------------


def test_the_deadline_and_time_left_show_while_the_report_is_in_hand(client, coordinator, handler_a, make_report):
    report = make_report("in_progress", by_coordinator=coordinator, handler=handler_a)
    Report.objects.filter(pk=report.pk).update(deadline=timezone.now() + timedelta(days=1, hours=5, minutes=30))
    overview = overview_of(page_of(client, handler_a, report))
    assert re.search(r'class="bf-deadline">\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d</dd>', overview)  # as Chinese writes it
    assert '剩余时间</dt><dd class="bf-time-left">1天5小时</dd>' in overview

    Report.objects.filter(pk=report.pk).update(deadline=timezone.now() - timedelta(hours=3, minutes=10))
    overview = overview_of(page_of(client, handler_a, report))
    assert re.search(r'class="bf-time-left"><strong style="color:#b3261e">超时\d小时</strong>', overview)


@pytest.mark.parametrize("state", ["submitted", "resolved"])
def test_no_deadline_is_shown_when_nobody_holds_the_report(client, coordinator, handler_a, make_report, state):
    report = make_report(state, by_coordinator=coordinator, handler=handler_a)
    assert "bf-deadline" not in overview_of(page_of(client, coordinator, report))


# --- the place -------------------------------------------------------------------------------------------------


def test_the_place_is_in_the_page_as_text_and_as_data_for_the_map(client, coordinator, make_report):
    report = make_report()
    overview = overview_of(page_of(client, coordinator, report))
    assert "广场花苑小区3栋" in overview
    assert "30.274500, 118.132200" in overview
    assert 'id="bf-report-map" class="bf-report-map" hidden data-lat="30.274500" data-lng="118.132200"' in overview
    # The site's tiles (the stations map's setting), for the script; no inline script runs.
    assert 'id="map-tiles"' in overview and "tile.openstreetmap.org" in overview


def test_the_page_keeps_to_the_content_security_policy(client, coordinator, make_report):
    client.force_login(coordinator)
    response = client.get(change_url(make_report()))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "https://tile.openstreetmap.org" in policy
    page = response.content.decode()
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "/static/leaflet/leaflet.js" in page and "/static/js/admin_report_page.js" in page


def test_a_report_with_an_address_only_says_so_and_draws_no_map(client, coordinator, make_report):
    report = make_report(latitude=None, longitude=None, address="平东社区平东工业路")
    page = page_of(client, coordinator, report)
    overview = overview_of(page)
    assert "平东社区平东工业路" in overview and "未提供位置" in overview
    assert 'id="bf-report-map"' not in overview
    assert "未提供位置" in nearby_of(page)


# --- open reports nearby -----------------------------------------------------------------------------------------


def test_open_reports_within_100_m_are_listed_nearest_first(
    client, coordinator, handler_a, make_report, other_category
):
    report = make_report()
    near = make_report("dispatched", by_coordinator=coordinator, latitude=HERE[0] + 80 * M, category=other_category)
    nearer = make_report(latitude=HERE[0] + 30 * M)
    far = make_report(latitude=HERE[0] + 130 * M)  # inside the bounding box's corner is not "within"
    corner = make_report(latitude=HERE[0] + 75 * M, longitude=HERE[1] + 75 * M / 0.8638)  # ~106 m diagonally
    closed = make_report("resolved", by_coordinator=coordinator, handler=handler_a, latitude=HERE[0] + 10 * M)
    workflow.publish(closed, by=coordinator, notify=False)
    rejected = make_report("rejected", by_coordinator=coordinator, latitude=HERE[0] + 10 * M)
    assert distance_m(*HERE, corner.latitude, corner.longitude) > 100

    nearby = nearby_of(page_of(client, coordinator, report))
    assert nearby.index(nearer.reference) < nearby.index(near.reference)
    for absent in (report, far, corner, closed, rejected):
        assert f">{absent.reference}<" not in nearby
    # Each a link with its reference, category, state and distance.
    assert f'<a href="{change_url(near)}">{near.reference}</a> · 管网破损' in nearby
    assert re.search(r"已派单</span> ·\s*<span class=\"bf-distance\">(79|80|81) 米</span>", nearby)


def test_a_handler_never_sees_a_nearby_report_of_another_organization(
    client, coordinator, handler_a, handler_b, make_report, community_b
):
    mine = make_report("dispatched", by_coordinator=coordinator)
    # Across the street, in the neighbouring community, handled there.
    theirs = make_report(latitude=HERE[0] + 20 * M, community=community_b)
    workflow.dispatch(theirs, by=coordinator, organization=handler_b.organization, notify=False)
    also_mine = make_report("dispatched", by_coordinator=coordinator, latitude=HERE[0] + 40 * M)

    handler_view = nearby_of(page_of(client, handler_a, mine))
    assert also_mine.reference in handler_view and theirs.reference not in handler_view
    assert theirs.reference not in page_of(client, handler_a, mine)  # nor anywhere else on the page
    # The coordinator sees both.
    coordinator_view = nearby_of(page_of(client, coordinator, mine))
    assert also_mine.reference in coordinator_view and theirs.reference in coordinator_view


def test_nearby_keeps_to_the_nearest_few_at_a_busy_corner(coordinator, make_report):
    report = make_report()
    for n in range(report_page.NEARBY_SHOWN + 3):
        make_report(latitude=HERE[0] + (90 - 5 * n) * M)
    report.refresh_from_db()
    found = report_page.nearby_reports(report, coordinator)
    assert len(found) == report_page.NEARBY_SHOWN
    distances = [n.distance_m for n in found]
    assert distances == sorted(distances) and distances[0] < 35


# --- the page as a whole ---------------------------------------------------------------------------------------


def test_the_moves_stay_primary_buttons_apart_from_the_history_link(client, coordinator, make_report):
    page = page_of(client, coordinator, make_report())
    tools = page[page.index('class="object-tools"') :]
    tools = tools[: tools.index("</ul>")]
    assert 'class="bf-move bf-move-dispatch"' in tools and 'class="historylink"' in tools
    # The timeline stays, under the overview.
    assert page.index('id="report-overview"') < page.index('id="events-group"')


def test_the_page_asks_the_database_a_bounded_number_of_times(
    client, coordinator, handler_a, make_report, volunteer, django_assert_max_num_queries
):
    def measure(report):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.force_login(coordinator)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(change_url(report)).status_code == 200
        return len(captured.captured_queries)

    plain = make_report()
    baseline = measure(plain)

    busy = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
    for _ in range(4):
        busy.photos.create(kind="before", image=busy.before_photos[0].image.name, thumbnail="reports/x_t.jpg")
        busy.photos.create(kind="after", image=busy.after_photos[0].image.name, thumbnail="reports/y_t.jpg")
    workflow.rate(busy, volunteer=volunteer, score="satisfied", photo=processed_photo())
    for n in range(6):
        other = make_report("dispatched", by_coordinator=coordinator, latitude=HERE[0] + (10 + 10 * n) * M)
        workflow.start(other, by=handler_a, notify=False)  # more events on the timeline of others
    busy.refresh_from_db()
    assert busy.photos.count() == 10 and busy.events.count() >= 4

    client.force_login(coordinator)
    with django_assert_max_num_queries(baseline + 2):  # the rating and its photo, not one per row
        page = client.get(change_url(busy)).content.decode()
    assert nearby_of(page).count('class="bf-distance"') == 7  # the six, and the plain one


def test_couriers_who_reported_it_again_are_listed_as_the_reporter_is(
    client, make_report, coordinator, handler_a, community_a
):
    from conftest import make_volunteer

    original = make_report("dispatched", by_coordinator=coordinator, handler=handler_a)
    again = make_report(reporter=make_volunteer("13711112222", community_a, name="王二蜂"))
    workflow.merge(again, by=coordinator, into=original.pk, notify=False)

    for_coordinator = overview_of(page_of(client, coordinator, original))
    assert "王二蜂" in for_coordinator and 'href="tel:13711112222"' in for_coordinator
    for_handler = overview_of(page_of(client, handler_a, original))
    assert "王*" in for_handler
    assert "王二蜂" not in for_handler and "13711112222" not in for_handler


def test_staff_see_what_the_public_reads_and_which_photos_are_covered_or_hidden(
    client, make_report, coordinator, handler_a
):
    from issues import moderation

    report = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
    before, after = report.before_photos[0], report.after_photos[0]
    moderation.moderate(
        report,
        by=coordinator,
        public_description="路口垃圾桶破损",
        photos={before.pk: {"areas": [[0.1, 0.1, 0.3, 0.3]]}, after.pk: {"hidden": True}},
    )
    overview = overview_of(page_of(client, handler_a, report))
    # Staff still see the courier's own words and the original photos, and what the public gets instead.
    assert report.description in overview and "路口垃圾桶破损" in overview
    assert before.image.url in overview and after.image.url in overview
    assert "公开时已打码" in overview and "不对外公开" in overview
