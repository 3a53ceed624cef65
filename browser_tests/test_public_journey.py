"""A resident checks whether complaints get fixed: the home page, the board, one report, the
statistics, the station map with the phone's position, and the whole thing again in English."""

import pytest

from beefeed.models import Organization
from beefeed.roles import COORDINATORS, HANDLERS
from beefeed.tests.images import jpeg_bytes
from browser_tests.conftest import ARTIFACTS, DESK, PHONE, open_page
from conftest import make_staff, make_volunteer


@pytest.fixture
def published(transactional_db):
    from beefeed import photos
    from issues import workflow
    from issues.models import Category
    from stations.tests.conftest import make_station

    longxi = Organization.objects.create(name="龙西社区", kind="community", latitude=30.2745, longitude=118.1322)
    office = Organization.objects.create(name="区委组织部", kind="office")
    category = Category.objects.create(name="环境卫生", code="sanitation", short_label="环境", time_limit=48)
    make_station("龙西社区服务中心驿站", longxi, 30.2751, 118.1311, amenities=["water", "charger"], all_night=True)
    volunteer = make_volunteer("13912345678", longxi)
    coordinator = make_staff("coord", office, COORDINATORS)
    handler = make_staff("handler_a", longxi, HANDLERS)
    report = workflow.submit_report(
        volunteer=volunteer,
        category=category,
        description="广场花苑3栋垃圾桶坏了",
        community=longxi,
        latitude=30.2745,
        longitude=118.1322,
        address="广场花苑3栋",
        photos=[photos.process_bytes(jpeg_bytes())],
        notify=False,
    )
    workflow.dispatch(report, by=coordinator, organization=longxi, notify=False)
    workflow.resolve(
        report, by=handler, note="已更换新垃圾桶", photos=[photos.process_bytes(jpeg_bytes())], notify=False
    )
    workflow.publish(report, by=coordinator, notify=False)
    return report


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_a_resident_follows_a_complaint_to_its_fix(browser, live_server, published, viewport):
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_page(
        browser,
        live_server,
        viewport,
        geolocation={"latitude": 30.2745, "longitude": 118.1322},
        permissions=["geolocation"],
    )
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="查看已办结问题").click()
    page.get_by_role("link", name="广场花苑3栋垃圾桶坏了").click()
    assert "已更换新垃圾桶" in page.content() and "叶*" in page.content() and "叶小蜂" not in page.content()
    page.goto(live_server.url + "/stats/")
    assert "近60天，受理 1 大类 1 件，开展 0 次专项行动，解决 1 件" in page.content()
    page.goto(live_server.url + "/stations/")
    page.get_by_role("button", name="离我最近").click()
    page.wait_for_url("**lat=*")
    assert "龙西社区服务中心驿站" in page.locator(".station-card").first.inner_text()
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Hive stations" in page.content()
    page.screenshot(path=str(ARTIFACTS / f"public-journey-{viewport['width']}.png"), full_page=True)
    assert [e for e in page.problems.errors if "tile.openstreetmap.org" not in e] == []
    page.context.close()
