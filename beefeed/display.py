"""How quarters, distances and months are written for people, in the reader's language.

The one home of these display forms: Chinese writes "2026年第三季度" and "1.2 公里", English
"Q3 2026" and "1.2 km". Machine forms (the "2026Q3" of a URL, ISO dates in the APIs and
spreadsheets) are not made here. Dates themselves follow the named formats of
beefeed/formats/<language>/formats.py (DATE_FORMAT, DATETIME_FORMAT, YEAR_MONTH_FORMAT, …).
"""

from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

# Chinese counts quarters with Chinese numerals (第三季度), so each one is its own message.
_QUARTERS = {
    1: (pgettext_lazy("quarter of a year", "Q1"), pgettext_lazy("quarter of a year", "Q1 %(year)d")),
    2: (pgettext_lazy("quarter of a year", "Q2"), pgettext_lazy("quarter of a year", "Q2 %(year)d")),
    3: (pgettext_lazy("quarter of a year", "Q3"), pgettext_lazy("quarter of a year", "Q3 %(year)d")),
    4: (pgettext_lazy("quarter of a year", "Q4"), pgettext_lazy("quarter of a year", "Q4 %(year)d")),
}


# The quarters without their year, lazily: a model's choices (第三季度 / Q3).
QUARTER_NAMES = [(number, names[0]) for number, names in _QUARTERS.items()]


def quarter_name(number):
    """The quarter without its year, e.g. a column of the points card: 第三季度 / Q3."""
    return str(_QUARTERS[number][0])


def quarter_label(year, number):
    """A quarter as people write it: 2026年第三季度 / Q3 2026."""
    return str(_QUARTERS[number][1]) % {"year": year}


def distance_label(metres):
    """A distance as a courier reads it: under 1 km to the nearest 10 m (120 米 / 120 m), then one
    decimal (1.2 公里 / 1.2 km), and from 10 km whole kilometres (12 公里 / 12 km)."""
    if metres is None:
        return ""
    metres = max(0.0, float(metres))
    tens = round(metres / 10) * 10
    if tens < 1000:
        return _("%(metres)d m") % {"metres": tens}
    tenths = round(metres / 100)
    if tenths < 100:
        return _("%(km)s km") % {"km": f"{tenths / 10:.1f}"}
    return _("%(km)s km") % {"km": f"{round(metres / 1000):d}"}


def about_distance_label(metres):
    """'About' a distance, for a hint that is never to the metre: 约 30 米 / about 30 m."""
    return pgettext("approximately a distance", "about %(distance)s") % {"distance": distance_label(metres)}


def _month_label(day):
    return date_format(day, "YEAR_MONTH_FORMAT")


# Lazy, so that a label computed once and cached (the statistics) is written in each reader's language.
month_label = lazy(_month_label, str)


def _day_label(day):
    return date_format(day, "MONTH_DAY_FORMAT")


day_label = lazy(_day_label, str)  # 11月30日 / 30 Nov, lazy as month_label is
