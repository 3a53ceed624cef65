"""The coordinators' desk: the ledger, activities, quarters, rewards and redemptions in the admin."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from beefeed.tests.images import exif_with_gps_and_orientation, jpeg_bytes
from conftest import make_volunteer
from volunteers import ledger, quarters, rewards, tallies
from volunteers.models import Activity, PointsEntry, Quarter, QuarterTally, Redemption, RedemptionWindow, RewardItem
from volunteers.tests.conftest import credit

pytestmark = pytest.mark.django_db


def changelist(model):
    return reverse(f"admin:volunteers_{model}_changelist")


def test_the_ledger_cannot_be_edited_or_deleted_in_the_admin(client, coordinator, volunteer):
    entry = credit(volunteer, 5, by=coordinator)
    client.force_login(coordinator)
    change = reverse("admin:volunteers_pointsentry_change", args=[entry.pk])
    page = client.get(change).content.decode()
    assert 'name="_save"' not in page
    client.post(change, {"volunteer": volunteer.pk, "points": 500, "reason": "x"})
    assert client.get(reverse("admin:volunteers_pointsentry_delete", args=[entry.pk])).status_code == 403
    assert PointsEntry.objects.get().points == 5


def test_a_coordinator_adjusts_points_with_a_reason(client, coordinator, volunteer):
    client.force_login(coordinator)
    add = reverse("admin:volunteers_pointsentry_add")
    refused = client.post(add, {"volunteer": volunteer.pk, "points": 10, "hours": "", "reason": ""})
    assert refused.status_code == 200 and not PointsEntry.objects.exists()
    client.post(add, {"volunteer": volunteer.pk, "points": 10, "hours": "", "reason": "补记6月巡逻"})
    entry = PointsEntry.objects.get()
    assert (entry.kind, entry.points, entry.reason, entry.created_by) == ("adjustment", 10, "补记6月巡逻", coordinator)


def test_a_coordinator_reverses_entries_with_a_reason(client, coordinator, volunteer):
    entry = credit(volunteer, 5, by=coordinator)
    client.force_login(coordinator)
    asked = client.post(changelist("pointsentry"), {"action": "reverse_selected", "_selected_action": [entry.pk]})
    assert 'name="reason"' in asked.content.decode()
    assert ledger.balance(volunteer) == 5
    client.post(
        changelist("pointsentry"),
        {"action": "reverse_selected", "_selected_action": [entry.pk], "reason": "重复记账"},
    )
    assert ledger.balance(volunteer) == 0
    assert PointsEntry.objects.get(kind="reversal").reason == "重复记账"


def test_a_handler_sees_only_their_communitys_volunteers_and_cannot_adjust(
    client, handler_a, volunteer, community_b, coordinator
):
    stranger = make_volunteer("13700000222", community_b, name="外社区")
    credit(stranger, 5, by=coordinator)
    client.force_login(handler_a)
    listing = client.get(changelist("volunteer")).content.decode()
    assert volunteer.name in listing and "外社区" not in listing
    assert "外社区" not in client.get(changelist("pointsentry")).content.decode()
    assert client.get(reverse("admin:volunteers_pointsentry_add")).status_code == 403


def test_recording_an_activity_pays_its_participants(client, coordinator, volunteer, patrol, community_a):
    other = make_volunteer("13700000333", community_a, name="李巡逻")
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:volunteers_activity_add"),
        {
            "title": "周末夜间巡逻",
            "item": patrol.pk,
            "date": timezone.localdate().isoformat(),
            "hours": "2.0",
            "participants": [volunteer.pk, other.pk],
        },
    )
    assert response.status_code == 302
    assert ledger.balance(volunteer) == ledger.balance(other) == 4
    assert ledger.hours(other) == Decimal("2.0")


def test_an_activity_in_a_closed_quarter_is_refused(client, coordinator, volunteer, patrol):
    first_of_this = quarters.quarter_bounds(*quarters.quarter_of(timezone.localdate()))[0]
    last_day = first_of_this - datetime.timedelta(days=1)
    tallies.close_quarter(*quarters.quarter_of(last_day), by=coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:volunteers_activity_add"),
        {
            "title": "补登巡逻",
            "item": patrol.pk,
            "date": last_day.isoformat(),
            "hours": "2.0",
            "participants": [volunteer.pk],
        },
    )
    assert response.status_code == 200
    assert "已结账" in response.content.decode()
    assert not Activity.objects.exists() and ledger.balance(volunteer) == 0


def test_closing_a_quarter_in_the_admin(client, coordinator, volunteer, patrol):
    first_of_this = quarters.quarter_bounds(*quarters.quarter_of(timezone.localdate()))[0]
    year, number = quarters.quarter_of(first_of_this - datetime.timedelta(days=1))
    client.force_login(coordinator)
    add = reverse("admin:volunteers_quarter_add")
    assert client.post(add, {"year": year, "number": number}).status_code == 302
    assert Quarter.objects.get().closed_by == coordinator
    again = client.post(add, {"year": year, "number": number})
    assert again.status_code == 200 and "已经结账" in again.content.decode()
    this_year, this_number = quarters.quarter_of(timezone.localdate())
    early = client.post(add, {"year": this_year, "number": this_number})
    assert early.status_code == 200 and "尚未结束" in early.content.decode()
    assert Quarter.objects.count() == 1


def test_handing_over_and_cancelling_redemptions(client, coordinator, volunteer, window, kettle):
    credit(volunteer, 60, by=coordinator)
    first = rewards.redeem(volunteer, kettle, token=uuid.uuid4())
    second = rewards.redeem(volunteer, kettle, token=uuid.uuid4())
    client.force_login(coordinator)
    client.post(changelist("redemption"), {"action": "hand_over_selected", "_selected_action": [first.pk]})
    client.post(
        changelist("redemption"),
        {"action": "cancel_selected", "_selected_action": [first.pk, second.pk], "reason": "库存调整"},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    kettle.refresh_from_db()
    assert (first.status, second.status) == ("handed_over", "cancelled")
    assert kettle.stock == 2 and ledger.balance(volunteer) == 30
    assert Redemption.objects.count() == 2


def test_a_reward_picture_loses_its_metadata(client, coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(coordinator)
    picture = SimpleUploadedFile("helmet.jpg", jpeg_bytes(exif=exif_with_gps_and_orientation(6)), "image/jpeg")
    response = client.post(
        reverse("admin:volunteers_rewarditem_add"),
        {
            "name": "头盔",
            "description": "",
            "points": 120,
            "stock": 10,
            "picture": picture,
            "active": "on",
            "position": 0,
        },
    )
    assert response.status_code == 302
    stored = RewardItem.objects.get().picture
    from PIL import Image

    with Image.open(stored.path) as image:
        assert not image.getexif()
        assert image.size == (600, 800)  # turned upright


@pytest.mark.parametrize("year, number", [(0, 1), (9999, 4), (1, 1), (20260, 1)])
def test_closing_a_quarter_with_an_impossible_year_is_explained(client, coordinator, year, number):
    client.force_login(coordinator)
    response = client.post(reverse("admin:volunteers_quarter_add"), {"year": year, "number": number})
    assert response.status_code == 200
    assert not Quarter.objects.exists()


def test_an_adjustment_link_with_a_broken_volunteer_opens_an_empty_form(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("admin:volunteers_pointsentry_add") + "?volunteer=abc").status_code == 200


def test_an_adjustment_names_the_entry_it_corrects(client, coordinator, volunteer):
    original = credit(volunteer, 10, by=coordinator)
    client.force_login(coordinator)
    client.post(
        reverse("admin:volunteers_pointsentry_add"),
        {"volunteer": volunteer.pk, "points": -4, "hours": "", "reason": "多记了4分", "corrects": original.pk},
    )
    assert PointsEntry.objects.get(kind="adjustment", points=-4).source == f"entry:{original.pk}"


def test_a_handler_sees_only_their_communitys_activities(client, coordinator, handler_a, community_b, patrol):
    stranger = make_volunteer("13700000444", community_b, name="外社区人")
    activity = Activity.objects.create(
        item=patrol,
        title="龙北巡逻",
        date=timezone.localdate(),
        hours=Decimal("1.0"),
        community=community_b,
        recorded_by=coordinator,
    )
    activity.participants.add(stranger)
    client.force_login(handler_a)
    listing = client.get(changelist("activity")).content.decode()
    assert "龙北巡逻" not in listing
    assert client.get(reverse("admin:volunteers_activity_change", args=[activity.pk])).status_code in (302, 404)


def test_stock_edited_while_someone_redeems_keeps_their_redemption(client, coordinator, volunteer, window, kettle):
    client.force_login(coordinator)
    change = reverse("admin:volunteers_rewarditem_change", args=[kettle.pk])
    form = client.get(change).context["adminform"].form
    credit(volunteer, 30, by=coordinator)
    rewards.redeem(volunteer, kettle, token=uuid.uuid4())  # 3 → 2 while the coordinator's form shows 3
    data = {k: v for k, v in form.initial.items() if v is not None and k != "picture"}
    data.update({"stock": 13, "initial-stock": 3, "active": "on"})  # the coordinator saw 3 and adds ten
    client.post(change, data)
    kettle.refresh_from_db()
    assert kettle.stock == 12


def test_taking_away_more_stock_than_is_left_changes_nothing_and_says_so(client, coordinator, kettle):
    client.force_login(coordinator)
    change = reverse("admin:volunteers_rewarditem_change", args=[kettle.pk])
    shown = client.get(change).context["adminform"].form.initial
    data = {k: v for k, v in shown.items() if v is not None and k != "picture"} | {"active": "on"}
    data.update({"name": "电热水壶（新款）", "stock": 0, "initial-stock": 4})  # an old form that showed 4; 3 are left
    response = client.post(change, data, follow=True)
    kettle.refresh_from_db()
    assert (kettle.stock, kettle.name) == (3, "电热水壶（新款）")  # the other fields are saved all the same
    assert "库存未修改" in response.content.decode()


def test_redemption_windows_may_not_overlap(client, coordinator, window):
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:volunteers_redemptionwindow_add"),
        {"year": window.year + 1, "opens_on": window.closes_on.isoformat(), "closes_on": window.closes_on.isoformat()},
    )
    assert response.status_code == 200
    assert RedemptionWindow.objects.count() == 1


def test_tallies_and_redemptions_export_to_excel(client, coordinator, volunteer, window, kettle, patrol):
    import io

    from openpyxl import load_workbook

    first_of_this = quarters.quarter_bounds(*quarters.quarter_of(timezone.localdate()))[0]
    year, number = quarters.quarter_of(first_of_this - datetime.timedelta(days=1))
    on = quarters.quarter_bounds(year, number)[0] + datetime.timedelta(days=3)
    ledger.award(volunteer, item=patrol, source="activity:1", rule="activity", points=40, by=coordinator, on=on)
    tallies.close_quarter(year, number, by=coordinator)
    rewards.redeem(volunteer, kettle, token=uuid.uuid4())
    client.force_login(coordinator)
    tally_sheet = client.post(
        changelist("quartertally"),
        {"action": "export_xlsx", "_selected_action": list(QuarterTally.objects.values_list("pk", flat=True))},
    )
    sheet = load_workbook(io.BytesIO(tally_sheet.content)).active
    assert [c.value for c in sheet[1]][:3] == ["季度", "社区", "志愿者"]
    assert [c.value for c in sheet[2]][2:5] == ["叶小蜂", volunteer.card_number, 40]
    redemptions = client.post(
        changelist("redemption"),
        {"action": "export_xlsx", "_selected_action": list(Redemption.objects.values_list("pk", flat=True))},
    )
    sheet = load_workbook(io.BytesIO(redemptions.content)).active
    assert sheet.max_row == 2 and sheet["E2"].value == "电热水壶" and isinstance(sheet["A2"].value, datetime.datetime)


def test_the_volunteer_list_shows_balances_without_a_query_per_row(client, coordinator, community_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(start, count):
        for n in range(start, start + count):
            credit(make_volunteer(f"1370001{n:04d}", community_a, name=f"志愿者{n}"), n + 1, by=coordinator)

    client.force_login(coordinator)
    url = changelist("volunteer")
    add(0, 3)
    with CaptureQueriesContext(connection) as few:
        first = client.get(url).content.decode()
    add(3, 20)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert ">3<" in first  # 志愿者2 has 3 points
