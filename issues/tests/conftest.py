import functools

import pytest

from beefeed import photos
from beefeed.models import Organization
from beefeed.roles import HANDLERS
from beefeed.tests.images import exif_with_gps_and_orientation, jpeg_bytes  # noqa: F401 (re-exported)
from conftest import make_staff, make_volunteer  # noqa: F401 (re-exported)
from issues import workflow
from issues.models import Category


@functools.cache
def processed_photo():
    return photos.process_bytes(jpeg_bytes())


@pytest.fixture
def office_org(db):
    return Organization.objects.get_or_create(name="区委组织部", defaults={"kind": "office"})[0]


@pytest.fixture
def department(db):
    """区城管局: a department, which handles what is dispatched to it and sees nothing else."""
    return Organization.objects.create(name="区城管局", kind=Organization.Kind.DEPARTMENT)


@pytest.fixture
def dept_handler(department):
    return make_staff("chengguan", department, HANDLERS)


@pytest.fixture
def category(community_a):
    return Category.objects.create(
        name="环境卫生", code="sanitation", short_label="环境", time_limit=48, time_limit_unit="hours", position=0
    )


@pytest.fixture
def other_category(db):
    return Category.objects.create(
        name="管网破损", code="pipes", short_label="管网", time_limit=24, time_limit_unit="hours", position=1
    )


@pytest.fixture
def make_report(volunteer, category, community_a):
    def make(state="submitted", *, by_coordinator=None, handler=None, **fields):
        report = workflow.submit_report(
            volunteer=fields.pop("reporter", volunteer),
            category=fields.pop("category", category),
            description=fields.pop("description", "广场花苑小区3栋的垃圾桶坏了"),
            community=fields.pop("community", community_a),
            latitude=fields.pop("latitude", 30.2745),
            longitude=fields.pop("longitude", 118.1322),
            address=fields.pop("address", "广场花苑小区3栋"),
            campaign=fields.pop("campaign", None),
            photos=[processed_photo()],
            notify=False,
        )
        if state == "submitted":
            return report
        if state == "rejected":
            workflow.reject(report, by=by_coordinator, reason="out_of_scope", notify=False)
            return report
        workflow.dispatch(report, by=by_coordinator, organization=community_a, notify=False)
        if state == "dispatched":
            return report
        if state == "returned":
            workflow.return_report(report, by=handler, reason="不归我们管", notify=False)
            return report
        workflow.start(report, by=handler, notify=False)
        if state == "in_progress":
            return report
        workflow.resolve(report, by=handler, note="已更换垃圾桶", photos=[processed_photo()], notify=False)
        if state == "resolved":
            return report
        workflow.publish(report, by=by_coordinator, notify=False)
        return report

    return make


@pytest.fixture
def courier(client, volunteer):
    """The approved volunteer, signed in on a phone."""
    client.force_login(volunteer.user)
    return client
