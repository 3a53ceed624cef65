"""A firm sees what a station still needs, pledges a first-aid kit from a phone, and is thanked on the
station's page once a coordinator has accepted the pledge and recorded the handover — at both sizes."""

import re

import pytest
from playwright.sync_api import expect

from beefeed.models import Organization
from beefeed.roles import COORDINATORS
from browser_tests.conftest import ARTIFACTS, DESK, PHONE, open_page
from conftest import PASSWORD, make_staff
from stations.models import Donation, PartyPost, Pledge, WishItem
from stations.tests.conftest import make_station


@pytest.fixture
def station(transactional_db):
    longxi = Organization.objects.create(name="龙西社区", kind="community")
    office = Organization.objects.create(name="区委组织部", kind="office")
    station = make_station("龙西社区服务中心驿站", longxi, 30.2751, 118.1311, amenities=["water"])
    WishItem.objects.create(station=station, name="冰箱", unit="台", wanted=1, position=0)
    WishItem.objects.create(station=station, name="急救包", unit="个", wanted=3, position=1)
    return station, make_staff("coord", office, COORDINATORS)


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_a_firm_pledges_and_is_thanked_after_the_handover(browser, live_server, station, viewport):
    station, coordinator = station
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    giver = open_page(browser, live_server, viewport)
    giver.goto(f"{base}/stations/{station.pk}/")
    wishes = giver.locator("#wishes")
    expect(wishes).to_contain_text("还需 3 个")
    giver.screenshot(path=str(ARTIFACTS / f"station-wishes-{viewport['width']}.png"), full_page=True)
    wishes.get_by_role("link", name=re.compile("我来捐.*急救包")).click()
    expect(giver.get_by_label("您想捐赠的物品")).to_have_value(str(station.wishes.get(name="急救包").pk))

    giver.get_by_label("数量").fill("2")
    giver.get_by_label("所属单位").fill("黄山区红十字会")
    giver.get_by_label("联系方式").fill("0559 12")  # too short for a landline
    giver.get_by_role("button", name="提交捐赠意向").click()
    expect(giver.locator(".field-error")).to_contain_text("带区号的座机号")
    expect(giver.get_by_label("所属单位")).to_have_value("黄山区红十字会")  # what was typed is kept
    expect(giver.get_by_label("数量")).to_have_value("2")
    assert not Pledge.objects.exists()
    giver.get_by_label("联系方式").fill("0559-2345678")
    giver.get_by_role("button", name="提交捐赠意向").click()
    expect(giver.locator(".messages")).to_contain_text("协调联络员会尽快联系您")
    pledge = Pledge.objects.get()
    assert (pledge.offer, pledge.quantity, pledge.contact) == ("急救包", 2, "05592345678")

    desk = open_page(browser, live_server, DESK)
    desk.goto(base + "/admin/login/")
    desk.fill("#id_username", coordinator.username)
    desk.fill("#id_password", PASSWORD)
    desk.press("#id_password", "Enter")
    desk.goto(base + "/admin/stations/pledge/")
    expect(desk.locator("#result_list")).to_contain_text("05592345678")
    for action, said in [("accept_selected", "已接受 1 条捐赠意向"), ("record_donations", "已登记 1 笔捐赠")]:
        desk.locator("input[name=_selected_action]").first.check()
        desk.select_option("select[name=action]", action)
        desk.get_by_role("button", name="执行").click()
        desk.get_by_text(said).wait_for()
    assert Donation.objects.get().pledge == pledge

    giver.goto(f"{base}/stations/{station.pk}/")
    expect(giver.locator("#thanks")).to_contain_text("感谢 黄山区红十字会 捐赠急救包 2 个")
    expect(giver.locator("#wishes")).to_contain_text("还需 1 个")
    assert "2345678" not in giver.content()
    for page in (giver, desk):
        assert page.problems.errors == []
        page.context.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_wish_list_and_the_pledge_form_have_no_serious_accessibility_problem(
    browser, live_server, station, language
):
    from browser_tests.test_accessibility import serious

    station, _coordinator = station
    PartyPost.objects.create(station=station)
    page = open_page(browser, live_server, PHONE)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    problems = {}
    for path in (f"/stations/{station.pk}/", f"/stations/{station.pk}/pledge/"):
        page.goto(live_server.url + path)
        problems[path] = serious(page)
    page.locator("form.form button[type=submit]").click()  # empty: every message shown
    page.locator(".error-box").wait_for()
    problems["pledge with errors"] = serious(page)
    assert {path: found for path, found in problems.items() if found} == {}
    page.context.close()
