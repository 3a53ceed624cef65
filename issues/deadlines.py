"""When a dispatched report is due: the one place that computes it.

A category's limit is in hours (counted on the clock) or in working days.
Working days skip weekends and China's statutory holidays and count the
make-up working days (调休上班), from the `chinese-calendar` package. Counting
starts on the day after dispatch, and the deadline is the close of the office
day (WORKDAY_ENDS, 18:00 Asia/Shanghai) on the last working day: a report
dispatched at 17:30 on the eve of National Day with two working days is due at
18:00 on the second working day after the holiday.

For a year the package does not know, only weekends are skipped, and
`calendar_gaps()` tells the coordinators so (the admin shows a warning).
"""

import datetime

import chinese_calendar
from django.conf import settings
from django.utils import timezone


def is_working_day(day):
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def calendar_known(year):
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def calendar_gaps(now=None, horizon_days=60):
    """The years in the next `horizon_days` whose holidays the installed calendar does not know."""
    today = timezone.localdate(now or timezone.now(), timezone.get_default_timezone())
    years = {today.year, (today + datetime.timedelta(days=horizon_days)).year}
    return sorted(year for year in years if not calendar_known(year))


def add_working_days(day, count):
    """The `count`-th working day after `day` (not counting `day` itself)."""
    while count > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def _workday_end():
    return datetime.time.fromisoformat(settings.WORKDAY_ENDS)


def end_of_office_day(now):
    """The close of today's office day (WORKDAY_ENDS, the district's time): what "due today" runs to.

    After the close it lies in the past, and nothing more is due today.
    """
    zone = timezone.get_default_timezone()
    return datetime.datetime.combine(timezone.localdate(now, zone), _workday_end(), tzinfo=zone)


def deadline_for(category, start):
    """The deadline of a report of `category` dispatched at `start` (an aware datetime)."""
    if category.time_limit_unit == category.LimitUnit.HOURS:
        return start + datetime.timedelta(hours=category.time_limit)
    zone = timezone.get_default_timezone()  # the district's time, whoever is looking
    local = timezone.localtime(start, zone)
    last_day = add_working_days(local.date(), category.time_limit)
    return datetime.datetime.combine(last_day, _workday_end(), tzinfo=zone)
