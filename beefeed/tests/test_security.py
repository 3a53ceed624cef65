"""Security headers on real responses, the production settings, limits, and how media is served."""

import json
import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.urls import reverse

from beefeed.tests.images import jpeg_bytes

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-key-for-the-header-test-0123456789",
    "ALLOWED_HOSTS": "beefeed.example.org,testserver",
    "DJANGO_SETTINGS_MODULE": "beefeed.settings",
}


def run_with_production_settings(code, static_root=None):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "ALLOWED_HOSTS", "REDIS_URL")}
    env.update(PRODUCTION)
    if static_root:
        env["STATIC_ROOT"] = str(static_root)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """Production serves hashed static files: collect them once, as a deployment would."""
    root = tmp_path_factory.mktemp("static")
    run_with_production_settings(
        "import django, json; django.setup(); from django.core.management import call_command;"
        "call_command('collectstatic', interactive=False, verbosity=0); print(json.dumps(1))",
        static_root=root,
    )
    return root


def test_production_responses_carry_the_security_headers(collected):
    headers = run_with_production_settings(
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/login/', secure=True, headers={'host': 'beefeed.example.org'});"
        "cookie = r.cookies.get('csrftoken');"
        "print(json.dumps({**dict(r.headers), 'status': r.status_code,"
        " 'cookie_secure': bool(cookie and cookie['secure'])}))",
        static_root=collected,
    )
    assert headers["status"] == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["cookie_secure"]
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";") if part.strip())
    assert policy["script-src"] == "'self'"
    assert policy["img-src"].split() == ["'self'", "data:", "blob:", "https://tile.openstreetmap.org"]
    assert policy["frame-ancestors"] == "'none'"


def test_production_redirects_plain_http_to_https(collected):
    answer = run_with_production_settings(
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/login/', headers={'host': 'beefeed.example.org'});"
        "print(json.dumps({'status': r.status_code, 'location': r.get('Location', '')}))",
        static_root=collected,
    )
    assert answer["status"] == 301 and answer["location"].startswith("https://beefeed.example.org/")


@pytest.mark.django_db
def test_photos_are_served_as_jpeg_with_nosniff(client, settings, tmp_path):
    settings.SERVE_MEDIA = True
    (settings.MEDIA_ROOT / "stations").mkdir(parents=True, exist_ok=True)
    (settings.MEDIA_ROOT / "stations" / "0a1b2c.jpg").write_bytes(jpeg_bytes())
    response = client.get(settings.MEDIA_URL + "stations/0a1b2c.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"


def redis_reachable():
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379 (.ci/run starts one)")
def test_with_redis_url_the_limits_are_shared_by_every_worker():
    counts = run_with_production_settings(
        "import os; os.environ['REDIS_URL']='redis://127.0.0.1:6379/2'; import django, json; django.setup();"
        "from django.core.cache import cache; from beefeed import ratelimit;"
        "cache.clear(); [ratelimit.hit('probe', 'x', window=60) for _ in range(3)];"
        "from django.core.cache import caches; from django.core.cache.backends.redis import RedisCache;"
        "redis = isinstance(caches['default'], RedisCache);"
        "print(json.dumps({'redis': redis, 'count': ratelimit.count('probe', 'x')}))"
    )
    assert counts == {"redis": True, "count": 3}
    # A second process (another gunicorn worker) sees the same count.
    again = run_with_production_settings(
        "import os; os.environ['REDIS_URL']='redis://127.0.0.1:6379/2'; import django, json; django.setup();"
        "from beefeed import ratelimit; print(json.dumps(ratelimit.count('probe', 'x')))"
    )
    assert again == 3


@pytest.mark.django_db
def test_report_submissions_are_limited_per_volunteer(client, volunteer, settings, community_a):
    from issues.models import Category, Report

    cache.clear()
    settings.REPORTS_PER_VOLUNTEER_PER_HOUR = 2
    category = Category.objects.create(name="环境卫生", code="sanitation", short_label="环境", time_limit=48)
    client.force_login(volunteer.user)

    def send(n):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(
            reverse("issues:report_new"),
            {
                "category": category.pk,
                "description": f"第{n}个问题",
                "community": community_a.pk,
                "latitude": "30.27",
                "longitude": "118.13",
                "photos": [SimpleUploadedFile("a.jpg", jpeg_bytes(), "image/jpeg")],
            },
        )

    assert [send(n).status_code for n in range(3)] == [302, 302, 429]
    assert Report.objects.count() == 2
    assert "一小时" in send(4).content.decode()
    cache.clear()
