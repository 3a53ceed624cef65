"""A courier on a phone, location granted, finds the nearest open station with a charger,
opens its marker and hands navigation to Amap; without JavaScript the list still serves."""

import base64

import pytest

from beefeed.models import Organization
from browser_tests.conftest import ARTIFACTS, PHONE, open_page
from stations.tests.conftest import make_station

HERE = (30.2745, 118.1322)  # a courier near 龙西社区
GREY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGM4AwAAzgDN1GaQsAAAAABJRU5ErkJggg=="
)


@pytest.fixture
def stations(transactional_db):
    longxi = Organization.objects.create(name="龙西社区", kind="community")
    longbei = Organization.objects.create(name="龙北社区", kind="community")
    # The nearest has a charger but is closed now; the next has no charger.
    near = make_station("龙西社区服务中心驿站", longxi, 30.2751, 118.1311, amenities=["water", "charger"], hours=[])
    make_station("广场花苑驿站", longxi, 30.2733, 118.1349, amenities=["water"], all_night=True)
    night = make_station("龙北社区夜宵驿站", longbei, 30.2839, 118.1418, amenities=["charger"], all_night=True)
    return near, night


def test_the_nearest_open_station_with_a_charger_and_directions(browser, live_server, stations):
    closed_now, night = stations
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_page(
        browser,
        live_server,
        PHONE,
        geolocation={"latitude": HERE[0], "longitude": HERE[1]},
        permissions=["geolocation"],
    )
    # Tiles come from the internet; here every tile is one grey pixel (test_stations_phone: no tiles at all).
    page.route(
        "https://tile.openstreetmap.org/**", lambda route: route.fulfill(body=GREY_PNG, content_type="image/png")
    )
    page.goto(live_server.url + "/stations/")
    page.locator("summary", has_text="筛选").click()
    page.get_by_role("checkbox", name="充电").check()
    page.get_by_role("checkbox", name="正在开放").check()
    page.get_by_role("button", name="离我最近").click()
    page.wait_for_url("**lat=*")
    cards = page.locator(".station-card h3")
    assert cards.all_inner_texts() == ["龙北社区夜宵驿站"]  # the closer one with a charger is closed now
    assert "公里" in page.locator(".station-card .distance").first.inner_text()  # 1.4 公里, as Chinese writes it

    # The marker opens with the hand-off to Amap, in WGS-84.
    page.locator("#map[data-ready='1']").wait_for()
    page.locator("path.leaflet-interactive").last.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "龙北社区夜宵驿站" in popup.inner_text() and "正在开放" in popup.inner_text()
    amap = popup.get_by_role("link", name="高德导航").get_attribute("href")
    assert amap.startswith("https://uri.amap.com/navigation?to=118.141800,30.283900,")
    assert "coordinate=wgs84" in amap
    page.screenshot(path=str(ARTIFACTS / "stations-phone.png"), full_page=True)
    problems = [e for e in page.problems.errors if "tile.openstreetmap.org" not in e]
    assert problems == []
    page.context.close()


def test_without_javascript_the_list_is_the_page(browser, live_server, stations):
    page = open_page(browser, live_server, PHONE, java_script_enabled=False)
    page.goto(live_server.url + "/stations/?lat=30.2745&lng=118.1322")
    names = page.locator(".station-card h3").all_inner_texts()
    assert names == ["广场花苑驿站", "龙北社区夜宵驿站", "龙西社区服务中心驿站"]  # open now first, then nearest
    assert page.locator("#map").is_hidden()
    assert "24小时开放" in page.content()
    # Without scripting the browser refuses the page's preload of Leaflet's script (reported as blocked by
    # "csp"): no download wasted, and nothing of ours failed.
    refused = [e for e in page.problems.errors if "/static/leaflet/leaflet" in e and e.endswith(" csp")]
    assert [e for e in page.problems.errors if e not in refused] == []
    page.context.close()
