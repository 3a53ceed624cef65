"""The `media_url` fetch against real servers on loopback: one deadline holds, however slowly they answer."""

import functools
import http.server
import threading
import time

import pytest
from django.core.cache import cache

from beefeed.tests.images import jpeg_bytes
from conftest import files_under
from issues.models import Category, Report, ReportPhoto
from issues.open311 import media
from issues.open311.models import ApiClient, ClientReport

pytestmark = pytest.mark.django_db

DEADLINE = 2
MARGIN = 1.5  # thread start-up and a loaded machine; the old code took the whole drip (8 s or more)
DRIP_SECONDS = 8  # the dripping server gives up after this, so a fetch without a deadline still ends
PHOTO = jpeg_bytes(size=(64, 48))


def _head(length):
    return (f"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: {length}\r\n\r\n").encode()


class MediaHost(http.server.BaseHTTPRequestHandler):
    """Answers GET /prompt at once, /drip-headers and /drip-body one byte a second."""

    stopping = threading.Event()

    def do_GET(self):  # noqa: N802 (the standard library's name)
        if self.path == "/drip-headers":
            self._drip(_head(len(PHOTO)) + PHOTO)
        elif self.path == "/drip-body":
            self.wfile.write(_head(len(PHOTO)))
            self._drip(PHOTO)
        else:
            self.wfile.write(_head(len(PHOTO)) + PHOTO)
        self.close_connection = True

    def _drip(self, data):
        started = time.monotonic()
        for i in range(len(data)):
            if self.stopping.wait(1) or time.monotonic() - started > DRIP_SECONDS:
                return
            try:
                self.wfile.write(data[i : i + 1])
            except OSError:  # the fetch gave up and closed the connection
                return

    def log_message(self, *args):
        pass


@pytest.fixture
def media_host(settings, monkeypatch):
    """A real HTTP server on 127.0.0.1; media_url names the standard port, the fetch is pointed at this one."""
    cache.clear()
    settings.OPEN311_MEDIA_ALLOW_PRIVATE = True  # only this loopback server
    settings.OPEN311_MEDIA_TIMEOUT = DEADLINE
    MediaHost.stopping.clear()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), MediaHost)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(media, "fetch", functools.partial(media.fetch, _port=server.server_address[1]))
    yield server
    MediaHost.stopping.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def post_media(client, community_a):
    category = Category.objects.create(name="环境卫生", code="sanitation", short_label="环境", time_limit=48)
    key = ApiClient.issue("图片客户端", media_hosts="127.0.0.1")[1]

    def post(path):
        started = time.monotonic()
        response = client.post(
            "/open311/v2/requests.json",
            {
                "api_key": key,
                "service_code": category.code,
                "lat": "30.2745",
                "long": "118.1322",
                "description": "井盖破损",
                "media_url": f"http://127.0.0.1{path}",
            },
        )
        return response, time.monotonic() - started

    return post


def test_a_prompt_media_host_gives_the_report_its_photo(media_host, post_media):
    response, _elapsed = post_media("/prompt")
    assert response.status_code == 201
    assert ReportPhoto.objects.count() == 1


@pytest.mark.parametrize("path", ["/drip-headers", "/drip-body"])
def test_it_gives_up_on_a_dripping_server_within_the_deadline(media_host, post_media, media_root, path):
    response, elapsed = post_media(path)
    assert elapsed < DEADLINE + MARGIN
    assert response.status_code == 400
    assert response.json() == [
        {"code": 400, "description": f"media_url refused: the media server did not answer within {DEADLINE} seconds"}
    ]
    assert not Report.objects.exists() and not ClientReport.objects.exists()
    assert files_under(media_root) == []


def test_it_gives_up_on_a_server_that_never_finishes_the_tls_handshake(settings):
    import socket

    settings.OPEN311_MEDIA_ALLOW_PRIVATE = True
    settings.OPEN311_MEDIA_TIMEOUT = DEADLINE
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts (the kernel does) and never says a word
        started = time.monotonic()
        with pytest.raises(media.MediaRefused, match=f"did not answer within {DEADLINE} seconds"):
            media.fetch("https://127.0.0.1/seal.png", allowed_hosts={"127.0.0.1"}, _port=silent.getsockname()[1])
    assert time.monotonic() - started < DEADLINE + MARGIN
