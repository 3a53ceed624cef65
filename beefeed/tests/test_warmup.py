"""gunicorn's master loads what the workers' first requests would (beefeed.warmup), without opening a
connection the forked workers would share."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from beefeed import warmup

ROOT = Path(__file__).resolve().parents[2]


def test_the_master_compiles_every_page_template_and_touches_no_database():
    # No django_db mark: any database access here fails the test (pytest-django refuses it).
    compiled = warmup.warm()
    assert {"base.html", "issues/board.html", "issues/board_detail.html", "stations/map.html"} <= set(compiled)
    assert "admin/change_list.html" in compiled  # the coordinators' pages too


def test_the_master_loads_the_cache_client_without_connecting_to_the_cache():
    """A fresh worker's first page from the cache imported redis (40-60 ms) with requests queued behind it;
    the master imports it instead, and opens no connection a forked worker would share."""
    with socket.socket() as redis_stand_in:
        redis_stand_in.bind(("127.0.0.1", 0))
        redis_stand_in.listen()
        redis_stand_in.setblocking(False)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))},
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "beefeed.settings",
            "REDIS_URL": f"redis://127.0.0.1:{redis_stand_in.getsockname()[1]}/0",
        }
        code = (
            "import sys, django; django.setup(); from beefeed import warmup; warmup.warm(); "
            "print('redis' in sys.modules)"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "True"
        with pytest.raises(BlockingIOError):
            redis_stand_in.accept()
