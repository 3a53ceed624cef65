"""Journey 2, the product's manual for the desk: a coordinator triages (a duplicate rejected,
reports dispatched), each handler sees only their own work, one report comes back with a reason,
one is resolved with an after photo and published, the reporter rates it, and the public sees it
on the board and in the statistics — on a phone and at a desk."""

import pytest

from beefeed import photos
from beefeed.models import Organization
from beefeed.roles import COORDINATORS, HANDLERS
from beefeed.tests.images import jpeg_bytes
from browser_tests.conftest import DESK, PHONE, open_page
from browser_tests.test_report_loop import photo_file
from conftest import PASSWORD, make_staff, make_volunteer
from issues import workflow
from issues.models import Category, Rating, Report, State


@pytest.fixture
def waiting(transactional_db):
    longxi = Organization.objects.create(name="龙西社区", kind="community", latitude=30.2745, longitude=118.1322)
    longbei = Organization.objects.create(name="龙北社区", kind="community", latitude=30.2828, longitude=118.1431)
    office = Organization.objects.create(name="区委组织部", kind="office")
    category = Category.objects.create(name="环境卫生", code="sanitation", short_label="环境", time_limit=48)
    volunteer = make_volunteer("13912345678", longxi)
    make_staff("coord", office, COORDINATORS)
    make_staff("handler_a", longxi, HANDLERS)
    make_staff("handler_b", longbei, HANDLERS)

    def report(text):
        return workflow.submit_report(
            volunteer=volunteer,
            category=category,
            description=text,
            community=longxi,
            latitude=30.2745,
            longitude=118.1322,
            address="广场花苑3栋",
            photos=[photos.process_bytes(jpeg_bytes())],
            notify=False,
        )

    return report("垃圾桶坏了"), report("垃圾桶坏了（又报一次）"), report("路灯不亮")


def sign_in(page, base, login, admin=True):
    page.goto(base + ("/admin/login/" if admin else "/login/"))
    page.fill("#id_username", login)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_load_state()


def act(page, base, report, label, fields=None, files=None):
    page.goto(f"{base}/admin/issues/report/{report.pk}/change/")
    page.get_by_role("link", name=label, exact=True).click()
    for selector, value in (fields or {}).items():
        if selector.startswith("select"):
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    for selector, value in (files or {}).items():
        page.set_input_files(selector, value)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"**/issues/report/{report.pk}/change/")


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_triage_to_the_public_board(browser, live_server, waiting, viewport):
    original, duplicate, lamp = waiting
    base = live_server.url
    coordinator = open_page(browser, live_server, viewport)
    sign_in(coordinator, base, "coord")
    act(
        coordinator,
        base,
        duplicate,
        "不予受理",
        {"select[name=reason]": "duplicate", "input[name=duplicate_of]": original.reference},
    )
    act(coordinator, base, original, "派单")
    act(coordinator, base, lamp, "派单")
    assert Report.objects.get(pk=duplicate.pk).state == State.REJECTED
    assert Report.objects.get(pk=original.pk).state == State.DISPATCHED

    other = open_page(browser, live_server, viewport)  # 龙北社区 sees none of 龙西's work
    sign_in(other, base, "handler_b")
    other.goto(base + "/admin/issues/report/")
    assert original.reference not in other.content() and lamp.reference not in other.content()

    handler = open_page(browser, live_server, viewport)
    sign_in(handler, base, "handler_a")
    handler.goto(base + "/admin/issues/report/")
    assert original.reference in handler.content() and lamp.reference in handler.content()
    act(handler, base, lamp, "退回", {"textarea[name=reason]": "路灯归区城管局管理"})
    act(
        handler,
        base,
        original,
        "办结",
        {"textarea[name=note]": "已更换新垃圾桶"},
        {"input[name=photo]": photo_file("after.jpg", (60, 160, 60))},
    )
    assert Report.objects.get(pk=lamp.pk).state == State.RETURNED

    act(coordinator, base, original, "核实并公示")
    assert Report.objects.get(pk=original.pk).state == State.PUBLISHED

    courier = open_page(browser, live_server, viewport)
    sign_in(courier, base, "13912345678", admin=False)
    courier.goto(base + "/me/reports/")
    courier.get_by_role("link", name="回访评价").first.click()
    courier.get_by_role("radio", name="满意", exact=True).check()
    courier.get_by_role("button", name="提交评价").click()
    courier.wait_for_url("**/me/reports/")
    assert Rating.objects.get().score == "satisfied"

    public = open_page(browser, live_server, viewport)
    public.goto(base + "/board/")
    assert "垃圾桶坏了" in public.content() and "路灯不亮" not in public.content()
    public.goto(base + "/stats/")
    assert "100.0%" in public.content()  # satisfied, of one rated
    for page in (coordinator, other, handler, courier, public):
        assert page.problems.errors == []
        page.context.close()
