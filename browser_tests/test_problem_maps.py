"""Problems on a map, in Chromium, over the demo district: the public map of solved problems and the staff
map of open reports draw every marker (clustered) over tiles, open a problem or a report from a marker, and
give way to their lists when the tiles cannot load (no internet, as on this machine). Screenshots at
390×844 and 1280×800 as the public, a coordinator and a community handler."""

import pytest
from django.utils import timezone

from beefeed.models import User
from browser_tests.conftest import ARTIFACTS, DESK, PHONE, open_page
from browser_tests.test_accessibility import serious
from browser_tests.test_handler_resolve import sign_in
from browser_tests.test_stations import GREY_PNG
from issues import maps
from issues.models import Report
from issues.queries import board_filter

TILES = "https://tile.openstreetmap.org/**"
VIEWPORTS = {"390": PHONE, "1280": DESK}


def with_tiles(page):
    """Tiles come from the internet; here every tile is one grey pixel."""
    page.route(TILES, lambda route: route.fulfill(body=GREY_PNG, content_type="image/png"))


def without_tiles(page):
    page.route(TILES, lambda route: route.abort("internetdisconnected"))


def drawn(page):
    """How many problems the map draws: the counts on its clusters plus its single markers."""
    clusters = page.locator("#problem-map .marker-cluster span, #problem-map .bf-cluster span").all_inner_texts()
    singles = page.locator("#problem-map .leaflet-marker-pane .bf-pin").count()
    return sum(int(n) for n in clusters) + singles


def open_a_marker(page, pin):
    """Zoom into clusters until a single marker shows, then click it."""
    for _ in range(8):
        single = page.locator(f"#problem-map .leaflet-marker-pane {pin}")
        if single.count():
            single.first.click()
            return
        page.locator("#problem-map .marker-cluster, #problem-map .bf-cluster").first.click()
        page.wait_for_timeout(600)  # the cluster's zoom animation
    raise AssertionError("no single marker after zooming in")


def tile_problems(page):
    return [e for e in page.problems.errors if "tile.openstreetmap.org" not in e]


@pytest.mark.parametrize("width", VIEWPORTS)
def test_the_public_map_draws_every_solved_problem_and_opens_one(browser, live_server, demo_district, width):
    ARTIFACTS.mkdir(exist_ok=True)
    published = Report.objects.public().exclude(latitude=None).count()
    assert published > 20, "the demo district has solved problems to map"
    page = open_page(browser, live_server, VIEWPORTS[width])
    with_tiles(page)
    page.goto(live_server.url + "/board/")
    page.get_by_role("link", name="已办结问题地图").click()
    page.locator("#problem-map[data-ready='1']").wait_for()
    assert page.locator("#problem-map").get_attribute("data-markers") == str(published)
    assert page.locator("#problem-map .marker-cluster").count() > 0  # close problems are clustered
    assert drawn(page) == published
    assert page.locator(".community-counts").is_visible() and page.locator("#map-note").is_hidden()
    page.screenshot(path=str(ARTIFACTS / f"problem-map-public-{width}.png"))
    assert serious(page) == []

    open_a_marker(page, ".bf-pin-solved")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    with page.expect_navigation():
        popup.get_by_role("link", name="详情").click()
    assert "/board/" in page.url and page.locator("h1").inner_text()
    assert tile_problems(page) == []
    page.context.close()


def test_the_public_map_filters_by_category_and_month(browser, live_server, demo_district):
    report = Report.objects.public().exclude(latitude=None).select_related("category").first()
    month = f"{timezone.localtime(report.published_at):%Y-%m}"
    expected = board_filter(Report.objects.public(), {"category": str(report.category_id), "month": month})[0].count()
    page = open_page(browser, live_server, DESK)
    with_tiles(page)
    page.goto(live_server.url + "/board/map/")
    page.get_by_label("问题类型").select_option(label=report.category.name)
    page.get_by_label("月份").select_option(month)
    with page.expect_navigation():
        page.get_by_role("button", name="查看").click()
    page.locator("#problem-map[data-ready='1']").wait_for()
    assert page.locator("#problem-map").get_attribute("data-markers") == str(expected)
    assert page.locator(".problem-list li a").count() == expected
    assert tile_problems(page) == []
    page.context.close()


@pytest.mark.parametrize("width", VIEWPORTS)
def test_without_tiles_the_public_map_gives_way_to_the_list(browser, live_server, demo_district, width):
    page = open_page(browser, live_server, VIEWPORTS[width])
    without_tiles(page)
    page.goto(live_server.url + "/board/map/")
    page.locator("#problem-map[data-tiles='failed']").wait_for(state="attached")
    assert page.locator("#problem-map").is_hidden() and page.locator("#map-note").is_visible()
    listed = page.locator(".problem-list li a")
    assert listed.count() == min(Report.objects.public().count(), maps.LIST_LIMIT)
    assert page.locator(".community-counts tbody tr").count() >= 4
    page.screenshot(path=str(ARTIFACTS / f"problem-map-public-no-tiles-{width}.png"))
    with page.expect_navigation():
        listed.first.click()
    assert "/board/" in page.url
    assert tile_problems(page) == []
    page.context.close()


@pytest.mark.parametrize(("login", "width"), [(who, w) for who in ("coordinator", "longxi") for w in VIEWPORTS])
def test_the_staff_map_shows_what_each_role_may_see_and_opens_a_report(
    browser, live_server, demo_district, login, width
):
    user = User.objects.get(username=login)
    visible = Report.objects.visible_to(user).open().exclude(latitude=None)
    page = open_page(browser, live_server, VIEWPORTS[width])
    with_tiles(page)
    sign_in(page, live_server.url, login)
    page.get_by_role("link", name="未办结问题地图").first.click()
    page.locator("#problem-map[data-ready='1']").wait_for()
    assert page.locator("#problem-map").get_attribute("data-markers") == str(visible.count())
    assert drawn(page) == visible.count()
    legend = page.locator(".bf-legend").inner_text()
    assert "已派单" in legend and "已超时" in legend  # states and overdue in words, not colour alone
    page.screenshot(path=str(ARTIFACTS / f"problem-map-{login}-{width}.png"))
    assert serious(page) == []

    # The map's data holds only what this user may see, whatever the link asks for.
    answer = page.request.get(live_server.url + "/admin/issues/report/map.geojson?community=1&all=1")
    shown = {f["id"] for f in answer.json()["features"]}
    assert shown == {r.reference for r in visible}

    open_a_marker(page, ".bf-pin")
    page.wait_for_url("**/admin/issues/report/*/change/")
    opened = Report.objects.get(pk=int(page.url.rstrip("/").split("/")[-2]))
    assert opened in visible
    assert tile_problems(page) == []
    page.context.close()


def test_without_tiles_the_staff_map_lists_the_open_reports(browser, live_server, demo_district):
    page = open_page(browser, live_server, PHONE)
    without_tiles(page)
    sign_in(page, live_server.url, "longxi")
    page.goto(live_server.url + "/admin/issues/report/map/")
    page.locator("#problem-map[data-tiles='failed']").wait_for(state="attached")
    assert page.locator("#problem-map").is_hidden() and page.locator("#map-note").is_visible()
    visible = Report.objects.visible_to(User.objects.get(username="longxi")).open()
    rows = page.locator("#bf-open-list tbody th a")
    assert rows.count() == visible.count()
    page.screenshot(path=str(ARTIFACTS / "problem-map-longxi-no-tiles-390.png"), full_page=True)
    with page.expect_navigation():
        rows.first.click()
    assert page.url.endswith("/change/")
    assert tile_problems(page) == []
    page.context.close()
