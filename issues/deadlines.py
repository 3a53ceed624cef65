"""When a dispatched report is due: the one place that computes it."""

from datetime import timedelta


def deadline_for(category, start):
    """The deadline of a report of `category` dispatched at `start`.

    Hours are counted on the clock. Working days are counted, for now, as
    calendar days; the supervision work replaces this with China's
    working-day calendar without changing any caller.
    """
    if category.time_limit_unit == category.LimitUnit.HOURS:
        return start + timedelta(hours=category.time_limit)
    return start + timedelta(days=category.time_limit)
