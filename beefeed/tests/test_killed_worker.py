"""A gunicorn worker killed with SIGKILL mid-upload leaves nothing behind: the worker gunicorn starts
in its place settles what the dead one had staged (gunicorn.conf.py's post_worker_init, beefeed.staging)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from beefeed import photos, staging
from beefeed.tests.conftest import free_port, wait_for
from beefeed.tests.images import jpeg_bytes
from conftest import make_org, make_volunteer
from issues import workflow
from issues.models import Category

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def workers_of(master):
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def the_worker(master, log, timeout=40):
    """The one worker, once the master has forked it (the master listens first, then warms up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = workers_of(master)
        if len(workers) == 1:
            return workers[0]
        time.sleep(0.1)
    raise AssertionError(f"gunicorn started no worker:\n{log.read_text()[-3000:]}")


def test_the_replacement_worker_settles_what_a_killed_worker_had_staged(tmp_path, live_server_env):
    if connection.vendor != "postgresql":
        pytest.skip("gunicorn shares the test database: PostgreSQL only (DATABASE_URL)")
    media = Path(settings.MEDIA_ROOT)
    community = make_org("龙西社区", latitude=30.2745, longitude=118.1322)
    courier = make_volunteer("13912345678", community)
    category = Category.objects.create(name="环境卫生", code="sanitation", short_label="环境", time_limit=48)
    committed = workflow.submit_report(
        volunteer=courier, category=category, description="井盖缺失", community=community,
        latitude=30.2745, longitude=118.1322, address="", photos=[photos.process_bytes(jpeg_bytes())], notify=False,
    ).photos.get()  # fmt: skip

    port, log = free_port(), tmp_path / "gunicorn.log"
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "beefeed.wsgi"],
        env=live_server_env(tmp_path), cwd=ROOT, stdout=open(log, "wb"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for(port, gunicorn, "gunicorn", log)
        worker = the_worker(gunicorn.pid, log)
        # What the worker had in hand when it was killed: the photo of a report that had committed
        # (not yet moved into place), and the photo of one whose row never committed.
        owner = media / "staging" / f"{staging._host()}-{worker}"
        for name in (committed.image.name, "reports/never-committed.jpg"):
            (owner / name).parent.mkdir(parents=True, exist_ok=True)
        (media / committed.image.name).rename(owner / committed.image.name)
        (owner / "reports" / "never-committed.jpg").write_bytes(b"\xff\xd8 half a photo")
        os.kill(worker, signal.SIGKILL)

        deadline = time.monotonic() + 30
        while owner.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not owner.exists(), log.read_text()[-3000:]
        assert (media / committed.image.name).read_bytes()[:2] == b"\xff\xd8"  # in place: the report shows it
        assert not (media / "reports" / "never-committed.jpg").exists()
        assert the_worker(gunicorn.pid, log) != worker
        assert "1 moved into place, 1 removed" in log.read_text()
    finally:
        gunicorn.terminate()
        gunicorn.wait(20)
