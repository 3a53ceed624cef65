"""/stations/ after "离我最近" on a phone: each station's distance reads as Chinese writes it (120 米,
1.4 公里), and as English does on an English page (120 m, 1.4 km)."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from beefeed.models import Organization
from browser_tests.conftest import ARTIFACTS, PHONE, open_page
from stations.tests.conftest import make_station

HERE = (30.2745, 118.1322)
TILES = "https://tile.openstreetmap.org/**"


@pytest.fixture
def stations(transactional_db):
    longxi = Organization.objects.create(name="龙西社区", kind="community")
    longbei = Organization.objects.create(name="龙北社区", kind="community")
    # About 120 m and 1.4 km from HERE; open all the time, so the order is the distance.
    make_station("龙西社区服务中心驿站", longxi, 30.2751, 118.1311, all_night=True)
    make_station("龙北社区夜宵驿站", longbei, 30.2839, 118.1418, all_night=True)


def _nearest_first(browser, live_server, language):
    page = open_page(
        browser,
        live_server,
        PHONE,
        geolocation={"latitude": HERE[0], "longitude": HERE[1]},
        permissions=["geolocation"],
    )
    # The language a visitor chose with the switch (Django's language cookie).
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    page.route(TILES, lambda route: route.abort())  # no tile server here: the list is what is read
    page.goto(live_server.url + "/stations/")
    return page


def test_nearest_first_writes_metres_and_kilometres_in_chinese(browser, live_server, stations):
    ARTIFACTS.mkdir(exist_ok=True)
    page = _nearest_first(browser, live_server, "zh-hans")
    page.get_by_role("button", name="离我最近").click()
    page.wait_for_url("**lat=*")
    cards = page.locator(".station-card")
    expect(cards.first.locator("h3")).to_have_text("龙西社区服务中心驿站")
    expect(cards.first.locator(".distance")).to_have_text("120 米")
    expect(cards.nth(1).locator(".distance")).to_have_text("1.4 公里")
    for text in page.locator(".distance").all_inner_texts():
        assert re.fullmatch(r"\d+ 米|\d+(\.\d)? 公里", text), text
    page.screenshot(path=str(ARTIFACTS / "stations-distance-zh-phone.png"))
    assert [e for e in page.problems.errors if "tile.openstreetmap.org" not in e] == []
    page.context.close()


def test_nearest_first_writes_m_and_km_in_english(browser, live_server, stations):
    page = _nearest_first(browser, live_server, "en")
    page.get_by_role("button", name="Nearest first").click()
    page.wait_for_url("**lat=*")
    cards = page.locator(".station-card")
    expect(cards.first.locator(".distance")).to_have_text("120 m")
    expect(cards.nth(1).locator(".distance")).to_have_text("1.4 km")
    assert [e for e in page.problems.errors if "tile.openstreetmap.org" not in e] == []
    page.context.close()
