"""A volunteer's right to a copy of their data and to delete the account (PIPL)."""

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import PASSWORD, make_volunteer
from volunteers import points
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
    assert points.balance(volunteer) == 8
    client.force_login(volunteer.user)
    refused = client.post(reverse("volunteers:my_data"), {"password": "wrong"})
    assert refused.status_code == 400 and Volunteer.objects.get().erased_at is None
    response = client.post(reverse("volunteers:my_data"), {"password": PASSWORD})
    assert "已注销" in response.content.decode() or "deleted" in response.content.decode()

    volunteer.refresh_from_db()
    volunteer.user.refresh_from_db()
    assert volunteer.name == "已注销的小蜜蜂" and volunteer.user.phone is None and not volunteer.user.is_active
    assert not volunteer.user.has_usable_password()
    assert points.balance(volunteer) == 0
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
