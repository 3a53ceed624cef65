"""Journey 1, the product's manual for a courier: join, be approved, report with a photo and the
phone's position, and find the report under 我的上报 — on a phone and at a desk."""

import pytest
from playwright.sync_api import expect

from beefeed.models import Organization
from beefeed.roles import COORDINATORS
from browser_tests.conftest import ARTIFACTS, DESK, PHONE, open_page
from browser_tests.test_report_loop import photo_file
from conftest import PASSWORD, make_staff
from issues.models import Category, Report
from volunteers.models import Volunteer

LONGXI = (30.2745, 118.1322)


@pytest.fixture
def district(transactional_db):
    longxi = Organization.objects.create(name="龙西社区", kind="community", latitude=LONGXI[0], longitude=LONGXI[1])
    office = Organization.objects.create(name="区委组织部", kind="office")
    Category.objects.create(name="环境卫生", code="sanitation", short_label="环境", time_limit=48)
    return longxi, make_staff("coord", office, COORDINATORS)


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_a_courier_joins_is_approved_and_reports(browser, live_server, district, viewport):
    longxi, coordinator = district
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    courier = open_page(
        browser,
        live_server,
        viewport,
        geolocation={"latitude": LONGXI[0], "longitude": LONGXI[1]},
        permissions=["geolocation"],
    )
    courier.goto(base + "/")
    courier.get_by_role("link", name="加入").first.click()
    courier.get_by_label("姓名").fill("叶小蜂")
    courier.get_by_label("手机号").fill("139 1234 5678")
    courier.get_by_label("密码").fill("honey-bee-2026")
    courier.get_by_role("radio", name="快递员").check()
    courier.get_by_label("所在社区").select_option(label="龙西社区")
    courier.get_by_label("我已阅读并同意上述隐私说明。").check()
    courier.get_by_role("button", name="加入").click()
    # The same answer whether or not the number joined before; the number is ready to sign in.
    courier.wait_for_url(base + "/volunteers/joined/")
    courier.get_by_label("密码").fill("honey-bee-2026")
    courier.get_by_role("button", name="登录").click()
    courier.wait_for_url(base + "/me/")
    assert "等待协调员审核" in courier.content()  # not yet: approval first
    assert courier.get_by_role("link", name="上报问题").count() == 0

    desk = open_page(browser, live_server, DESK)
    desk.goto(base + "/admin/login/")
    desk.fill("#id_username", coordinator.username)
    desk.fill("#id_password", PASSWORD)
    desk.press("#id_password", "Enter")
    desk.goto(base + "/admin/volunteers/volunteer/?status__exact=pending")
    desk.locator("input[name=_selected_action]").first.check()
    desk.select_option("select[name=action]", "approve_selected")
    desk.get_by_role("button", name="执行").click()
    desk.get_by_text("已审核通过 1 名志愿者。").wait_for()
    assert Volunteer.objects.get().is_approved

    courier.goto(base + "/report/new/")
    courier.locator("input[name=photos]").first.set_input_files(photo_file("bin.jpg", (180, 60, 60)))
    courier.locator(".photo-preview").first.wait_for(state="visible")
    courier.get_by_role("radio", name="环境卫生").check()
    courier.fill("textarea[name=description]", "广场花苑小区3栋的垃圾桶坏了")
    expect(courier.locator("input[name=latitude]")).not_to_have_value("")
    courier.get_by_role("button", name="提交上报").click()
    courier.wait_for_url("**/done/")
    report = Report.objects.get()
    assert report.reporter.name == "叶小蜂" and abs(report.longitude - LONGXI[1]) < 1e-4
    courier.goto(base + "/me/reports/")
    assert report.reference in courier.content()
    courier.screenshot(path=str(ARTIFACTS / f"courier-journey-{viewport['width']}.png"), full_page=True)
    for page in (courier, desk):
        assert page.problems.errors == []
        page.context.close()
