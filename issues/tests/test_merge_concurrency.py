"""On PostgreSQL: two coordinators merging two new reports into each other at the same moment. Exactly
one merge happens, the other is told; never a deadlock, never both."""

import threading

import pytest
from django.db import connection, connections

from issues import workflow
from issues.models import CoReporter, Report, State

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (DATABASE_URL); SQLite serialises writers anyway")


def test_two_reports_merged_into_each_other_at_once_one_merge_wins(make_report, coordinator, community_a):
    from beefeed.roles import COORDINATORS
    from conftest import make_staff, make_volunteer

    second = make_staff("coord2", coordinator.organization, COORDINATORS)
    one = make_report()
    other = make_report(reporter=make_volunteer("13700000002", community_a, name="李二蜂"))
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(user, report, into):
        try:
            seen = Report.objects.get(pk=report.pk)
            barrier.wait()
            workflow.merge(seen, by=user, into=into.pk, notify=False)
            outcomes.append("won")
        except workflow.TransitionError as error:
            outcomes.append(str(error))
        except Exception as error:  # a deadlock or a 500 would land here
            outcomes.append(f"crash: {error!r}")
        finally:
            connections.close_all()

    for _round in range(5):  # the threads race differently each time; none may ever crash
        threads = [
            threading.Thread(target=attempt, args=(coordinator, one, other)),
            threading.Thread(target=attempt, args=(second, other, one)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert outcomes.count("won") == 1, outcomes
        assert not any(o.startswith("crash") for o in outcomes), outcomes
        loser = next(o for o in outcomes if o != "won")
        assert "他人" in loser or "未结" in loser or "someone else" in loser or "open one" in loser, loser
        states = sorted(Report.objects.filter(pk__in=[one.pk, other.pk]).values_list("state", flat=True))
        assert states == sorted([State.SUBMITTED, State.REJECTED])
        assert CoReporter.objects.count() == 1
        # Back to two new reports for the next round (test data only: the workflow never un-merges).
        Report.objects.filter(pk__in=[one.pk, other.pk]).update(
            state=State.SUBMITTED, reject_reason="", duplicate_of=None
        )
        CoReporter.objects.all().delete()
        outcomes.clear()
