"""No stampede on a cold cache (issue 20, item 5): thirty visitors arriving together right after a
change make the figures be computed once; the others wait for that result."""

import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client

from beefeed import generations


def crowd(n, work):
    """Run `work()` in `n` threads released at the same moment; their results in order."""
    start, results = threading.Barrier(n), [None] * n

    def one(i):
        start.wait()
        try:
            results[i] = work()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_a_cold_value_asked_for_by_many_at_once_is_computed_once():
    calls = []

    def slow_figures():
        calls.append(1)
        time.sleep(0.3)  # an aggregation over many reports
        return {"received": 125}

    results = crowd(20, lambda: generations.cached("reports", "figures-under-test", slow_figures))

    assert len(calls) == 1
    assert results == [{"received": 125}] * 20


def test_when_the_one_computing_fails_the_others_still_get_an_answer():
    calls = []

    def flaky():
        calls.append(1)
        time.sleep(0.2)
        if len(calls) == 1:
            raise RuntimeError("the first computation failed")
        return "figures"

    def ask():
        try:
            return generations.cached("reports", "flaky-under-test", flaky)
        except RuntimeError:
            return "error"

    results = crowd(8, ask)

    assert results.count("error") == 1
    assert results.count("figures") == 7
    assert len(calls) == 2  # after the failure one takes over; the rest read its result


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_thirty_cold_visitors_on_stats_make_one_aggregation(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent requests are tested on PostgreSQL (DATABASE_URL)")
    from issues import stats

    runs, real = [], stats.overall

    def counted(*args, **kwargs):
        runs.append(1)
        time.sleep(0.2)  # as at 100,000 reports, the aggregation takes a while
        return real(*args, **kwargs)

    monkeypatch.setattr(stats, "overall", counted)
    generations.changed("reports")  # a change: the figures are cold

    statuses = crowd(30, lambda: Client().get("/stats/").status_code)

    assert statuses == [200] * 30
    assert len(runs) == 1
