"""`manage.py media_check`: files on disk against the rows that name them."""

import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from beefeed.tests.images import jpeg_bytes
from conftest import make_org


def check(*args):
    out = StringIO()
    try:
        call_command("media_check", *args, stdout=out)
        status = 0
    except SystemExit as exit:
        status = exit.code
    return status, out.getvalue()


def test_a_clean_media_root_passes(db, settings):
    org = make_org("龙西社区")
    org.seal.save("seal.jpg", ContentFile(jpeg_bytes()))
    status, out = check()
    assert status == 0
    assert "1 files, 1 named by rows, 0 orphans, 0 missing" in out


def test_a_file_no_row_names_is_an_orphan_and_old_ones_are_removed(db, settings):
    org = make_org("龙西社区")
    org.seal.save("seal.jpg", ContentFile(jpeg_bytes()))
    stray = Path(settings.MEDIA_ROOT) / "reports" / "2026" / "11" / "killed-mid-upload.jpg"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(jpeg_bytes())

    status, out = check()
    assert status == 1 and "orphan file: reports/2026/11/killed-mid-upload.jpg" in out

    # A young orphan may be an upload committing right now: it stays.
    status, out = check("--remove-orphans", "--older-than", "60")
    assert status == 1 and stray.exists()

    an_hour_ago = time.time() - 2 * 3600
    os.utime(stray, (an_hour_ago, an_hour_ago))
    status, out = check("--remove-orphans", "--older-than", "60")
    assert status == 0 and "removed orphan reports/2026/11/killed-mid-upload.jpg" in out
    assert not stray.exists()
    assert (Path(settings.MEDIA_ROOT) / org.seal.name).exists()  # a named file is never touched


def test_a_row_whose_file_is_gone_is_reported(db, settings):
    org = make_org("龙西社区")
    org.seal.save("seal.jpg", ContentFile(jpeg_bytes()))
    (Path(settings.MEDIA_ROOT) / org.seal.name).unlink()
    status, out = check()
    assert status == 1 and f"missing file: {org.seal.name} (beefeed.Organization {org.pk})" in out


def test_a_negative_grace_is_refused(db):
    with pytest.raises(CommandError, match="0 or more"):
        call_command("media_check", "--remove-orphans", "--older-than", "-1", stdout=StringIO())
