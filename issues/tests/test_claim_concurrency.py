"""A community claims a report at the very moment a coordinator dispatches it: exactly one wins,
the other is told it has already moved on (as for two coordinators, test_concurrency.py)."""

import threading

import pytest
from django.db import connection, connections

from beefeed.models import Organization
from issues import workflow
from issues.models import Action, Report, ReportEvent, State

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 5  # either may come first; each round has exactly one winner


@pytest.fixture(autouse=True)
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (DATABASE_URL); SQLite serialises writers anyway")


def race(report, moves):
    """Run each of `moves` (name -> callable(report as seen)) in its own thread and connection, all
    starting together from the same seen state; returns name -> "won" or the refusal's message."""
    barrier = threading.Barrier(len(moves))
    outcomes = {}

    def attempt(name, move):
        try:
            seen = Report.objects.get(pk=report.pk)
            barrier.wait()
            move(seen)
            outcomes[name] = "won"
        except workflow.TransitionError as error:
            outcomes[name] = str(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=item) for item in moves.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def test_a_claim_and_a_dispatch_at_the_same_moment_exactly_one_wins(make_report, coordinator, handler_a, community_a):
    department = Organization.objects.create(name="区城管局", kind=Organization.Kind.DEPARTMENT)
    for _ in range(ROUNDS):
        report = make_report()
        outcomes = race(
            report,
            {
                Action.CLAIM: lambda seen: workflow.claim(seen, by=handler_a, notify=False),
                Action.DISPATCH: lambda seen: workflow.dispatch(
                    seen, by=coordinator, organization=department, notify=False
                ),
            },
        )
        assert list(outcomes.values()).count("won") == 1, outcomes
        loser = next(text for text in outcomes.values() if text != "won")
        assert "已被他人处理" in loser or "already moved" in loser
        report.refresh_from_db()
        assert report.state == State.DISPATCHED
        moves = ReportEvent.objects.filter(report=report, action__in=[Action.CLAIM, Action.DISPATCH])
        winner = moves.get()  # exactly one event
        assert outcomes[winner.action] == "won"
        assert report.assignee == (community_a if winner.action == Action.CLAIM else department)
