"""The period the district's figures are counted for: the one home of what a period is.

A period is a span of whole days in the district's time (Asia/Shanghai): from 00:00 of its
first day up to, not including, 00:00 of the day after its last. A report dispatched at
23:59 on 30 September belongs to the third quarter; one dispatched at 00:00 on 1 October
to the fourth.

It is read from the query string, one way everywhere (/stats/, its exports, the printable
report and the coordinators' dashboard):

    ?period=month | last-month | quarter | 60d | all     (本月, 上月, 本季度, 近60天, 累计)
    ?quarter=2026Q3                                      (2026年第三季度)
    ?from=2026-10-01&to=2026-11-30                       (2026年10月1日至11月30日)

Nothing given means the last 60 days (the district reports "近两个月"). Anything that cannot
be read raises BadPeriod with a message for the person who typed it.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from beefeed.display import day_label, month_label, quarter_label
from volunteers.quarters import quarter_bounds, quarter_of

FIRST_YEAR = 2000
RECENT_DAYS = 60
DEFAULT = "60d"
QUARTER = re.compile(r"\s*([0-9]{1,6})\s*[Qq]\s*([0-9]{1,3})\s*")
DATE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
CHOICES = [
    ("month", gettext_lazy("This month")),
    ("last-month", gettext_lazy("Last month")),
    ("quarter", gettext_lazy("This quarter")),
    ("60d", gettext_lazy("Last 60 days")),
    ("all", gettext_lazy("All time")),
]


class BadPeriod(ValueError):
    """A period that cannot be counted; str() is the message to show."""


@dataclass(frozen=True)
class Period:
    kind: str  # one of CHOICES' keys, "q" (a named quarter) or "range"
    first: datetime.date | None  # None: since the beginning ("all")
    last: datetime.date | None
    label: str  # 本月, 2026年第三季度, 2026年10月1日至11月30日 …

    @property
    def start(self):
        """The first moment of the period (aware, district time); None for "all"."""
        return None if self.first is None else _midnight(self.first)

    @property
    def end(self):
        """The first moment after the period (aware, district time); None for "all"."""
        return None if self.last is None else _midnight(self.last + datetime.timedelta(days=1))

    @property
    def key(self):
        """What a cached value computed for this period is keyed by."""
        return f"{self.kind}:{self.first}:{self.last}"

    @property
    def query(self):
        """The query string that names this period (for links to its export and its printable report)."""
        if self.kind == "q":
            year, number = quarter_of(self.first)
            return f"quarter={year}Q{number}"
        if self.kind == "range":
            return f"from={self.first:%Y-%m-%d}&to={self.last:%Y-%m-%d}"
        return f"period={self.kind}"

    def unit(self, today=None):
        """How the period's timeline is cut, by the period's length: "week" (up to 62 days: the last
        60 days, a month), "month" (up to three years: a quarter, a year) or "year"."""
        if self.first is None:
            return "year"
        days = ((self.last or today or _today()) - self.first).days + 1
        return "week" if days <= 62 else "month" if days <= 3 * 366 else "year"

    def buckets(self, today=None):
        """The period cut into weeks, months or years (see `unit`), each a Period, the last one ending
        no later than today: the figures' timeline."""
        today = today or _today()
        first, last = self.first, min(self.last or today, today)
        if first is None or last < first:
            return []
        step, label = {
            "week": (_next_week, _week_label),
            "month": (_next_month, _month_label),
            "year": (_next_year, _year_label),
        }[self.unit(today)]
        buckets = []
        while first <= last:
            after = step(first)
            end = min(after - datetime.timedelta(days=1), last)
            buckets.append(Period("bucket", first, end, label(first, end)))
            first = after
        return buckets


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone())


def _today():
    return timezone.localdate()


def _next_week(day):
    return day + datetime.timedelta(days=7 - day.weekday())  # the next Monday


def _next_month(day):
    return datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _next_year(day):
    return datetime.date(day.year + 1, 1, 1)


def _week_label(first, last):
    return format_lazy("{}–{}", day_label(first), day_label(last))


def _month_label(first, last):
    return month_label(first)


def _year_label(first, last):
    return f"{first:%Y}"


def range_label(first, last):
    """2026年10月1日至11月30日: the year is written once when both days share it."""
    same_year = first.year == last.year
    return _("%(first)s to %(last)s") % {
        "first": formats.date_format(first, "DATE_FORMAT"),
        "last": formats.date_format(last, pgettext("a day in a period's year", "N j") if same_year else "DATE_FORMAT"),
    }


def _named(kind, today):
    if kind == "month":
        return Period(kind, today.replace(day=1), _next_month(today) - datetime.timedelta(days=1), _("this month"))
    if kind == "last-month":
        last = today.replace(day=1) - datetime.timedelta(days=1)
        return Period(kind, last.replace(day=1), last, _("last month"))
    if kind == "quarter":
        first, last = quarter_bounds(*quarter_of(today))
        return Period(kind, first, last, _("this quarter"))
    if kind == "60d":
        first = today - datetime.timedelta(days=RECENT_DAYS - 1)
        return Period(kind, first, today, _("in the last %(days)d days") % {"days": RECENT_DAYS})
    if kind == "all":
        return Period(kind, None, None, _("so far"))
    raise BadPeriod(_("There is no such period: choose one from the list."))


def _year(year, today):
    if not FIRST_YEAR <= year <= today.year:
        raise BadPeriod(
            _("The year must be between %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": today.year}
        )


def _quarter(text, today):
    match = QUARTER.fullmatch(text)
    if not match:
        raise BadPeriod(_("There is no such quarter: write a quarter like 2026Q3."))
    year, number = int(match[1]), int(match[2])
    if not 1 <= number <= 4:
        raise BadPeriod(_("There is no such quarter: a year has quarters 1 to 4 (write 2026Q3)."))
    _year(year, today)
    first, last = quarter_bounds(year, number)
    return Period("q", first, last, quarter_label(year, number))


def _date(text, today):
    text = text.strip()
    try:
        if not DATE.fullmatch(text):
            raise ValueError
        year, month, day = (int(part) for part in text.split("-"))
        day = datetime.date(year, month, day)
    except ValueError:
        raise BadPeriod(_("Write the days like 2026-10-01.")) from None
    _year(day.year, today)
    return day


def _range(first, last, today):
    if not first or not last:
        raise BadPeriod(_("Give both the first and the last day."))
    first, last = _date(first, today), _date(last, today)
    if first > last:
        raise BadPeriod(_("The first day is after the last day."))
    return Period("range", first, last, range_label(first, last))


def default(today=None):
    return _named(DEFAULT, today or _today())


def from_query(params, today=None):
    """The Period a query string names (the default when it names none); BadPeriod otherwise."""
    today = today or _today()
    first, last = params.get("from", ""), params.get("to", "")
    quarter, kind = params.get("quarter", ""), params.get("period", "")
    if any(len(value) > 40 for value in (first, last, quarter, kind)):
        raise BadPeriod(_("There is no such period: choose one from the list."))
    if first or last:
        return _range(first, last, today)
    if quarter.strip():
        return _quarter(quarter, today)
    return _named(kind or DEFAULT, today)


def read(params, today=None):
    """(period, error): the period the query string names, or the default one and why."""
    try:
        return from_query(params, today), None
    except BadPeriod as error:
        return default(today), str(error)


def recent_quarters(today=None, count=8):
    """["2026Q4", "2026Q3", …]: the quarters to suggest, the current one first."""
    year, number = quarter_of(today or _today())
    quarters = []
    for _step in range(count):
        quarters.append(f"{year}Q{number}")
        year, number = (year, number - 1) if number > 1 else (year - 1, 4)
    return quarters


def _printable(text):
    return "".join(ch for ch in text if ch.isprintable())


def chooser(params, period, error=None, today=None):
    """What the period form (templates/issues/_period_form.html) shows: the named periods, the
    quarters to suggest, what was typed (kept, so a mistake can be corrected) and the error."""
    return {
        "period": period,
        "period_error": error,
        "period_choices": CHOICES,
        "period_quarters": recent_quarters(today),
        "period_typed": {name: _printable(params.get(name, ""))[:40] for name in ("from", "to", "quarter")},
    }
