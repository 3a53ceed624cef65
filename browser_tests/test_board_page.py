"""A resident on a phone reads the public board: the problem first, the reference small, the photos
open full size, a month to pick by name, and on a report's page a small map of about where it was —
which goes away, leaving the community and address, when the map's tiles cannot load."""

import io

import pytest
from PIL import Image

from beefeed import photos
from beefeed.models import Organization
from beefeed.roles import COORDINATORS, HANDLERS
from beefeed.tests.images import jpeg_bytes
from browser_tests.conftest import ARTIFACTS, PHONE, open_page
from browser_tests.test_stations_phone import SHIFTS
from conftest import make_staff, make_volunteer
from issues import moderation, workflow
from issues.models import Category

TILES = "https://tile.openstreetmap.org/**"
PUBLIC_TEXT = "龙西小区12栋门口有人占道经营，早晚高峰堵住人行道，行人只能走机动车道"


@pytest.fixture
def published(transactional_db):
    longxi = Organization.objects.create(name="龙西社区", kind="community", latitude=30.2745, longitude=118.1322)
    office = Organization.objects.create(name="区文明办", kind="office")
    category = Category.objects.create(name="市容秩序", code="order", short_label="市容", time_limit=48)
    volunteer = make_volunteer("13912345678", longxi, name="叶小蜂")
    coordinator = make_staff("coord", office, COORDINATORS)
    handler = make_staff("longxi", longxi, HANDLERS)
    report = workflow.submit_report(
        volunteer=volunteer,
        category=category,
        description="12栋门口 占道经营 叶小蜂 13912345678",
        community=longxi,
        latitude=30.274_567,
        longitude=118.132_189,
        address="龙西小区12栋",
        photos=[photos.process_bytes(jpeg_bytes())],
        notify=False,
    )
    workflow.dispatch(report, by=coordinator, organization=longxi, notify=False)
    workflow.start(report, by=handler, notify=False)
    workflow.resolve(report, by=handler, note="已劝离并清理", photos=[photos.process_bytes(jpeg_bytes())], notify=False)
    workflow.publish(report, by=coordinator, notify=False)
    moderation.moderate(report, by=coordinator, public_description=PUBLIC_TEXT)
    return report


def open_board(browser, live_server, *, tiles):
    page = open_page(browser, live_server, PHONE)
    if tiles == "fail":
        page.route(TILES, lambda route: route.abort())
    else:
        tile = io.BytesIO()
        Image.new("RGB", (256, 256), (236, 232, 222)).save(tile, "PNG")
        page.route(TILES, lambda route: route.fulfill(body=tile.getvalue(), content_type="image/png"))
    return page


def own_problems(page):
    return [e for e in page.problems.errors if "tile.openstreetmap.org" not in e and "ERR_FAILED" not in e]


def test_the_board_and_a_report_on_a_phone_when_the_tiles_fail(browser, live_server, published):
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_board(browser, live_server, tiles="fail")
    page.goto(f"{live_server.url}/board/")
    item = page.locator(".board-item").first
    assert item.locator("h2").inner_text().startswith(PUBLIC_TEXT[:20])
    assert item.locator(".ref").inner_text() == published.reference
    assert "承办：龙西社区" in item.inner_text()
    month = page.locator("select[name=month]")
    assert month.locator("option").first.inner_text() == "全部月份"
    assert "年" in month.locator("option").nth(1).inner_text()
    assert item.locator(".before-after a").count() == 2
    page.screenshot(path=str(ARTIFACTS / "board-phone.png"), full_page=True)

    item.locator("h2 a").click()
    page.wait_for_url(f"**/board/{published.pk}/")
    assert page.locator("h1").inner_text() == PUBLIC_TEXT
    # The tiles failed: the map went away, the place is there as text.
    page.locator("#board-map[data-tiles='failed']").wait_for(state="attached")
    assert not page.locator("#board-map").is_visible()
    assert "龙西社区 · 龙西小区12栋" in page.locator(".place").inner_text()
    assert "30.27456" not in page.content() and "118.13218" not in page.content()  # never the exact place
    page.screenshot(path=str(ARTIFACTS / "board-detail-phone-no-tiles.png"), full_page=True)
    assert own_problems(page) == []


def test_a_report_shows_a_small_map_of_the_rounded_place_when_the_tiles_load(browser, live_server, published):
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_board(browser, live_server, tiles="load")
    page.add_init_script(SHIFTS)
    page.goto(f"{live_server.url}/board/{published.pk}/")
    page.locator("#board-map[data-tiles='loaded']").wait_for(state="visible")
    # The map's space was kept from the first paint: the photos under it did not jump when it came.
    assert page.evaluate("() => window.__shifts") < 0.02
    assert page.locator("#board-map .leaflet-overlay-pane path").count() == 1
    centre = page.evaluate(
        "() => [document.getElementById('board-map').dataset.lat, document.getElementById('board-map').dataset.lng]"
    )
    assert centre == ["30.2745", "118.1320"]  # the public grid of about 50 m (issues.board.rounded_point)
    photo = page.locator(".before-after a").first
    href = photo.get_attribute("href")
    assert href == photo.locator("img").get_attribute("src")
    page.screenshot(path=str(ARTIFACTS / "board-detail-phone.png"), full_page=True)
    assert own_problems(page) == []
