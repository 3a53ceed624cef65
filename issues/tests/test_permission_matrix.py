"""Who may open what: every URL of the site, for every kind of visitor.

The public URLs come from the URLconf: a new URL without a line in EXPECTED fails the first
test. The admin URLs come from every registered ModelAdmin; what a role may do there follows
the one home of role permissions, beefeed.roles.
"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from beefeed.roles import COORDINATORS, HANDLERS, PERMISSIONS

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "pending", "volunteer", "handler_a", "handler_b", "coordinator", "superuser"]
STAFF = ["handler_a", "handler_b", "coordinator", "superuser"]


def every(status):
    return dict.fromkeys(ROLES, status)


def approved_only(ok=200):
    return {"anonymous": 302, "pending": 403, "volunteer": ok, **dict.fromkeys(STAFF, 403)}


def signed_in_volunteer(ok=200, staff=404):
    return {"anonymous": 302, "pending": ok, "volunteer": ok, **dict.fromkeys(STAFF, staff)}


EXPECTED = {
    "home": every(200),
    "login": every(200),
    "logout": every(405),
    "set_language": every(302),
    "switch_language": every(302),  # the footer's language links: beefeed/tests/test_language_switch.py
    "favicon": every(301),
    "robots": every(200),
    "media": every(404),
    "checked_media": every(404),  # who sees which photo: issues/tests/test_photo_access.py
    "open311:services": every(200),
    "open311:service": every(200),
    "open311:requests": every(200),
    "open311:request": every(200),
    "open311:token": every(404),
    "issues:report_new": approved_only(),
    "issues:nearby": approved_only(ok=400),  # without a position: a bad request, said so
    "issues:report_done": approved_only(),
    "issues:my_reports": approved_only(),
    "issues:rate": approved_only(),
    "issues:plusone": every(405),  # a POST from the form's panel only: issues/tests/test_plusone.py
    "issues:plusone_done": approved_only(ok=404),  # only for a co-reporter of the report
    "issues:board": every(200),
    "issues:board_detail": every(200),
    "issues:stats": every(200),
    "issues:stats_export": every(200),
    "issues:stats_report": every(200),
    "issues:board_geojson": every(200),
    "issues:board_map": every(200),
    "issues:campaign": every(200),
    "volunteers:join": {"anonymous": 200, "pending": 302, "volunteer": 302, **dict.fromkeys(STAFF, 200)},
    "volunteers:joined": every(302),  # without a join first: back to the form
    "volunteers:me": signed_in_volunteer(staff=302),
    "volunteers:claims": every(405),
    "volunteers:sms": every(405),
    "volunteers:party": every(
        405
    ),  # POST only: stations/tests/test_party_post.py  # POST only: volunteers/tests/test_sms_choices.py
    "volunteers:redeem": approved_only(),
    "volunteers:card": approved_only(),
    "volunteers:my_data": signed_in_volunteer(),
    "volunteers:my_data_download": signed_in_volunteer(),
    "volunteers:card_check": every(200),
    "volunteers:points": every(200),
    "volunteers:points_sheet": every(200),
    "stations:map": every(200),
    "stations:geojson": every(200),
    "stations:detail": every(200),
    "stations:poster": every(200),
    "stations:pledge": every(200),
    "stations:checkin": approved_only(),
}


def public_names(patterns=None, namespace=None):
    names = []
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if p.app_name != "admin":
                names += public_names(p.url_patterns, p.namespace)
        else:
            names.append(f"{namespace}:{p.name}" if namespace else p.name)
    return names


def test_every_public_url_has_an_expectation():
    assert sorted(public_names()) == sorted(EXPECTED)


@pytest.fixture
def site(volunteer, pending_volunteer, coordinator, handler_a, handler_b, community_a, make_report):
    from issues.models import Campaign
    from stations.tests.conftest import make_station
    from volunteers import ledger, quarters, tallies
    from volunteers.models import ServiceItem

    campaign = Campaign.objects.create(name="专项行动", starts_on=timezone.localdate())
    report = make_report("published", by_coordinator=coordinator, handler=handler_a, campaign=campaign)
    station = make_station("龙西驿站", community_a, 30.2751, 118.1311)
    _pledge_with_a_contact(station, volunteer)
    first_of_this = quarters.quarter_bounds(*quarters.quarter_of(timezone.localdate()))[0]
    year, number = quarters.quarter_of(first_of_this - datetime.timedelta(days=1))
    on = quarters.quarter_bounds(year, number)[0] + datetime.timedelta(days=2)
    patrol = ServiceItem.objects.get(code="patrol")
    ledger.award(volunteer, item=patrol, source="activity:1", rule="activity", points=4, by=coordinator, on=on)
    quarter = tallies.close_quarter(year, number, by=coordinator)
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "root-pass-2026")
    users = {
        "anonymous": None,
        "pending": pending_volunteer.user,
        "volunteer": volunteer.user,
        "handler_a": handler_a,
        "handler_b": handler_b,
        "coordinator": coordinator,
        "superuser": superuser,
    }
    args = {
        "open311:service": [report.category.code, "json"],
        "open311:services": ["json"],
        "open311:requests": ["json"],
        "open311:request": [report.reference, "json"],
        "open311:token": ["nothing", "json"],
        "media": ["missing.jpg"],
        "switch_language": ["en"],
        "checked_media": ["reports/missing.jpg"],
        "issues:report_done": [report.pk],
        "issues:rate": [report.pk],
        "issues:plusone": [report.pk],
        "issues:plusone_done": [report.pk],
        "issues:board_detail": [report.pk],
        "issues:stats_export": ["xlsx"],
        "issues:campaign": [campaign.pk],
        "volunteers:my_data_download": ["json"],
        "volunteers:card_check": [volunteer.card_token],
        "volunteers:points_sheet": [quarter.key, community_a.pk],
        "stations:detail": [station.pk],
        "stations:poster": [station.pk],
        "stations:pledge": [station.pk],
        "stations:checkin": [station.pk],
    }
    return users, args


def _pledge_with_a_contact(station, volunteer):
    """What the public pages must keep to themselves: a giver's phone and a rostered volunteer's name."""
    from stations import pledges
    from stations.models import PartyPost, Pledge

    wish = station.wishes.create(name="冰箱", unit="台", wanted=1)
    pledges.submit(
        station=station,
        wish=wish,
        offer="",
        quantity=1,
        giver_name="张捐赠",
        organization="",
        public_as=Pledge.PublicAs.ORGANIZATION,
        contact="13700001111",
    )
    volunteer.party_member = True
    volunteer.save(update_fields=["party_member"])
    PartyPost.objects.create(station=station).on_duty.add(volunteer.user)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_it_should_on_every_public_url(client, site, role):
    users, args = site
    if users[role]:
        client.force_login(users[role])
    wrong = {}
    for name, expected in EXPECTED.items():
        status = client.get(reverse(name, args=args.get(name, []))).status_code
        if status != expected[role]:
            wrong[name] = (status, expected[role])
    assert wrong == {}


def admin_urls(obj_by_model):
    for model in admin.site._registry:
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        yield model, "view", reverse(f"{base}_changelist")
        yield model, "add", reverse(f"{base}_add")
        obj = obj_by_model.get(model)
        if obj is not None:
            yield model, "view", reverse(f"{base}_change", args=[obj.pk])


def allowed(role, model, action):
    group = {"handler_a": HANDLERS, "handler_b": HANDLERS, "coordinator": COORDINATORS}[role]
    return f"{action}_{model._meta.model_name}" in PERMISSIONS[group].get(model._meta.app_label, [])


@pytest.mark.parametrize("role", ["anonymous", "pending", "volunteer", "handler_a", "coordinator"])
def test_the_admin_is_staff_only_and_each_role_keeps_to_its_powers(client, site, role):
    users, _args = site
    if users[role]:
        client.force_login(users[role])
    wrong = {}
    for model, action, url in admin_urls({}):
        status = client.get(url).status_code
        if role in ("anonymous", "pending", "volunteer"):
            expected_ok = False
            if status != 302:
                wrong[url] = status
            continue
        expected_ok = allowed(role, model, action)
        if expected_ok and status not in (200, 403):  # a model admin may still refuse adding (e.g. ledger rows)
            wrong[url] = status
        if not expected_ok and status == 200:
            wrong[url] = status
    assert wrong == {}


def test_a_handler_cannot_open_another_communitys_report(client, site, make_report, coordinator, community_b):
    from issues import workflow

    users, _args = site
    theirs = make_report(community=community_b)
    workflow.dispatch(theirs, by=coordinator, organization=community_b, notify=False)
    client.force_login(users["handler_a"])
    assert client.get(reverse("admin:issues_report_change", args=[theirs.pk])).status_code in (302, 404)
    client.force_login(users["handler_b"])
    assert client.get(reverse("admin:issues_report_change", args=[theirs.pk])).status_code == 200


def test_no_public_page_or_answer_carries_a_phone_an_email_or_a_full_name(client, site, caplog):
    import re

    from volunteers.models import Volunteer

    users, args = site
    phone = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
    email = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
    names = set(Volunteer.objects.values_list("name", flat=True))
    for name, expected in EXPECTED.items():
        if expected["anonymous"] != 200 or name in ("login",):
            continue
        response = client.get(reverse(name, args=args.get(name, [])))
        if response["Content-Type"].startswith("application/vnd.openxmlformats"):
            continue  # the statistics workbook: figures only, checked in test_exports
        text = re.sub(r"/(media|photos)/[0-9A-Za-z_./-]+", "", response.content.decode())
        assert not phone.search(text), name
        assert not email.search(text), name
        assert not [n for n in names if n in text], name
    assert not phone.search(caplog.text)


def test_the_demo_districts_public_answers_carry_no_personal_data(client, demo):
    """The same crawl over the demo district: 125 reports, 50 volunteers, stations, closed quarters."""
    import re

    from issues.models import Campaign, Report
    from stations.models import Station
    from volunteers.models import Quarter, Volunteer

    report = Report.objects.public().first()
    quarter = Quarter.objects.first()
    community = quarter.tallies.first().community
    args = {
        "open311:service": [report.category.code, "json"],
        "open311:services": ["json"],
        "open311:requests": ["json"],
        "open311:request": [report.reference, "json"],
        "issues:board_detail": [report.pk],
        "issues:campaign": [Campaign.objects.first().pk],
        "volunteers:card_check": [Volunteer.objects.approved().first().card_token],
        "volunteers:points_sheet": [quarter.key, community.pk],
        "stations:detail": [Station.objects.filter(party_post__isnull=False).first().pk],
        "stations:poster": [Station.objects.first().pk],
        "stations:pledge": [Station.objects.filter(pledges__isnull=False).first().pk],
    }
    phone = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
    email = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
    names = {n for n in Volunteer.objects.values_list("name", flat=True) if len(n) >= 2}
    crawled = 0
    for name, expected in EXPECTED.items():
        if expected["anonymous"] != 200 or name in ("login", "issues:stats_export", "open311:token", "media"):
            continue
        response = client.get(reverse(name, args=args.get(name, [])))
        assert response.status_code == 200, name
        text = re.sub(r"/(media|photos)/[0-9A-Za-z_./-]+", "", response.content.decode())
        assert not phone.search(text), name
        assert not email.search(text), name
        assert not [n for n in names if n in text], name
        crawled += 1
    assert crawled >= 15  # the crawl really visited the public site
