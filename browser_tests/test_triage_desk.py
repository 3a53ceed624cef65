"""A morning at the triage desk, measured: a coordinator clears a queue of 30 waiting reports at
1280×800 with the admin's sidebar open — most to their category's default organization with one
click or one Enter each, a few sent elsewhere, a couple not accepted with a reason — without
leaving the list. A colleague takes one more report at the same moment: its row says so.

The test counts the page loads (navigations of the page) and the person's clicks and keys, asserts
the budgets the issue sets (about one action per ordinary report, the list loaded once), prints
the figures (the README's numbers come from here) and leaves screenshots in test-artifacts/."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from beefeed import photos
from beefeed.models import Organization
from beefeed.roles import COORDINATORS
from beefeed.tests.images import jpeg_bytes
from browser_tests.conftest import ARTIFACTS, DESK, PHONE, open_page
from browser_tests.test_triage_journey import sign_in
from conftest import make_staff, make_volunteer
from issues import workflow
from issues.models import Action, Category, Report, ReportEvent, State

SECONDS_PER_DECISION = 5  # reading the row and deciding: the estimate the README's figure uses

TEXTS = [
    "广场花苑小区3栋的垃圾桶坏了",
    "龙西小区12栋窨井盖破损",
    "黄山东路公交站旁车辆乱停，占用盲道",
    "新华乡卫生院门口路灯不亮",
    "芙蓉路人行道地砖松动，老人容易绊倒",
    "菜市场门口流动摊贩占道经营",
    "平东小区化粪池满溢，气味很大",
    "龙北社区健身器材损坏，螺丝外露",
]
# The ones the coordinator decides otherwise than the default (index in the queue → what).
ELSEWHERE = {4: "区城管局", 11: "龙北社区", 19: "区住建局"}
NOT_ACCEPTED = {7: ("out_of_scope", "属于小区物业维修范围"), 23: ("not_enough_info", "照片看不清位置")}


@pytest.fixture
def queue(transactional_db):
    longxi = Organization.objects.create(name="龙西社区", kind="community", latitude=30.2745, longitude=118.1322)
    Organization.objects.create(name="龙北社区", kind="community", latitude=30.2828, longitude=118.1431)
    Organization.objects.create(name="芙蓉社区", kind="community")
    Organization.objects.create(name="平东社区", kind="community")
    Organization.objects.create(name="新华乡", kind="township")
    housing = Organization.objects.create(name="区住建局", kind="department")
    city = Organization.objects.create(name="区城管局", kind="department")
    police = Organization.objects.create(name="交警大队", kind="department")
    office = Organization.objects.create(name="区委组织部", kind="office")
    categories = [
        Category.objects.create(name="环境卫生", code="sanitation", short_label="环境", time_limit=48),
        Category.objects.create(
            name="管网破损", code="pipes", short_label="管网", time_limit=3, time_limit_unit="working_days"
        ),
        Category.objects.create(
            name="车辆违停", code="parking", short_label="违停", time_limit=24, default_organization=police
        ),
        Category.objects.create(
            name="市容秩序", code="order", short_label="市容", time_limit=72, default_organization=city
        ),
        Category.objects.create(
            name="道路设施", code="roads", short_label="道路", time_limit=5, time_limit_unit="working_days"
        ),
    ]
    Category.objects.filter(code__in=["pipes", "roads"]).update(default_organization=housing)
    categories = list(Category.objects.order_by("pk"))
    volunteer = make_volunteer("13912345678", longxi)
    make_staff("coord", office, COORDINATORS)
    colleague = make_staff("coord2", office, COORDINATORS)
    photo = photos.process_bytes(jpeg_bytes())
    now = timezone.now()
    reports = [
        workflow.submit_report(
            volunteer=volunteer,
            category=categories[i % len(categories)],
            description=TEXTS[i % len(TEXTS)],
            community=longxi,
            latitude=30.2745,
            longitude=118.1322,
            address="广场花苑3栋",
            photos=[photo],
            notify=False,
            now=now - timedelta(minutes=20 * (31 - i)),  # the oldest waited over ten hours
        )
        for i in range(31)
    ]
    return reports, colleague


class Person:
    """What the coordinator does, counted: each click and each key is one action."""

    def __init__(self, page):
        self.page, self.actions, self.loads = page, 0, []
        page.on("framenavigated", lambda frame: frame == page.main_frame and self.loads.append(frame.url))

    def click(self, locator):
        locator.click()
        self.actions += 1

    def press(self, key):
        self.page.keyboard.press(key)
        self.actions += 1

    def choose(self, select, label):
        """A select: open it and pick an option, two actions with a mouse."""
        select.select_option(label=label)
        self.actions += 2

    def type(self, field, text):
        field.fill(text)
        self.actions += 1


def row(page, report):
    return page.locator(f'.bf-desk[data-report="{report.pk}"]')


def decided(page, report):
    page.locator("td.bf-desk-done", has_text=report.reference).wait_for()


def test_a_coordinator_clears_thirty_waiting_reports(browser, live_server, queue):
    reports, colleague = queue
    ours, taken = reports[:30], reports[30]
    base = live_server.url
    page = open_page(browser, live_server, DESK)
    sign_in(page, base, "coord")
    person = Person(page)
    ARTIFACTS.mkdir(exist_ok=True)

    started = time.monotonic()
    page.goto(base + "/admin/issues/triagereport/")
    # The sidebar is open and every row's controls fit: nothing is cut off on the right.
    assert page.locator("#nav-sidebar").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= DESK["width"]
    results = page.locator("#changelist-form .results")  # scrolls sideways when its table is too wide
    assert results.evaluate("box => box.scrollWidth <= box.clientWidth")
    right_edge = results.evaluate("box => box.getBoundingClientRect().right")
    first = row(page, ours[0])
    for control in (first.locator("select").first, first.locator("button.bf-desk-go"), first.locator("summary").first):
        box = control.bounding_box()
        assert box and box["x"] + box["width"] <= right_edge
    assert page.locator(".bf-desk").count() == 31
    page.screenshot(path=str(ARTIFACTS / "triage-desk-1280.png"))

    # A colleague dispatches the last report meanwhile: this coordinator's row is refused, in Chinese.
    workflow.dispatch(taken, by=colleague, notify=False)
    person.click(row(page, taken).locator("button.bf-desk-go"))
    message = row(page, taken).locator(".bf-desk-msg")
    message.wait_for()
    assert "已被他人处理" in message.inner_text()
    # The refusal is a 409 answer (the browser logs it too): expected here, and nothing else went wrong.
    assert f"HTTP 409: {base}/admin/issues/triagereport/{taken.pk}/desk/" in page.problems.errors
    assert all("409" in problem for problem in page.problems.errors), page.problems.errors
    page.problems.errors.clear()
    taken.refresh_from_db()
    assert taken.assignee == workflow.default_organization(taken)
    assert list(taken.events.filter(action=Action.DISPATCH).values_list("actor__username", flat=True)) == ["coord2"]
    page.screenshot(path=str(ARTIFACTS / "triage-desk-refused-1280.png"))
    refused_actions, person.actions = person.actions, 0

    ordinary_actions = other_actions = 0
    for index, report in enumerate(ours):
        before = person.actions
        desk = row(page, report)
        if index in NOT_ACCEPTED:
            reason, note = NOT_ACCEPTED[index]
            person.click(desk.locator(".bf-desk-no:not(.bf-desk-merge) summary"))
            person.choose(desk.locator("select[name=reason]"), label=dict(reason_labels(page, desk))[reason])
            person.type(desk.locator("input[name=note]"), note)
            if index == 7:
                page.screenshot(path=str(ARTIFACTS / "triage-desk-reject-1280.png"))
            person.click(desk.locator(".bf-desk-no:not(.bf-desk-merge) button"))
        elif index in ELSEWHERE:
            person.choose(desk.locator("select[name=organization]"), label=ELSEWHERE[index])
            person.click(desk.locator("button.bf-desk-go"))
        elif index < 15:
            person.click(desk.locator("button.bf-desk-go"))  # the mouse: one click
        else:
            # The keyboard: after each decision the focus is on the next row's organization; Enter sends it.
            assert page.evaluate("document.activeElement.form && document.activeElement.form.dataset.report") == str(
                report.pk
            )
            person.press("Enter")
        decided(page, report)
        spent = person.actions - before
        if index in NOT_ACCEPTED or index in ELSEWHERE:
            other_actions += spent
        else:
            ordinary_actions += spent
    seconds = time.monotonic() - started
    page.screenshot(path=str(ARTIFACTS / "triage-desk-cleared-1280.png"))

    page.reload()  # the queue is empty
    assert page.locator(".bf-desk").count() == 0
    assert not Report.objects.filter(state=State.SUBMITTED).exists()

    # Every decision went through the workflow: one event each, by this coordinator, to the right place.
    for index, report in enumerate(ours):
        report.refresh_from_db()
        event = ReportEvent.objects.get(report=report, action__in=[Action.DISPATCH, Action.REJECT])
        assert event.actor.username == "coord"
        if index in NOT_ACCEPTED:
            assert report.state == State.REJECTED and report.reject_reason == NOT_ACCEPTED[index][0]
            assert event.note == NOT_ACCEPTED[index][1]
        else:
            expected = ELSEWHERE.get(index) or workflow.default_organization(report).name
            assert report.state == State.DISPATCHED and report.assignee.name == expected
            assert event.organization.name == expected

    ordinary = 30 - len(ELSEWHERE) - len(NOT_ACCEPTED)
    loads = len(person.loads)
    estimate = 30 * SECONDS_PER_DECISION + (ordinary_actions + other_actions) * 1
    print(
        f"\nTriage desk, 30 reports at 1280x800: {loads} page loads; "
        f"{ordinary_actions} actions for {ordinary} ordinary reports ({ordinary_actions / ordinary:.1f} each), "
        f"{other_actions} for {len(ELSEWHERE)} sent elsewhere and {len(NOT_ACCEPTED)} not accepted; "
        f"{refused_actions} on the row a colleague took first; "
        f"{seconds:.1f} s in the browser; a person ≈ {estimate / 60:.1f} min "
        f"({SECONDS_PER_DECISION} s per decision + 1 s per action)."
    )
    assert loads <= 2  # the queue, and the reload that shows it empty
    assert ordinary_actions <= 2 * ordinary and ordinary_actions == ordinary  # one click or one Enter each
    assert other_actions <= 3 * len(ELSEWHERE) + 5 * len(NOT_ACCEPTED)
    assert estimate < 5 * 60
    assert page.problems.errors == []
    page.context.close()


def reason_labels(page, desk):
    return desk.locator("select[name=reason] option").evaluate_all("els => els.map(e => [e.value, e.textContent])")


def test_the_queue_on_a_phone(browser, live_server, queue):
    """At 390×844 the list scrolls sideways within itself; a row is still decided with one tap."""
    reports, _ = queue
    base = live_server.url
    page = open_page(browser, live_server, PHONE)
    sign_in(page, base, "coord")
    page.goto(base + "/admin/issues/triagereport/")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "triage-desk-390.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # cards, no sideways scroll
    assert page.locator("#changelist-form .results").evaluate("box => box.scrollWidth <= box.clientWidth")
    desk = row(page, reports[0])
    desk.locator("button.bf-desk-go").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "triage-desk-390-controls.png"))
    desk.locator("button.bf-desk-go").click()
    decided(page, reports[0])
    assert Report.objects.get(pk=reports[0].pk).state == State.DISPATCHED
    assert page.problems.errors == []
    page.context.close()


def test_without_javascript_a_row_posts_and_comes_back_to_the_queue(browser, live_server, queue):
    reports, _ = queue
    base = live_server.url
    page = open_page(browser, live_server, DESK, java_script_enabled=False)
    sign_in(page, base, "coord")
    page.goto(base + "/admin/issues/triagereport/")
    row(page, reports[0]).locator("button.bf-desk-go").click()
    page.wait_for_url("**/admin/issues/triagereport/")
    assert f"{reports[0].reference} 已派给" in page.locator(".messagelist").inner_text()
    assert Report.objects.get(pk=reports[0].pk).state == State.DISPATCHED
    assert page.locator(".bf-desk").count() == 30
    page.context.close()
