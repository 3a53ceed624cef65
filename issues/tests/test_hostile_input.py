"""Careless and hostile input at the courier's form: a clear message, nothing stored, the text kept.

The corpus is made here by the tests themselves; nothing is copied from elsewhere.
"""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from beefeed.tests.images import jpeg_bytes
from conftest import files_under
from issues.models import Report, ReportPhoto

pytestmark = pytest.mark.django_db
TYPED = "广场花苑3栋门口的垃圾桶坏了"


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def decompression_bomb():
    """A tiny PNG that claims to be 60,000 × 60,000 pixels."""
    header = struct.pack(">IIBBBBB", 60_000, 60_000, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", body) + png_chunk(b"IEND", b"")


def image_bytes(mode, fmt, size=(640, 480), **save):
    image = Image.new(mode, size, 200 if mode in ("L", "I;16") else (200, 80, 40, 128)[: len(mode)])
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def animated(fmt):
    frames = [Image.new("RGB", (320, 240), color) for color in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def huge_exif():
    exif = Image.Exif()
    exif[0x9286] = "x" * 60_000  # UserComment
    exif[0x010F] = "PhoneMaker"
    return jpeg_bytes(exif=exif)


def polyglot():
    archive = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("payload.txt", "not for you")
    return jpeg_bytes() + archive.getvalue()


REFUSED = {
    "zero bytes": ("empty.jpg", b""),
    "truncated jpeg": ("half.jpg", jpeg_bytes()[:400]),
    "decompression bomb": ("bomb.png", decompression_bomb()),
    "fifty megabytes": ("huge.jpg", b"\xff\xd8\xff\xe0" + b"\0" * (50 * 1024 * 1024)),
    "svg with a script": ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    "html named jpg": ("photo.jpg", b"<html><body><script>alert(1)</script></body></html>"),
    "pdf": ("scan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"),
    "text named png": ("note.png", "这不是图片".encode()),
    "gif header only": ("x.gif", b"GIF89a"),
    "jpeg with garbage": ("garbage.jpg", b"\xff\xd8" + bytes(range(256)) * 40),
}

ACCEPTED = {
    "jpeg zip polyglot": ("poly.jpg", polyglot()),
    "cmyk jpeg": ("cmyk.jpg", image_bytes("CMYK", "JPEG")),
    "16-bit png": ("deep.png", image_bytes("I;16", "PNG")),
    "png with alpha": ("alpha.png", image_bytes("RGBA", "PNG")),
    "animated gif": ("moving.gif", animated("GIF")),
    "animated webp": ("moving.webp", animated("WEBP")),
    "huge exif block": ("exif.jpg", huge_exif()),
    "png named jpg": ("really-a-png.jpg", image_bytes("RGB", "PNG")),
    "unicode emoji rtl name": ("垃圾桶🗑️\u202egpj.exe.jpg", jpeg_bytes()),
    "dot dot slash name": ("../../etc/passwd.jpg", jpeg_bytes()),
}


@pytest.fixture
def form(courier, category, community_a):
    def send(photo=None, **fields):
        data = {
            "category": category.pk,
            "description": TYPED,
            "community": community_a.pk,
            "latitude": "30.2745",
            "longitude": "118.1322",
            "address": "广场花苑3栋",
        }
        data.update(fields)
        if photo is not None:
            name, content = photo
            data["photos"] = [SimpleUploadedFile(name, content, "image/jpeg")]
        return courier.post(reverse("issues:report_new"), data)

    return send


def nothing_stored(media_root):
    return not Report.objects.exists() and not ReportPhoto.objects.exists() and files_under(media_root) == []


@pytest.mark.parametrize("case", REFUSED)
def test_a_refused_file_is_explained_and_leaves_nothing_behind(form, media_root, case):
    response = form(REFUSED[case])
    body = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in body  # the courier is told, in the page, what went wrong
    assert TYPED in body  # and keeps what was typed
    assert nothing_stored(media_root)


@pytest.mark.parametrize("case", ACCEPTED)
def test_an_odd_but_real_photo_is_kept_only_as_a_clean_jpeg(form, media_root, case):
    response = form(ACCEPTED[case])
    assert response.status_code == 302
    photo = ReportPhoto.objects.get()
    with open(photo.image.path, "rb") as stored:
        content = stored.read()
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "JPEG" and not image.getexif()
    assert b"PK\x03\x04" not in content and b"PhoneMaker" not in content
    assert ".." not in photo.image.name and "passwd" not in photo.image.name and "exe" not in photo.image.name


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"description": "长" * 10_000}, "4000"),
        ({"description": "   "}, ""),
        ({"address": "路" * 1000, "latitude": "", "longitude": ""}, "200"),
        ({"category": "'; DROP TABLE issues_report; --"}, ""),
        ({"community": "9" * 40}, ""),
        ({"station": "abc"}, ""),
        ({"latitude": "nan", "longitude": "nan", "address": ""}, ""),
    ],
)
def test_odd_text_fields_are_explained_and_kept(form, media_root, fields, message):
    response = form(("ok.jpg", jpeg_bytes()), **fields)
    body = response.content.decode()
    assert response.status_code == 400 and 'role="alert"' in body
    assert message in body
    assert nothing_stored(media_root)


def test_nul_bytes_are_refused_with_a_message(form, media_root):
    response = form(("ok.jpg", jpeg_bytes()), description=TYPED + "\x00")
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert TYPED in response.content.decode() and nothing_stored(media_root)


def test_emoji_and_markup_are_stored_harmlessly_and_shown_escaped(form, client, coordinator):
    text = '<script>alert("x")</script> "><img src=x onerror=alert(1)> 垃圾桶坏了 🗑️'
    response = form(("ok.jpg", jpeg_bytes()), description=text, address="广场花苑3栋 🏠")
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.description == text and report.address == "广场花苑3栋 🏠"
    client.force_login(coordinator)
    admin_page = client.get(reverse("admin:issues_report_change", args=[report.pk])).content.decode()
    assert "<script>alert" not in admin_page and "&lt;script&gt;" in admin_page
    assert "<img src=x" not in admin_page


@pytest.mark.parametrize("case", REFUSED)
def test_the_handlers_after_photo_is_checked_the_same_way(client, make_report, coordinator, handler_a, case):
    from issues.models import State

    report = make_report("in_progress", by_coordinator=coordinator, handler=handler_a)
    photos_before = ReportPhoto.objects.count()
    client.force_login(handler_a)
    name, content = REFUSED[case]
    url = reverse("admin:issues_report_act", args=[report.pk, "resolve"])
    response = client.post(url, {"note": "已更换新桶", "photo": SimpleUploadedFile(name, content, "image/jpeg")})
    assert response.status_code == 400 and "已更换新桶" in response.content.decode()
    report.refresh_from_db()
    assert report.state == State.IN_PROGRESS and ReportPhoto.objects.count() == photos_before


text = __import__("hypothesis").strategies.text


def test_no_report_form_input_makes_a_500(courier, category, community_a, media_root):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    fields = st.fixed_dictionaries(
        {
            "category": st.one_of(st.just(str(category.pk)), text(max_size=12)),
            "description": text(max_size=300),
            "community": st.one_of(st.just(str(community_a.pk)), text(max_size=12)),
            "latitude": st.one_of(text(max_size=12), st.floats().map(str)),
            "longitude": st.one_of(text(max_size=12), st.floats().map(str)),
            "address": text(max_size=250),
            "station": text(max_size=8),
        }
    )

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(fields)
    def post(data):
        response = courier.post(reverse("issues:report_new"), data)
        assert response.status_code in (302, 400)

    post()


def test_no_open311_post_makes_a_500(client, category, community_a):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from issues.open311.models import ApiClient

    key = ApiClient.issue("模糊测试", posts_per_hour=10_000)[1]
    fields = st.fixed_dictionaries(
        {
            "api_key": st.one_of(st.just(key), text(max_size=40)),
            "service_code": st.one_of(st.just(category.code), text(max_size=20)),
            "lat": st.one_of(text(max_size=12), st.floats().map(str)),
            "long": st.one_of(text(max_size=12), st.floats().map(str)),
            "address_string": text(max_size=120),
            "description": text(max_size=300),
            "email": text(max_size=40),
            "phone": text(max_size=20),
            "media_url": st.one_of(st.just(""), text(max_size=60)),
        }
    )

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(fields)
    def post(data):
        response = client.post("/open311/v2/requests.json", data)
        assert response.status_code in (201, 400, 403)

    post()


@pytest.fixture
def media_server():
    """A real HTTP server on loopback serving the corpus, as a client's media host would."""
    import http.server
    import threading

    files = {f"/{key.replace(' ', '-')}": content for key, (_name, content) in {**REFUSED, **ACCEPTED}.items()}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            content = files.get(self.path)
            self.send_response(200 if content is not None else 404)
            self.send_header("Content-Type", "image/jpeg")
            self.end_headers()
            self.wfile.write(content or b"")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


# The API answers inside its own transaction (the report and the client's link to it commit together),
# and a photo moves to its name when that commits (beefeed.staging): a real commit, not a test's savepoint.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", [*REFUSED, *ACCEPTED])
def test_the_corpus_through_open311_media_url(client, category, community_a, media_root, media_server, settings, case):
    from issues.open311 import media
    from issues.open311.models import ApiClient

    settings.OPEN311_MEDIA_ALLOW_PRIVATE = True  # only the loopback test server; the port rule still applies
    port = media_server.server_address[1]
    key = ApiClient.issue("图片客户端", media_hosts="127.0.0.1")[1]
    original_fetch = media.fetch

    def fetch_from_test_port(url, *, allowed_hosts):
        # The server listens on a free port; media_url must use the standard one, so map it here.
        return original_fetch(url, allowed_hosts=allowed_hosts, _port=port)

    media.fetch = fetch_from_test_port
    try:
        response = client.post(
            "/open311/v2/requests.json",
            {
                "api_key": key,
                "service_code": category.code,
                "lat": "30.2745",
                "long": "118.1322",
                "description": TYPED,
                "media_url": f"http://127.0.0.1/{case.replace(' ', '-')}",
            },
        )
    finally:
        media.fetch = original_fetch
    if case in REFUSED:
        assert response.status_code == 400 and response.json()[0]["description"].startswith("media_url refused")
        assert nothing_stored(media_root)
    else:
        assert response.status_code == 201
        with Image.open(ReportPhoto.objects.get().image.path) as image:
            assert image.format == "JPEG" and not image.getexif()
