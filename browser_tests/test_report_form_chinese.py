"""The courier's form on a phone writes Chinese as it is written: the position's accuracy as 约 20 米 or
约 1.2 公里 (never "1234 米"), and the community select opens with 请选择社区, not "---------"."""

import pytest
from playwright.sync_api import expect

from beefeed.models import Organization
from browser_tests.conftest import ARTIFACTS, PHONE, open_page
from browser_tests.test_drafts import signed_in_phone
from conftest import make_volunteer
from issues.models import Category

LONGXI = (30.2745, 118.1322)


@pytest.fixture
def courier(transactional_db):
    # Far from any community centre: nothing is suggested, so the select still shows its prompt.
    Organization.objects.create(name="龙西社区", kind="community", latitude=31.5, longitude=119.5)
    Category.objects.create(name="环境卫生", code="sanitation", short_label="环境", time_limit=48)
    return make_volunteer("13900000001", Organization.objects.get())


@pytest.mark.parametrize("accuracy, written", [(17, "已定位（约 20 米）"), (1_234, "已定位（约 1.2 公里）")])
def test_the_position_accuracy_is_written_in_chinese(browser, live_server, courier, accuracy, written):
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_page(
        browser,
        live_server,
        PHONE,
        geolocation={"latitude": LONGXI[0], "longitude": LONGXI[1], "accuracy": accuracy},
        permissions=["geolocation"],
    )
    signed_in_phone(browser, live_server, courier.user.phone, page)
    page.goto(live_server.url + "/report/new/")
    expect(page.locator("#locate-status")).to_have_text(written)
    first = page.locator("select[name=community] option").first
    expect(first).to_have_text("请选择社区")
    assert "---------" not in page.locator("select[name=community]").inner_text()
    page.screenshot(path=str(ARTIFACTS / f"report-form-accuracy-{accuracy}-phone.png"))
    assert page.problems.errors == []
    page.context.close()
