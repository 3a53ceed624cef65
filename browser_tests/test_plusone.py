"""Issue 17, item 2, in a real phone browser (390×844, position granted): as soon as the category and the
position are known, the open reports of that category within 50 m show above the description, in the first
screen; "是同一个问题 +1" makes the courier a co-reporter of one of them and makes no new report; "不是，继续上报"
hides them and the courier goes on."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beefeed.models import User
from browser_tests.conftest import ARTIFACTS, PHONE, open_page
from browser_tests.test_report_loop import LONGXI, district, sign_in  # noqa: F401 (district: a fixture)
from conftest import PASSWORD
from issues import workflow
from issues.demo import CATEGORIES
from issues.models import Category, CoReporter, Report
from issues.tests.conftest import processed_photo
from volunteers.models import Volunteer

SECRET = "3栋门口的垃圾桶坏了，住在302的张阿姨说的"


@pytest.fixture
def reported_nearby(district):  # noqa: F811 (the fixture imported above)
    """The district's eight categories; another courier reported the same problem 20 m away, and a third
    one 40 m away (dispatched already)."""
    for name, code, short, limit, unit, _org in CATEGORIES:
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "short_label": short, "time_limit": limit, "time_limit_unit": unit}
        )
    user = User.objects.create_user(username="13700000001", phone="13700000001", password=PASSWORD)
    first = Volunteer.objects.create(
        user=user, name="王先蜂", community=district, status=Volunteer.Status.APPROVED, approved_at=timezone.now()
    )
    reports = [
        workflow.submit_report(
            volunteer=first,
            category=Category.objects.get(code="sanitation"),
            description=SECRET,
            community=district,
            latitude=LONGXI[0] + north,
            longitude=LONGXI[1],
            address="广场花苑小区3栋",
            photos=[processed_photo()],
            notify=False,
        )
        for north in (0.00036, 0.00018)
    ]
    workflow.dispatch(reports[0], by=User.objects.get(username="coord"), organization=district, notify=False)
    return reports[1]


def courier_on_the_form(browser, live_server):
    courier = open_page(
        browser,
        live_server,
        PHONE,
        geolocation={"latitude": LONGXI[0], "longitude": LONGXI[1]},
        permissions=["geolocation"],
    )
    sign_in(courier, live_server.url, "13912345678")
    courier.goto(live_server.url + "/report/new/")
    expect(courier.locator("input[name=latitude]")).not_to_have_value("")
    courier.get_by_role("radio", name="环境卫生").check()
    courier.locator("#duplicates").wait_for(state="visible")
    return courier


def page_box(page, selector):
    """Where an element lies on the page (not in the scrolled viewport): the first screen is 0…844."""
    return page.evaluate(
        """(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
             return {top: r.top + window.scrollY, bottom: r.bottom + window.scrollY}; }""",
        selector,
    )


def test_the_same_problem_shows_in_the_first_screen_and_plus_one_joins_it(browser, live_server, reported_nearby):
    ARTIFACTS.mkdir(exist_ok=True)
    courier = courier_on_the_form(browser, live_server)
    # The panel shows as the look-up starts; its lines arrive with the answer.
    expect(courier.locator("#duplicates li")).to_have_count(2)
    courier.evaluate("window.scrollTo(0, 0)")
    panel = page_box(courier, "#duplicates")
    description = page_box(courier, "textarea[name=description]")
    send = page_box(courier, ".btn-send")  # pinned to the bottom of the screen
    assert 0 <= panel["top"] and panel["bottom"] <= min(PHONE["height"], send["top"]), (panel, send)
    assert panel["bottom"] <= description["top"]
    text = courier.locator("#duplicates").inner_text()
    assert reported_nearby.reference in text and "待受理" in text and "约 20 米" in text
    assert "张阿姨" not in courier.content() and "王先蜂" not in courier.content()
    courier.screenshot(path=str(ARTIFACTS / "plusone-panel-390.png"))

    courier.get_by_role("button", name=f"是同一个问题 +1：{reported_nearby.reference}").click()
    courier.wait_for_url("**/plusone/done/")
    assert "已记录，你是第 2 位上报此问题的小蜜蜂" in courier.locator("h1").inner_text()
    courier.screenshot(path=str(ARTIFACTS / "plusone-done-390.png"))
    assert Report.objects.count() == 2  # the two that were there
    co = CoReporter.objects.get()
    assert co.report == reported_nearby and co.volunteer.name == "叶小蜂" and co.merged_report is None

    courier.get_by_role("link", name="我的上报").click()
    courier.wait_for_url("**/me/reports/**")
    assert reported_nearby.reference in courier.locator("#co-reports").inner_text()
    assert SECRET not in courier.content()
    courier.screenshot(path=str(ARTIFACTS / "plusone-my-reports-390.png"), full_page=True)
    assert courier.problems.errors == []
    courier.context.close()


def test_not_the_same_problem_hides_the_panel_and_the_courier_goes_on(browser, live_server, reported_nearby):
    courier = courier_on_the_form(browser, live_server)
    courier.get_by_role("button", name="不是，继续上报").click()
    assert courier.locator("#duplicates").is_hidden()
    assert courier.evaluate("document.activeElement.name") == "description"
    assert not CoReporter.objects.exists()
    assert courier.problems.errors == []
    courier.context.close()
