"""Start BeeFeed the way production runs it, for the benchmark and load scripts.

gunicorn with DEBUG off, PostgreSQL with persistent connections (CONN_MAX_AGE from the product's
settings), Redis as the shared cache, static files collected and served by WhiteNoise, behind an
imagined TLS proxy: clients send `X-Forwarded-Proto: https` as the proxy would. Two deviations,
both because the bench client speaks plain HTTP to 127.0.0.1: the cookies are not marked Secure,
and each instance serves MEDIA_ROOT itself (a proxy would).
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = Path(os.environ.get("BENCH_WORK", "/tmp/beefeed-bench"))
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/beefeed_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


def production_env(**extra):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=f"{ROOT}:{BENCH}",
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        STATIC_ROOT=str(WORK / "static"),
        MEDIA_ROOT=str(WORK / "media"),
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SERVE_MEDIA="1",
        LOG_LEVEL="WARNING",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(*args, env=None):
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env or production_env(), check=True, cwd=ROOT)


def collectstatic():
    WORK.mkdir(parents=True, exist_ok=True)
    manage("collectstatic", "--no-input", "-v", "0")


def get(url, headers=None, timeout=5):
    request = urllib.request.Request(url, headers={**PROXY_HEADERS, **(headers or {})})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (loopback only)
        return response.status, response.read()


class Gunicorn:
    """One gunicorn instance on 127.0.0.1:port; a context manager that waits until it answers."""

    def __init__(self, port, workers=4, env=None, log=None):
        self.port = port
        self.workers = workers
        self.env = env or production_env()
        self.log = log or (WORK / f"gunicorn-{port}.log")
        self.process = None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        WORK.mkdir(parents=True, exist_ok=True)
        command = [
            GUNICORN,
            "--chdir",
            str(ROOT),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            "beefeed.wsgi:application",
        ]
        self.process = subprocess.Popen(  # noqa: S603
            command, env=self.env, stdout=open(self.log, "ab"), stderr=subprocess.STDOUT, cwd=ROOT
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn on port {self.port} exited; see {self.log}")
            try:
                if get(self.base + "/_bench/reference/", timeout=2)[0] == 200:
                    return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"gunicorn on port {self.port} did not answer within 30 s; see {self.log}")

    def worker_pids(self):
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def django_setup():
    """The bench database in this process (for creating bench users and counting rows)."""
    os.environ.setdefault("DATABASE_URL", DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beefeed.settings")
    os.environ.setdefault("DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    if settings.DATABASES["default"]["NAME"] == "beefeed":
        raise SystemExit("refusing to use the database named beefeed (CI uses it); use beefeed_bench")


def bench_people():
    """A coordinator and an approved volunteer for the bench, created once. Returns their log-ins."""
    from django.contrib.auth.models import Group

    from beefeed.models import Organization, User
    from beefeed.roles import COORDINATORS
    from volunteers.models import Volunteer

    office, _ = Organization.objects.get_or_create(name="基准区委", defaults={"kind": Organization.Kind.OFFICE})
    coordinator, made = User.objects.get_or_create(
        username="bench-coordinator", defaults={"is_staff": True, "organization": office}
    )
    if made:
        coordinator.set_password("bench-2026")
        coordinator.save()
        coordinator.groups.add(Group.objects.get(name=COORDINATORS))
    courier = Volunteer.objects.filter(status=Volunteer.Status.APPROVED).order_by("pk").first()
    courier.user.set_password("bench-2026")
    courier.user.save()
    return {"coordinator": ("bench-coordinator", "bench-2026"), "courier": (courier.user.phone, "bench-2026")}
