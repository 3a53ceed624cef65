"""A courier's 12-megapixel JPEG through beefeed.photos: target < 300 ms, < 150 MB above idle.

    .venv/bin/python bench/photo.py

Each measurement runs in a fresh process, so the peak memory (ru_maxrss) is that of one
worker processing one photo, compared with the same process before it decoded anything.
"""

import io
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
RUNS = 7
TARGET_MS, TARGET_MB = 300.0, 150.0

CHILD = r"""
import io, json, os, resource, sys, time
sys.path.insert(0, os.environ["ROOT"])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beefeed.settings")
import django; django.setup()
from beefeed import photos
data = open(sys.argv[1], "rb").read()
idle = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
photos.process_bytes(data)
elapsed = (time.perf_counter() - start) * 1000
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"ms": elapsed, "mb": (peak - idle) / 1024}))
"""


def twelve_megapixels(path):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (4000, 3000), (120, 140, 160))
    draw = ImageDraw.Draw(image)
    for i in range(0, 4000, 40):  # detail, so the JPEG is as heavy as a real photo
        draw.line([(i, 0), (4000 - i, 3000)], fill=(i % 255, 90, 200 - i % 200), width=3)
    exif = Image.Exif()
    exif[0x0112] = 6  # taken sideways: the photo must be turned
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    path.write_bytes(out.getvalue())
    return len(out.getvalue())


def main():
    path = Path("/tmp/beefeed-bench-12mp.jpg")
    size = twelve_megapixels(path)
    env = {**os.environ, "ROOT": str(ROOT)}
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", CHILD, str(path)], env=env, capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(RUNS)
    ]
    ms = statistics.median(r["ms"] for r in runs)
    mb = max(r["mb"] for r in runs)
    verdict = "PASS" if ms < TARGET_MS and mb < TARGET_MB else "FAIL"
    lines = [
        "| photo | runs | median time | peak memory above idle | target | |",
        "|---|---|---|---|---|---|",
        f"| 4000×3000 JPEG, {size / 1e6:.1f} MB, EXIF orientation 6 | {RUNS} | {ms:.0f} ms | {mb:.0f} MB "
        f"| < {TARGET_MS:.0f} ms, < {TARGET_MB:.0f} MB | {verdict} |",
    ]
    print("\n".join(lines))
    from _results import record

    record("A 12-megapixel photo through beefeed.photos", ".venv/bin/python bench/photo.py", lines)
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
