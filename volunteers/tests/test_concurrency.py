"""Twenty redemptions at the same instant against a balance that covers five."""

import threading
import uuid

import pytest
from django.db import connection, connections

from volunteers import ledger, rewards
from volunteers.exceptions import AlreadyDone, PointsError
from volunteers.models import PointsEntry, Redemption, RewardItem
from volunteers.tests.conftest import credit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (DATABASE_URL); SQLite serialises writers anyway")


def run_at_once(count, attempt):
    barrier = threading.Barrier(count)
    outcomes = []

    def worker(i):
        try:
            barrier.wait()
            outcomes.append(attempt(i))
        except PointsError as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_exactly_as_many_redemptions_as_the_balance_covers(volunteer, coordinator, window):
    umbrella = RewardItem.objects.create(name="雨伞", points=10, stock=50)
    credit(volunteer, 50, by=coordinator)  # covers exactly five

    outcomes = run_at_once(20, lambda i: rewards.redeem(volunteer, umbrella, token=uuid.uuid4()))

    made = [o for o in outcomes if isinstance(o, Redemption)]
    refused = [o for o in outcomes if isinstance(o, PointsError)]
    assert (len(made), len(refused)) == (5, 15)
    assert ledger.balance(volunteer) == 0
    umbrella.refresh_from_db()
    assert umbrella.stock == 45
    assert PointsEntry.objects.filter(kind="redemption").count() == 5


def test_stock_never_goes_below_zero(volunteer, coordinator, window, community_a):
    from conftest import make_volunteer

    fan = RewardItem.objects.create(name="小风扇", points=10, stock=3)
    people = [volunteer] + [make_volunteer(f"1370000{i:04d}", community_a, name=f"王{i}") for i in range(7)]
    for person in people:
        credit(person, 10, by=coordinator)

    outcomes = run_at_once(len(people), lambda i: rewards.redeem(people[i], fan, token=uuid.uuid4()))

    assert sum(isinstance(o, Redemption) for o in outcomes) == 3
    fan.refresh_from_db()
    assert fan.stock == 0
    assert sum(ledger.balance(p) for p in people) == 10 * len(people) - 30


def test_the_same_form_sent_twice_at_once_is_paid_once(volunteer, coordinator, window, kettle):
    credit(volunteer, 100, by=coordinator)
    token = uuid.uuid4()

    outcomes = run_at_once(2, lambda i: rewards.redeem(volunteer, kettle, token=token))

    assert sum(isinstance(o, Redemption) for o in outcomes) == 1
    assert sum(isinstance(o, AlreadyDone) for o in outcomes) == 1
    assert ledger.balance(volunteer) == 70
