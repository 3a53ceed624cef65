"""Backups that are proven (issue 20, item 6): back up the demo, restore it into a scratch database
and media folder, and compare the row counts and checksums with the manifest — the restore drill."""

import datetime
import json
import subprocess
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from beefeed import backups
from issues.models import Report, ReportPhoto

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def backed_up_database():
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("an in-memory SQLite test database has no file to back up; the drill runs on PostgreSQL")


@pytest.fixture
def demo_district(backed_up_database, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    settings.DEBUG = False


def scratch_database_url(tmp_path):
    """A new, empty database of the same engine as the tests', dropped afterwards by the caller."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", None
    name = f"beefeed_restore_drill_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    host, port, user = params.get("HOST") or "127.0.0.1", params.get("PORT") or 5432, params.get("USER") or "postgres"
    return f"postgres://{user}@{host}:{port}/{name}", name


def drop(name):
    if name:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_restore_drill_gives_back_every_row_and_every_photo(demo_district, tmp_path, settings):
    reports, photos = Report.objects.count(), ReportPhoto.objects.count()
    assert reports > 100 and photos > 100

    folder = backups.make(tmp_path / "backups")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["issues_report"] == reports
    assert manifest["tables"]["issues_reportphoto"] == photos
    assert len(manifest["media"]) >= 2 * photos  # each photo and its thumbnail
    assert manifest["missing_media"] == []

    url, name = scratch_database_url(tmp_path)
    try:
        out = StringIO()
        call_command(
            "restore_backup", str(folder), database_url=url, media_root=str(tmp_path / "restored-media"), stdout=out
        )
        assert "match the manifest" in out.getvalue()
        # Damage one restored photo: the comparison notices.
        some = next(iter(manifest["media"]))
        (tmp_path / "restored-media" / some).write_bytes(b"not the photo")
        assert backups.verify(folder, database_url=url, media_root=tmp_path / "restored-media") == [
            f"media {some}: checksum differs"
        ]
    finally:
        drop(name)


def test_a_damaged_backup_is_refused_before_anything_is_restored(backed_up_database, tmp_path):
    folder = backups.make(tmp_path / "backups")
    with open(folder / "media.tar", "r+b") as archive:
        archive.seek(2000)
        archive.write(b"damaged on the way")
    with pytest.raises(backups.BackupError, match="damaged"):
        backups.restore(folder, database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}", media_root=tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_old_backups_are_pruned_to_seven_days_and_four_weeks(tmp_path):
    start = datetime.datetime(2026, 9, 1, 2, 30)
    for day in range(60):
        folder = tmp_path / (start + datetime.timedelta(days=day)).strftime("%Y%m%d-%H%M%S")
        folder.mkdir()
        (folder / "manifest.json").write_text("{}")
    backups.prune(tmp_path, keep_daily=7, keep_weekly=4)
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept[-7:] == [(start + datetime.timedelta(days=d)).strftime("%Y%m%d-%H%M%S") for d in range(53, 60)]
    assert len(kept) in (9, 10)  # the last 7 days, plus the last backup of the weeks before them


def test_the_command_says_where_backups_go(tmp_path, settings):
    settings.BACKUP_DIR = ""
    with pytest.raises(Exception, match="BACKUP_DIR"):
        call_command("backup", stdout=StringIO())


@pytest.mark.postgres
def test_pg_restore_is_available_where_the_drill_runs():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL backups are tested on PostgreSQL (DATABASE_URL)")
    assert subprocess.run(["pg_restore", "--version"], capture_output=True).returncode == 0
    assert Path(backups.__file__).exists()
