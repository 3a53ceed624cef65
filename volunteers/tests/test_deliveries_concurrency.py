"""Four senders at the same instant (four `supervise` runs, or tasks): each notice goes out exactly once."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from conftest import make_volunteer
from volunteers import deliveries
from volunteers.models import Delivery, Moment
from volunteers.tests.provider import sms_provider_fixture  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (DATABASE_URL); SQLite serialises writers anyway")


def test_senders_at_once_send_each_notice_once(community_a, sms_provider, settings):
    settings.NOTIFY_CHANNELS = ["sms"]
    couriers = [make_volunteer(f"1390000{i:04d}", community_a, name=f"蜂{i}") for i in range(12)]
    # Recorded as due a minute from now, so the task that follows the recording finds nothing yet.
    now = timezone.now() + datetime.timedelta(minutes=1)
    for courier in couriers:
        deliveries.record(courier, Moment.RESOLVED, source="event:1", text="BF000001 已办结", now=now)
    assert sms_provider.received == []
    barrier = threading.Barrier(4)
    outcomes = []

    def sender():
        try:
            barrier.wait()
            outcomes.append(deliveries.send_due(now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sum(o["sent"] for o in outcomes) == 12
    phones = sorted(r.params["PhoneNumbers"] for r in sms_provider.received)
    assert phones == sorted(c.user.phone for c in couriers)  # every courier once, nobody twice
    assert Delivery.objects.filter(sent_at__isnull=True).count() == 0
