"""A community's handler follows every report in their community and claims (认领) a new one before
the coordinators triage it — at a desk and on a phone (issue 16, item 5)."""

import pytest

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
def longxi_area(transactional_db):
    longxi = Organization.objects.create(name="龙西社区", kind="community", latitude=30.2745, longitude=118.1322)
    longbei = Organization.objects.create(name="龙北社区", kind="community", latitude=30.2828, longitude=118.1431)
    office = Organization.objects.create(name="区委组织部", kind="office")
    department = Organization.objects.create(name="区住建局", kind="department")
    sanitation = Category.objects.create(name="环境卫生", code="sanitation", short_label="环境", time_limit=48)
    pipes = Category.objects.create(name="管网破损", code="pipes", short_label="管网", time_limit=24)
    volunteer = make_volunteer("13912345678", longxi)
    coordinator = make_staff("coord", office, COORDINATORS)
    make_staff("longxi", longxi, HANDLERS)

    def report(text, category=sanitation, community=longxi):
        return workflow.submit_report(
            volunteer=volunteer,
            category=category,
            description=text,
            community=community,
            latitude=30.2745,
            longitude=118.1322,
            address="龙西小区",
            photos=[photos.process_bytes(jpeg_bytes())],
            notify=False,
        )

    new = report("广场花苑小区3栋的垃圾桶坏了")
    manhole = report("龙西小区12栋窨井盖破损", category=pipes)
    workflow.dispatch(manhole, by=coordinator, organization=department, notify=False)
    ours = report("龙西菜场门口垃圾堆积")
    workflow.dispatch(ours, by=coordinator, organization=longxi, notify=False)
    elsewhere = report("龙北小区5栋路灯不亮", community=longbei)
    return new, manhole, ours, elsewhere


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_a_community_handler_follows_their_area_and_claims_a_new_report(browser, live_server, longxi_area, viewport):
    new, manhole, ours, elsewhere = longxi_area
    base = live_server.url
    width = viewport["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_page(browser, live_server, viewport)
    sign_in(page, base, "longxi")

    page.goto(f"{base}/admin/issues/report/")
    table = page.locator("#result_list")
    for report in (new, manhole, ours):
        assert table.get_by_text(report.reference, exact=True).count() == 1
    assert table.get_by_text(elsewhere.reference, exact=True).count() == 0
    page.screenshot(path=str(ARTIFACTS / f"claim-list-{width}.png"), full_page=True)

    # Another organization's report: seen, photos and all, but no step to take.
    page.goto(f"{base}/admin/issues/report/{manhole.pk}/change/")
    assert page.locator(".bf-move").count() == 0
    assert "区住建局" in page.locator(".bf-area-only").inner_text()
    page.screenshot(path=str(ARTIFACTS / f"claim-readonly-{width}.png"), full_page=True)

    # The new report: 认领, confirmed with a note.
    page.goto(f"{base}/admin/issues/report/{new.pk}/change/")
    page.screenshot(path=str(ARTIFACTS / f"claim-page-{width}.png"), full_page=True)
    page.get_by_role("link", name="认领", exact=True).click()
    page.fill("textarea[name=note]", "下午去现场")
    page.screenshot(path=str(ARTIFACTS / f"claim-confirm-{width}.png"), full_page=True)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"**/issues/report/{new.pk}/change/")
    assert "认领" in page.locator(".messagelist").inner_text()
    page.screenshot(path=str(ARTIFACTS / f"claim-done-{width}.png"), full_page=True)
    new.refresh_from_db()
    assert new.state == State.DISPATCHED and new.assignee.name == "龙西社区"
    assert new.events.filter(action=Action.CLAIM, actor__username="longxi").count() == 1
    assert page.problems.errors == []
