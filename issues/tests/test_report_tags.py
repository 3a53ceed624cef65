"""The reports' parts of the volunteer and station pages ({% load reports %}), and what the
reports app answers through beefeed.signals."""

import datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from beefeed import signals
from stations.models import Station
from stations.tests.conftest import make_station
from volunteers.models import Quarter

pytestmark = pytest.mark.django_db


def test_the_volunteers_page_lists_their_latest_reports(client, volunteer, make_report):
    report = make_report()
    client.force_login(volunteer.user)
    body = client.get(reverse("volunteers:me")).content.decode()
    assert "我最近的报送" in body and report.reference in body


def test_the_poster_code_leads_to_report_here_at_that_station(community_a):
    station = make_station("龙西社区服务中心驿站", community_a, 30.2751, 118.1311)
    template = Template("{% load reports %}{% report_here_url station absolute=True %}")
    url = template.render(Context({"request": RequestFactory().get("/"), "station": station}))
    assert url == f"http://testserver{reverse('issues:report_new')}?station={station.pk}"


def test_the_quarters_counts_include_reports_made_in_it(volunteer, make_report):
    make_report()
    today = timezone.localdate()
    answers = signals.count_quarter.send(Quarter, first_day=today - datetime.timedelta(days=1), last_day=today)
    assert {volunteer.pk: {"reports": 1, "solved": 0}} in [answer for _receiver, answer in answers]


def test_check_in_is_answered_by_the_volunteers_rule(volunteer, pending_volunteer):
    assert signals.first_answer(signals.checking_in, Station, user=volunteer.user) is None
    assert "审核" in signals.first_answer(signals.checking_in, Station, user=pending_volunteer.user)
