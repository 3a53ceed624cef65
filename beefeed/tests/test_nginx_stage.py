"""The rules that only hold behind the proxy, tested behind a real one (issue 20, item 2): Debian's
nginx runs deploy/nginx/beefeed.conf — only its ports and paths replaced — with a self-signed
certificate made here, in front of gunicorn with production settings on loopback.

`make test` skips this when nginx is not installed (saying so); `.ci/run` installs it and sets
BEEFEED_REQUIRE_NGINX=1, so there a missing nginx fails instead.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from beefeed import photos
from beefeed.tests.conftest import free_port, wait_for
from beefeed.tests.images import jpeg_bytes
from conftest import make_org, make_staff, make_volunteer
from issues import workflow
from issues.models import Category

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PASSWORD = "test-pass-2026"

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def site_config(tmp, *, http, https, app, media):
    """deploy/nginx/beefeed.conf with this machine's ports and folders: nothing else changes."""
    text = (ROOT / "deploy" / "nginx" / "beefeed.conf").read_text()
    replacements = {
        "    listen [::]:80;\n": "",
        "    listen [::]:443 ssl http2;\n": "",
        "listen 80;": f"listen 127.0.0.1:{http};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
        "/etc/ssl/beefeed/fullchain.pem": str(tmp / "cert.pem"),
        "/etc/ssl/beefeed/privkey.pem": str(tmp / "key.pem"),
        "/var/cache/nginx/beefeed": str(tmp / "cache"),
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app};",
        "/srv/beefeed/app/deploy/nginx": str(ROOT / "deploy" / "nginx"),
        "/srv/beefeed/static/": f"{tmp / 'static'}/",
        "/srv/beefeed/media/": f"{media}/",
    }
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx/beefeed.conf no longer has {old!r}: update this test's replacements"
        text = text.replace(old, new)
    return text


@pytest.fixture
def stage(tmp_path, live_server_env):
    if connection.vendor != "postgresql":
        pytest.skip("the nginx stage runs on PostgreSQL (DATABASE_URL): gunicorn shares the test database")
    if not Path(NGINX).exists():
        if os.environ.get("BEEFEED_REQUIRE_NGINX"):
            pytest.fail("nginx is required here (BEEFEED_REQUIRE_NGINX) but is not installed")
        pytest.skip("Debian's nginx is not installed (apt-get install nginx); .ci/run installs it")
    http, https, app = free_port(), free_port(), free_port()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    env = live_server_env(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True
    )
    for folder in ("cache", "body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / folder).mkdir()
    (tmp_path / "site.conf").write_text(
        site_config(tmp_path, http=http, https=https, app=app, media=settings.MEDIA_ROOT)
    )
    (tmp_path / "nginx.conf").write_text(
        f"""user root;
daemon off;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {tmp_path}/nginx-access.log;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {tmp_path}/site.conf;
}}
"""
    )
    test = subprocess.run([NGINX, "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert test.returncode == 0, test.stderr
    gunicorn_log, nginx_log = tmp_path / "gunicorn.log", tmp_path / "nginx-error.log"
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{app}", "--workers", "2",
         "--access-logfile", "-", "beefeed.wsgi"],
        env=env, cwd=ROOT, stdout=open(gunicorn_log, "wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    nginx = subprocess.Popen([NGINX, "-c", str(tmp_path / "nginx.conf")], stderr=subprocess.STDOUT)
    try:
        wait_for(app, gunicorn, "gunicorn", gunicorn_log)
        wait_for(https, nginx, "nginx", nginx_log)
        CERTIFICATE["path"] = str(tmp_path / "cert.pem")
        yield {
            "http": f"http://127.0.0.1:{http}",
            "https": f"https://127.0.0.1:{https}",
            "app": f"http://127.0.0.1:{app}",
        }
    finally:
        nginx.terminate()
        gunicorn.terminate()
        nginx.wait(10)
        gunicorn.wait(20)


@pytest.fixture
def district(db, settings):
    """A courier's unpublished report and a published one, each with a photo. The courier's password
    is hashed as production hashes it (the tests' fast hasher is not one gunicorn knows)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    community = make_org("龙西社区", latitude=30.2745, longitude=118.1322)
    coordinator = make_staff("coord", make_org("区委组织部", "office"), "Coordinators")
    handler = make_staff("handler", community, "Handlers")
    courier = make_volunteer("13912345678", community)
    courier.user.set_password(PASSWORD)
    courier.user.save(update_fields=["password"])
    category = Category.objects.create(name="环境卫生", code="sanitation", short_label="环境", time_limit=48)

    def report(text):
        return workflow.submit_report(
            volunteer=courier, category=category, description=text, community=community,
            latitude=30.2745, longitude=118.1322, address="龙西小区",
            photos=[photos.process_bytes(jpeg_bytes())], notify=False,
        )  # fmt: skip

    waiting = report("广场花苑小区3栋的垃圾桶坏了")
    done = report("龙西小区12栋窨井盖破损")
    workflow.dispatch(done, by=coordinator, organization=community, notify=False)
    workflow.start(done, by=handler, notify=False)
    workflow.resolve(done, by=handler, note="已更换", photos=[photos.process_bytes(jpeg_bytes())], notify=False)
    workflow.publish(done, by=coordinator, notify=False)
    return {"waiting": waiting, "published": done, "courier": courier}


CERTIFICATE = {}


def client():
    """A visitor's browser that trusts the stage's self-signed certificate (and only that)."""
    import requests

    session = requests.Session()
    session.trust_env = False
    session.verify = CERTIFICATE["path"]
    return session


def sign_in(session, base, username, password):
    session.get(f"{base}/login/")
    return session.post(
        f"{base}/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/login/"},
        allow_redirects=False,
    )


def test_behind_nginx_the_proxy_rules_hold(stage, district):
    https = stage["https"]
    browser = client()

    # Plain HTTP is redirected to HTTPS.
    plain = browser.get(f"{stage['http']}/board/", allow_redirects=False)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")

    # HTML is gzipped for a client that accepts it.
    board = browser.get(f"{https}/board/", headers={"Accept-Encoding": "gzip"})
    assert board.status_code == 200 and board.headers.get("Content-Encoding") == "gzip"

    # A signed-out page comes from nginx's cache on the second request.
    first = client().get(f"{https}/board/")
    second = client().get(f"{https}/board/")
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.headers.get("X-Cache-Status") == "HIT", (first.headers, second.headers)

    # A client-supplied X-Forwarded-For does not change the address the sign-in limit counts.
    guesser = client()
    answers = []
    for n in range(settings.LOGIN_FAILURES_PER_ACCOUNT + 1):
        guesser.headers["X-Forwarded-For"] = f"203.0.113.{n + 1}"
        answers.append(sign_in(guesser, https, "13800009999", "wrong-password").status_code)
    assert answers[-1] == 429 and 429 not in answers[:-1], answers

    # An unpublished report's photo: refused to the public, served to its reporter through the
    # internal redirect (gunicorn answers with X-Accel-Redirect and no body; nginx sends the file).
    waiting_photo = district["waiting"].photos.get().image.url
    assert client().get(f"{https}{waiting_photo}").status_code == 404
    courier = client()
    assert sign_in(courier, https, "13912345678", PASSWORD).status_code == 302
    mine = courier.get(f"{https}{waiting_photo}")
    assert mine.status_code == 200 and mine.headers["Content-Type"] == "image/jpeg"
    assert mine.content[:2] == b"\xff\xd8" and mine.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Accel-Redirect" not in mine.headers
    direct = client().get(
        f"{stage['app']}{waiting_photo}",
        headers={"X-Forwarded-Proto": "https", "Cookie": f"sessionid={courier.cookies['sessionid']}"},
    )
    assert direct.headers.get("X-Accel-Redirect", "").startswith("/protected-media/") and direct.content == b""
    # Nobody reaches the private files by their storage path or the internal location.
    name = waiting_photo.split("/photos/", 1)[1]
    assert client().get(f"{https}/media/{name}").status_code == 404
    assert client().get(f"{https}/protected-media/{name}").status_code == 404
    # An upload whose row has not committed waits under staging/: nobody is served it, by any path.
    staged = Path(settings.MEDIA_ROOT) / "staging" / "host-1" / name
    staged.parent.mkdir(parents=True)
    staged.write_bytes(b"\xff\xd8 a photo on its way")
    for path in (f"/media/staging/host-1/{name}", f"/photos/staging/host-1/{name}"):
        assert courier.get(f"{https}{path}").status_code == 404, path

    # A published photo is public, with nosniff.
    published = district["published"].photos.first().image.url
    public = client().get(f"{https}{published}")
    assert public.status_code == 200 and public.headers["X-Content-Type-Options"] == "nosniff"

    # A 60 MB upload is refused by nginx with a page the courier understands.
    huge = courier.post(
        f"{https}/report/new/",
        data=b"x" * (60 * 1024 * 1024),
        headers={"Content-Type": "application/octet-stream", "Referer": f"{https}/report/new/"},
    )
    assert huge.status_code == 413
    huge.encoding = "utf-8"
    assert "照片太大" in huge.text
