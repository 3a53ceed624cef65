"""A volunteer's right to a copy of their data and to delete the account (PIPL)."""

import io
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import PASSWORD, files_under, make_volunteer
from volunteers import ledger, quarters, rewards, tallies
from volunteers.models import PointsEntry, Volunteer

pytestmark = pytest.mark.django_db


def test_a_volunteer_downloads_everything_held_about_them(client, make_report, volunteer, coordinator, community_a):
    report = make_report("dispatched", by_coordinator=coordinator)
    other = make_volunteer("13700000666", community_a, name="别人家")
    make_report(reporter=other)
    client.force_login(volunteer.user)
    data = json.loads(client.get(reverse("volunteers:my_data_download", args=["json"])).content)
    assert data["profile"][0]["mobile"] == volunteer.user.phone and data["profile"][0]["name"] == "叶小蜂"
    assert [r["reference"] for r in data["reports"]] == [report.reference]
    assert data["points_ledger"][0]["points"] == 5
    assert "别人家" not in json.dumps(data, ensure_ascii=False)
    book = load_workbook(io.BytesIO(client.get(reverse("volunteers:my_data_download", args=["xlsx"])).content))
    assert {"profile", "reports", "points_ledger", "station_check_ins"} <= set(book.sheetnames)
    assert book["reports"]["A2"].value == report.reference


def test_deleting_the_account_erases_the_person_and_keeps_the_reports(
    client, make_report, volunteer, coordinator, handler_a
):
    report = make_report("published", by_coordinator=coordinator, handler=handler_a)
    phone, token = volunteer.user.phone, volunteer.card_token
    assert ledger.balance(volunteer) == 8
    client.force_login(volunteer.user)
    refused = client.post(reverse("volunteers:my_data"), {"password": "wrong"})
    assert refused.status_code == 400 and Volunteer.objects.get().erased_at is None
    response = client.post(reverse("volunteers:my_data"), {"password": PASSWORD})
    assert "已注销" in response.content.decode() or "deleted" in response.content.decode()

    volunteer.refresh_from_db()
    volunteer.user.refresh_from_db()
    assert volunteer.name == "已注销的小蜜蜂" and volunteer.user.phone is None and not volunteer.user.is_active
    assert not volunteer.user.has_usable_password()
    assert ledger.balance(volunteer) == 0
    assert PointsEntry.objects.filter(kind="adjustment", points=-8).exists()  # brought to zero explicitly
    assert client.post(reverse("login"), {"username": phone, "password": PASSWORD}).status_code == 200  # cannot sign in
    assert client.get(reverse("volunteers:card_check", args=[token])).status_code == 404
    board = client.get(reverse("issues:board_detail", args=[report.pk])).content.decode()
    assert "已注销的小蜜蜂" in board and "叶小蜂" not in board


def test_nobody_else_can_download_or_delete(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("volunteers:my_data")).status_code == 404
    client.logout()
    assert client.get(reverse("volunteers:my_data_download", args=["json"])).status_code == 302


# --- Erasure leaves nothing that identifies the person --------------------------------------

ERASED_PHONE = "13912345678"  # the `volunteer` fixture's number
ERASED_NAME_TEXT = "叶小蜂"  # … and name


def _database_as_text():
    """Every row of every table, every value as text (bytes decoded): what a stolen dump would show."""
    from django.db import connection

    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                values = [
                    bytes(v).decode("utf-8", "replace") if isinstance(v, bytes | memoryview) else str(v) for v in row
                ]
                lines.append(table + ": " + " | ".join(values))
    return "\n".join(lines)


def _identifying_traces(text, *, phone, name, words):
    """What in `text` still points to the person: the phone in any spelling, the name (also JSON-escaped), `words`."""
    found = []
    digits_only = re.sub(r"[\s\-+().]", "", text)
    if phone in digits_only:
        found.append(phone)
    for word in [name, json.dumps(name)[1:-1], *words]:
        if word and word in text:
            found.append(word)
    return found


@pytest.fixture
def erasure_station(community_a):
    from stations.tests.conftest import make_station

    return make_station("龙西社区服务中心驿站", community_a, 30.2751, 118.1311)


def test_after_erasure_no_table_and_no_file_identifies_the_person(
    client,
    make_report,
    volunteer,
    coordinator,
    handler_a,
    community_a,
    media_root,
    erasure_station,
    django_capture_on_commit_callbacks,
):
    import datetime
    import uuid

    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.sessions.models import Session
    from django.core.files.base import ContentFile

    from issues import workflow
    from issues.models import Rating, Report, ReportEvent
    from issues.tests.conftest import jpeg_bytes, processed_photo
    from stations.models import Visit
    from volunteers import membership, notices
    from volunteers.models import Claim, Redemption, RedemptionWindow, RewardItem, ServiceItem

    # The person, richly: an e-mail, a photo, claims, notices, reports in several states (one mentioning
    # them), a rating with comment and photo, a check-in, ledger lines that name them, a redemption,
    # a closed quarter, admin log entries about them, two signed-in devices.
    user = volunteer.user
    user.email = "ye.xiaofeng@example.org"
    user.save()
    volunteer.employer = "顺丰速运龙西站"
    volunteer.photo.save("ye.jpg", ContentFile(jpeg_bytes()), save=True)
    token = volunteer.card_token
    membership.set_claims(volunteer, ServiceItem.objects.all()[:2])
    notices.tell(volunteer, text="您的报告已发布", url="/me/")

    published = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
    workflow.rate(
        published,
        volunteer=volunteer,
        score="fairly",
        comment=f"我是{ERASED_NAME_TEXT}，复查过了",
        photo=processed_photo(),
    )
    workflow.publish(published, by=coordinator, notify=False)
    make_report("submitted", description=f"{ERASED_NAME_TEXT}发现井盖松动，电话 139 1234 5678")
    rejected = make_report("rejected", by_coordinator=coordinator, latitude=30.274567, longitude=118.132289)

    client.force_login(user)
    client.post(reverse("stations:checkin", args=[erasure_station.pk]), {"service": "water"})
    assert Visit.objects.filter(user=user).exists()

    last_quarter_day = quarters.quarter_bounds(*quarters.quarter_of(quarters.today()))[0] - datetime.timedelta(days=1)
    year, number = quarters.quarter_of(last_quarter_day)
    noon = timezone.make_aware(datetime.datetime.combine(last_quarter_day, datetime.time(12)))
    ledger.adjust(
        volunteer, points=40, by=coordinator, reason=f"补录{ERASED_NAME_TEXT}（{ERASED_PHONE}）的巡逻", now=noon
    )
    tallies.close_quarter(year, number, by=coordinator)
    RedemptionWindow.objects.create(
        year=quarters.today().year, opens_on=quarters.today(), closes_on=quarters.today() + datetime.timedelta(days=5)
    )
    kettle = RewardItem.objects.create(name="电热水壶", points=30, stock=3)
    cancelled = rewards.redeem(volunteer, kettle, token=uuid.uuid4())
    rewards.cancel_redemption(cancelled, by=coordinator, reason=f"{ERASED_NAME_TEXT}改主意了")
    rewards.redeem(volunteer, kettle, token=uuid.uuid4())

    # A coordinator edits the person's account and volunteer record in the admin (as the admin logs it).
    LogEntry.objects.log_actions(
        coordinator.pk, [user], CHANGE, [{"changed": {"fields": ["E-mail"]}}], single_object=True
    )
    LogEntry.objects.log_actions(
        coordinator.pk,
        [volunteer],
        CHANGE,
        [
            {"changed": {"fields": ["Status"]}},
            {"added": {"name": "claimed item", "object": str(Claim.objects.first())}},
        ],
        single_object=True,
    )
    LogEntry.objects.log_actions(coordinator.pk, [Redemption.objects.first()], CHANGE, "", single_object=True)
    other = make_volunteer("13700000666", community_a, name="别人家")
    LogEntry.objects.log_actions(
        coordinator.pk, [other], CHANGE, [{"changed": {"fields": ["Status"]}}], single_object=True
    )
    phone_device = Client()
    phone_device.force_login(user)

    files_before = {p.name for p in files_under(media_root)}
    personal_files = {volunteer.photo.name.rsplit("/", 1)[-1], Rating.objects.get().photo.name.rsplit("/", 1)[-1]}
    assert personal_files <= files_before

    with django_capture_on_commit_callbacks(execute=True):  # the files go once the erasure is committed
        response = client.post(reverse("volunteers:my_data"), {"password": PASSWORD})
    assert response.status_code == 200

    dump = _database_as_text()
    assert (
        _identifying_traces(
            dump, phone=ERASED_PHONE, name=ERASED_NAME_TEXT, words=[token, user.email, "顺丰速运龙西站", "复查过了"]
        )
        == []
    )
    assert "别人家" in dump  # someone else's log entry is theirs to keep
    assert personal_files.isdisjoint(p.name for p in files_under(media_root))
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]
    assert not Visit.objects.filter(user=user).exists() and Visit.objects.filter(station=erasure_station).exists()
    # The rejected report will never be public: its exact spot (and the reporter's route) is coarsened to ~100 m.
    rejected.refresh_from_db()
    assert (rejected.latitude, rejected.longitude, rejected.address) == (30.275, 118.132, "")
    # The books stay: the reports, the rating's score, the ledger (balance brought to zero) and the tally.
    published.refresh_from_db()
    assert published.state == "published" and published.latitude == 30.2745
    assert Rating.objects.get().score == "fairly" and not Rating.objects.get().photo
    assert ReportEvent.objects.filter(report=published, action="rated").get().note == "基本满意"
    assert ledger.balance(volunteer) == 0 and volunteer.tallies.exists()
    assert Report.objects.filter(reporter=volunteer).count() == 3
