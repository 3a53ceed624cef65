"""A courier joins, is approved, redeems points in the window and prints the
points card; anyone who scans its QR code sees that the card is genuine."""

import datetime
import re

import pytest
import zxingcpp
from django.utils import timezone
from PIL import Image

from beefeed.models import Organization
from beefeed.roles import COORDINATORS
from browser_tests.conftest import ARTIFACTS, DESK, PHONE, open_page
from conftest import PASSWORD, make_staff
from volunteers import ledger, quarters, tallies
from volunteers.models import RedemptionWindow, RewardItem, ServiceItem, Volunteer

A6_POINTS = (297.6, 419.5)  # 105 × 148 mm


@pytest.fixture
def district(transactional_db):
    longxi = Organization.objects.create(name="龙西社区", kind="community", card_rules="巡逻每小时2分。")
    office = Organization.objects.create(name="区委组织部", kind="office")
    coordinator = make_staff("coord", office, COORDINATORS)
    today = timezone.localdate()
    RedemptionWindow.objects.create(
        year=today.year, opens_on=today - datetime.timedelta(days=1), closes_on=today + datetime.timedelta(days=20)
    )
    RewardItem.objects.create(name="骑行雨衣", points=80, stock=4)
    return longxi, coordinator


def test_join_approve_redeem_and_print_the_card(browser, live_server, district):
    longxi, coordinator = district
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    # A rider joins from the phone.
    rider = open_page(browser, live_server, PHONE)
    rider.goto(base + "/volunteers/join/")
    rider.get_by_label("姓名").fill("叶小蜂")
    rider.get_by_label("手机号").fill("13912345678")
    rider.get_by_label("密码").fill("honey-bee-2026")
    rider.get_by_role("radio", name="外卖送餐员").check()
    rider.get_by_label("所在单位或平台").fill("美团外卖")
    rider.get_by_label("所在社区").select_option(label="龙西社区")
    rider.get_by_label("我已阅读并同意上述隐私说明。").check()
    rider.get_by_role("button", name="加入").click()
    # The same answer whether or not the number joined before; the number is ready to sign in.
    rider.wait_for_url(base + "/volunteers/joined/")
    rider.get_by_label("密码").fill("honey-bee-2026")
    rider.get_by_role("button", name="登录").click()
    rider.wait_for_url(base + "/me/")
    assert "等待协调员审核" in rider.content()

    # The coordinator approves the rider in the admin.
    desk = open_page(browser, live_server, DESK)
    desk.goto(base + "/admin/login/")
    desk.fill("#id_username", coordinator.username)
    desk.fill("#id_password", PASSWORD)
    desk.press("#id_password", "Enter")
    desk.goto(base + "/admin/volunteers/volunteer/")
    desk.locator("input[name=_selected_action]").first.check()
    desk.select_option("select[name=action]", "approve_selected")
    desk.get_by_role("button", name=re.compile("执行|Go")).click()
    desk.get_by_text("已审核通过 1 名志愿者。").wait_for()
    volunteer = Volunteer.objects.get()
    assert volunteer.is_approved
    ledger.adjust(volunteer, points=100, by=coordinator, reason="第三季度巡逻补记")

    # In the window the rider redeems a raincoat, confirming first.
    rider.goto(base + "/me/redeem/")
    rider.get_by_role("link", name="兑换骑行雨衣").click()
    rider.get_by_role("button", name="确认兑换").click()
    assert "您已用 80 积分兑换“骑行雨衣”" in rider.content()
    assert rider.locator("#balance").inner_text() == "20"
    assert ledger.balance(volunteer) == 20 and RewardItem.objects.get().stock == 3

    # The card: printable on A6, and its QR code leads to the public check.
    card = open_page(browser, live_server, DESK)
    card.goto(base + "/login/")
    card.fill("#id_username", "13912345678")
    card.fill("#id_password", "honey-bee-2026")
    card.press("#id_password", "Enter")
    card.wait_for_url(base + "/me/")
    card.goto(base + "/me/card/")
    assert "139****5678" in card.content() and "13912345678" not in card.content()
    shot = ARTIFACTS / "points-card-qr.png"
    card.locator(".card-qr .qr").screenshot(path=str(shot))
    decoded = zxingcpp.read_barcodes(Image.open(shot))
    assert [code.text for code in decoded] == [f"{base}/cards/{volunteer.card_token}/"]
    card.screenshot(path=str(ARTIFACTS / "points-card-desk.png"), full_page=True)
    pdf = card.pdf(prefer_css_page_size=True, print_background=True)
    boxes = [(float(w), float(h)) for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)]
    assert len(boxes) == 2  # the front, and the back for the community's stamp
    assert all(abs(w - A6_POINTS[0]) < 2 and abs(h - A6_POINTS[1]) < 2 for w, h in boxes)

    # Anyone scanning it sees a genuine card, with the name shortened and no phone number.
    public = open_page(browser, live_server, PHONE)
    public.goto(decoded[0].text)
    text = public.content()
    assert "真实有效" in text and "叶*" in text and "叶小蜂" not in text and "5678" not in text

    for page in (rider, desk, card, public):
        assert page.problems.errors == []
        page.context.close()


def test_the_publication_sheet_prints_on_a4(browser, live_server, district):
    longxi, coordinator = district
    from conftest import make_volunteer

    rider = make_volunteer("13912345678", longxi)
    first_of_this = quarters.quarter_bounds(*quarters.quarter_of(timezone.localdate()))[0]
    year, number = quarters.quarter_of(first_of_this - datetime.timedelta(days=1))
    patrol = ServiceItem.objects.get(code="patrol")
    on = quarters.quarter_bounds(year, number)[0] + datetime.timedelta(days=3)
    ledger.award(rider, item=patrol, source="activity:1", rule="activity", points=12, hours=6, by=coordinator, on=on)
    quarter = tallies.close_quarter(year, number, by=coordinator)

    page = open_page(browser, live_server, DESK)
    page.goto(f"{live_server.url}/points/")
    page.get_by_role("link", name="打印公示单").click()
    assert f"龙西社区小蜜蜂志愿者 {quarter.label} 积分公示" in page.content()
    pdf = page.pdf(prefer_css_page_size=True)
    boxes = [(float(w), float(h)) for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)]
    assert boxes and all(abs(w - 595.3) < 2 and abs(h - 841.9) < 2 for w, h in boxes)
    page.screenshot(path=str(ARTIFACTS / "publication-sheet-desk.png"), full_page=True)
    assert page.problems.errors == []
    page.context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_journey_four_a_volunteer_redeems_in_the_window_and_prints_the_card(browser, live_server, district, viewport):
    longxi, coordinator = district
    from conftest import make_volunteer

    volunteer = make_volunteer("13912345678", longxi)
    ledger.adjust(volunteer, points=90, by=coordinator, reason="季度积分")
    base = live_server.url
    page = open_page(browser, live_server, viewport)
    page.goto(base + "/login/")
    page.fill("#id_username", "13912345678")
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(base + "/me/")
    page.get_by_role("link", name="积分兑换（兑换期中）").click()
    page.get_by_role("link", name="兑换骑行雨衣").click()
    page.get_by_role("button", name="确认兑换").click()
    assert page.locator("#balance").inner_text() == "10"
    page.goto(base + "/me/")
    page.get_by_role("link", name="我的积分卡").click()
    shot = ARTIFACTS / f"card-qr-{viewport['width']}.png"
    page.locator(".card-qr .qr").screenshot(path=str(shot))
    assert [c.text for c in zxingcpp.read_barcodes(Image.open(shot))] == [f"{base}/cards/{volunteer.card_token}/"]
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert len(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)) == 2
    assert page.problems.errors == []
    page.context.close()
