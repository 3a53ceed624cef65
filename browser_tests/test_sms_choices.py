"""A courier on the phone chooses on /me/ what they also want by SMS (opt-in: only the re-check request at first)."""

import pytest

from beefeed.models import Organization
from browser_tests.conftest import ARTIFACTS
from conftest import PASSWORD, make_volunteer


@pytest.fixture
def sms_installed(settings):
    settings.NOTIFY_CHANNELS = ["console", "sms"]


def test_a_courier_chooses_the_sms_moments_on_me(phone_page, live_server, sms_installed):
    longxi = Organization.objects.create(name="龙西社区", kind="community")
    volunteer = make_volunteer("13912345678", longxi)
    page = phone_page
    page.goto(live_server.url + "/login/?next=/me/")
    page.get_by_label("手机号").fill("13912345678")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + "/me/")

    section = page.locator("#sms")
    assert section.get_by_role("checkbox", name="已办结，请回访评价").is_checked()
    assert not section.get_by_role("checkbox", name="已派单").is_checked()
    section.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "me-sms-choices-390.png"))

    section.get_by_role("checkbox", name="已派单").check()
    section.get_by_role("button", name="保存设置").click()
    page.wait_for_url("**/me/#sms")
    assert page.get_by_text("短信通知设置已保存。").is_visible()
    volunteer.refresh_from_db()
    assert volunteer.sms_choice == ["dispatched", "resolved"]
    page.locator("#sms").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "me-sms-choices-saved-390.png"))
