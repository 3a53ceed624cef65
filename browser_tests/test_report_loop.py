"""The closed loop in a real browser: a courier reports from a phone, a
coordinator dispatches, the handler resolves with an after photo, the
coordinator publishes, and the public sees it on the board."""

import io

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from beefeed.models import Organization, User
from beefeed.roles import COORDINATORS, HANDLERS
from browser_tests.conftest import ARTIFACTS, DESK, PHONE, open_page
from conftest import PASSWORD, make_staff
from issues.models import Category, Report, State
from volunteers.models import Volunteer

LONGXI = (30.2745, 118.1322)


def photo_file(name, color):
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), color).save(out, "JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": out.getvalue()}


@pytest.fixture
def district(transactional_db):
    longxi = Organization.objects.create(
        name="龙西社区", kind="community", latitude=LONGXI[0], longitude=LONGXI[1], contact_email="longxi@example.org"
    )
    Organization.objects.create(name="龙北社区", kind="community", latitude=30.2828, longitude=118.1431)
    office = Organization.objects.create(name="区委组织部", kind="office")
    Category.objects.create(name="环境卫生", code="sanitation", short_label="环境", time_limit=48)
    Category.objects.create(name="管网破损", code="pipes", short_label="管网", time_limit=24)
    user = User.objects.create_user(username="13912345678", phone="13912345678", password=PASSWORD)
    Volunteer.objects.create(
        user=user, name="叶小蜂", community=longxi, status=Volunteer.Status.APPROVED, approved_at=timezone.now()
    )
    make_staff("coord", office, COORDINATORS)
    make_staff("handler_a", longxi, HANDLERS)
    return longxi


def sign_in(page, base, login, admin=False):
    page.goto(base + ("/admin/login/" if admin else "/login/"))
    page.fill("#id_username", login)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")


def test_a_report_goes_round_the_loop_and_reaches_the_board(browser, live_server, district):
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    # A courier on a phone, position granted.
    courier = open_page(
        browser,
        live_server,
        PHONE,
        geolocation={"latitude": LONGXI[0], "longitude": LONGXI[1]},
        permissions=["geolocation"],
    )
    sign_in(courier, base, "13912345678")
    courier.goto(base + "/report/new/")
    courier.locator("input[name=photos]").first.set_input_files(photo_file("bin.jpg", (180, 60, 60)))
    courier.locator(".photo-preview").first.wait_for(state="visible")
    courier.get_by_role("radio", name="环境卫生").check()
    courier.fill("textarea[name=description]", "广场花苑小区3栋的垃圾桶坏了")
    expect(courier.locator("input[name=latitude]")).not_to_have_value("")
    courier.wait_for_load_state("networkidle")
    courier.screenshot(path=str(ARTIFACTS / "report-new-390.png"), full_page=True)
    courier.get_by_role("button", name="提交上报").click()
    courier.wait_for_url("**/done/")
    report = Report.objects.get()
    assert report.reference in courier.locator(".reference").inner_text()
    assert report.community == district and abs(report.latitude - LONGXI[0]) < 1e-4
    courier.goto(base + "/me/reports/")
    assert report.reference in courier.content()

    # The coordinator dispatches it from the admin.
    coordinator = open_page(browser, live_server, DESK)
    sign_in(coordinator, base, "coord", admin=True)
    coordinator.goto(f"{base}/admin/issues/report/{report.pk}/change/")
    coordinator.get_by_role("link", name="派单", exact=True).click()
    coordinator.locator("input[type=submit]").click()
    coordinator.wait_for_url(f"**/issues/report/{report.pk}/change/")
    report.refresh_from_db()
    assert report.state == State.DISPATCHED and report.assignee == district

    # The handler of 龙西社区 resolves it with an after photo.
    handler = open_page(browser, live_server, DESK)
    sign_in(handler, base, "handler_a", admin=True)
    handler.goto(f"{base}/admin/issues/report/{report.pk}/change/")
    handler.get_by_role("link", name="办结", exact=True).click()
    handler.fill("textarea[name=note]", "已更换新垃圾桶")
    handler.set_input_files("input[name=photo]", photo_file("after.jpg", (60, 160, 60)))
    handler.locator("input[type=submit]").click()
    handler.wait_for_url(f"**/issues/report/{report.pk}/change/")
    report.refresh_from_db()
    assert report.state == State.RESOLVED

    # The coordinator verifies and publishes.
    coordinator.reload()
    coordinator.get_by_role("link", name="核实并公示", exact=True).click()
    coordinator.locator("input[type=submit]").click()
    coordinator.wait_for_url(f"**/issues/report/{report.pk}/change/")
    report.refresh_from_db()
    assert report.state == State.PUBLISHED

    # Anyone sees it on the board, with before and after photos.
    public = open_page(browser, live_server, PHONE)
    public.goto(base + "/board/")
    item = public.locator(".board-item").first
    assert "垃圾桶坏了" in item.inner_text()
    assert item.locator("img").count() == 2
    public.screenshot(path=str(ARTIFACTS / "board-390.png"), full_page=True)
    # The problem is the heading and its link; the photos link to the full pictures.
    item.get_by_role("link", name="广场花苑小区3栋的垃圾桶坏了").click()
    assert "已更换新垃圾桶" in public.content()
    assert "叶*" in public.content() and "叶小蜂" not in public.content()

    for page in (courier, coordinator, handler, public):
        assert page.problems.errors == [], page.problems.errors
        page.context.close()


def test_a_report_lost_to_a_dropped_connection_is_kept_and_sent_later(browser, live_server, district):
    """The signal drops as the courier taps send: nothing reaches the server, the whole report waits on
    the phone, and when the form is opened again it is sent, once; the form is empty for the next one."""
    base = live_server.url
    courier = open_page(browser, live_server, PHONE)
    sign_in(courier, base, "13912345678")
    courier.goto(base + "/report/new/")
    courier.get_by_role("radio", name="管网破损").check()
    courier.fill("textarea[name=description]", "龙西路井盖松动，电动车经过很危险")
    courier.fill("input[name=address]", "龙西路18号")
    courier.locator("input[name=photos]").first.set_input_files(photo_file("lid.jpg", (60, 60, 180)))
    courier.locator(".photo-preview").first.wait_for(state="visible")

    def drop_the_upload(route):
        if route.request.method == "POST":
            route.abort("internetdisconnected")
        else:
            route.continue_()

    courier.route("**/report/new/", drop_the_upload)
    courier.get_by_role("button", name="提交上报").click()
    courier.get_by_text("待发送 1 件").wait_for()  # kept on the phone, photo included (browser_tests/test_drafts.py)
    courier.unroute("**/report/new/")
    assert Report.objects.count() == 0

    courier.goto(base + "/report/new/")  # opening the form again sends what waits
    courier.get_by_text("已发送 1 件保存在手机上的报告：").wait_for()
    report = Report.objects.get()
    assert report.description == "龙西路井盖松动，电动车经过很危险" and report.address == "龙西路18号"
    assert report.photos.count() == 1
    courier.goto(base + "/report/new/")
    assert courier.input_value("textarea[name=description]") == ""
    assert not courier.locator("#draft-restored").is_visible()
