"""What other apps count per volunteer for the quarterly tally.

`volunteers` does not know about reports (the dependency runs the other way:
issues ← volunteers). The reports app registers a counter when it starts;
closing a quarter asks every registered counter for its figures.
"""

_counters = []


def register(counter):
    """`counter(first_day, last_day)` → {volunteer_id: {"reports": n, "solved": m}}."""
    if counter not in _counters:
        _counters.append(counter)
    return counter


def collect(first_day, last_day):
    figures = {}
    for counter in _counters:
        for volunteer_id, counts in counter(first_day, last_day).items():
            figures.setdefault(volunteer_id, {}).update(counts)
    return figures
