"""A coordinator at a desk (1280×800) merges a new report into an open one of the same problem from the
report page: the reference of the possible duplicate is already in the form; the newer courier then
follows the original on their phone."""

import pytest

from beefeed import photos
from beefeed.models import Organization
from beefeed.roles import COORDINATORS
from beefeed.tests.images import jpeg_bytes
from browser_tests.conftest import ARTIFACTS, PHONE, open_page
from browser_tests.test_triage_journey import sign_in
from conftest import make_staff, make_volunteer
from issues import workflow
from issues.models import Category, CoReporter, Report, State


@pytest.fixture
def same_problem(transactional_db):
    longxi = Organization.objects.create(name="龙西社区", kind="community", latitude=30.2745, longitude=118.1322)
    office = Organization.objects.create(name="区委组织部", kind="office")
    category = Category.objects.create(name="环境卫生", code="sanitation", short_label="环境", time_limit=48)
    first_bee = make_volunteer("13912345678", longxi)
    second_bee = make_volunteer("13700000002", longxi, name="李二蜂")
    coordinator = make_staff("coord", office, COORDINATORS)

    def report(volunteer, text):
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

    original = report(first_bee, "广场花苑小区3栋的垃圾桶坏了")
    workflow.dispatch(original, by=coordinator, organization=longxi, notify=False)
    again = report(second_bee, "3栋门口垃圾桶坏了，盖子掉了")
    return original, again


def test_a_coordinator_merges_a_new_report_into_an_open_one(browser, live_server, same_problem, desk_page):
    original, again = same_problem
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    page = desk_page
    sign_in(page, base, "coord")
    page.goto(f"{base}/admin/issues/report/{again.pk}/change/")
    assert original.reference in page.content()  # among the possible duplicates
    page.screenshot(path=str(ARTIFACTS / "merge-1-report-page-1280.png"))

    page.get_by_role("link", name="合并为同一问题", exact=True).click()
    field = page.locator("input[name=into]")
    assert field.input_value() == original.reference  # prefilled with the first possible duplicate
    page.screenshot(path=str(ARTIFACTS / "merge-2-form-1280.png"))
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"**/issues/report/{again.pk}/change/")
    page.screenshot(path=str(ARTIFACTS / "merge-3-done-1280.png"), full_page=True)

    merged = Report.objects.get(pk=again.pk)
    assert (merged.state, merged.reject_reason, merged.duplicate_of_id) == (State.REJECTED, "merged", original.pk)
    assert CoReporter.objects.filter(report=original, volunteer=again.reporter).exists()
    assert "合并为同一问题" not in page.locator("#content-main .object-tools").inner_text()  # no second merge

    # The original's page names the merged report on its timeline.
    page.goto(f"{base}/admin/issues/report/{original.pk}/change/")
    assert again.reference in page.content()

    courier = open_page(browser, live_server, PHONE)
    sign_in(courier, base, "13700000002", admin=False)
    courier.goto(base + "/me/reports/")
    section = courier.locator("#co-reports")
    assert original.reference in section.inner_text() and "已派单" in section.inner_text()
    courier.screenshot(path=str(ARTIFACTS / "merge-4-co-reporter-390.png"), full_page=True)
    assert courier.problems.errors == []
    courier.context.close()
