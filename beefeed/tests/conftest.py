"""What the tests that start gunicorn share: a free port, waiting for it, and its environment."""

import os
import socket
import time
from pathlib import Path

import pytest
from django.db import connection


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, process, what, log):
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited:\n{Path(log).read_text()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{what} did not listen on {port}")


@pytest.fixture
def live_server_env(settings):
    """Production settings for gunicorn, on the tests' own database, cache and media folder."""
    db = connection.settings_dict

    def make(tmp):
        env = dict(os.environ)
        env.update(
            DEBUG="0",
            SECRET_KEY="nginx-stage-only-secret-key-0123456789-abcdefghijklmnop",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL="postgres://{}@{}:{}/{}".format(
                db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432, db["NAME"]
            ),
            STATIC_ROOT=str(tmp / "static"),
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            SERVE_MEDIA="0",
            MEDIA_ACCEL_REDIRECT="/protected-media/",
            TRUSTED_PROXIES="127.0.0.1",
            # nginx may answer alone for a minute (production: a second), so the second request is a
            # hit however busy the machine is.
            PAGE_CACHE_PROXY_SECONDS="60",
            LOG_LEVEL="WARNING",
        )
        return env

    return make
