""" "The same problem +1" on the courier's form (issue 17, item 2): a courier on the spot who finds the problem
already reported nearby joins that report as a co-reporter instead of reporting it again — no new report,
the co-report points once, its notices — and may do so only for an open report the form showed them."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_volunteer
from issues import workflow
from issues.models import Action, CoReporter, Report, ReportEvent
from volunteers.models import Notice, PointsEntry

pytestmark = pytest.mark.django_db

HERE = {"lat": "30.27470", "lng": "118.13245"}  # about 33 m from the reports (30.2745, 118.1322)
SECRET = "3栋门口的垃圾桶坏了，住在302的张阿姨说的"


@pytest.fixture
def first_bee(community_a):
    return make_volunteer("13700000001", community_a, name="王先蜂")


@pytest.fixture
def theirs(make_report, first_bee):
    """An open report by another courier, with words that are theirs until it is published."""
    return make_report(reporter=first_bee, description=SECRET, address="3栋302门口")


def plus_one(client, report, kind, **overrides):
    return client.post(reverse("issues:plusone", args=[report.pk]), {**HERE, "category": str(kind.pk), **overrides})


def test_plus_one_makes_the_courier_a_co_reporter_and_no_new_report(courier, volunteer, theirs, category):
    response = plus_one(courier, theirs, category)
    assert response.status_code == 302
    assert response["Location"] == reverse("issues:plusone_done", args=[theirs.pk])
    assert Report.objects.count() == 1
    co = CoReporter.objects.get()
    assert (co.report, co.volunteer, co.merged_report) == (theirs, volunteer, None)
    theirs.refresh_from_db()
    assert theirs.state == "submitted"  # not a move
    event = ReportEvent.objects.get(report=theirs, action=Action.MERGE)
    assert event.actor == volunteer.user and not event.is_public and event.from_state == event.to_state

    done = courier.get(response["Location"])
    text = done.content.decode()
    assert "已记录，你是第 2 位上报此问题的小蜜蜂" in text and reverse("issues:my_reports") in text
    mine = courier.get(reverse("issues:my_reports")).content.decode()
    assert theirs.reference in mine and SECRET not in mine and "3栋302" not in mine


def test_plus_one_pays_the_co_report_points_once_when_the_report_is_dispatched(
    courier, volunteer, theirs, category, coordinator, community_a, settings
):
    plus_one(courier, theirs, category)
    assert not PointsEntry.objects.filter(volunteer=volunteer).exists()  # not yet: only a dispatched report pays
    workflow.dispatch(theirs, by=coordinator, organization=community_a, notify=False)
    [entry] = PointsEntry.objects.filter(volunteer=volunteer)
    assert (entry.rule, entry.points) == ("co_report", settings.POINTS_FOR_CO_REPORT)


def test_plus_one_on_a_dispatched_report_pays_at_once_and_the_courier_hears_its_notices(
    courier,
    volunteer,
    make_report,
    first_bee,
    category,
    coordinator,
    handler_a,
    settings,
    django_capture_on_commit_callbacks,
):
    dispatched = make_report("dispatched", reporter=first_bee, by_coordinator=coordinator)
    plus_one(courier, dispatched, category)
    assert PointsEntry.objects.get(volunteer=volunteer).points == settings.POINTS_FOR_CO_REPORT
    workflow.start(dispatched, by=handler_a)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.resolve(dispatched, by=handler_a, note="已更换垃圾桶", photos=[_photo()])
    [notice] = Notice.objects.filter(volunteer=volunteer)  # told as its reporter is
    assert dispatched.reference in notice.text and "办结" in notice.text


def _photo():
    from issues.tests.conftest import processed_photo

    return processed_photo()


def test_saying_plus_one_again_changes_nothing(courier, volunteer, theirs, category, coordinator, community_a):
    workflow.dispatch(theirs, by=coordinator, organization=community_a, notify=False)
    for _ in range(3):
        assert plus_one(courier, theirs, category).status_code == 302
    assert CoReporter.objects.count() == 1 and Report.objects.count() == 1
    assert ReportEvent.objects.filter(report=theirs, action=Action.MERGE).count() == 1
    assert PointsEntry.objects.filter(volunteer=volunteer).count() == 1
    assert "你是第 2 位" in courier.get(reverse("issues:plusone_done", args=[theirs.pk])).content.decode()


def test_the_third_courier_is_told_they_are_the_third(courier, theirs, category, community_a):
    plus_one(courier, theirs, category)
    other = Client()
    other.force_login(make_volunteer("13700000003", community_a, name="赵三蜂").user)
    response = plus_one(other, theirs, category)
    assert "你是第 3 位" in other.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    "why",
    ["far away", "another category", "closed", "rejected", "too old", "no such report", "unreadable", "huge id"],
)
def test_a_forged_plus_one_is_refused_with_a_clear_message_and_nothing_written(
    why, courier, volunteer, theirs, category, other_category, coordinator, handler_a, make_report, first_bee
):
    report, post = theirs, {}
    if why == "far away":
        post = {"lat": "30.2828", "lng": "118.1431"}  # the neighbouring community, 1.3 km away
    elif why == "another category":
        post = {"category": str(other_category.pk)}
    elif why == "closed":
        report = make_report("published", reporter=first_bee, by_coordinator=coordinator, handler=handler_a)
    elif why == "rejected":
        report = make_report("rejected", reporter=first_bee, by_coordinator=coordinator)
    elif why == "too old":
        Report.objects.filter(pk=theirs.pk).update(created_at=theirs.created_at - datetime.timedelta(days=8))
    elif why == "no such report":
        report = Report(pk=theirs.pk + 1000)
    elif why == "unreadable":
        post = {"lat": "north", "category": "①"}
    before = ReportEvent.objects.count()
    if why == "huge id":
        response = courier.post(f"/report/{10**30}/plusone/", {**HERE, "category": str(category.pk)})
    else:
        response = plus_one(courier, report, category, **post)
    assert response.status_code == 400
    assert "“+1”没有记录" in response.content.decode() or "请先选择" in response.content.decode()
    assert not CoReporter.objects.exists() and ReportEvent.objects.count() == before
    assert Report.objects.filter(reporter=volunteer).count() == 0


def test_a_courier_cannot_plus_one_their_own_report(courier, make_report, category):
    mine = make_report()
    response = plus_one(courier, mine, category)
    assert response.status_code == 400 and "是你自己的上报" in response.content.decode()
    assert not CoReporter.objects.exists()


def test_only_an_approved_volunteer_posts_a_plus_one_with_csrf(client, pending_volunteer, volunteer, theirs, category):
    url, data = reverse("issues:plusone", args=[theirs.pk]), {**HERE, "category": str(category.pk)}
    anonymous = client.post(url, data)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    client.force_login(pending_volunteer.user)
    assert client.post(url, data).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(volunteer.user)
    assert strict.post(url, data).status_code == 403
    assert client.get(url).status_code == 405
    assert not CoReporter.objects.exists()


def test_plus_one_is_limited_like_the_nearby_look_ups(courier, theirs, category, settings):
    settings.NEARBY_LOOKUPS_PER_HOUR = 2
    assert [plus_one(courier, theirs, category).status_code for _ in range(2)] == [302, 302]
    assert plus_one(courier, theirs, category).status_code == 429


def test_the_done_page_is_only_for_a_co_reporter(courier, theirs):
    assert courier.get(reverse("issues:plusone_done", args=[theirs.pk])).status_code == 404
    assert courier.get(f"/report/{10**30}/plusone/done/").status_code == 404


def test_another_courier_sees_in_the_panel_no_text_no_name_of_an_unpublished_report(
    courier, theirs, category, first_bee
):
    response = courier.get(reverse("issues:nearby"), {**HERE, "category": str(category.pk)})
    [hint] = response.json()["duplicates"]
    assert hint == {
        "id": theirs.pk,
        "reference": theirs.reference,
        "category": category.name,
        "state": "待受理",
        "distance": "约 30 米",
        "thumbnail": None,
    }
    body = response.content.decode()
    for private in ("垃圾桶", "张阿姨", "302", first_bee.name, first_bee.user.phone, "30.2745", "118.1322"):
        assert private not in body
