"""Joint handling in Chromium (issue 19, item 3): the lead department asks the community to assist
from the report page, the community writes what it found as an internal note — on a phone — and
neither form gets in the way of the admin's own "Save"."""

import pytest
from playwright.sync_api import expect

from beefeed import photos
from beefeed.models import Organization
from beefeed.roles import COORDINATORS, HANDLERS
from beefeed.tests.images import jpeg_bytes
from browser_tests.conftest import ARTIFACTS, DESK, PHONE, open_page
from browser_tests.test_triage_journey import sign_in
from conftest import make_staff, make_volunteer
from issues import workflow
from issues.models import Action, Category, State


@pytest.fixture
def manhole(transactional_db):
    longxi = Organization.objects.create(name="龙西社区", kind="community", latitude=30.2745, longitude=118.1322)
    office = Organization.objects.create(name="区委组织部", kind="office")
    housing = Organization.objects.create(name="区住建局", kind="department")
    pipes = Category.objects.create(name="管网破损", code="pipes", short_label="管网", time_limit=24)
    coordinator = make_staff("coord", office, COORDINATORS)
    make_staff("zhujian", housing, HANDLERS)
    make_staff("longxi", longxi, HANDLERS)
    report = workflow.submit_report(
        volunteer=make_volunteer("13912345678", longxi),
        category=pipes,
        description="龙西小区12栋窨井盖破损",
        community=longxi,
        latitude=30.2745,
        longitude=118.1322,
        address="龙西小区12栋",
        photos=[photos.process_bytes(jpeg_bytes())],
        notify=False,
    )
    workflow.dispatch(report, by=coordinator, organization=housing, notify=False)
    return report


def test_the_lead_asks_the_community_and_the_community_notes_from_a_phone(browser, live_server, manhole):
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    lead = open_page(browser, live_server, DESK)
    sign_in(lead, base, "zhujian")
    lead.goto(f"{base}/admin/issues/report/{manhole.pk}/change/")
    lead.select_option("#bf-assist-org", label="龙西社区")
    lead.fill("#bf-assist-note", "请社区协助联系物业")
    lead.press("#bf-assist-note", "Enter")  # Enter sends this form, not the admin's
    expect(lead.locator(".bf-assists")).to_have_text("龙西社区")
    expect(lead.locator(".messagelist")).to_contain_text("已邀请 龙西社区 协办")
    lead.screenshot(path=str(ARTIFACTS / "joint-lead-1280.png"), full_page=True)
    assert manhole.events.filter(action=Action.ASSIST, organization__name="龙西社区").count() == 1
    assert lead.problems.errors == []

    community = open_page(browser, live_server, PHONE)
    sign_in(community, base, "longxi")
    community.goto(f"{base}/admin/issues/report/{manhole.pk}/change/")
    expect(community.locator(".bf-area-only")).to_contain_text("区住建局 主办")
    assert community.locator(".bf-move").count() == 0  # only the lead resolves
    assert community.locator("#bf-assist-org").count() == 0  # nor asks others
    community.fill("#bf-note", "已联系物业，明天上午到现场")
    community.get_by_role("button", name="添加备注").click()
    expect(community.locator(".messagelist")).to_contain_text("备注已记入时间线")
    expect(community.get_by_text("已联系物业，明天上午到现场")).to_be_visible()
    community.screenshot(path=str(ARTIFACTS / "joint-community-390.png"), full_page=True)
    assert community.problems.errors == []

    manhole.refresh_from_db()
    assert manhole.state == State.DISPATCHED and manhole.assignee.name == "区住建局"


def test_the_coordinator_still_saves_the_report_with_the_note_box_empty(browser, live_server, manhole):
    base = live_server.url
    page = open_page(browser, live_server, DESK)
    sign_in(page, base, "coord")
    page.goto(f"{base}/admin/issues/report/{manhole.pk}/change/")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("成功")
    assert not manhole.events.filter(action=Action.NOTE).exists()
    assert page.problems.errors == []
