"""The quarter calendar (一季度一统计): which quarter a day lies in, its bounds, whether it is closed."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from beefeed.parsing import parse_int
from volunteers.exceptions import PointsError
from volunteers.models import Quarter


def quarter_of(day):
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year, number):
    first = datetime.date(year, 3 * (number - 1) + 1, 1)
    last = datetime.date(year + (number == 4), (3 * number) % 12 + 1, 1) - datetime.timedelta(days=1)
    return first, last


def parse_quarter(text):
    """'2026Q4' → (2026, 4); PointsError for anything else."""
    text = (text or "").strip().upper()
    try:
        year, number = text.split("Q")
        year, number = parse_int(year, low=2000, high=2999), parse_int(number, low=1, high=4)
    except ValueError:  # parsing.Unreadable is one
        raise PointsError(_("Write a quarter like 2026Q4.")) from None
    if year is None or number is None:
        raise PointsError(_("Write a quarter like 2026Q4."))
    return year, number


def is_closed(day):
    year, number = quarter_of(day)
    return Quarter.objects.filter(year=year, number=number).exists()


def today(now=None):
    return timezone.localdate(now or timezone.now())


def booking_day(now=None):
    """Awards that follow an event are booked on its day, or today if that quarter is closed."""
    day = today(now)
    return today() if is_closed(day) else day
