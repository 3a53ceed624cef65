"""/stations/ on a phone: the list leads when tiles fail, open stations come first, "离我最近" brings the
list into view, the list is drawn and usable before the map starts, nothing jumps when the scripts run,
and the zoom buttons leave a popup's name alone."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from beefeed.models import Organization
from browser_tests.conftest import ARTIFACTS, DESK, PHONE, open_page, wait_until
from browser_tests.test_stations import GREY_PNG
from stations.tests.conftest import make_station

HERE = (30.2745, 118.1322)
TILES = "https://tile.openstreetmap.org/**"

# The layout shifts the browser reports (what Lighthouse sums as CLS).
SHIFTS = """
window.__shifts = 0;
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) { if (!e.hadRecentInput) { window.__shifts += e.value; } });
}).observe({ type: "layout-shift", buffered: true });
"""
# Run just before the map's script (a deferred script: the style sheets are in by then): where the list starts.
LIST_TOP_NOW = "() => document.querySelector('.station-list').getBoundingClientRect().top + window.scrollY"
LIST_TOP = "window.__listTop = document.querySelector('.station-list').getBoundingClientRect().top + window.scrollY;"


@pytest.fixture
def stations(transactional_db):
    longxi = Organization.objects.create(name="龙西社区", kind="community")
    longbei = Organization.objects.create(name="龙北社区", kind="community")
    # Whatever the clock says: the nearest two never open, the farthest never closes.
    make_station("龙西社区服务中心驿站", longxi, 30.2751, 118.1311, amenities=["water", "charger"], hours=[])
    make_station("广场花苑驿站", longxi, 30.2733, 118.1349, amenities=["water"], hours=[])
    make_station("龙北社区夜宵驿站", longbei, 30.2839, 118.1418, amenities=["charger"], all_night=True)


def _first_card(page):
    card = page.locator(".station-card").first
    return card.locator("h3").inner_text(), card.locator(".tag").first.inner_text()


def test_offline_tiles_fold_the_map_and_the_nearest_open_station_leads(browser, live_server, stations):
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_page(
        browser,
        live_server,
        PHONE,
        geolocation={"latitude": HERE[0], "longitude": HERE[1]},
        permissions=["geolocation"],
    )
    page.route(TILES, lambda route: route.abort())
    page.goto(live_server.url + "/stations/")

    # No 440 px grey block: one line says the map cannot load, and the list follows it.
    note = page.locator("#map-note")
    note.wait_for()
    assert note.inner_text() == "地图暂时无法加载，以下为驿站列表"
    assert note.bounding_box()["height"] < 40
    assert page.locator("#map").is_hidden()
    assert page.locator(".station-list").bounding_box()["y"] < PHONE["height"]
    assert _first_card(page) == ("龙北社区夜宵驿站", "正在开放")
    page.screenshot(path=str(ARTIFACTS / "stations-offline-phone.png"))

    page.get_by_role("button", name="离我最近").click()
    page.wait_for_url("**lat=*")
    note.wait_for()
    # Nearest first, but an open station before the two closed nearer ones; the list is on the screen.
    assert _first_card(page) == ("龙北社区夜宵驿站", "正在开放")
    names = page.locator(".station-card h3").all_inner_texts()
    assert names == ["龙北社区夜宵驿站", "龙西社区服务中心驿站", "广场花苑驿站"]
    wait_until(
        page,
        "() => { const r = document.querySelector('.station-list').getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight - 100; }",
    )
    page.screenshot(path=str(ARTIFACTS / "stations-offline-nearest-phone.png"))
    problems = [e for e in page.problems.errors if "tile.openstreetmap.org" not in e]
    assert problems == []
    page.context.close()


@pytest.mark.parametrize("viewport, name", [(PHONE, "phone"), (DESK, "desk")])
def test_nothing_moves_when_the_map_arrives_and_the_zoom_leaves_the_popup_name_alone(
    browser, live_server, stations, viewport, name
):
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_page(browser, live_server, viewport)
    page.route(TILES, lambda route: route.fulfill(body=GREY_PNG, content_type="image/png"))
    page.add_init_script(SHIFTS)

    def noting_the_list_top(route):
        response = route.fetch()
        route.fulfill(response=response, body=LIST_TOP + "\n" + response.text())

    page.route("**/static/js/stations_map*.js", noting_the_list_top)
    page.goto(live_server.url + "/stations/")
    page.locator("#map[data-ready='1']").wait_for()
    page.locator("img.leaflet-tile-loaded").first.wait_for()
    page.wait_for_timeout(300)

    before = page.evaluate("() => window.__listTop")
    after = page.evaluate(LIST_TOP_NOW)
    assert abs(after - before) <= 3
    assert page.evaluate("() => window.__shifts") < 0.1
    assert page.get_by_role("button", name="离我最近").is_enabled()
    assert page.locator("#map-note").is_hidden()

    # The zoom buttons sit bottom right; an opened popup's name is clear of them.
    page.locator("path.leaflet-interactive").first.click()
    title = page.locator(".leaflet-popup-content strong")
    title.wait_for()
    page.wait_for_timeout(400)  # the popup's auto-pan
    zoom = page.locator(".leaflet-control-zoom").bounding_box()
    box = page.locator("#map").bounding_box()
    assert zoom["x"] > box["x"] + box["width"] / 2 and zoom["y"] > box["y"] + box["height"] / 2
    t = title.bounding_box()
    overlaps = not (
        t["x"] + t["width"] <= zoom["x"]
        or zoom["x"] + zoom["width"] <= t["x"]
        or t["y"] + t["height"] <= zoom["y"]
        or zoom["y"] + zoom["height"] <= t["y"]
    )
    assert not overlaps
    page.screenshot(path=str(ARTIFACTS / f"stations-map-{name}.png"))
    assert page.problems.errors == []
    page.context.close()


def test_the_map_opens_on_the_stations_and_fetches_its_tiles_once(browser, live_server, stations):
    # Opening somewhere else and then fitting the markers fetched a second screenful of tiles at
    # another zoom, and the phone's largest paint waited for them (Lighthouse, bench/lighthouse.py).
    page = open_page(browser, live_server, PHONE)
    zooms = []

    def tile(route):
        zooms.append(urlparse(route.request.url).path.split("/")[1])
        route.fulfill(body=GREY_PNG, content_type="image/png")

    page.route(TILES, tile)
    page.goto(live_server.url + "/stations/")
    page.locator("#map[data-ready='1']").wait_for()
    page.locator("img.leaflet-tile-loaded").first.wait_for()
    page.wait_for_timeout(500)  # a second set of tiles would be asked for by now
    assert zooms and set(zooms) == {zooms[0]}
    # Every station listed is on the map as it opened.
    assert page.locator("path.leaflet-interactive").count() == 3
    for marker in page.locator("path.leaflet-interactive").all():
        assert marker.is_visible()
    assert page.problems.errors == []
    page.context.close()


def test_the_list_is_drawn_and_usable_before_the_map_starts(browser, live_server, stations):
    # Leaflet's script held back as on a slow line: the list is on the screen, "离我最近" works, and the
    # map's place is kept; only when the script arrives does the map start, and nothing moves then.
    page = open_page(browser, live_server, PHONE)
    page.route(TILES, lambda route: route.fulfill(body=GREY_PNG, content_type="image/png"))
    page.add_init_script(SHIFTS)
    held = []
    page.route("**/static/leaflet/leaflet*.js", lambda route: held.append(route))
    page.goto(live_server.url + "/stations/", wait_until="domcontentloaded")

    expect(page.locator(".station-card").first).to_be_visible()
    expect(page.get_by_role("button", name="离我最近")).to_be_enabled()
    assert held  # asked for (the page preloads it) but not arrived
    page.wait_for_timeout(300)  # time enough for the map to start, if it did not wait for Leaflet
    assert page.locator("#map.leaflet-container").count() == 0
    assert page.locator("#map").bounding_box()["height"] >= 280  # its place is kept
    list_top = page.evaluate(LIST_TOP_NOW)
    page.locator(".station-card h3 a").first.focus()  # the list is usable: a station can be opened
    expect(page.locator(".station-card h3 a").first).to_be_focused()

    for route in held:
        route.continue_()
    expect(page.locator("#map[data-ready='1']")).to_be_attached()
    expect(page.locator("path.leaflet-interactive")).to_have_count(3)
    assert page.evaluate(LIST_TOP_NOW) == list_top
    assert page.evaluate("() => window.__shifts") == 0
    assert page.problems.errors == []
    page.context.close()
