"""The courier corrects the position with a pin on a small map (390×844): Leaflet loads only when the
map is opened, the pin drags on a blank map (no tiles here), and the report stores the pin's place.
Without the phone's position (refused, as WeChat's in-app browser often does), the typed address opens
the map at the community's centre."""

import math

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beefeed.models import Organization, User
from browser_tests.conftest import ARTIFACTS, PHONE, open_page
from browser_tests.test_report_loop import photo_file, sign_in
from conftest import PASSWORD
from issues.models import Category, Report
from volunteers.models import Volunteer

LONGXI = (30.2745, 118.1322)
LONGBEI = (30.2828, 118.1431)
# WeChat's in-app browser on Android (XWeb): geolocation is often refused there.
WECHAT = (
    "Mozilla/5.0 (Linux; Android 13; V2183A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2345 "
    "MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/4G Language/zh_CN ABI/arm64"
)


@pytest.fixture
def district(transactional_db):
    longxi = Organization.objects.create(name="龙西社区", kind="community", latitude=LONGXI[0], longitude=LONGXI[1])
    longbei = Organization.objects.create(name="龙北社区", kind="community", latitude=LONGBEI[0], longitude=LONGBEI[1])
    Category.objects.create(name="环境卫生", code="sanitation", short_label="环境", time_limit=48)
    user = User.objects.create_user(username="13912345678", phone="13912345678", password=PASSWORD)
    Volunteer.objects.create(
        user=user, name="叶小蜂", community=longxi, status=Volunteer.Status.APPROVED, approved_at=timezone.now()
    )
    return longxi, longbei


def metres(a, b):
    dy = (a[0] - b[0]) * 111_320
    dx = (a[1] - b[1]) * 111_320 * math.cos(math.radians(a[0]))
    return math.hypot(dx, dy)


def loaded(page):
    return page.evaluate("performance.getEntriesByType('resource').map(function (e) { return e.name; })")


def fill_the_problem(page):
    photos = page.locator("input[name=photos]")
    assert all(photos.nth(i).get_attribute("capture") is None for i in range(photos.count()))
    photos.first.set_input_files(photo_file("bin.jpg", (180, 60, 60)))
    page.locator(".photo-preview").first.wait_for(state="visible")
    page.get_by_role("radio", name="环境卫生").check()
    page.fill("textarea[name=description]", "垃圾桶倒在小区北门外")


def drag_pin(page, dx, dy):
    pin = page.locator("#pin-map .leaflet-marker-icon")
    pin.wait_for()
    box = pin.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    before = page.input_value("input[name=latitude]")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y + dy / 2, steps=5)
    page.mouse.move(x + dx, y + dy, steps=5)
    page.mouse.up()
    expect(page.locator("input[name=latitude]")).not_to_have_value(before)
    return float(page.input_value("input[name=latitude]")), float(page.input_value("input[name=longitude]"))


def test_the_courier_drags_the_pin_and_the_report_keeps_it(browser, live_server, district):
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_page(
        browser,
        live_server,
        PHONE,
        geolocation={"latitude": LONGXI[0], "longitude": LONGXI[1]},
        permissions=["geolocation"],
    )
    sign_in(page, base, "13912345678")
    page.goto(base + "/report/new/")
    fill_the_problem(page)
    expect(page.locator("input[name=latitude]")).not_to_have_value("")
    assert not [url for url in loaded(page) if "leaflet" in url]  # the first load carries no map

    page.get_by_role("button", name="调整位置").click()
    page.locator("#pin-map[data-ready]").wait_for()
    assert [url for url in loaded(page) if url.endswith(".js") and "leaflet" in url]
    pin = drag_pin(page, 90, -70)
    assert metres(pin, LONGXI) > 30  # moved away from the phone's position
    page.screenshot(path=str(ARTIFACTS / "report-pin-390.png"))  # what the courier sees

    page.get_by_role("button", name="提交上报").click()
    page.wait_for_url("**/done/")
    report = Report.objects.get()
    assert metres((report.latitude, report.longitude), pin) < 1
    assert metres((report.latitude, report.longitude), LONGXI) > 30
    assert page.problems.errors == []
    page.context.close()


def test_without_the_phones_position_the_address_opens_the_map_and_the_community_follows_the_pin(
    browser, live_server, district
):
    longxi, longbei = district
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_page(browser, live_server, PHONE, user_agent=WECHAT)  # geolocation refused
    page.goto(base + "/login/")
    phone = page.locator("#id_username")
    assert (phone.get_attribute("inputmode"), phone.get_attribute("autocomplete")) == ("numeric", "tel")
    page.screenshot(path=str(ARTIFACTS / "sign-in-wechat-390.png"))
    sign_in(page, base, "13912345678")
    page.goto(base + "/report/new/")
    page.get_by_text("没有取得位置").wait_for()
    fill_the_problem(page)
    opener = page.get_by_role("button", name="调整位置")
    assert opener.is_hidden()  # nothing to adjust yet
    page.get_by_label("地址或标志物").fill("龙北社区北门外")
    opener.click()
    page.locator("#pin-map[data-ready]").wait_for()
    assert page.input_value("input[name=latitude]") == ""  # the community's centre is not the place
    page.screenshot(path=str(ARTIFACTS / "report-pin-no-gps-390.png"))
    for _ in range(2):  # out to the district, where the next community is a finger's drag away
        page.get_by_role("button", name="Zoom out").click()
        page.wait_for_timeout(500)  # the zoom animation
    pin = drag_pin(page, 120, -120)
    expect(page.locator("select[name=community]")).to_have_value(str(longbei.pk))
    page.wait_for_timeout(400)  # the map pans to keep the pin in sight
    page.screenshot(path=str(ARTIFACTS / "report-pin-moved-390.png"))

    page.get_by_role("button", name="提交上报").click()
    page.wait_for_url("**/done/")
    report = Report.objects.get()
    assert metres((report.latitude, report.longitude), pin) < 1
    assert report.community == longbei and report.address == "龙北社区北门外"
    page.goto(base + "/me/reports/")
    assert report.reference in page.content()
    assert page.problems.errors == []
    page.context.close()
