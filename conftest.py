"""Standing cast for the tests: a coordinator, a handler of 龙西社区 (A), a
handler of 龙北社区 (B), a volunteer, and the public (Django's `client`)."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from beefeed.models import Organization, User
from beefeed.roles import COORDINATORS, HANDLERS
from volunteers.models import Volunteer

PASSWORD = "test-pass-2026"


def make_org(name, kind=Organization.Kind.COMMUNITY, **extra):
    org, _ = Organization.objects.get_or_create(name=name, defaults={"kind": kind, **extra})
    return org


def make_staff(username, organization, group_name, **extra):
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        is_staff=True,
        organization=organization,
        email=f"{username}@example.org",
        **extra,
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def demo(db, settings):
    """The demo district from `load_demo` (which insists on DEBUG)."""
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    settings.DEBUG = False


@pytest.fixture
def office(db):
    return make_org("区委组织部", Organization.Kind.OFFICE)


@pytest.fixture
def community_a(db):
    return make_org("龙西社区", latitude=30.2745, longitude=118.1322, contact_email="longxi@example.org")


@pytest.fixture
def community_b(db):
    return make_org("龙北社区", latitude=30.2828, longitude=118.1431, contact_email="longbei@example.org")


@pytest.fixture
def coordinator(office):
    return make_staff("coord", office, COORDINATORS, last_name="王", first_name="协调")


@pytest.fixture
def handler_a(community_a):
    return make_staff("handler_a", community_a, HANDLERS)


@pytest.fixture
def handler_b(community_b):
    return make_staff("handler_b", community_b, HANDLERS)


def make_volunteer(phone, community, *, name="叶小蜂", approved=True):
    user = User.objects.create_user(username=phone, phone=phone, password=PASSWORD)
    return Volunteer.objects.create(
        user=user,
        name=name,
        community=community,
        status=Volunteer.Status.APPROVED if approved else Volunteer.Status.PENDING,
        approved_at=timezone.now() if approved else None,
    )


@pytest.fixture
def volunteer(community_a):
    return make_volunteer("13912345678", community_a)


@pytest.fixture
def pending_volunteer(community_a):
    return make_volunteer("13987654321", community_a, name="王待审", approved=False)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters start at zero in every test (with REDIS_URL they would outlive the run)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The real hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    """Every test writes its photos into its own empty media root."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files_under(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- Object storage (MEDIA_STORAGE=s3) ----------------------------------------------------------


class Bucket:
    """A bucket of the loopback S3 server, read with the same keys the app has, or as a stranger."""

    def __init__(self, endpoint, name):
        from beefeed.tests import s3server

        self.endpoint, self.name = endpoint, name
        self.client = s3server.client(endpoint)

    def keys(self):
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(entry["Key"] for page in pages for entry in page.get("Contents", ()))

    def read(self, key):
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def anonymous_get(self, url):
        """(status, body) of a plain GET, without any signature of ours."""
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback only)
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


@pytest.fixture(scope="session")
def s3_server():
    """An S3 server over HTTP in its own process on a free loopback port (beefeed.tests.s3server:
    moto's server mode, an independent implementation of the S3 API). Its address."""
    from beefeed.tests import s3server

    process, endpoint = s3server.start()
    yield endpoint
    s3server.stop(process)


@pytest.fixture
def s3_media(s3_server, settings):
    """The default storage is a fresh, private bucket of the S3 server, as MEDIA_STORAGE=s3 configures it."""
    import uuid

    from beefeed.tests import s3server

    bucket = Bucket(s3_server, f"beefeed-{uuid.uuid4().hex[:12]}")
    bucket.client.create_bucket(Bucket=bucket.name)
    env = s3server.environment(s3_server, bucket.name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "beefeed.s3media.S3MediaStorage",
            "OPTIONS": {
                "bucket_name": bucket.name,
                "endpoint_url": s3_server,
                "region_name": env["AWS_S3_REGION_NAME"],
                "access_key": env["AWS_ACCESS_KEY_ID"],
                "secret_key": env["AWS_SECRET_ACCESS_KEY"],
                "addressing_style": "path",
                "signature_version": "s3v4",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    settings.MEDIA_SIGNED_REDIRECT = True
    return bucket
