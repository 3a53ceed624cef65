"""axe-core (from axe-playwright-python) on every public and volunteer page, in Chinese and in
English: no serious or critical violation."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from beefeed.models import Organization
from browser_tests.conftest import PHONE, open_page
from browser_tests.test_stations import GREY_PNG
from conftest import PASSWORD, make_volunteer

PUBLIC = ["/", "/board/", "/stats/", "/stations/", "/points/", "/login/", "/volunteers/join/"]
VOLUNTEER = ["/me/", "/me/reports/", "/report/new/", "/me/redeem/", "/me/card/", "/me/data/"]


@pytest.fixture
def district(transactional_db):
    from issues.models import Category
    from stations.tests.conftest import make_station
    from volunteers.models import RedemptionWindow, RewardItem

    longxi = Organization.objects.create(name="龙西社区", kind="community", latitude=30.2745, longitude=118.1322)
    Category.objects.create(name="环境卫生", code="sanitation", short_label="环境", time_limit=48)
    make_station("龙西社区服务中心驿站", longxi, 30.2751, 118.1311, amenities=["water", "charger"])
    today = timezone.localdate()
    RedemptionWindow.objects.create(year=today.year, opens_on=today, closes_on=today + datetime.timedelta(days=5))
    RewardItem.objects.create(name="骑行雨衣", points=80, stock=4)
    return make_volunteer("13912345678", longxi)


def serious(page):
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_serious_accessibility_problem(browser, live_server, district, language):
    page = open_page(browser, live_server, PHONE)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    problems = {}
    # Grey tiles: without any, the map folds to a notice (browser_tests/test_stations_phone.py).
    page.route(
        "https://tile.openstreetmap.org/**", lambda route: route.fulfill(body=GREY_PNG, content_type="image/png")
    )
    for path in PUBLIC:
        page.goto(live_server.url + path)
        if path == "/stations/":
            page.locator("#map[data-ready='1']").wait_for()  # check the map with its controls drawn
        problems[path] = serious(page)
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "13912345678")
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url("**/me/")
    for path in VOLUNTEER:
        page.goto(live_server.url + path)
        problems[path] = serious(page)
    assert page.locator("html").get_attribute("lang") == ("zh-Hans" if language == "zh-hans" else "en")
    assert {path: found for path, found in problems.items() if found} == {}
    page.context.close()


def test_every_public_page_reads_well_to_a_search_engine_and_keeps_still_on_a_phone(browser, live_server, district):
    # What Lighthouse's SEO and layout-shift audits look at (bench/lighthouse.py runs Lighthouse itself).
    page = open_page(browser, live_server, PHONE)
    page.route(
        "https://tile.openstreetmap.org/**", lambda route: route.fulfill(body=GREY_PNG, content_type="image/png")
    )
    station = f"/stations/{district.community.stations.get().pk}/"
    problems = {}
    for path in [*PUBLIC, station]:
        page.goto(live_server.url + path)
        found = []
        if page.locator("h1").count() != 1:
            found.append(f"{page.locator('h1').count()} h1")
        if not page.title().strip():
            found.append("no title")
        if not (page.locator("meta[name=description]").get_attribute("content") or "").strip():
            found.append("no meta description")
        if page.locator("html").get_attribute("lang") != "zh-Hans":
            found.append("no lang")
        # Every picture's box is known before it loads: width and height, or a CSS aspect ratio
        # (a map's tiles are placed by Leaflet inside a box of fixed size).
        for image in page.locator("main img:not(.leaflet-tile)").all():
            sized = image.get_attribute("width") and image.get_attribute("height")
            if not sized and image.evaluate("el => getComputedStyle(el).aspectRatio") == "auto":
                found.append(f"unsized image {image.get_attribute('src')}")
        problems[path] = found
    assert {path: found for path, found in problems.items() if found} == {}
    page.context.close()
