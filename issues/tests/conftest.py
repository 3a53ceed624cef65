import functools
import io

import pytest
from django.utils import timezone
from PIL import Image

from beefeed.models import Organization
from issues import photos, workflow
from issues.models import Category
from volunteers.models import Volunteer


def jpeg_bytes(size=(800, 600), color=(200, 60, 60), exif=None, quality=85):
    image = Image.new("RGB", size, color)
    # a marker in the top-left corner, to see where "up" ends up
    image.paste((0, 0, 255), (0, 0, size[0] // 4, size[1] // 4))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def exif_with_gps_and_orientation(orientation=6):
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (30.0, 16.0, 12.5), 3: "E", 4: (118.0, 8.0, 24.0)}
    exif[0x8825] = gps  # GPSInfo
    return exif


@functools.cache
def processed_photo():
    return photos.process_bytes(jpeg_bytes())


@pytest.fixture
def office_org(db):
    return Organization.objects.get_or_create(name="区委组织部", defaults={"kind": "office"})[0]


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


def make_volunteer(phone, community, *, name="叶小蜂", approved=True):
    from beefeed.models import User

    user = User.objects.create_user(username=phone, phone=phone, password="test-pass-2026")
    return Volunteer.objects.create(
        user=user,
        name=name,
        community=community,
        status=Volunteer.Status.APPROVED if approved else Volunteer.Status.PENDING,
        approved_at=timezone.now() if approved else None,
    )


@pytest.fixture
def volunteer(community_a):
    return make_volunteer("13912345678", community_a)


@pytest.fixture
def pending_volunteer(community_a):
    return make_volunteer("13987654321", community_a, name="王待审", approved=False)


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
