"""The report page in the admin, as a coordinator, a community handler and a department handler see
it at a desk and on a phone: the photos large at the top and a tap enlarges one (Esc closes it), the
place as text when the map's tiles cannot load, the reporter's number for the coordinator only, and
open reports nearby within each one's own scope."""

import io

import pytest
from PIL import Image

from beefeed import photos
from beefeed.models import Organization
from beefeed.roles import COORDINATORS, HANDLERS
from beefeed.tests.images import jpeg_bytes
from browser_tests.conftest import ARTIFACTS, DESK, PHONE, open_page, wait_until
from browser_tests.test_triage_journey import sign_in
from conftest import make_staff, make_volunteer
from issues import workflow
from issues.models import Category

TILES = "https://tile.openstreetmap.org/**"
M = 1 / 111_195  # a metre northwards, in degrees of latitude


def photo():
    return photos.process_bytes(jpeg_bytes())


@pytest.fixture
def district(transactional_db):
    longxi = Organization.objects.create(name="龙西社区", kind="community", latitude=30.2745, longitude=118.1322)
    chengguan = Organization.objects.create(name="区城管局", kind="department")
    office = Organization.objects.create(name="区委组织部", kind="office")
    category = Category.objects.create(name="市容秩序", code="order", short_label="市容", time_limit=48)
    volunteer = make_volunteer("13912345678", longxi, name="叶小蜂")
    coordinator = make_staff("coord", office, COORDINATORS)
    longxi_handler = make_staff("longxi", longxi, HANDLERS)
    make_staff("chengguan", chengguan, HANDLERS)

    def report(text, north_m, organization):
        made = workflow.submit_report(
            volunteer=volunteer,
            category=category,
            description=text,
            community=longxi,
            latitude=30.2745 + north_m * M,
            longitude=118.1322,
            address="龙西小区12栋",
            photos=[photo(), photo()],
            notify=False,
        )
        workflow.dispatch(made, by=coordinator, organization=organization, notify=False)
        return made

    for_longxi = report("龙西小区12栋门口占道经营，早晚高峰堵住人行道", 0, longxi)
    workflow.start(for_longxi, by=longxi_handler, notify=False)
    for_chengguan = report("12栋旁广告牌松动，有掉落危险", 40, chengguan)
    also_chengguan = report("人行道上堆放建筑垃圾", 70, chengguan)
    return {"longxi": for_longxi, "chengguan": for_chengguan, "also_chengguan": also_chengguan}


def open_report(browser, live_server, viewport, login, report, *, tiles="fail", **options):
    page = open_page(browser, live_server, viewport, **options)
    if tiles == "fail":  # offline, as in this test run: the map must not matter
        page.route(TILES, lambda route: route.abort())
    else:
        tile = io.BytesIO()
        Image.new("RGB", (256, 256), (236, 232, 222)).save(tile, "PNG")
        page.route(TILES, lambda route: route.fulfill(body=tile.getvalue(), content_type="image/png"))
    sign_in(page, live_server.url, login)
    page.goto(f"{live_server.url}/admin/issues/report/{report.pk}/change/")
    return page


def own_problems(page):
    return [e for e in page.problems.errors if "tile.openstreetmap.org" not in e and "ERR_FAILED" not in e]


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
@pytest.mark.parametrize(
    "login,shown,nearby,not_nearby",
    [
        ("coord", "longxi", ["chengguan", "also_chengguan"], []),
        # 龙西社区's handler sees every report located in 龙西社区, whoever handles it (read-only).
        ("longxi", "longxi", ["chengguan", "also_chengguan"], []),
        ("chengguan", "chengguan", ["also_chengguan"], ["longxi"]),
    ],
    ids=["coordinator", "community-handler", "department-handler"],
)
def test_the_report_page_for_each_role(browser, live_server, district, viewport, login, shown, nearby, not_nearby):
    report = district[shown]
    page = open_report(browser, live_server, viewport, login, report)
    size = "desk" if viewport == DESK else "phone"

    # The tiles failed: the map went away, the place is there as text.
    page.locator("#bf-report-map[data-tiles='failed']").wait_for(state="attached")
    assert page.locator("#bf-report-map").is_hidden()
    place = page.locator(".bf-place-text")
    assert place.is_visible()
    assert "龙西小区12栋" in place.inner_text() and f"{report.latitude:.6f}, 118.132200" in place.inner_text()

    # The photos come first, large; the courier's words; the moves are buttons of their own.
    first = page.locator("a[data-enlarge] img").first
    assert first.is_visible() and first.bounding_box()["height"] >= 200
    assert report.description in page.locator(".bf-description").inner_text()
    if login == "coord":
        assert page.locator("a.bf-call").get_attribute("href") == "tel:13912345678"
    else:
        assert "13912345678" not in page.content() and "叶小蜂" not in page.content()
        assert page.locator(".bf-reporter").inner_text() == "叶*"
        assert page.locator(".bf-time-left").is_visible()
        assert page.locator("a.bf-move").count() >= 1

    listed = page.locator(".bf-nearby-list").inner_text() if nearby else page.locator(".bf-nearby").inner_text()
    for name in nearby:
        assert district[name].reference in listed
    for name in not_nearby:
        assert district[name].reference not in page.content()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-page-{login}-{size}.png"), full_page=True)
    assert own_problems(page) == []
    page.context.close()


def test_a_tap_enlarges_a_photo_and_esc_closes_it(browser, live_server, district):
    report = district["longxi"]
    page = open_report(browser, live_server, PHONE, "longxi", report, has_touch=True)
    links = page.locator("a[data-enlarge]")
    assert links.count() == 2
    dialog = page.locator("#bf-photo-dialog")
    assert dialog.is_hidden()

    links.first.tap()
    dialog.wait_for(state="visible")
    big = dialog.locator("img")
    wait_until(page, "() => document.querySelector('#bf-photo-dialog img').naturalWidth > 0")
    assert big.get_attribute("src").endswith(report.before_photos[0].image.url)
    assert big.bounding_box()["width"] >= 350  # the whole width of the phone
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-page-photo-enlarged-phone.png"))
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    # Focus is back on the photo that was opened; Enter opens it again, the button closes it.
    assert page.evaluate("document.activeElement.hasAttribute('data-enlarge')")
    page.keyboard.press("Enter")
    dialog.wait_for(state="visible")
    page.get_by_role("button", name="关闭").click()
    dialog.wait_for(state="hidden")
    assert own_problems(page) == []
    page.context.close()


def test_the_map_shows_the_place_and_the_reports_nearby_when_the_tiles_load(browser, live_server, district):
    page = open_report(browser, live_server, DESK, "coord", district["longxi"], tiles="load")
    page.locator("#bf-report-map[data-tiles='loaded']").wait_for(state="visible")
    assert page.locator(".bf-place-text").is_visible()  # the text stays
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-page-map-desk.png"))
    # The place's marker and the two open reports nearby, each leading to its page.
    markers = page.locator("#bf-report-map path.leaflet-interactive")
    assert markers.count() == 3
    markers.first.click()
    page.wait_for_url(f"**/admin/issues/report/{district['chengguan'].pk}/change/")
    assert own_problems(page) == []
    page.context.close()
