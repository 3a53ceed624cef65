"""Staff intake at a desk (1280×800): a coordinator enters a resident's telephone call with a click on the
map, then a volunteer's WeChat message by its address, credited to the volunteer found by phone number."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from beefeed.models import Organization
from beefeed.roles import COORDINATORS
from beefeed.tests.images import exif_with_gps_and_orientation, jpeg_bytes
from browser_tests.conftest import ARTIFACTS, DESK, open_page
from browser_tests.test_triage_journey import sign_in
from conftest import make_staff, make_volunteer
from issues.models import Action, Category, Report

TILES = "https://tile.openstreetmap.org/**"


@pytest.fixture
def desk(transactional_db):
    longxi = Organization.objects.create(name="龙西社区", kind="community", latitude=30.2745, longitude=118.1322)
    Organization.objects.create(name="龙北社区", kind="community", latitude=30.2828, longitude=118.1431)
    office = Organization.objects.create(name="区委组织部", kind="office")
    Category.objects.create(name="环境卫生", code="sanitation", short_label="环境", time_limit=48)
    Category.objects.create(name="管网破损", code="pipes", short_label="管网", time_limit=24, position=1)
    make_staff("coord", office, COORDINATORS)
    return make_volunteer("13912345678", longxi, name="叶小蜂")


def wechat_photo(name):
    return {"name": name, "mimeType": "image/jpeg", "buffer": jpeg_bytes(exif=exif_with_gps_and_orientation(1))}


def test_a_coordinator_enters_a_call_and_a_wechat_message(browser, live_server, desk):
    volunteer = desk
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_page(browser, live_server, DESK)
    page.route(TILES, lambda route: route.abort())  # no tiles here: the map still takes a click
    base = live_server.url
    sign_in(page, base, "coord")

    # From the report list, the primary button.
    page.goto(base + "/admin/issues/report/")
    page.get_by_role("link", name="代录问题").click()
    page.wait_for_url("**/report/enter/")

    # A resident telephones: no photo, a click on the map, an internal note.
    page.get_by_label("管网破损").check()
    page.get_by_label("问题描述").fill("龙北小区门口窨井盖松动")
    page.locator("#intake-map.leaflet-container").click(position={"x": 320, "y": 90})
    expect(page.locator("#id_community")).not_to_have_value("")
    assert page.locator("#id_latitude").input_value()
    page.get_by_label("居民（电话）").check()
    assert page.locator("#volunteer-row").is_hidden()
    page.get_by_label("内部备注").fill("10:05 居民来电")
    page.screenshot(path=str(ARTIFACTS / "staff-intake-desk.png"))
    page.get_by_role("button", name="代录提交").click()
    page.wait_for_url("**/change/")
    assert "已代录" in page.locator(".messagelist").inner_text()
    call = Report.objects.get()
    assert call.reporter is None and call.latitude is not None and call.address == ""
    assert call.events.get(action=Action.ENTER).note == "居民电话反映: 10:05 居民来电"

    # A volunteer's message in the group: photos saved from the chat, the address typed, the volunteer
    # found by phone number. A first try without a category keeps everything typed.
    page.goto(base + "/admin/issues/report/enter/")
    page.get_by_label("问题描述").fill("广场花苑小区3栋的垃圾桶坏了")
    page.get_by_label("地址或标志物").fill("广场花苑小区3栋")
    page.select_option("#id_community", label="龙西社区")
    page.get_by_label("小蜜蜂（微信群）").check()
    page.locator("#volunteer-row .select2-selection").click()
    page.locator(".select2-search__field").fill("1391234")
    page.locator(".select2-results__option", has_text="叶小蜂").click()
    page.get_by_role("button", name="代录提交").click()
    page.wait_for_load_state()
    assert "请选择问题类型" in page.locator(".field-category .errorlist").inner_text()
    assert page.get_by_label("问题描述").input_value() == "广场花苑小区3栋的垃圾桶坏了"
    assert page.get_by_label("地址或标志物").input_value() == "广场花苑小区3栋"
    assert "叶小蜂" in page.locator("#volunteer-row .select2-selection").inner_text()
    page.screenshot(path=str(ARTIFACTS / "staff-intake-desk-error.png"), full_page=True)

    page.get_by_label("环境卫生").check()
    page.set_input_files("#id_photos", [wechat_photo("wx1.jpg"), wechat_photo("wx2.jpg")])
    assert page.locator("#photo-previews img").count() == 2
    page.get_by_role("button", name="代录提交").click()
    page.wait_for_url("**/change/")
    message = Report.objects.get(reporter=volunteer)
    assert (message.address, message.latitude, message.photos.count()) == ("广场花苑小区3栋", None, 2)
    with message.photos.first().image.open("rb") as f, Image.open(io.BytesIO(f.read())) as stored:
        assert not stored.getexif()
    page.screenshot(path=str(ARTIFACTS / "staff-intake-report-page.png"), full_page=True)

    refused = f"{base}/admin/issues/report/enter/"  # the try without a category, refused (400) on purpose

    def expected(error):
        return (
            "tile.openstreetmap.org" in error
            or error == f"HTTP 400: {refused}"
            or error.endswith(f"400 (Bad Request) ({refused})")
        )

    problems = [e for e in page.problems.errors if not expected(e)]
    assert problems == []
    page.context.close()
