"""The photos of reports not accepted are deleted after REJECTED_PHOTO_RETENTION_DAYS by the media sweep."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from conftest import files_under
from issues import workflow
from issues.models import ReportEvent, ReportPhoto

pytestmark = pytest.mark.django_db


def sweep():
    out = StringIO()
    call_command("media_check", "--remove-orphans", stdout=out)
    return out.getvalue()


def rejected(make_report, coordinator, days_ago):
    report = make_report()
    workflow.reject(
        report, by=coordinator, reason="out_of_scope", now=timezone.now() - timedelta(days=days_ago), notify=False
    )
    return report


def names_of(report):
    return [n for photo in report.photos.all() for n in (photo.image.name, photo.thumbnail.name)]


def test_it_deletes_the_photos_of_a_report_rejected_longer_ago_than_the_retention(make_report, coordinator):
    report = rejected(make_report, coordinator, days_ago=31)
    names = names_of(report)
    assert all((settings.MEDIA_ROOT / name).is_file() for name in names)
    out = sweep()
    assert not ReportPhoto.objects.filter(report=report).exists()
    assert not any((settings.MEDIA_ROOT / name).exists() for name in names)
    assert all(name in out for name in names)
    event = ReportEvent.objects.get(report=report, action="photos_deleted")
    assert not event.is_public and event.actor is None
    assert event.from_state == event.to_state == "rejected"
    assert "30" in event.note
    report.refresh_from_db()
    assert report.state == "rejected"


def test_it_keeps_the_photos_of_a_younger_rejection_and_of_reports_still_open(
    make_report, coordinator, handler_a, volunteer
):
    young = rejected(make_report, coordinator, days_ago=29)
    old_open = make_report("dispatched", by_coordinator=coordinator, handler=handler_a)
    ReportPhoto.objects.filter(report=old_open).update(created_at=timezone.now() - timedelta(days=400))
    kept = names_of(young) + names_of(old_open)
    before = files_under(settings.MEDIA_ROOT)
    sweep()
    assert files_under(settings.MEDIA_ROOT) == before
    assert all((settings.MEDIA_ROOT / name).is_file() for name in kept)
    assert not ReportEvent.objects.filter(action="photos_deleted").exists()


def test_the_retention_is_a_setting_and_a_second_sweep_does_nothing_more(make_report, coordinator, settings):
    settings.REJECTED_PHOTO_RETENTION_DAYS = 7
    report = rejected(make_report, coordinator, days_ago=8)
    sweep()
    sweep()
    assert not report.photos.exists()
    assert ReportEvent.objects.filter(report=report, action="photos_deleted").count() == 1
    assert files_under(settings.MEDIA_ROOT) == []


def test_the_timeline_event_is_not_shown_to_the_reporter(client, make_report, coordinator, volunteer):
    report = rejected(make_report, coordinator, days_ago=31)
    sweep()
    note = ReportEvent.objects.get(report=report, action="photos_deleted").note
    client.force_login(volunteer.user)
    assert note not in client.get("/me/reports/").content.decode()
