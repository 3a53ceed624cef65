"""Nothing is lost in sending: a report sent without a connection stays on the phone, photo included,
as 待发送, survives a reload, and reaches the server exactly once when the connection returns.
Signing out clears it; another courier on the same phone never sees it."""

import pytest
from playwright.sync_api import expect

from beefeed.models import Organization
from browser_tests.conftest import ARTIFACTS, PHONE, open_page
from browser_tests.test_report_loop import photo_file
from conftest import PASSWORD, make_volunteer
from issues.models import Category, Report, ReportPhoto

LONGXI = (30.2745, 118.1322)


@pytest.fixture
def district(transactional_db):
    longxi = Organization.objects.create(name="龙西社区", kind="community", latitude=LONGXI[0], longitude=LONGXI[1])
    Category.objects.create(name="环境卫生", code="sanitation", short_label="环境", time_limit=48)
    return longxi


def signed_in_phone(browser, live_server, phone_number, page=None):
    if page is None:
        page = open_page(
            browser,
            live_server,
            PHONE,
            geolocation={"latitude": LONGXI[0], "longitude": LONGXI[1]},
            permissions=["geolocation"],
        )
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", phone_number)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/me/")
    return page


def cut_off(route):
    """The upload never reaches the server: a phone out of signal."""
    if route.request.method == "POST":
        route.abort("internetdisconnected")
    else:
        route.continue_()


def fill_report(page, description):
    page.goto(page.url.split("/me/")[0] + "/report/new/")
    page.locator("input[name=photos]").first.set_input_files(photo_file("bin.jpg", (180, 60, 60)))
    page.locator(".photo-preview").first.wait_for(state="visible")
    page.get_by_role("radio", name="环境卫生").check()
    page.fill("textarea[name=description]", description)
    expect(page.locator("input[name=latitude]")).not_to_have_value("")


def outbox_size(page):
    return page.evaluate(
        """() => new Promise((ok) => {
             const r = indexedDB.open("beefeed-drafts", 1);
             r.onupgradeneeded = () => r.result.createObjectStore("outbox", { keyPath: "key" });
             r.onsuccess = () => { const q = r.result.transaction("outbox").objectStore("outbox").count();
                                   q.onsuccess = () => { ok(q.result); r.result.close(); }; };
           })"""
    )


def real_problems(page):
    return [e for e in page.problems.errors if "/report/new/" not in e]


def test_a_report_sent_offline_waits_on_the_phone_and_arrives_once(browser, live_server, district):
    ARTIFACTS.mkdir(exist_ok=True)
    make_volunteer("13900000001", district)
    page = signed_in_phone(browser, live_server, "13900000001")
    fill_report(page, "广场花苑小区3栋的垃圾桶坏了")
    page.route("**/report/new/", cut_off)
    page.get_by_role("button", name="提交上报").click()
    page.get_by_text("待发送 1 件").wait_for()
    assert "没有发送成功" in page.locator("#report-form .error-box").inner_text()
    page.screenshot(path=str(ARTIFACTS / "drafts-offline-sent-390.png"), full_page=True)

    page.reload()  # still without signal: the page tries again, and keeps it
    page.get_by_text("待发送 1 件").wait_for()
    item = page.locator("#drafts-outbox .draft-item")
    item.get_by_text("待发送", exact=True).wait_for()
    assert "广场花苑小区3栋的垃圾桶坏了" in item.inner_text()
    assert page.locator("#drafts-outbox img.thumb").evaluate("img => img.complete && img.naturalWidth > 0")
    page.screenshot(path=str(ARTIFACTS / "drafts-after-reload-390.png"), full_page=True)
    assert Report.objects.count() == 0 and outbox_size(page) == 1

    page.unroute("**/report/new/")  # the signal is back
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.get_by_text("已发送 1 件保存在手机上的报告：").wait_for()
    page.screenshot(path=str(ARTIFACTS / "drafts-sent-390.png"), full_page=True)
    report = Report.objects.get()
    assert page.locator("#drafts-outbox a").inner_text() == report.reference
    assert report.description == "广场花苑小区3栋的垃圾桶坏了" and report.client_key is not None
    assert ReportPhoto.objects.filter(report=report).count() == 1
    assert outbox_size(page) == 0

    page.evaluate("window.dispatchEvent(new Event('online'))")  # nothing left to send
    page.goto(live_server.url + "/me/")
    assert page.locator("#drafts-outbox").is_hidden()
    assert Report.objects.count() == 1
    assert real_problems(page) == []


def test_a_draft_waiting_is_sent_when_me_is_opened(browser, live_server, district):
    make_volunteer("13900000001", district)
    page = signed_in_phone(browser, live_server, "13900000001")
    fill_report(page, "井盖松动")
    page.route("**/report/new/", cut_off)
    page.get_by_role("button", name="提交上报").click()
    page.get_by_text("待发送 1 件").wait_for()
    page.unroute("**/report/new/")
    page.goto(live_server.url + "/me/")
    page.get_by_text("已发送 1 件保存在手机上的报告：").wait_for()
    page.screenshot(path=str(ARTIFACTS / "drafts-me-sent-390.png"), full_page=True)
    assert Report.objects.get().photos.count() == 1
    assert real_problems(page) == []


def test_signing_out_clears_the_draft_and_the_next_courier_never_sees_it(browser, live_server, district):
    make_volunteer("13900000001", district)
    make_volunteer("13900000002", district, name="王小蜂")
    page = signed_in_phone(browser, live_server, "13900000001")
    fill_report(page, "第一位快递员的草稿")
    page.route("**/report/new/", cut_off)
    page.get_by_role("button", name="提交上报").click()
    page.get_by_text("待发送 1 件").wait_for()
    page.once("dialog", lambda dialog: dialog.accept())  # "1 report not yet sent: sign out?"
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(live_server.url + "/")
    assert outbox_size(page) == 0

    signed_in_phone(browser, live_server, "13900000002", page=page)
    page.unroute("**/report/new/")
    page.goto(live_server.url + "/report/new/")
    assert "第一位快递员的草稿" not in page.content()
    assert page.locator("#drafts-outbox").count() == 0 or page.locator("#drafts-outbox").is_hidden()
    page.screenshot(path=str(ARTIFACTS / "drafts-next-courier-390.png"), full_page=True)
    assert Report.objects.count() == 0
    assert real_problems(page) == []


def test_without_signing_out_another_couriers_draft_is_not_shown_and_is_purged(browser, live_server, district):
    make_volunteer("13900000001", district)
    make_volunteer("13900000002", district, name="王小蜂")
    page = signed_in_phone(browser, live_server, "13900000001")
    fill_report(page, "第一位快递员的草稿")
    page.route("**/report/new/", cut_off)
    page.get_by_role("button", name="提交上报").click()
    page.get_by_text("待发送 1 件").wait_for()
    page.context.clear_cookies()  # the session ended without signing out
    signed_in_phone(browser, live_server, "13900000002", page=page)
    page.unroute("**/report/new/")
    page.goto(live_server.url + "/report/new/")
    page.locator("#report-form .error-box").wait_for(state="attached")  # report_drafts.js has run
    assert "第一位快递员的草稿" not in page.content()
    for _ in range(50):  # the purge runs as the page opens
        if outbox_size(page) == 0:
            break
        page.wait_for_timeout(100)
    assert outbox_size(page) == 0
    assert Report.objects.count() == 0
    assert real_problems(page) == []


def test_a_server_briefly_down_keeps_the_report_and_a_mistake_in_the_form_is_shown_as_before(
    browser, live_server, district
):
    make_volunteer("13900000001", district)
    page = signed_in_phone(browser, live_server, "13900000001")
    fill_report(page, "服务器暂时不可用")
    page.route(
        "**/report/new/",
        lambda route: route.fulfill(status=503, body="down") if route.request.method == "POST" else route.continue_(),
    )
    page.get_by_role("button", name="提交上报").click()
    page.get_by_text("待发送 1 件").wait_for()
    assert Report.objects.count() == 0
    page.unroute("**/report/new/")
    page.get_by_role("button", name="现在发送").click()
    page.get_by_text("已发送 1 件保存在手机上的报告：").wait_for()
    assert Report.objects.count() == 1

    # No photo: the server's answer says so, as without this slice, and nothing waits on the phone.
    page.get_by_role("radio", name="环境卫生").check()
    page.fill("textarea[name=description]", "没有照片")
    page.get_by_role("button", name="提交上报").click()
    page.get_by_text("请至少添加一张照片。").wait_for()
    assert outbox_size(page) == 0 and Report.objects.count() == 1
    page.screenshot(path=str(ARTIFACTS / "drafts-refused-390.png"), full_page=True)
