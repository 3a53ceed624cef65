"""A photo waits under staging/ until its report has committed; what a killed worker leaves there is
settled: moved into place when its report committed, removed when it never did (beefeed.staging)."""

import os
import subprocess
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from beefeed import staging
from conftest import files_under
from issues import workflow
from issues.models import Report, ReportPhoto
from issues.tests.conftest import processed_photo


def names_on_disk(media_root):
    return sorted(p.relative_to(media_root).as_posix() for p in files_under(media_root))


def a_dead_pid():
    """The process id of a process that has ended (a real one, reaped)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def stage_file(media_root, owner, name, body=b"\xff\xd8 jpeg", age=None):
    path = media_root / "staging" / owner / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    if age is not None:
        when = (timezone.now() - age).timestamp()
        os.utime(path, (when, when))
    return path


def submit(volunteer, category, community):
    return workflow.submit_report(
        volunteer=volunteer,
        category=category,
        description="井盖缺失",
        community=community,
        latitude=30.27,
        longitude=118.13,
        address="",
        campaign=None,
        photos=[processed_photo()],
        notify=False,
    )


@pytest.mark.django_db
def test_a_submitted_photo_is_at_its_name_and_nothing_waits_in_staging(make_report, media_root):
    photo = make_report().photos.get()
    assert names_on_disk(media_root) == sorted([photo.image.name, photo.thumbnail.name])
    assert photo.image.name.startswith("reports/")
    with Image.open(media_root / photo.image.name) as stored:  # the size was read from the bytes in hand
        assert (photo.width, photo.height) == stored.size
    assert not [p for p in (media_root / "staging").rglob("*") if p.is_file()]


@pytest.mark.django_db(transaction=True)
def test_inside_a_longer_transaction_the_photo_waits_in_staging_until_the_commit(
    volunteer, category, community_a, media_root
):
    with transaction.atomic():
        report = submit(volunteer, category, community_a)
        photo = report.photos.get()
        waiting = names_on_disk(media_root)
        assert len(waiting) == 2 and all(name.startswith(f"staging/{staging.owner()}/reports/") for name in waiting)
        assert not (media_root / photo.image.name).exists()
    assert names_on_disk(media_root) == sorted([photo.image.name, photo.thumbnail.name])


@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_rolls_back_leaves_its_photos_to_the_sweep_never_at_their_names(
    volunteer, category, community_a, media_root
):
    with pytest.raises(RuntimeError), transaction.atomic():
        submit(volunteer, category, community_a)
        raise RuntimeError("the request failed after the report was written")
    assert not Report.objects.exists()
    assert all(name.startswith("staging/") for name in names_on_disk(media_root))
    later = timezone.now() + timedelta(seconds=staging.GRACE_SECONDS + 1)
    settled = staging.sweep(now=later)
    assert len(settled.removed) == 2 and settled.promoted == []
    assert names_on_disk(media_root) == []


@pytest.mark.django_db
def test_what_a_killed_worker_left_is_settled_by_the_worker_that_replaces_it(make_report, media_root):
    """The dead worker had committed one report (its photo never moved into place) and was writing
    another (its row never committed)."""
    committed = make_report().photos.get()
    dead = f"{staging._host()}-{a_dead_pid()}"
    for name in (committed.image.name, committed.thumbnail.name):
        (media_root / name).rename(stage_file(media_root, dead, name))
    stage_file(media_root, dead, "reports/never-committed.jpg")
    alive = f"{staging._host()}-{os.getppid()}"  # a process that runs, mid-upload
    in_flight = stage_file(media_root, alive, "reports/uploading-now.jpg")

    settled = staging.settle_gone_writers()

    assert sorted(settled.promoted) == sorted([committed.image.name, committed.thumbnail.name])
    assert settled.removed == [f"staging/{dead}/reports/never-committed.jpg"]
    assert names_on_disk(media_root) == sorted(
        [committed.image.name, committed.thumbnail.name, f"staging/{alive}/reports/uploading-now.jpg"]
    )
    assert not (media_root / "staging" / dead).exists()  # its directory is gone too
    assert in_flight.exists()


@pytest.mark.django_db
def test_the_periodic_sweep_settles_old_files_of_any_host_and_leaves_young_ones(make_report, media_root):
    committed = make_report().photos.get()
    elsewhere = "web2-4242"  # another host: whether it still runs is unknown here
    staged = stage_file(media_root, elsewhere, committed.image.name)
    (media_root / committed.image.name).rename(staged)
    when = (timezone.now() - timedelta(minutes=10)).timestamp()
    os.utime(staged, (when, when))
    stage_file(media_root, elsewhere, "reports/abandoned.jpg", age=timedelta(minutes=10))
    young = stage_file(media_root, elsewhere, "reports/just-now.jpg")

    out = StringIO()
    call_command("media_check", "--remove-orphans", stdout=out)  # nothing missing, no orphan: exit status 0

    assert f"moved a committed upload into place {committed.image.name}" in out.getvalue()
    assert f"removed an upload that never committed staging/{elsewhere}/reports/abandoned.jpg" in out.getvalue()
    assert f"staged upload: staging/{elsewhere}/reports/just-now.jpg" in out.getvalue()
    assert (media_root / committed.image.name).exists() and young.exists()
    assert ReportPhoto.objects.get().image.read()[:2] == b"\xff\xd8"


@pytest.mark.django_db
def test_a_staged_file_is_nobodys_to_see(client, coordinator, settings, media_root):
    settings.SERVE_MEDIA = True
    stage_file(media_root, "web1-17", "reports/on-its-way.jpg")
    stage_file(media_root, "web1-17", "stations/on-its-way.jpg")
    (media_root / "stations").mkdir()
    (media_root / "stations" / "front.jpg").write_bytes(b"\xff\xd8 jpeg")
    client.force_login(coordinator)
    assert client.get(settings.MEDIA_URL + "stations/front.jpg").status_code == 200  # public media is served
    for name in ("staging/web1-17/reports/on-its-way.jpg", "staging/web1-17/stations/on-its-way.jpg"):
        for url in (settings.MEDIA_URL + name, reverse("checked_media", args=[name])):
            assert client.get(url).status_code == 404, url
