"""Two coordinators dispatching one report at the same moment: exactly one wins."""

import threading

import pytest
from django.db import connection, connections

from issues import workflow
from issues.models import Report, ReportEvent, State

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (DATABASE_URL); SQLite serialises writers anyway")


def test_two_simultaneous_dispatches_exactly_one_wins(make_report, coordinator, community_a, community_b):
    from beefeed.roles import COORDINATORS
    from conftest import make_staff

    second = make_staff("coord2", coordinator.organization, COORDINATORS)
    report = make_report()
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(user, organization):
        try:
            seen = Report.objects.get(pk=report.pk)
            barrier.wait()
            workflow.dispatch(seen, by=user, organization=organization, notify=False)
            outcomes.append("won")
        except workflow.TransitionError as error:
            outcomes.append(str(error))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=attempt, args=(coordinator, community_a)),
        threading.Thread(target=attempt, args=(second, community_b)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes, key=lambda o: o != "won")[0] == "won"
    assert outcomes.count("won") == 1
    loser = next(o for o in outcomes if o != "won")
    assert "已被他人处理" in loser or "already moved" in loser
    report.refresh_from_db()
    assert report.state == State.DISPATCHED
    assert ReportEvent.objects.filter(report=report, action="dispatch").count() == 1
