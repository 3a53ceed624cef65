"""What the reports app adds to the stations: check-in for volunteers, "report here", the points publication."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from stations.models import Visit
from stations.tests.conftest import make_station
from volunteers import ledger, quarters, tallies

pytestmark = pytest.mark.django_db


@pytest.fixture
def station(community_a):
    return make_station("龙西社区服务中心驿站", community_a, 30.2751, 118.1311, amenities=["charger"])


def checkin_url(station):
    return reverse("stations:checkin", args=[station.pk])


def test_a_volunteer_checks_in_once_an_hour(client, volunteer, station):
    client.force_login(volunteer.user)
    assert "签到" in client.get(checkin_url(station)).content.decode()
    response = client.post(checkin_url(station), {"service": "charging"}, follow=True)
    assert "已在龙西社区服务中心驿站签到" in response.content.decode()
    again = client.post(checkin_url(station), {"service": "water"}, follow=True)
    assert "一小时内已在这里签到过了" in again.content.decode()
    visit = Visit.objects.get()
    assert (visit.user, visit.service, visit.count) == (volunteer.user, "charging", 1)
    Visit.objects.filter(pk=visit.pk).update(at=timezone.now() - datetime.timedelta(minutes=61))
    client.post(checkin_url(station), {"service": "water"})
    assert Visit.objects.count() == 2


def test_check_in_needs_a_signed_in_approved_volunteer(client, pending_volunteer, coordinator, station):
    assert client.get(checkin_url(station)).status_code == 302  # to sign in first
    client.force_login(pending_volunteer.user)
    response = client.post(checkin_url(station), {"service": "rest"})
    assert response.status_code == 403 and "审核" in response.content.decode()
    client.force_login(coordinator)
    assert client.post(checkin_url(station), {"service": "rest"}).status_code == 403
    assert not Visit.objects.exists()


@pytest.mark.parametrize("service", ["", "sleeping", "x" * 1000])
def test_an_unknown_service_records_nothing(client, volunteer, station, service):
    client.force_login(volunteer.user)
    response = client.post(checkin_url(station), {"service": service}, follow=True)
    assert response.status_code == 200 and not Visit.objects.exists()


def test_a_closed_station_takes_no_check_in(client, volunteer, community_a):
    closed = make_station("已关闭", community_a, 30.27, 118.13, status="closed")
    client.force_login(volunteer.user)
    assert client.post(checkin_url(closed), {"service": "rest"}).status_code == 404


def test_report_here_fills_in_the_station(client, volunteer, station):
    body = client.get(reverse("stations:detail", args=[station.pk])).content.decode()
    link = reverse("issues:report_new") + f"?station={station.pk}"
    assert link in body
    client.force_login(volunteer.user)
    form = client.get(link).context["form"]
    assert str(form["station"].value()) == str(station.pk)


def test_the_station_shows_its_communitys_latest_points(client, volunteer, coordinator, station):
    from volunteers.models import ServiceItem

    first_of_this = quarters.quarter_bounds(*quarters.quarter_of(timezone.localdate()))[0]
    year, number = quarters.quarter_of(first_of_this - datetime.timedelta(days=1))
    on = quarters.quarter_bounds(year, number)[0] + datetime.timedelta(days=2)
    patrol = ServiceItem.objects.get(code="patrol")
    ledger.award(volunteer, item=patrol, source="activity:1", rule="activity", points=9, by=coordinator, on=on)
    tallies.close_quarter(year, number, by=coordinator)
    body = client.get(reverse("stations:detail", args=[station.pk])).content.decode()
    assert f"{year}Q{number}" in body and "叶* · 9" in body and "叶小蜂" not in body
