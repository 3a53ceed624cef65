"""Fill a benchmark database with a district at scale: target under 5 minutes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/beefeed_bench .venv/bin/python bench/seed.py

100,000 reports spread over the categories, communities, states and two years (each with its
timeline events and a before-photo row pointing at one shared thumbnail), 2,000 volunteers with
their ledgers, and 10,000 stations. Bulk inserts; it refuses to touch a database named `beefeed`.
"""

import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/beefeed_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beefeed.settings")
os.environ.setdefault("DEBUG", "1")

REPORTS = 100_000
VOLUNTEERS = 2_000
TARGET_S = 300


def main():
    from stations_nearest import ensure_database
    from stations_nearest import fill as fill_stations

    ensure_database()
    import django

    django.setup()
    from django.conf import settings

    if settings.DATABASES["default"]["NAME"] == "beefeed":
        raise SystemExit("refusing to fill the database named beefeed (CI uses it); use beefeed_bench")
    started = time.perf_counter()
    fill_stations()
    made = seed()
    elapsed = time.perf_counter() - started
    verdict = "PASS" if elapsed < TARGET_S else "FAIL"
    lines = [
        "| reports | events | photos | volunteers | ledger entries | stations | time | target |",
        "|---|---|---|---|---|---|---|---|",
        f"| {made['reports']} | {made['events']} | {made['photos']} | {made['volunteers']} | {made['entries']} "
        f"| {made['stations']} | {elapsed:.0f} s | < {TARGET_S} s: {verdict} |",
    ]
    print("\n".join(lines))
    from _results import record

    record("Seeding 100,000 reports", "DATABASE_URL=… .venv/bin/python bench/seed.py", lines)
    return 0 if verdict == "PASS" else 1


def seed():
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from beefeed.models import Organization, User
    from issues.models import Category, Report, ReportEvent, ReportPhoto, State
    from stations.models import Station
    from volunteers.models import PointsEntry, ServiceItem, Volunteer

    rng = random.Random(100_000)
    communities = []
    for n in range(12):
        org, _ = Organization.objects.get_or_create(
            name=f"基准社区{n:02d}", defaults={"kind": "community", "latitude": 30.2 + n / 100, "longitude": 118.1}
        )
        communities.append(org)
    categories = []
    for n, (name, code) in enumerate(
        [
            ("环境卫生", "sanitation"),
            ("管网破损", "pipes"),
            ("车辆违停", "parking"),
            ("社情民意", "opinion"),
            ("道路设施", "roads"),
            ("市容秩序", "cityscape"),
            ("安全隐患", "safety"),
            ("文明创建", "civility"),
        ]
    ):
        category, _ = Category.objects.get_or_create(
            code=code, defaults={"name": name, "short_label": name[:2], "time_limit": 48, "position": n}
        )
        categories.append(category)

    if Volunteer.objects.count() < VOLUNTEERS:
        password = make_password("bench-2026")
        users = User.objects.bulk_create(
            [User(username=f"139{n:08d}", phone=f"139{n:08d}", password=password) for n in range(VOLUNTEERS)],
            batch_size=1000,
        )
        now = timezone.now()
        Volunteer.objects.bulk_create(
            [
                Volunteer(
                    user=u, name=f"基准{n}", community=rng.choice(communities), status="approved", approved_at=now
                )
                for n, u in enumerate(users)
            ],
            batch_size=1000,
        )
    volunteers = list(Volunteer.objects.values_list("pk", flat=True))

    if Report.objects.count() < REPORTS:
        now = timezone.now()
        states = [State.PUBLISHED] * 60 + [State.RESOLVED] * 8 + [State.IN_PROGRESS] * 8 + [State.DISPATCHED] * 8
        states += [State.SUBMITTED] * 6 + [State.REJECTED] * 6 + [State.RETURNED] * 4
        batch = []
        for n in range(REPORTS - Report.objects.count()):
            created = now - datetime.timedelta(minutes=rng.randint(60, 2 * 365 * 24 * 60))
            state = rng.choice(states)
            community = rng.choice(communities)
            assigned = state in (State.DISPATCHED, State.IN_PROGRESS, State.RESOLVED, State.PUBLISHED)
            solved = state in (State.RESOLVED, State.PUBLISHED)
            dispatched = created + datetime.timedelta(hours=rng.uniform(0.2, 8))
            resolved = dispatched + datetime.timedelta(hours=rng.uniform(2, 80)) if solved else None
            batch.append(
                Report(
                    reporter_id=rng.choice(volunteers),
                    category=rng.choice(categories),
                    community=community,
                    description=f"基准问题{n}",
                    address=f"{community.name}某路{n % 300}号",
                    latitude=30.2 + rng.uniform(0, 0.15),
                    longitude=118.05 + rng.uniform(0, 0.15),
                    state=state,
                    assignee=community if assigned or state == State.RETURNED else None,
                    deadline=dispatched + datetime.timedelta(hours=48) if assigned else None,
                    dispatched_at=dispatched if assigned else None,
                    resolved_at=resolved,
                    resolution_note="已处理" if solved else "",
                    published_at=resolved + datetime.timedelta(hours=2) if state == State.PUBLISHED else None,
                    reject_reason="out_of_scope" if state == State.REJECTED else "",
                    created_at=created,
                )
            )
            if len(batch) == 5000:
                Report.objects.bulk_create(batch)
                batch = []
        if batch:
            Report.objects.bulk_create(batch)

    if not ReportEvent.objects.exists():
        # One real processed photo stored once that every row points at (the rows are what is measured).
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage
        from PIL import Image

        from beefeed import photos as photo_processing

        image = Image.new("RGB", (1600, 1200), (120, 140, 160))
        import io

        out = io.BytesIO()
        image.save(out, "JPEG")
        processed = photo_processing.process_bytes(out.getvalue())
        # Through the media storage (MEDIA_ROOT, or the bucket with MEDIA_STORAGE=s3), under fixed names.
        for name, data in (("bench/photo.jpg", processed.full), ("bench/photo_t.jpg", processed.thumbnail)):
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(data))
        events, photos = [], []
        for pk, state, created in Report.objects.values_list("pk", "state", "created_at").iterator(chunk_size=5000):
            events.append(
                ReportEvent(report_id=pk, action="submit", to_state="submitted", is_public=True, created_at=created)
            )
            if state != "submitted":
                events.append(
                    ReportEvent(
                        report_id=pk,
                        action="move",
                        from_state="submitted",
                        to_state=state,
                        is_public=True,
                        created_at=created,
                    )
                )
            photos.append(
                ReportPhoto(report_id=pk, kind="before", image="bench/photo.jpg", thumbnail="bench/photo_t.jpg")
            )
            if len(events) >= 10_000:
                ReportEvent.objects.bulk_create(events)
                ReportPhoto.objects.bulk_create(photos)
                events, photos = [], []
        ReportEvent.objects.bulk_create(events)
        ReportPhoto.objects.bulk_create(photos)

    if not PointsEntry.objects.exists():
        item = ServiceItem.objects.get(code="city_feedback")
        entries = []
        dispatched = Report.objects.exclude(dispatched_at__isnull=True).values_list(
            "pk", "reporter_id", "dispatched_at"
        )
        for pk, reporter, at in dispatched.iterator(chunk_size=5000):
            entries.append(
                PointsEntry(
                    volunteer_id=reporter,
                    kind="award",
                    points=5,
                    item=item,
                    rule="report",
                    source=f"report:{pk}",
                    occurred_on=at.date(),
                    created_at=at,
                )
            )
            if len(entries) == 10_000:
                PointsEntry.objects.bulk_create(entries)
                entries = []
        PointsEntry.objects.bulk_create(entries)

    return {
        "reports": Report.objects.count(),
        "events": ReportEvent.objects.count(),
        "photos": ReportPhoto.objects.count(),
        "volunteers": Volunteer.objects.count(),
        "entries": PointsEntry.objects.count(),
        "stations": Station.objects.count(),
    }


if __name__ == "__main__":
    sys.exit(main())
