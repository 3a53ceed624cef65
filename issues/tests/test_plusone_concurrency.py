"""On PostgreSQL: the same courier's "+1" sent twice at the same moment (a double tap, two tabs). One
co-reporter, one timeline event, the co-report points once; the other answer is the same success."""

import threading

import pytest
from django.db import connection, connections

from conftest import make_volunteer
from issues import workflow
from issues.models import Action, CoReporter, ReportEvent
from volunteers.models import PointsEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (DATABASE_URL); SQLite serialises writers anyway")


def test_a_double_plus_one_at_once_records_one_co_reporter_and_pays_once(
    make_report, volunteer, coordinator, category, community_a
):
    first = make_volunteer("13700000001", community_a, name="王先蜂")
    report = make_report("dispatched", reporter=first, by_coordinator=coordinator)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        try:
            barrier.wait()
            co, position = workflow.join(
                report.pk, volunteer=volunteer, category_id=category.pk, latitude=30.2747, longitude=118.13245
            )
            outcomes.append(position)
        except Exception as error:  # a unique violation or a deadlock would land here
            outcomes.append(f"crash: {error!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert outcomes == [2, 2], outcomes
    assert CoReporter.objects.filter(report=report).count() == 1
    assert ReportEvent.objects.filter(report=report, action=Action.MERGE).count() == 1
    assert PointsEntry.objects.filter(volunteer=volunteer, rule="co_report").count() == 1
