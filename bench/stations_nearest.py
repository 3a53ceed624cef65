"""Nearest open stations among 10,000: target under 20 ms per query.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/beefeed_bench .venv/bin/python bench/stations_nearest.py

Uses its own database (created and migrated if missing; default: beefeed_bench on the local
PostgreSQL), fills it with 10,000 stations spread over 40 km around the district seat, then
times `stations.finder.find(position=…)` — the bounding-box prefilter, exact haversine
ranking and the 50 nearest with their hours and amenities — from 300 random positions.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/beefeed_bench"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beefeed.settings")
os.environ.setdefault("DEBUG", "1")

COUNT = 10_000
QUERIES = 300
SEAT = (30.272, 118.142)
TARGET_MS = 20.0


def ensure_database():
    import environ

    url = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    if "postgresql" not in url["ENGINE"]:
        return
    import psycopg

    with psycopg.connect(
        host=url["HOST"], port=url["PORT"] or 5432, user=url["USER"], dbname="postgres", autocommit=True
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [url["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{url["NAME"]}"')


def fill():
    from django.core.management import call_command

    from beefeed.models import Organization
    from stations.models import Amenity, OpeningSpan, Station

    call_command("migrate", verbosity=0)
    if Station.objects.count() >= COUNT:
        return
    rng = random.Random(10_000)
    community, _ = Organization.objects.get_or_create(name="基准社区", defaults={"kind": "community"})
    stations = [
        Station(
            name=f"基准驿站{i:05d}",
            community=community,
            address=f"基准路{i}号",
            latitude=SEAT[0] + rng.uniform(-0.18, 0.18),
            longitude=SEAT[1] + rng.uniform(-0.21, 0.21),
            all_night=rng.random() < 0.1,
            status="open" if rng.random() < 0.9 else "closed",
        )
        for i in range(COUNT)
    ]
    Station.objects.bulk_create(stations, batch_size=2000)
    stations = list(Station.objects.filter(name__startswith="基准驿站"))
    amenities = list(Amenity.objects.all())
    through = Station.amenities.through
    through.objects.bulk_create(
        [through(station=s, amenity=a) for s in stations for a in rng.sample(amenities, rng.randint(2, 7))],
        batch_size=5000,
    )
    import datetime

    OpeningSpan.objects.bulk_create(
        [
            OpeningSpan(station=s, weekday=d, opens=datetime.time(7), closes=datetime.time(22))
            for s in stations
            if not s.all_night
            for d in range(7)
        ],
        batch_size=5000,
    )


def measure():
    from django.db import connection

    from stations import finder

    rng = random.Random(7)
    positions = [(SEAT[0] + rng.uniform(-0.15, 0.15), SEAT[1] + rng.uniform(-0.18, 0.18)) for _ in range(QUERIES)]
    finder.find(position=positions[0])  # warm up connection and caches
    timings = []
    for position in positions:
        start = time.perf_counter()
        found = finder.find(position=position)
        timings.append((time.perf_counter() - start) * 1000)
        assert len(found) == finder.NEAREST_LIMIT
    timings.sort()
    return {
        "vendor": connection.vendor,
        "median": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
        "max": timings[-1],
    }


def main():
    ensure_database()
    import django

    django.setup()
    fill()
    from stations.models import Station

    figures = measure()
    verdict = "PASS" if figures["p95"] < TARGET_MS else "FAIL"
    lines = [
        f"| database | stations | queries | median | p95 | max | target p95 < {TARGET_MS:.0f} ms |",
        "|---|---|---|---|---|---|---|",
        f"| {figures['vendor']} | {Station.objects.count()} | {QUERIES} | {figures['median']:.1f} ms "
        f"| {figures['p95']:.1f} ms | {figures['max']:.1f} ms | {verdict} |",
    ]
    print("\n".join(lines))
    from _results import record

    record("Nearest stations among 10,000", "DATABASE_URL=… .venv/bin/python bench/stations_nearest.py", lines)
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
