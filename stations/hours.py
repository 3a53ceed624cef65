"""Opening hours: is a station open at a given moment, and how to say its hours.

Times are the district's local time (Asia/Shanghai, the TIME_ZONE setting). A
span that closes at or before it opens runs past midnight into the next day,
so "Friday 18:00–02:00" is open at 01:00 on Saturday.
"""

import bisect
import datetime
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


WEEK = 7 * 24 * 3600


def _second_of_week(weekday, time):
    return weekday * 86400 + time.hour * 3600 + time.minute * 60 + time.second


def boundaries(spans):
    """The moments of the week (seconds since Monday 00:00) at which a span opens or closes.

    `spans` are (weekday, opens, closes); a span past midnight closes on the next day. Between
    two consecutive boundaries no station opens or closes: `is_open` answers the same for all.
    """
    moments = set()
    for weekday, opens, closes in spans:
        moments.add(_second_of_week(weekday, opens))
        moments.add(_second_of_week((weekday + 1) % 7 if closes < opens else weekday, closes) % WEEK)
    return sorted(moments)


def unchanged_since(moments, at=None):
    """The last moment at or before `at` when some station opened or closed (an aware datetime), given
    `boundaries()`; None if no span ever opens or closes. Two moments with the same answer have the
    same stations open."""
    if not moments:
        return None
    local = timezone.localtime(at or timezone.now())
    monday = (local - datetime.timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    now = int((local - monday).total_seconds())
    index = bisect.bisect_right(moments, now) - 1
    if index < 0:  # before this week's first boundary: the last one of last week
        return monday + datetime.timedelta(seconds=moments[-1] - WEEK)
    return monday + datetime.timedelta(seconds=moments[index])


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
