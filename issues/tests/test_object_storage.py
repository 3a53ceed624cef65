"""Photos in an S3-compatible bucket (MEDIA_STORAGE=s3), against an S3 server over HTTP on loopback.

The server is moto's server mode in its own process (conftest.s3_server): an independent implementation
of the S3 API, which refuses an unsigned GET of a private object as a real bucket does. It does not check
signatures' expiry, so the tests assert the lifetime written into the signed URL instead.
"""

import re
import subprocess
from datetime import timedelta
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from beefeed import staging
from conftest import PASSWORD, files_under, make_volunteer
from issues import moderation, workflow
from issues.models import Rating, Report, ReportPhoto
from issues.tests.conftest import processed_photo
from issues.tests.test_views import form_data, photo

pytestmark = [pytest.mark.django_db, pytest.mark.s3]

AREA = [0.25, 0.2, 0.3, 0.4]
SIGNED = re.compile(r"X-Amz-(Signature|Credential)", re.IGNORECASE)


def names_of(report):
    return sorted(name for p in report.photos.all() for name in p.file_names)


def follow(client, url):
    """The visitor's request for a photo: a redirect into the bucket."""
    response = client.get(url)
    assert response.status_code == 302, response.status_code
    return response


def public_pages(client, report):
    client.logout()
    return "".join(
        client.get(url).content.decode()
        for url in (
            reverse("home"),
            reverse("issues:board"),
            reverse("issues:board_detail", args=[report.pk]),
            reverse("open311:requests", args=["json"]),
        )
    )


def test_a_couriers_photo_from_the_report_form_lands_in_the_bucket_with_its_thumbnail(
    courier, category, community_a, s3_media, media_root
):
    response = courier.post(reverse("issues:report_new"), {**form_data(category, community_a), "photos": [photo()]})
    assert response.status_code == 302
    report = Report.objects.get()
    stored = report.photos.get()
    assert s3_media.keys() == sorted([stored.image.name, stored.thumbnail.name])
    assert stored.image.name.startswith("reports/") and stored.thumbnail.name.endswith("_t.jpg")
    full = s3_media.read(stored.image.name)
    assert full[:2] == b"\xff\xd8" and b"Exif" not in full[:200]  # re-encoded, the phone's GPS position gone
    assert stored.width <= 1600 and stored.height <= 1600
    assert files_under(media_root) == []  # nothing on this host's disk


def test_the_reporter_is_redirected_to_a_short_lived_signed_url_nobody_may_store(
    client, make_report, volunteer, s3_media, settings
):
    report = make_report()
    stored = report.photos.get()
    client.force_login(volunteer.user)
    response = follow(client, stored.image.url)
    assert response["Cache-Control"] == "private, no-store"
    location = response["Location"]
    assert location.startswith(f"{s3_media.endpoint}/{s3_media.name}/{stored.image.name}?")
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Expires"] == [str(settings.MEDIA_SIGNED_URL_SECONDS)]
    assert query["response-cache-control"] == ["private, no-store"]
    status, body = s3_media.anonymous_get(location)
    assert status == 200 and body == s3_media.read(stored.image.name)


def test_the_public_is_refused_an_unpublished_reports_photo_however_it_asks(
    client, make_report, coordinator, handler_a, s3_media
):
    report = make_report("dispatched", by_coordinator=coordinator, handler=handler_a)
    other = make_volunteer("13700137000", report.community, name="李邻居")
    for name in names_of(report):
        for who in (None, other.user):
            client.logout()
            if who:
                client.force_login(who)
            answer = client.get(reverse("checked_media", args=[name]))
            assert answer.status_code == 404 and "Location" not in answer
            assert client.get("/media/" + name).status_code == 404
        # Guessing the bucket's address: the bucket is private, an unsigned request gets nothing.
        status, body = s3_media.anonymous_get(f"{s3_media.endpoint}/{s3_media.name}/{name}")
        assert status == 403 and body[:2] != b"\xff\xd8"
    # No public page names the bucket or carries a signature.
    pages = public_pages(client, report)
    assert s3_media.endpoint not in pages and not SIGNED.search(pages)


def test_the_public_sees_a_published_photo_and_no_page_carries_a_signed_url(
    client, make_report, coordinator, handler_a, s3_media, settings
):
    report = make_report("published", by_coordinator=coordinator, handler=handler_a)
    pages = public_pages(client, report)
    assert "/photos/reports/" in pages
    assert s3_media.endpoint not in pages and not SIGNED.search(pages)
    for stored in report.photos.all():
        response = follow(client, stored.public_url)
        # A cached redirect expires well before its signature.
        max_age = int(response["Cache-Control"].removeprefix("public, max-age="))
        assert 0 < max_age < settings.MEDIA_SIGNED_URL_SECONDS
        status, body = s3_media.anonymous_get(response["Location"])
        assert status == 200 and body == s3_media.read(stored.image.name)
    # Reopened: the same link is closed again at once.
    workflow.reopen(report, by=coordinator, reason="垃圾桶又坏了", notify=False)
    assert client.get(report.photos.first().public_url).status_code == 404


def test_moderations_covered_copy_is_written_to_the_bucket_and_is_all_the_public_gets(
    client, make_report, coordinator, handler_a, s3_media, django_capture_on_commit_callbacks
):
    report = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
    stored = report.photos.order_by("id").first()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.moderate(report, by=coordinator, photos={stored.pk: {"areas": [AREA]}})
    stored.refresh_from_db()
    assert stored.public_image.name in s3_media.keys() and stored.public_thumbnail.name in s3_media.keys()
    assert s3_media.read(stored.public_image.name) != s3_media.read(stored.image.name)
    workflow.publish(report, by=coordinator, notify=False)
    client.logout()
    status, body = s3_media.anonymous_get(follow(client, stored.public_url)["Location"])
    assert status == 200 and body == s3_media.read(stored.public_image.name)
    assert client.get(stored.image.url).status_code == 404  # the original stays private

    # Covering again replaces the copy: the old objects leave the bucket.
    old = [stored.public_image.name, stored.public_thumbnail.name]
    with django_capture_on_commit_callbacks(execute=True):
        moderation.moderate(report, by=coordinator, photos={stored.pk: {"areas": [[0.5, 0.5, 0.2, 0.2]]}})
    assert not set(old) & set(s3_media.keys())


def test_private_photos_may_be_streamed_by_django_instead(client, make_report, volunteer, s3_media, settings):
    settings.MEDIA_SIGNED_REDIRECT = False
    stored = make_report().photos.get()
    assert client.get(stored.image.url).status_code == 404
    client.force_login(volunteer.user)
    response = client.get(stored.image.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store" and "Location" not in response
    assert b"".join(response.streaming_content) == s3_media.read(stored.image.name)


def test_a_public_file_has_a_stable_address_that_redirects_into_the_bucket(client, community_a, s3_media):
    from django.core.files.base import ContentFile

    from beefeed.tests.images import jpeg_bytes

    community_a.seal.save("seal.jpg", ContentFile(jpeg_bytes()))
    url = community_a.seal.url
    assert url == "/media/" + community_a.seal.name  # no signature to expire in a cached page
    status, body = s3_media.anonymous_get(follow(client, url)["Location"])
    assert status == 200 and body == s3_media.read(community_a.seal.name)
    for trick in ("seals/missing/../../reports/x.jpg", "/etc/passwd", "/" + community_a.seal.name, "seals/"):
        assert client.get("/media/" + trick).status_code == 404, trick


def test_the_retention_sweep_deletes_a_rejected_reports_objects(make_report, coordinator, s3_media):
    report = make_report()
    workflow.reject(
        report, by=coordinator, reason="out_of_scope", now=timezone.now() - timedelta(days=31), notify=False
    )
    names = names_of(report)
    assert set(names) <= set(s3_media.keys())
    call_command("media_check", "--remove-orphans", stdout=StringIO())
    assert not ReportPhoto.objects.filter(report=report).exists()
    assert s3_media.keys() == []


def test_the_media_sweep_walks_the_bucket(make_report, s3_media):
    named = names_of(make_report())
    s3_media.client.put_object(Bucket=s3_media.name, Key="reports/killed-mid-upload.jpg", Body=b"\xff\xd8")

    def sweep(*args):
        out = StringIO()
        try:
            call_command("media_check", *args, stdout=out)
        except SystemExit as exit:
            return exit.code, out.getvalue()
        return 0, out.getvalue()

    status, out = sweep()
    assert status == 1 and "orphan file: reports/killed-mid-upload.jpg" in out
    assert "3 files, 2 named by rows, 1 orphans, 0 missing" in out
    status, out = sweep("--remove-orphans", "--older-than", "60")  # young: may be an upload committing now
    assert status == 1 and "reports/killed-mid-upload.jpg" in s3_media.keys()
    status, out = sweep("--remove-orphans", "--older-than", "0")
    assert status == 0 and s3_media.keys() == sorted(named)

    s3_media.client.delete_object(Bucket=s3_media.name, Key=named[0])
    status, out = sweep()
    assert status == 1 and f"missing file: {named[0]}" in out


def test_erasing_a_volunteer_deletes_their_photos_from_the_bucket(
    client, make_report, volunteer, coordinator, handler_a, s3_media, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    from beefeed.tests.images import jpeg_bytes

    volunteer.photo.save("ye.jpg", ContentFile(jpeg_bytes()), save=True)
    report = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
    workflow.rate(report, volunteer=volunteer, score="satisfied", photo=processed_photo())
    personal = {volunteer.photo.name, Rating.objects.get().photo.name}
    assert personal <= set(s3_media.keys())
    client.force_login(volunteer.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("volunteers:my_data"), {"password": PASSWORD})
    assert not personal & set(s3_media.keys())
    assert set(names_of(report)) <= set(s3_media.keys())  # the report's own photos stay with the report


def test_with_a_publicly_readable_bucket_public_files_get_plain_urls_and_private_ones_still_do_not(
    client, community_a, make_report, volunteer, s3_media, settings
):
    from django.core.files.base import ContentFile

    from beefeed.tests.images import jpeg_bytes

    media = settings.STORAGES["default"]
    settings.STORAGES = {  # AWS_QUERYSTRING_AUTH=0
        **settings.STORAGES,
        "default": {**media, "OPTIONS": {**media["OPTIONS"], "querystring_auth": False}},
    }
    community_a.seal.save("seal.jpg", ContentFile(jpeg_bytes()))
    assert community_a.seal.url == f"{s3_media.endpoint}/{s3_media.name}/{community_a.seal.name}"
    stored = make_report().photos.get()
    assert stored.image.url == reverse("checked_media", args=[stored.image.name])
    client.force_login(volunteer.user)
    location = follow(client, stored.image.url)["Location"]
    assert "X-Amz-Signature=" in location and s3_media.anonymous_get(location)[0] == 200


def test_a_killed_workers_uploads_in_the_bucket_are_settled_by_its_replacement(make_report, s3_media):
    committed = make_report().photos.get()
    child = subprocess.Popen(["true"])
    child.wait()
    dead = f"staging/{staging._host()}-{child.pid}"
    # Its report committed but the worker died before moving the photo into place; another never committed.
    s3_media.client.copy_object(
        Bucket=s3_media.name,
        Key=f"{dead}/{committed.image.name}",
        CopySource={"Bucket": s3_media.name, "Key": committed.image.name},
    )
    s3_media.client.delete_object(Bucket=s3_media.name, Key=committed.image.name)
    s3_media.client.put_object(Bucket=s3_media.name, Key=f"{dead}/reports/never-committed.jpg", Body=b"\xff\xd8")

    settled = staging.settle_gone_writers()

    assert settled.promoted == [committed.image.name]
    assert settled.removed == [f"{dead}/reports/never-committed.jpg"]
    assert s3_media.keys() == sorted([committed.image.name, committed.thumbnail.name])
    assert s3_media.read(committed.image.name)[:2] == b"\xff\xd8"
