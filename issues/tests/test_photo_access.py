"""Who may fetch which report or rating photo (issues.photo_access through beefeed.privatemedia)."""

import pytest
from django.conf import settings
from django.urls import reverse

from beefeed.roles import HANDLERS
from conftest import make_org, make_staff
from issues import workflow
from issues.models import ReportPhoto
from issues.tests.conftest import make_volunteer, processed_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(volunteer, coordinator, handler_a, handler_b):
    return {
        "anonymous": None,
        "reporter": volunteer.user,
        "other_volunteer": make_volunteer("13700137000", volunteer.community, name="李邻居").user,
        "coordinator": coordinator,
        "handler_a": handler_a,
        "handler_b": handler_b,
    }


def status_for(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url).status_code


def statuses(client, people, url):
    return {role: status_for(client, user, url) for role, user in people.items()}


def urls_of(report):
    return [url for photo in report.photos.all() for url in (photo.image.url, photo.thumbnail.url)]


def test_photo_urls_of_reports_are_checked_urls_not_the_media_root(make_report):
    for url in urls_of(make_report()):
        assert url.startswith("/photos/reports/") and not url.startswith(settings.MEDIA_URL)


def test_it_serves_a_dispatched_reports_photos_to_the_reporter_the_coordinator_and_the_handler_only(
    client, make_report, coordinator, handler_a, people
):
    report = make_report("dispatched", by_coordinator=coordinator, handler=handler_a)
    for url in urls_of(report):
        assert statuses(client, people, url) == {
            "anonymous": 404,
            "reporter": 200,
            "other_volunteer": 404,
            "coordinator": 200,
            "handler_a": 200,
            "handler_b": 404,
        }


@pytest.mark.parametrize("state", ["submitted", "rejected"])
def test_a_report_no_one_handles_shows_its_photos_to_the_reporter_coordinators_and_its_community_only(
    client, make_report, coordinator, handler_a, people, state
):
    report = make_report(state, by_coordinator=coordinator, handler=handler_a)  # located in 龙西社区 (A)
    assert statuses(client, people, urls_of(report)[0]) == {
        "anonymous": 404,
        "reporter": 200,
        "other_volunteer": 404,
        "coordinator": 200,
        "handler_a": 200,
        "handler_b": 404,
    }


def test_the_old_direct_link_to_an_unpublished_photo_is_closed_for_everyone(
    client, make_report, coordinator, handler_a, people
):
    report = make_report("dispatched", by_coordinator=coordinator, handler=handler_a)
    photo = report.photos.get()
    for name in (photo.image.name, photo.thumbnail.name):
        assert (settings.MEDIA_ROOT / name).is_file()
        direct = settings.MEDIA_URL + name
        assert set(statuses(client, people, direct).values()) == {404}
        folder, filename = name.split("/")
        for trick in (f"./{name}", f"/{name}", f"stations/../{name}", f"{folder}//{filename}"):
            assert status_for(client, people["coordinator"], settings.MEDIA_URL + trick) == 404, trick


def test_a_published_photo_is_also_closed_at_the_old_direct_link(client, make_report, coordinator, handler_a):
    report = make_report("published", by_coordinator=coordinator, handler=handler_a)
    assert client.get(settings.MEDIA_URL + report.photos.first().image.name).status_code == 404


def test_the_checked_view_serves_nothing_outside_the_private_directories(client, coordinator, make_report):
    (settings.MEDIA_ROOT / "stations").mkdir(parents=True)
    (settings.MEDIA_ROOT / "stations" / "a.jpg").write_bytes(b"x")
    name = make_report().photos.first().image.name
    client.force_login(coordinator)
    assert client.get(reverse("checked_media", args=["stations/a.jpg"])).status_code == 404
    assert client.get("/photos/reports/../stations/a.jpg").status_code == 404
    assert client.get(f"/photos/reports/./{name.split('/')[1]}").status_code == 404
    assert client.get("/photos/reports/missing.jpg").status_code == 404


def test_a_private_photo_is_sent_as_jpeg_never_stored_by_a_cache(client, make_report, volunteer):
    url = urls_of(make_report())[0]
    client.force_login(volunteer.user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_a_published_reports_photos_are_public_and_cacheable(client, make_report, coordinator, handler_a, people):
    report = make_report("published", by_coordinator=coordinator, handler=handler_a)
    for url in urls_of(report):
        assert set(statuses(client, people, url).values()) == {200}
    client.logout()
    response = client.get(urls_of(report)[0])
    assert response["Cache-Control"].startswith("public, max-age=")
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"


def test_a_reopened_report_closes_its_photos_again(client, make_report, coordinator, handler_a, people):
    report = make_report("published", by_coordinator=coordinator, handler=handler_a)
    urls = urls_of(report)
    assert client.get(urls[0]).status_code == 200
    workflow.reopen(report, by=coordinator, reason="垃圾桶又坏了", notify=False)
    assert urls_of(report) == urls  # the same link, decided anew on each request
    for url in urls:
        result = statuses(client, people, url)
        assert result["anonymous"] == 404 and result["other_volunteer"] == 404 and result["handler_b"] == 404
        assert result["reporter"] == 200 and result["coordinator"] == 200 and result["handler_a"] == 200
    client.force_login(people["reporter"])
    assert client.get(urls[0])["Cache-Control"] == "private, no-store"


def test_with_an_accel_redirect_prefix_the_proxy_sends_the_file(client, make_report, coordinator, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    photo = make_report().photos.get()
    client.force_login(coordinator)
    response = client.get(photo.image.url)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{photo.image.name}"
    assert response["Content-Type"] == "image/jpeg" and response["Cache-Control"] == "private, no-store"
    client.logout()
    response = client.get(photo.image.url)
    assert response.status_code == 404 and "X-Accel-Redirect" not in response


def test_a_rating_photo_is_private_even_on_a_published_report(client, make_report, volunteer, coordinator, handler_a):
    report = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
    rating = workflow.rate(report, volunteer=volunteer, score="satisfied", photo=processed_photo())
    workflow.publish(report, by=coordinator, notify=False)
    assert rating.photo.url.startswith("/photos/ratings/")
    assert client.get(settings.MEDIA_URL + rating.photo.name).status_code == 404
    people = {
        "anonymous": None,
        "reporter": volunteer.user,
        "other_volunteer": make_volunteer("13700137000", volunteer.community, name="李邻居").user,
        "coordinator": coordinator,
        "handler_a": handler_a,
        "handler_b": make_org_handler(),
    }
    assert statuses(client, people, rating.photo.url) == {
        "anonymous": 404,
        "reporter": 200,
        "other_volunteer": 404,
        "coordinator": 200,
        "handler_a": 200,
        "handler_b": 404,
    }


def make_org_handler():
    return make_staff("handler_c", make_org("星光社区"), HANDLERS)


def test_the_public_pages_show_a_published_reports_photos_by_their_public_link(
    client, make_report, coordinator, handler_a
):
    report = make_report("published", by_coordinator=coordinator, handler=handler_a)
    before = report.photos.filter(kind=ReportPhoto.Kind.BEFORE).get()
    assert all(url.startswith("/photos/reports/") for url in urls_of(report))
    pages = {
        "board": client.get(reverse("issues:board")).content.decode(),
        "detail": client.get(reverse("issues:board_detail", args=[report.pk])).content.decode(),
        "open311": client.get(reverse("open311:requests", args=["json"])).content.decode(),
    }
    for page, text in pages.items():
        assert any(url in text for url in urls_of(report)), page
        assert f"{settings.MEDIA_URL}reports/" not in text, page
    assert client.get(f"/photos/{before.thumbnail.name}").status_code == 200


def test_my_reports_and_the_admin_show_unpublished_photos_by_the_checked_link(
    client, make_report, volunteer, coordinator
):
    report = make_report()
    photo = report.photos.get()
    assert photo.thumbnail.url.startswith("/photos/reports/") and client.get(photo.thumbnail.url).status_code == 404
    client.force_login(volunteer.user)
    page = client.get(reverse("issues:my_reports")).content.decode()
    assert photo.thumbnail.url in page and client.get(photo.thumbnail.url).status_code == 200
    client.force_login(coordinator)
    page = client.get(reverse("admin:issues_report_changelist")).content.decode()
    assert photo.thumbnail.url in page and client.get(photo.thumbnail.url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/photos/reports/a%00b.jpg",
        "/photos/ratings/2026/01/%00",
        "/photos/volunteers/x%00",
        "/photos/reports/%ff.jpg",
        "/photos/reports/" + "a" * 5000,
        "/media/stations/a%00b.jpg",
        "/media/reports%00/x",
    ],
)
def test_a_forged_photo_link_gets_404_never_500(client, coordinator, url):
    client.force_login(coordinator)
    assert client.get(url).status_code == 404
