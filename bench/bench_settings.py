"""Settings for the benchmark servers only: the product's settings, plus the reference view.

gunicorn is started with DJANGO_SETTINGS_MODULE=bench_settings and bench/ on the Python path
(bench/server.py does this). The product's URLconf never contains the reference view.
"""

from beefeed.settings import *  # noqa: F403
from beefeed.settings import TEMPLATES

ROOT_URLCONF = "bench_urls"
TEMPLATES[0]["DIRS"].append(__import__("pathlib").Path(__file__).resolve().parent / "templates")
