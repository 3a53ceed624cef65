"""Load and faults: couriers submitting photos while readers browse, on gunicorn + PostgreSQL.

    .venv/bin/python bench/load.py                       # every scenario (about 6 minutes)
    .venv/bin/python bench/load.py --scenario pg-restart --seconds 30

Against 127.0.0.1 only; every loop is bounded in count and in time. 32 couriers (bench
volunteers, each signed in) send a report with a 1600×1200 JPEG — the size the form's script
shrinks a phone photo to — as fast as they are answered, while 32 readers load the board, a
report and the home page. After each scenario:

- no 5xx except clean 503 pages during a database outage (no stack trace, Retry-After);
- every acknowledged report (a 302 to its "done" page) is in the database, and the reports in
  the database for the run number the acknowledged ones (plus, under a fault, those whose
  answer was lost after the commit: counted and shown, never silently);
- every report of the run has its photo row, and `beefeed.mediafiles.scan()` finds no file
  without a row, no row without its file, and nothing left under staging/ (beefeed.staging: a
  killed worker's uploads are settled by the worker that replaces it).

Scenarios: steady; pg-restart (`pg_ctlcluster … restart` after a third of the run: the time
from PostgreSQL answering again to the first page served is the recovery time, target ≤ 5 s);
kill-worker (SIGKILL of a gunicorn worker every few seconds, mid-upload); task-worker (the
`db_worker` that sends notifications is stopped for --pause seconds and started again: every
report's "new report" message reaches the webhook exactly once); two-instances (two gunicorn
on two ports sharing PostgreSQL, Redis and the media directory: a session, a CSRF token and the
sign-in rate limit work across both, and a photo uploaded to one is served by the other).
`--media s3` keeps the photos in a bucket of a loopback S3 server instead of the media directory
(MEDIA_STORAGE=s3), as hosts that share no disk would.
"""

import argparse
import collections
import http.server
import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import server  # noqa: E402
from _results import record  # noqa: E402

COURIERS = 32
READERS = 32
MAX_REQUESTS_PER_CLIENT = 5_000
PORTS = (8111, 8112)
HOOK_PORT = 8119
DONE = re.compile(r"/report/(\d+)/done/$")


def make_photo():
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 1200), (90, 120, 80))
    draw = ImageDraw.Draw(image)
    for n in range(0, 1600, 40):
        draw.line((n, 0, 1600 - n, 1200), fill=(200, 180 - n // 20, 60), width=3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.acked = []
        self.statuses = collections.Counter()
        self.unclean = []  # 5xx bodies that are not the clean 503 page
        self.connection_errors = 0
        self.errors = collections.Counter()
        self.served = []  # monotonic times of 2xx/3xx answers

    def answer(self, kind, response):
        with self.lock:
            self.statuses[(kind, response.status_code)] += 1
            if response.status_code < 400:
                self.served.append(time.monotonic())
            elif response.status_code >= 500:
                body = response.text
                clean = response.status_code == 503 and "马上回来" in body and "Retry-After" in response.headers
                if not clean or "Traceback" in body:
                    self.unclean.append((kind, response.status_code, body[:200]))

    def failed(self, error=None):
        with self.lock:
            self.connection_errors += 1
            self.errors[type(error).__name__ if error else "could not sign in"] += 1


def signed_in_session(base, phone, password, stop_at):
    import requests

    session = requests.Session()
    session.headers.update(server.PROXY_HEADERS)
    for _ in range(100):
        if time.monotonic() > stop_at:
            return None
        try:
            # Before the clock starts, so patient: on a busy machine 32 password hashes queue up for many
            # seconds, and a client that gives up and asks again only adds another hash to the queue.
            page = session.get(base + "/login/", timeout=60)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            answer = session.post(
                base + "/login/",
                data={"username": phone, "password": password, "csrfmiddlewaretoken": token},
                headers={"Origin": "https://" + base.split("//", 1)[1]},
                allow_redirects=False,
                timeout=60,
            )
            if answer.status_code == 302 and "sessionid" in session.cookies:
                return session
        except (requests.RequestException, AttributeError):
            time.sleep(0.5)
    return None


def courier(n, session, bases, people, stop_at, tally, photo):
    import requests

    phone, password, category, community = people[n]
    for i in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() > stop_at:
            return
        base = bases[(n + i) % len(bases)]
        origin = "https://" + base.split("//", 1)[1]
        try:
            form = session.get(base + "/report/new/", timeout=30)
            tally.answer("form", form)
            found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
            if not found:
                time.sleep(0.5)
                continue
            answer = session.post(
                base + "/report/new/",
                data={
                    "csrfmiddlewaretoken": found.group(1),
                    "category": category,
                    "community": community,
                    "description": f"压测上报 {n}-{i}：井盖松动",
                    "address": f"基准路{n}号",
                    "latitude": f"{30.25 + n / 1000:.6f}",
                    "longitude": f"{118.12 + i / 100000:.6f}",
                },
                files={"photos": (f"IMG_{n}_{i}.jpg", photo, "image/jpeg")},
                headers={"Origin": origin, "Referer": base + "/report/new/"},
                allow_redirects=False,
                timeout=60,
            )
            tally.answer("submit", answer)
            done = DONE.search(answer.headers.get("Location", ""))
            if answer.status_code == 302 and done:
                with tally.lock:
                    tally.acked.append(int(done.group(1)))
            elif answer.status_code >= 500:
                time.sleep(0.5)  # as the 503 page asks: try again in a moment
        except requests.RequestException as error:
            tally.failed(error)
            time.sleep(0.5)


def reader(n, bases, published, stop_at, tally):
    import requests

    session = requests.Session()
    session.headers.update(server.PROXY_HEADERS)
    rng = random.Random(n)
    for i in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() > stop_at:
            return
        base = bases[(n + i) % len(bases)]
        path = rng.choice(["/board/", f"/board/?page={rng.randint(1, 50)}", f"/board/{rng.choice(published)}/", "/"])
        try:
            tally.answer("read", session.get(base + path, timeout=30))
        except requests.RequestException as error:
            tally.failed(error)
            time.sleep(0.5)


def sign_in_couriers(bases, people, within=300):
    """Every courier signed in before the clock starts (a password hash costs real CPU)."""
    sessions = [None] * COURIERS
    deadline = time.monotonic() + within

    def one(n):
        sessions[n] = signed_in_session(bases[n % len(bases)], people[n][0], people[n][1], deadline)

    threads = [threading.Thread(target=one, args=(n,), daemon=True) for n in range(COURIERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=within + 5)
    missing = [people[n][0] for n, s in enumerate(sessions) if s is None]
    if missing:
        raise SystemExit(f"{len(missing)} couriers could not sign in; see {server.WORK}/gunicorn-*.log")
    return sessions


def run_load(bases, seconds, people, published, photo, during=None):
    tally = Tally()
    sessions = sign_in_couriers(bases, people)
    started = time.monotonic()
    stop_at = started + seconds
    threads = [
        threading.Thread(target=courier, args=(n, sessions[n], bases, people, stop_at, tally, photo), daemon=True)
        for n in range(COURIERS)
    ] + [
        threading.Thread(target=reader, args=(n, bases, published, stop_at, tally), daemon=True) for n in range(READERS)
    ]
    for thread in threads:
        thread.start()
    extra = during(tally, started, stop_at) if during else {}
    for thread in threads:
        thread.join(timeout=max(1, stop_at - time.monotonic()) + 90)
    return tally, extra


# --- Checks -------------------------------------------------------------------------------


def check_database(tally, since, couriers):
    """Acknowledged reports against the database, photo rows and files on disk."""
    from django.db import connection
    from django.db.models import Count

    from beefeed import mediafiles
    from issues.models import Report

    connection.close()  # PostgreSQL may have restarted under this process's connection
    run = Report.objects.filter(reporter__user__phone__in=couriers, created_at__gte=since)
    in_db = set(run.values_list("pk", flat=True))
    acked = set(tally.acked)
    lost = acked - in_db
    unanswered = in_db - acked
    half_saved = run.annotate(n=Count("photos")).exclude(n=1).count()
    scan = mediafiles.scan()
    missing = [m for m in scan.missing if not m[2].startswith("bench/")]
    return {
        "acked": len(acked),
        "in_db": len(in_db),
        "lost": len(lost),
        "unanswered": len(unanswered),
        "half_saved": half_saved,
        "orphans": len(scan.orphans),
        # Under staging/ after the run: what a killed worker left and its replacement did not settle.
        "staged": len(scan.staged),
        "staged_names": scan.staged[:5],
        "missing": len(missing),
        "orphan_names": scan.orphans[:5],
    }


def verdict(tally, db, allow_unanswered=False, allow_503=False):
    problems = []
    five_xx = {k: v for k, v in tally.statuses.items() if k[1] >= 500}
    if tally.unclean:
        problems.append(f"{len(tally.unclean)} 5xx answers that are not the clean 503 page")
    if five_xx and not allow_503:
        problems.append(f"5xx answers: {dict(five_xx)}")
    if db["lost"]:
        problems.append(f"{db['lost']} acknowledged reports missing from the database")
    if db["unanswered"] and not allow_unanswered:
        problems.append(f"{db['unanswered']} reports in the database that were never acknowledged")
    if db["half_saved"]:
        problems.append(f"{db['half_saved']} reports without their photo row")
    if db["orphans"] or db["missing"]:
        problems.append(f"media: {db['orphans']} orphan files {db['orphan_names']}, {db['missing']} missing files")
    if db["staged"]:
        problems.append(f"media: {db['staged']} uploads left under staging/ {db['staged_names']}")
    return problems


def summary_row(name, seconds, tally, db, extra, problems):
    submits = sum(v for (kind, status), v in tally.statuses.items() if kind == "submit")
    reads = sum(v for (kind, status), v in tally.statuses.items() if kind == "read")
    five = sum(v for (kind, status), v in tally.statuses.items() if status >= 500)
    clean_503 = sum(v for (kind, status), v in tally.statuses.items() if status == 503) - len(
        [u for u in tally.unclean if u[1] == 503]
    )
    notes = "; ".join(f"{k}: {v}" for k, v in extra.items())
    outcome = "FAIL: " + "; ".join(problems) if problems else "PASS"
    return (
        f"| {name} | {seconds} s | {submits} | {db['acked']} | {db['in_db']} | {db['lost']} | {db['unanswered']} | "
        f"{reads} | {five} ({clean_503} clean 503) | {tally.connection_errors} | {db['half_saved']} | "
        f"{db['orphans']} / {db['missing']} / {db['staged']} | {notes or '—'} | {outcome} |"
    )


# --- Faults -------------------------------------------------------------------------------


def pg_cluster():
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    return version


def pg_ready():
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode == 0


def restart_postgres():
    def during(tally, started, stop_at):
        time.sleep((stop_at - started) / 3)
        restart_at = time.monotonic()
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", pg_cluster(), "main", "restart", "-m", "fast"], check=True
        )
        while not pg_ready() and time.monotonic() < restart_at + 60:
            time.sleep(0.05)
        back_at = time.monotonic()
        first = None
        while time.monotonic() < back_at + 30:
            with tally.lock:
                later = [t for t in tally.served if t > back_at]
            if later:
                first = min(later)
                break
            time.sleep(0.05)
        outage = back_at - restart_at
        recovery = (first - back_at) if first else float("inf")
        return {"PostgreSQL down for": f"{outage:.1f} s", "recovered in": f"{recovery:.2f} s (target ≤ 5 s)"}

    return during


SETTLED = re.compile(r"settled the uploads of ended workers: (\d+) moved into place, (\d+) removed")


def kill_workers(instance, every=4.0):
    def during(tally, started, stop_at):
        killed = 0
        log_from = instance.log.stat().st_size if instance.log.exists() else 0
        while time.monotonic() + every < stop_at:
            time.sleep(every)
            pids = instance.worker_pids()
            if pids:
                os.kill(random.choice(pids), signal.SIGKILL)
                killed += 1
        time.sleep(2)  # the last replacement starts
        with open(instance.log, "rb") as log:
            log.seek(log_from)
            settled = SETTLED.findall(log.read().decode(errors="replace"))
        moved, removed = sum(int(m) for m, _ in settled), sum(int(r) for _, r in settled)
        return {
            "workers killed": killed,
            # What the killed workers had staged, settled by their replacements (beefeed.staging).
            "uploads settled by the replacements": f"{moved} moved into place, {removed} removed",
        }

    return during


class Hook(http.server.BaseHTTPRequestHandler):
    """The WeChat Work robot, as far as BeeFeed can tell: counts each message it receives."""

    lock = threading.Lock()
    messages = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        text = json.loads(body)["text"]["content"]
        with Hook.lock:
            Hook.messages.append(text)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errcode":0,"errmsg":"ok"}')

    def log_message(self, *args):
        pass


def start_db_worker(env):
    return subprocess.Popen(  # noqa: S603
        [server.PYTHON, str(server.ROOT / "manage.py"), "db_worker", "--interval", "0.5"],
        env=env,
        cwd=server.ROOT,
        stdout=open(server.WORK / "db_worker.log", "ab"),
        stderr=subprocess.STDOUT,
    )


# --- Two instances ------------------------------------------------------------------------


def across_instances(a, b, people, photo):
    """A session, a CSRF token, the sign-in limit and an upload, each used across the two instances."""
    import requests
    from django.conf import settings

    results = {}
    phone, password, category, community = people[0]
    session = signed_in_session(a, phone, password, time.monotonic() + 30)
    me = session.get(b + "/me/", allow_redirects=False, timeout=10)
    results["signed in on A, /me/ on B"] = me.status_code == 200
    form = session.get(a + "/report/new/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    answer = session.post(
        b + "/report/new/",
        data={
            "csrfmiddlewaretoken": token,
            "category": category,
            "community": community,
            "description": "两个实例之间的上报",
            "address": "基准路1号",
        },
        files={"photos": ("cross.jpg", photo, "image/jpeg")},
        headers={"Origin": "https://" + b.split("//", 1)[1]},
        allow_redirects=False,
        timeout=30,
    )
    done = DONE.search(answer.headers.get("Location", ""))
    results["form from A, sent to B"] = answer.status_code == 302 and bool(done)
    results["_acked"] = [int(done.group(1))] if done else []
    if done:
        from django.db import connection

        from issues.models import ReportPhoto

        connection.close()
        stored = ReportPhoto.objects.filter(report_id=int(done.group(1))).first()
        # The report is not published: its photo is the reporter's to see (an anonymous request gets 404).
        served = session.get(a + stored.image.url, timeout=10)
        results["photo sent to B, served by A"] = served.status_code == 200 and served.content[:2] == b"\xff\xd8"
    limit = settings.LOGIN_FAILURES_PER_ACCOUNT
    codes = []
    stranger = requests.Session()
    stranger.headers.update(server.PROXY_HEADERS)
    for n in range(limit + 1):
        base = (a, b)[n % 2]
        page = stranger.get(base + "/login/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        codes.append(
            stranger.post(
                base + "/login/",
                data={"username": people[-1][0], "password": "wrong-password", "csrfmiddlewaretoken": token},
                headers={"Origin": "https://" + base.split("//", 1)[1]},
                timeout=10,
            ).status_code
        )
    results[f"sign-in limit ({limit}) counted across A and B"] = codes[:limit] == [200] * limit and codes[-1] == 429
    return results


# --- Photos in a bucket (--media s3) -------------------------------------------------------------


def s3_media():
    """A fresh private bucket of a loopback S3 server (beefeed.tests.s3server: moto's server mode, an
    independent implementation of the S3 API over HTTP); every instance and this process use it through
    MEDIA_STORAGE=s3, as hosts sharing object storage would. The server keeps nothing when it stops, so
    the bench's media directory is copied in (the rows of earlier runs find their files) and the bucket
    is copied back out at the end (`mirror_back`). Returns the server's process and the bucket's client."""
    import uuid

    sys.path.insert(0, str(server.ROOT))
    from beefeed.tests import s3server

    process, endpoint = s3server.start()
    bucket = f"beefeed-bench-{uuid.uuid4().hex[:8]}"
    client = s3server.client(endpoint)
    client.create_bucket(Bucket=bucket)
    media = Path(os.environ["MEDIA_ROOT"])
    for path in media.rglob("*"):
        if path.is_file():
            client.upload_file(str(path), bucket, path.relative_to(media).as_posix())
    os.environ.update(s3server.environment(endpoint, bucket))
    return process, client


def mirror_back(client):
    """The bucket's objects into the media directory, for the runs that follow on disk."""
    media, bucket = Path(os.environ["MEDIA_ROOT"]), os.environ["AWS_STORAGE_BUCKET_NAME"]
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", ()):
            target = media / entry["Key"]
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                client.download_file(bucket, entry["Key"], str(target))


# --- Main -----------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario",
        choices=["all", "steady", "pg-restart", "kill-worker", "task-worker", "two-instances"],
        default="all",
    )
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--pause", type=int, default=60, help="how long the task worker stays stopped")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--media",
        choices=["disk", "s3"],
        default="disk",
        help="where the instances keep photos: one media directory, or a bucket of a loopback S3 server",
    )
    args = parser.parse_args()
    scenarios = (
        ["steady", "pg-restart", "kill-worker", "task-worker", "two-instances"]
        if args.scenario == "all"
        else [args.scenario]
    )

    os.environ["MEDIA_ROOT"] = str(server.WORK / "media")
    bucket_server, bucket = s3_media() if args.media == "s3" else (None, None)
    try:
        return run_scenarios(args, scenarios)
    finally:
        if bucket_server:
            mirror_back(bucket)
            bucket_server.terminate()
            bucket_server.wait(10)


def run_scenarios(args, scenarios):
    server.django_setup()
    from django.db import connections
    from django.utils import timezone

    from beefeed.models import Organization
    from issues.models import Category, Report
    from volunteers.models import Volunteer

    categories = list(Category.objects.values_list("pk", flat=True))
    volunteers = list(
        Volunteer.objects.filter(status=Volunteer.Status.APPROVED, user__phone__startswith="139")
        .order_by("pk")
        .values_list("user__phone", "community_id")[: COURIERS + 2]
    )
    people = [(phone, "bench-2026", categories[n % len(categories)], c) for n, (phone, c) in enumerate(volunteers)]
    couriers = [p[0] for p in people]
    published = list(Report.objects.public().order_by("-published_at").values_list("pk", flat=True)[:500])
    areas = set(Organization.objects.areas().values_list("pk", flat=True))
    assert all(p[3] in areas for p in people), "bench volunteers must belong to a community"
    connections.close_all()
    server.collectstatic()
    photo = make_photo()
    hook = http.server.ThreadingHTTPServer(("127.0.0.1", HOOK_PORT), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    env = server.production_env(
        # 32 couriers sign in from one address here; on the street each has their own.
        REPORTS_PER_VOLUNTEER_PER_HOUR=100_000,
        LOGIN_FAILURES_PER_IP=1_000,
        TASK_BACKEND="database",
        WECOM_WEBHOOK_URL=f"http://127.0.0.1:{HOOK_PORT}/hook",
    )
    subprocess.run(["redis-cli", "-n", server.REDIS_URL.rsplit("/", 1)[1], "flushdb"], capture_output=True)

    header = [
        "| scenario | time | submissions | acknowledged | in database | lost | saved, answer lost | reads | 5xx "
        "| connection errors | reports without photo | orphan / missing / staged files | during the run | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    rows, failed = [], False
    worker = start_db_worker(env)
    try:
        for name in scenarios:
            since = timezone.now()
            extra = {}
            if name == "two-instances":
                with (
                    server.Gunicorn(PORTS[0], args.workers // 2 or 1, env) as a,
                    server.Gunicorn(PORTS[1], args.workers // 2 or 1, env) as b,
                ):
                    across = across_instances(a.base, b.base, people, photo)
                    cross_acked = across.pop("_acked")
                    extra.update({k: ("yes" if v else "NO") for k, v in across.items()})
                    tally, _ = run_load([a.base, b.base], args.seconds, people, published, photo)
                    tally.acked += cross_acked
                problems = [f"{k}: NO" for k, v in extra.items() if v != "yes"]
            else:
                with server.Gunicorn(PORTS[0], args.workers, env) as instance:
                    during = None
                    if name == "pg-restart":
                        during = restart_postgres()
                    elif name == "kill-worker":
                        during = kill_workers(instance)
                    elif name == "task-worker":
                        worker.send_signal(signal.SIGTERM)
                        worker.wait(30)
                        pause = min(args.pause, args.seconds)

                        def during(tally, started, stop_at, pause=pause):
                            time.sleep(pause)
                            return {"task worker stopped for": f"{pause} s"}

                    tally, extra = run_load([instance.base], args.seconds, people, published, photo, during)
                    if name == "task-worker":
                        worker = start_db_worker(env)
                problems = []
            if name == "task-worker":
                extra.update(wait_for_notices(since, couriers))
                if extra.get("verdict"):
                    problems.append(extra.pop("verdict"))
            db = check_database(tally, since, couriers)
            problems += verdict(
                tally, db, allow_unanswered=name in ("pg-restart", "kill-worker"), allow_503=name == "pg-restart"
            )
            if name == "pg-restart" and "inf" in extra.get("recovered in", ""):
                problems.append("did not recover")
            elif name == "pg-restart" and float(extra["recovered in"].split()[0]) > 5:
                problems.append("recovery took longer than 5 s")
            rows.append(summary_row(name, args.seconds, tally, db, extra, problems))
            print(rows[-1], flush=True)
            if tally.errors:
                print("   client errors:", dict(tally.errors))
            for unclean in tally.unclean[:3]:
                print("   unclean:", unclean)
            failed = failed or bool(problems)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
        hook.shutdown()

    note = (
        f"{COURIERS} couriers sending a 1600×1200 JPEG report each as fast as answered, "
        f"{READERS} readers on the board, "
        f"gunicorn ({args.workers} sync workers in all), production settings, PostgreSQL, Redis, `db_worker` "
        "sending the WeChat Work robot's messages to a counting webhook on loopback."
    )
    if args.media == "s3":
        note += " Photos in a bucket of moto's S3 server over HTTP on loopback (MEDIA_STORAGE=s3)."
    command = (
        f".venv/bin/python bench/load.py --seconds {args.seconds}"
        + (f" --scenario {args.scenario}" if args.scenario != "all" else "")
        + (" --media s3" if args.media == "s3" else "")
    )
    record(
        "Load and faults"
        + ("" if args.scenario == "all" else f": {args.scenario}")
        + (", photos in a bucket" if args.media == "s3" else ""),
        command,
        [note, "", *header, *rows],
    )
    return 1 if failed else 0


def announced(references):
    with Hook.lock:
        seen = collections.Counter(ref for message in Hook.messages for ref in re.findall(r"BF\d{6,}", message))
    return {ref: seen[ref] for ref in references}


def wait_for_notices(since, couriers, timeout=120):
    """After the worker is back: every report of the run announced to the robot exactly once."""
    from django.db import connection

    from issues.models import Report

    connection.close()
    references = [r.reference for r in Report.objects.filter(reporter__user__phone__in=couriers, created_at__gte=since)]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = announced(references)
        if all(counts.values()):
            break
        time.sleep(1)
    time.sleep(2)  # a second message would come right after the first
    counts = announced(references)
    never = sum(1 for n in counts.values() if n == 0)
    twice = sum(1 for n in counts.values() if n > 1)
    result = {"reports announced": f"{len(references) - never} of {len(references)}", "announced twice": twice}
    if never or twice:
        result["verdict"] = f"{never} reports never announced, {twice} announced more than once"
    return result


if __name__ == "__main__":
    sys.exit(main())
