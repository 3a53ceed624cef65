"""The admin's report export of 100,000 reports, as CSV and as Excel: targets < 100 MB above idle,
and done within gunicorn's 60 s worker timeout.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/beefeed_bench .venv/bin/python bench/export.py

Reads the database that bench/seed.py filled (it writes nothing there). Each format runs in a
fresh process, which calls the admin's export view directly (`ReportAdmin.export_view`, what
/admin/issues/report/export/<fmt>/ runs after the login check, for a superuser: the whole list)
and reads the response to its last byte into a sink. Time is wall-clock from the call to the
last byte. Memory is resident memory
(RSS): the kernel's peak (VmHWM) is reset to the current RSS just before the export, after a
small warm-up export, so "peak above idle" is VmHWM after minus VmRSS before. Where the kernel
does not allow the reset, ru_maxrss after minus VmRSS before is used instead (same meaning,
since the warm-up peak is small) and the table says so.
"""

import json
import os
import statistics
import subprocess
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
FORMATS = ("csv", "xlsx")
TARGET_MB = 100.0
TARGET_S = 60.0  # gunicorn's default timeout in gunicorn.conf.py: a download must be done by then


def _status_kb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def _reset_peak():
    """Make VmHWM start again from the current RSS (Linux 4.0+); False where not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def _export(model_admin, request, fmt):
    """The admin's export view, read to the last byte; the number of bytes."""
    response = model_admin.export_view(request, fmt)
    assert response.status_code == 200, response.status_code
    size = 0
    try:
        for piece in response.streaming_content if response.streaming else [response.content]:
            size += len(piece)
    finally:
        response.close()
    return size


def child(fmt):
    """One measurement in this (fresh) process; prints its figures as JSON."""
    import resource

    import django

    django.setup()
    from django.contrib import admin
    from django.db import connection, reset_queries
    from django.test import RequestFactory

    from beefeed.models import User
    from issues.models import Report

    model_admin = admin.site._registry[Report]
    request = RequestFactory().get(f"/admin/issues/report/export/{fmt}/")
    request.user = User(username="bench", is_active=True, is_staff=True, is_superuser=True)  # never saved

    # Warm up imports, the connection and the admin's filters with a small export of the same kind.
    first = Report.objects.order_by("pk").values_list("pk", flat=True).first()
    model_admin._export(Report.objects.filter(pk__lt=first + 100), fmt).close()
    rows = Report.objects.count()

    idle_kb = _status_kb("VmRSS")
    reset = _reset_peak()
    reset_queries()
    start = time.perf_counter()
    size = _export(model_admin, request, fmt)
    elapsed = time.perf_counter() - start
    peak_kb = _status_kb("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": elapsed,
                "mb": (peak_kb - idle_kb) / 1024,
                "idle_mb": idle_kb / 1024,
                "bytes": size,
                "queries": len(connection.queries),
                "peak_measure": "VmHWM" if reset else "ru_maxrss",
            }
        )
    )


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        return child(sys.argv[2])
    import django

    django.setup()
    from issues.models import Report

    if Report.objects.count() < REPORTS:
        raise SystemExit(f"fewer than {REPORTS} reports: fill the database with bench/seed.py first")
    figures = {}
    for fmt in FORMATS:
        run = subprocess.run(
            [sys.executable, __file__, "--child", fmt], capture_output=True, text=True, check=True, env=os.environ
        )
        figures[fmt] = json.loads(run.stdout.strip().splitlines()[-1])
    load = os.getloadavg()[0]
    lines = [
        f"| format | reports | time | peak memory above idle (RSS) | file | queries "
        f"| memory < {TARGET_MB:.0f} MB | time < {TARGET_S:.0f} s (gunicorn timeout) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for fmt, f in figures.items():
        measure = "" if f["peak_measure"] == "VmHWM" else " (ru_maxrss)"
        lines.append(
            f"| {fmt} | {f['rows']} | {f['seconds']:.1f} s | {f['mb']:.0f} MB{measure} | {f['bytes'] / 1e6:.1f} MB "
            f"| {f['queries']} | {'PASS' if f['mb'] < TARGET_MB else 'FAIL'} "
            f"| {'PASS' if f['seconds'] < TARGET_S else 'FAIL'} |"
        )
    idle = statistics.mean(f["idle_mb"] for f in figures.values())
    memory_ok = all(f["mb"] < TARGET_MB for f in figures.values())
    time_ok = all(f["seconds"] < TARGET_S for f in figures.values())
    lines += [
        "",
        f"Idle RSS of the process before the export: {idle:.0f} MB; load average when done: {load:.1f} "
        f"on {os.cpu_count()} cores (times grow when the machine is shared).",
    ]
    print("\n".join(lines))
    from _results import record

    record("Exporting 100,000 reports from the admin", "DATABASE_URL=… .venv/bin/python bench/export.py", lines)
    return 0 if memory_ok and time_ok else 1


if __name__ == "__main__":
    sys.exit(main())
