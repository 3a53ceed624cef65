"""The courier's form: what a phone downloads on first load, and what opening the map adds.

    DEBUG=1 .venv/bin/python bench/form_weight.py

No server, no PostgreSQL: the demo district (`load_demo`) in a throw-away SQLite database, the form
rendered for the demo courier by Django's test client, and every script, style sheet and icon the
HTML names read from the static files, measured raw and gzipped (-6, as WhiteNoise and the proxy
send them). The map's files (Leaflet's script and style, report_pin.css, the marker's images) are
loaded only when "调整位置" is tapped: they are measured apart and must not be named up front.
Writes the section "The courier's form: first load and the map on demand" of bench/RESULTS.md.
"""

import contextlib
import gzip
import io
import os
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
FORM = "/report/new/"
TARGET_KB = 40
COURIER = "13800000001"  # the demo courier (beefeed load_demo)


class Assets(HTMLParser):
    """What the browser fetches before the page is usable: scripts, style sheets, icons, eager images."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        rel = set((attrs.get("rel") or "").split())
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "link" and attrs.get("href") and rel & {"stylesheet", "icon", "preload", "modulepreload"}:
            self.urls.append(attrs["href"])
        elif tag == "img" and attrs.get("src") and attrs.get("loading") != "lazy":
            self.urls.append(attrs["src"])


def static_bytes(url):
    from django.conf import settings
    from django.contrib.staticfiles import finders

    path = finders.find(url.removeprefix(settings.STATIC_URL).split("?")[0])
    if not path:
        raise SystemExit(f"{url} is named by the page but is not a static file")
    return Path(path).read_bytes()


def row(name, raw):
    return name, len(raw), len(gzip.compress(raw, 6))


def measure():
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from beefeed.models import User
    from issues import pin

    with contextlib.redirect_stdout(io.StringIO()):  # the demo's e-mails print to the console
        call_command("migrate", verbosity=0)
        call_command("load_demo", verbosity=0)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=COURIER))
    response = client.get(FORM)
    html = response.content
    if response.status_code != 200 or b"report-form" not in html:
        raise SystemExit(f"the courier's form did not load (HTTP {response.status_code})")
    parser = Assets()
    parser.feed(html.decode())
    first = [row("HTML", html)] + [row(url, static_bytes(url)) for url in parser.urls]
    up_front_map = [url for url in parser.urls if "leaflet" in url.lower() or "report_pin.css" in url]
    data = pin.context()
    on_demand = [row(data[key], static_bytes(data[key])) for key in ("leaflet_js", "leaflet_css", "pin_css")]
    on_demand += [
        row(f"/static/leaflet/images/{name}", static_bytes(f"/static/leaflet/images/{name}"))
        for name in ("marker-icon-2x.png", "marker-shadow.png")
    ]
    return first, up_front_map, on_demand


def table(rows, total_label):
    lines = ["| part | size | gzip -6 |", "|---|---|---|"]
    lines += [f"| `{name}` | {raw / 1024:.1f} KB | {wire / 1024:.1f} KB |" for name, raw, wire in rows]
    raw, wire = sum(r[1] for r in rows), sum(r[2] for r in rows)
    lines.append(f"| **{total_label}** | **{raw / 1024:.1f} KB** | **{wire / 1024:.1f} KB** |")
    return lines, raw, wire


def main():
    from _results import record

    with tempfile.TemporaryDirectory() as work:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beefeed.settings")
        os.environ["DATABASE_URL"] = f"sqlite:///{work}/form_weight.sqlite3"
        os.environ["MEDIA_ROOT"] = f"{work}/media"
        os.environ.setdefault("DEBUG", "1")
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        first, up_front_map, on_demand = measure()
    lines_first, raw, wire = table(first, "first load")
    lines_map, map_raw, map_wire = table(on_demand, "added when 调整位置 is tapped")
    # The budget is what crosses a courier's weak connection (gzip, as WhiteNoise and the proxy send
    # it), the same measure as bench/web.py's "The courier's form, first load"; uncompressed for reference.
    ok = wire <= TARGET_KB * 1024 and not up_front_map
    verdict = (
        f"First load {wire / 1024:.1f} KB transferred (gzip; target ≤ {TARGET_KB} KB), {raw / 1024:.1f} KB "
        f"uncompressed; map files named up front: {', '.join(up_front_map) or 'none'}. " + ("PASS" if ok else "FAIL")
    )
    note = (
        "The demo district (`load_demo`), the demo courier's form; static files read from disk "
        "(the hashed names production serves carry the same bytes). The map's files load only when opened."
    )
    record(
        "The courier's form: first load and the map on demand",
        "DEBUG=1 .venv/bin/python bench/form_weight.py",
        [note, "", *lines_first, "", verdict, "", *lines_map],
    )
    print(verdict)
    print(f"Map on demand: {map_raw / 1024:.1f} KB uncompressed, {map_wire / 1024:.1f} KB gzipped")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
