"""Opening hours: is a station open at a given moment, and how to say its hours.

Times are the district's local time (Asia/Shanghai, the TIME_ZONE setting). A
span that closes at or before it opens runs past midnight into the next day,
so "Friday 18:00–02:00" is open at 01:00 on Saturday.
"""

from itertools import groupby

from django.utils import timezone
from django.utils.translation import gettext as _

from stations.models import WEEKDAYS


def is_open(station, spans, at=None):
    """`spans` are the station's OpeningSpan rows (prefetched); `at` an aware datetime (default: now)."""
    if station.status != station.Status.OPEN:
        return False
    if station.all_night:
        return True
    local = timezone.localtime(at or timezone.now())
    today, now = local.weekday(), local.time()
    yesterday = (today - 1) % 7
    for span in spans:
        if span.weekday == today:
            if span.crosses_midnight and now >= span.opens:
                return True
            if not span.crosses_midnight and span.opens <= now < span.closes:
                return True
        elif span.weekday == yesterday and span.crosses_midnight and now < span.closes:
            return True
    return False


def describe(station, spans):
    """'周一至周五 08:00–20:00；周六、周日 09:00–18:00' or '24小时开放'."""
    if station.all_night:
        return _("Open 24 hours")
    by_day = {day: [] for day, _label in WEEKDAYS}
    for span in spans:
        by_day[span.weekday].append(f"{span.opens:%H:%M}–{span.closes:%H:%M}")
    names = dict(WEEKDAYS)
    parts = []
    for hours, days in groupby(range(7), key=lambda d: tuple(by_day[d])):
        days = list(days)
        if not hours:
            continue
        label = (
            str(names[days[0]])
            if len(days) == 1
            else _("%(first)s to %(last)s")
            % {
                "first": names[days[0]],
                "last": names[days[-1]],
            }
        )
        parts.append(f"{label} {', '.join(hours)}")
    if not parts:
        return _("Hours not given")
    if len(parts) == 1 and all(by_day[d] == by_day[0] for d in range(7)):
        return _("Daily %(hours)s") % {"hours": ", ".join(by_day[0])}
    return _("; ").join(parts)
