"""BeeFeed settings.

Every value that differs between a laptop and production is read from the
environment through django-environ. The defaults are the embedded run:
SQLite, media on local disk, e-mail to the console, tasks run immediately.
Production values are documented in `.env.example` and the README.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Off unless asked for: an installation that lost its environment file must not serve
# tracebacks. `make run`, `make test` and CI turn it on for the embedded demo.
DEBUG = env.bool("DEBUG", default=False)

# The placeholder in .env.example, which a hurried installation might leave in place.
EXAMPLE_SECRET_KEY = "change-me-to-a-long-random-string"


def _local_secret_key():
    """A per-checkout key for the embedded run, kept out of git."""
    path = BASE_DIR / ".secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = get_random_secret_key()
        path.write_text(key)
        return key


if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
else:
    # A key that is set must be strong: the example's placeholder or a weak key stops everything.
    # A missing key stops the server (beefeed/wsgi.py refuses to start, `check --deploy` says so),
    # not the commands that need none, such as `makemigrations --check` on a bare checkout.
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if SECRET_KEY and (SECRET_KEY == EXAMPLE_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
        raise ImproperlyConfigured(
            "SECRET_KEY is the example's placeholder or too weak: set a random key of at least 50 "
            "characters, e.g. the output of: python -c 'from django.core.management.utils import "
            "get_random_secret_key as k; print(k())'"
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "beefeed",
    "stations",
    "volunteers",
    "csp",
    "issues",
    "beefeed.sites.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers a signed-out visitor's kept public page before the rest runs (beefeed.pagecache).
    "beefeed.pagecache.FrontDoorMiddleware",
    # Sees every answer last (after the session and CSRF middleware), and never static files (WhiteNoise's).
    "beefeed.compression.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "beefeed.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "beefeed.context_processors.district",
            ],
            "builtins": ["beefeed.templatetags.bee"],
        },
    },
]

# Form widgets may be overridden in templates/ (e.g. the courier's category buttons).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "beefeed.wsgi.application"

# --- Database -------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A new connection per request costs ten times the throughput here.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if not env.bool("DATABASE_JIT", default=False):
        # PostgreSQL's JIT compiled the statistics' timeline (one aggregation of about a hundred
        # expressions) for 1.8 s to save milliseconds, on the cores that serve the pages (bench/RESULTS.md).
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue up
    # instead of one failing halfway through a transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "beefeed.User"
AUTHENTICATION_BACKENDS = ["beefeed.auth.PhoneOrUsernameBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Cache: local memory by default; Redis (shared by all workers) with REDIS_URL ---------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Django's Redis cache, reusing its Redis clients (beefeed.cache).
    CACHES = {"default": {"BACKEND": "beefeed.cache.BeeFeedRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Public pages (beefeed.pagecache) ------------------------------------------
# How long the reverse proxy may answer a signed-out visitor with a page without asking the app
# (s-maxage): it absorbs bursts; 0 leaves every answer to the app (browsers always revalidate).
PAGE_CACHE_PROXY_SECONDS = env.int("PAGE_CACHE_PROXY_SECONDS", default=1)

# --- Rate limits (beefeed.ratelimit; counted in the cache) ----------------------
# Failed sign-ins (beefeed.views.limit_sign_ins) per account from one address, per account from
# everywhere, and per address, within the window; join-form posts per address per hour.
LOGIN_FAILURES_PER_ACCOUNT = env.int("LOGIN_FAILURES_PER_ACCOUNT", default=5)
LOGIN_FAILURES_PER_ACCOUNT_TOTAL = env.int("LOGIN_FAILURES_PER_ACCOUNT_TOTAL", default=50)
LOGIN_FAILURES_PER_IP = env.int("LOGIN_FAILURES_PER_IP", default=20)
LOGIN_FAILURE_WINDOW = env.int("LOGIN_FAILURE_WINDOW", default=15 * 60)
JOINS_PER_IP_PER_HOUR = env.int("JOINS_PER_IP_PER_HOUR", default=20)
# Pledges to the stations' wish lists from one address (the public form, no sign-in).
PLEDGES_PER_IP_PER_HOUR = env.int("PLEDGES_PER_IP_PER_HOUR", default=10)
REPORTS_PER_VOLUNTEER_PER_HOUR = env.int("REPORTS_PER_VOLUNTEER_PER_HOUR", default=20)
# The report form's duplicate hint (/report/nearby/): look-ups per volunteer and per address per hour.
# A courier's form asks once per position and category change; a whole address may be a shared NAT.
NEARBY_LOOKUPS_PER_HOUR = env.int("NEARBY_LOOKUPS_PER_HOUR", default=60)
NEARBY_LOOKUPS_PER_IP_PER_HOUR = env.int("NEARBY_LOOKUPS_PER_IP_PER_HOUR", default=300)

# --- Station map tiles (stations.tiles) ------------------------------------------
# "osm" (OpenStreetMap, the default) or "tianditu" (天地图, needs TIANDITU_KEY).
MAP_TILES = env.str("MAP_TILES", default="osm")
TIANDITU_KEY = env.str("TIANDITU_KEY", default="")
if MAP_TILES == "tianditu":
    if not TIANDITU_KEY:
        raise ImproperlyConfigured("MAP_TILES=tianditu needs TIANDITU_KEY (a 天地图 browser key).")
    MAP_TILE_HOSTS = [f"https://t{n}.tianditu.gov.cn" for n in range(8)]
elif MAP_TILES == "osm":
    MAP_TILE_HOSTS = ["https://tile.openstreetmap.org"]
else:
    raise ImproperlyConfigured(f"MAP_TILES must be osm or tianditu, not {MAP_TILES!r}.")

# --- Content-Security-Policy (django-csp) ---------------------------------------
# Scripts only from our own origin (no inline script); images also from the one tile host configured.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *MAP_TILE_HOSTS],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Supervision (issues.deadlines, issues.supervision) ------------------------------
# Working-day deadlines fall due at the close of this office day (district time).
WORKDAY_ENDS = env.str("WORKDAY_ENDS", default="18:00")
# `manage.py supervise`: remind this many hours before a deadline; escalate again this many hours
# after the first escalation; a report waiting longer than TRIAGE_HOURS for triage is late; the
# daily digest goes out after DIGEST_HOUR; a resolved report not rated in RATING_DAYS is published.
REMIND_HOURS_BEFORE = env.int("REMIND_HOURS_BEFORE", default=4)
SECOND_ESCALATION_HOURS = env.int("SECOND_ESCALATION_HOURS", default=24)
TRIAGE_HOURS = env.int("TRIAGE_HOURS", default=4)
DIGEST_HOUR = env.int("DIGEST_HOUR", default=8)
RATING_DAYS = env.int("RATING_DAYS", default=3)
# A community's (or township's) handlers may claim (认领) a report located there before a coordinator
# triages it (issues.workflow, Action.CLAIM); off: only coordinators dispatch.
COMMUNITY_CLAIMS = env.bool("COMMUNITY_CLAIMS", default=True)

# --- Open311 GeoReport v2 (issues.open311) ------------------------------------------
# If set, a request naming another jurisdiction_id gets 404. Reports sent with only an address
# go to this community until a coordinator corrects it (default: the first community by name).
OPEN311_JURISDICTION = env.str("OPEN311_JURISDICTION", default="")
OPEN311_DEFAULT_COMMUNITY = env.str("OPEN311_DEFAULT_COMMUNITY", default="")
# One deadline for fetching a media_url, connection to last byte (well under GUNICORN_TIMEOUT).
OPEN311_MEDIA_TIMEOUT = env.int("OPEN311_MEDIA_TIMEOUT", default=20)
# Never in production: the tests serve media_url photos from a loopback server of their own.
OPEN311_MEDIA_ALLOW_PRIVATE = False

# --- Points (volunteers.ledger, volunteers.tallies, issues.awards) ---------------------
# Whether unspent points lapse when the fourth quarter is closed (default: they carry over).
POINTS_LAPSE_AT_YEAR_END = env.bool("POINTS_LAPSE_AT_YEAR_END", default=False)
# Points for the reporter's re-check and rating of a resolved report (回访).
POINTS_FOR_RECHECK = env.int("POINTS_FOR_RECHECK", default=2)
# 同一问题共同上报: a co-reporter of a dispatched report (issues.awards.co_reported), once per report.
POINTS_FOR_CO_REPORT = env.int("POINTS_FOR_CO_REPORT", default=2)

# --- Language and time ----------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Named date formats per language (beefeed/formats/<language>/formats.py): 2026年11月30日 / 30 Nov 2026.
FORMAT_MODULE_PATH = ["beefeed.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Leaflet and its marker clusters are served from their XStatic packages at /static/leaflet/ and
# /static/markercluster/ (never copied into the repository).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ("markercluster", xstatic.pkg.leaflet_markercluster.BASE_DIR),
]
STATICFILES_FINDERS = [
    "beefeed.static_finders.FileSystemFinder",  # the STATICFILES_DIRS, less one file (see there)
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Where `manage.py backup` writes its sets (database dump, media archive, manifest) by default.
BACKUP_DIR = env.str("BACKUP_DIR", default="")
# Where uploaded files live: "filesystem" (MEDIA_ROOT, the default) or "s3", any S3-compatible object
# storage (Alibaba OSS, Tencent COS, MinIO, AWS) through django-storages (beefeed.s3media). Setting
# AWS_STORAGE_BUCKET_NAME alone chooses "s3".
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="s3" if AWS_STORAGE_BUCKET_NAME else "filesystem")
if MEDIA_STORAGE == "filesystem":
    # Files in private directories get the checked URL /photos/… (beefeed.privatemedia).
    _media_storage = {"BACKEND": "beefeed.privatemedia.MediaStorage"}
elif MEDIA_STORAGE == "s3":
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME (the bucket for uploaded photos).")
    _media_storage = {
        "BACKEND": "beefeed.s3media.S3MediaStorage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # The service's S3 address, e.g. https://oss-cn-hangzhou.aliyuncs.com (OSS),
            # https://cos.ap-guangzhou.myqcloud.com (COS), http://10.0.0.5:9000 (MinIO); empty: AWS.
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            # "virtual" (bucket.host: OSS and COS need it) or "path" (host/bucket: MinIO); empty: boto3's choice.
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
            "signature_version": env.str("AWS_S3_SIGNATURE_VERSION", default="s3v4"),
            # A key prefix inside the bucket, e.g. "beefeed/".
            "location": env.str("AWS_LOCATION", default=""),
            # A domain (CDN) that serves the bucket's public files; empty: none.
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            "url_protocol": env.str("AWS_S3_URL_PROTOCOL", default="https:"),
            # Public files (station photos, seals, reward pictures): off if the bucket lets anyone read
            # stations/, seals/ and rewards/ (plain URLs); on: served at MEDIA_URL, which redirects to
            # a signed URL. Private photos are never given a bucket URL in a page (beefeed.privatemedia).
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=True),
            # Never overwrite an object: a name already taken gets a new one, as on disk.
            "file_overwrite": False,
            "default_acl": None,
        },
    }
    # Pages show the bucket's pictures: its addresses join the CSP's img-src (the endpoint, path and
    # virtual-host style, and the custom domain), or MEDIA_ORIGINS if given.
    _s3 = _media_storage["OPTIONS"]
    _endpoint = urlsplit(_s3["endpoint_url"] or f"https://s3.{_s3['region_name'] or 'us-east-1'}.amazonaws.com")
    MEDIA_ORIGINS = env.list(
        "MEDIA_ORIGINS",
        default=[
            f"{_endpoint.scheme}://{_endpoint.netloc}",
            f"{_endpoint.scheme}://{AWS_STORAGE_BUCKET_NAME}.{_endpoint.netloc}",
            *([f"{_s3['url_protocol']}//{_s3['custom_domain']}"] if _s3["custom_domain"] else []),
            # AWS signs us-east-1 URLs with its global host.
            *([] if _s3["endpoint_url"] else [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"]),
        ],
    )
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] += MEDIA_ORIGINS
else:
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be filesystem or s3, not {MEDIA_STORAGE!r}.")
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve media from the app in the embedded run; in production the reverse
# proxy serves MEDIA_ROOT (see README).
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)
# The proxy's internal location for private media (nginx X-Accel-Redirect, e.g. /protected-media/);
# empty: Django sends the file itself.
MEDIA_ACCEL_REDIRECT = env.str("MEDIA_ACCEL_REDIRECT", default="")
# With MEDIA_STORAGE=s3: a photo this visitor may see is answered with a redirect to a signed URL of
# the bucket, valid this many seconds (off: Django streams it from the bucket, for a bucket the
# browsers cannot reach). The signed URL is only ever in that redirect, never in a page.
MEDIA_SIGNED_REDIRECT = env.bool("MEDIA_SIGNED_REDIRECT", default=MEDIA_STORAGE == "s3")
MEDIA_SIGNED_URL_SECONDS = env.int("MEDIA_SIGNED_URL_SECONDS", default=120)
if MEDIA_STORAGE == "s3" and MEDIA_ACCEL_REDIRECT:
    raise ImproperlyConfigured(
        "MEDIA_ACCEL_REDIRECT sends files from the proxy's disk: with MEDIA_STORAGE=s3 leave it empty "
        "(private photos are redirected to signed URLs, or streamed with MEDIA_SIGNED_REDIRECT=0)."
    )
# Photos of reports not accepted are deleted this many days after the rejection (manage.py media_check).
REJECTED_PHOTO_RETENTION_DAYS = env.int("REJECTED_PHOTO_RETENTION_DAYS", default=30)
# A pledge's contact (and the giver's own name and message) is erased this many days after the
# pledge is declined or fulfilled (the same sweep).
PLEDGE_CONTACT_RETENTION_DAYS = env.int("PLEDGE_CONTACT_RETENTION_DAYS", default=30)

# Photos: checked and re-encoded by beefeed.photos.
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=15 * 1024 * 1024)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=40_000_000)
# Three photos of up to 15 MB each, plus the form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Notifications: e-mail and the WeChat Work robot (issues.notifications) -------------
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="BeeFeed <beefeed@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# WeChat Work (企业微信) group robot: new and overdue reports are posted here.
WECOM_WEBHOOK_URL = env.str("WECOM_WEBHOOK_URL", default="")

# --- Couriers' notices beyond /me/ (volunteers.channels, volunteers.deliveries) ---------
# Channels this installation uses, any of: console, email, wecom, sms.
NOTIFY_CHANNELS = env.list("NOTIFY_CHANNELS", default=["console"])
NOTIFY_RETRY_MINUTES = env.int("NOTIFY_RETRY_MINUTES", default=5)  # doubles after each failure, ≤ 1 day
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=8)
# The couriers' WeChat Work group robot (完成一个公示一个), not the staff's WECOM_WEBHOOK_URL.
COURIER_WECOM_WEBHOOK_URL = env.str("COURIER_WECOM_WEBHOOK_URL", default="")
# Aliyun SMS (SendSms, RPC signature 1.0). The endpoint is the provider's API address (see README).
SMS_ENDPOINT = env.str("SMS_ENDPOINT", default="")
SMS_REGION = env.str("SMS_REGION", default="cn-hangzhou")
SMS_ACCESS_KEY_ID = env.str("SMS_ACCESS_KEY_ID", default="")
SMS_ACCESS_KEY_SECRET = env.str("SMS_ACCESS_KEY_SECRET", default="")
SMS_SIGN_NAME = env.str("SMS_SIGN_NAME", default="")
# One approved template (TemplateCode) per moment; a moment without one is not sent by SMS.
SMS_TEMPLATES = {
    moment: env.str(f"SMS_TEMPLATE_{moment.upper()}", default="")
    for moment in ("dispatched", "resolved", "published", "rejected", "quarter", "redemption")
}

# --- Background tasks ---------------------------------------------------------
# "immediate" runs a task inside the process that enqueued it (after the
# transaction commits); "database" stores it for `manage.py db_worker`.
TASK_BACKEND = env.str("TASK_BACKEND", default="immediate")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
            "dummy": "django_tasks.backends.dummy.DummyBackend",
        }[TASK_BACKEND],
    }
}

# --- Security -----------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
BEHIND_PROXY = env.bool("BEHIND_TLS_PROXY", default=not DEBUG)
# Addresses (or networks) of our own reverse proxies: only a connection from one of them may
# tell us the client's address in X-Forwarded-For.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
if BEHIND_PROXY:
    # The proxy sets X-Forwarded-Proto and appends the client to X-Forwarded-For.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- BeeFeed ------------------------------------------------------------------
# The district this installation serves, shown in page titles.
BEEFEED_DISTRICT = env.str("BEEFEED_DISTRICT", default="黄山区")
