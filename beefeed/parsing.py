"""Reading numbers, ids and dates that come from a request: the one home of that rule.

Query strings, form fields and the Open311 API all read their numbers here, one way:
ASCII digits only (Python's int() and float() also take "١٢", "１２" or "1_000", and
str.isdigit() says yes to "²", which int() then refuses with a crash), a sign only where
the range allows one, no exponent, no NaN or infinity, nothing overlong, a range.
Absent (None or "") reads as None; anything else that does not fit raises Unreadable,
which Django answers with a 400 page (a BadRequest) unless the caller turns it into a
form error or an API error.
"""

import datetime
import re

from django import forms
from django.core.exceptions import BadRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime as django_parse_datetime

MAX_ID = 2**63 - 1  # a BigAutoField
MAX_LENGTH = 40
MAX_PAGE = 999_999
INTEGER = re.compile(r"-?[0-9]{1,19}")
DECIMAL = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,15})?")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
# W3C date-time: 2026-11-01, 2026-11-01T08:00, 2026-11-01T08:00:00.5+08:00, …Z
DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?"
)
EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(2999, 12, 31, tzinfo=datetime.UTC)


class Unreadable(BadRequest, ValueError):
    """A number, id or date from the request that cannot be read; Django answers it with a 400."""


def _text(value):
    if value is None:
        return None
    value = str(value)
    if value == "":
        return None
    if len(value) > MAX_LENGTH:
        raise Unreadable("too long")
    return value


def _number(value, pattern, convert, low, high):
    text = _text(value)
    if text is None:
        return None
    if not pattern.fullmatch(text) or (text.startswith("-") and low >= 0):
        raise Unreadable("not a number")
    number = convert(text)
    if not low <= number <= high:
        raise Unreadable("out of range")
    return number


def parse_int(value, *, low, high):
    """A whole number written in ASCII digits within [low, high]; None when absent."""
    return _number(value, INTEGER, int, low, high)


def parse_id(value):
    """A database id (1 and up); None when absent."""
    return parse_int(value, low=1, high=MAX_ID)


def parse_page(value):
    """A page number of a list; 1 when absent (a page past the end is the paginator's business)."""
    return parse_int(value, low=1, high=MAX_PAGE) or 1


def parse_float(value, *, low, high):
    """A decimal number such as 30.2745 or -7 (no exponent, no NaN) within [low, high]; None when absent."""
    return _number(value, DECIMAL, float, low, high)


def parse_date(value):
    """YYYY-MM-DD; None when absent."""
    text = _text(value)
    if text is None:
        return None
    if not DATE.fullmatch(text):
        raise Unreadable("not a date")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise Unreadable("not a date") from None


def parse_month(value):
    """YYYY-MM (between 1900 and 2099) as (year, month); None when absent."""
    text = _text(value)
    if text is None:
        return None
    match = MONTH.fullmatch(text)
    if not match:
        raise Unreadable("not a month")
    year, month = int(match[1]), int(match[2])
    if not (1900 <= year <= 2099 and 1 <= month <= 12):
        raise Unreadable("not a month")
    return year, month


def parse_datetime(value):
    """A W3C date-time between 2000 and 2999, aware (local time when it names no offset); None when absent."""
    text = _text(value)
    if text is None:
        return None
    if not DATETIME.fullmatch(text):
        raise Unreadable("not a date-time")
    try:
        moment = django_parse_datetime(text) or datetime.datetime.combine(
            datetime.date.fromisoformat(text), datetime.time.min
        )
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
    except (ValueError, OverflowError):
        raise Unreadable("not a date-time") from None
    if not EARLIEST <= moment <= LATEST:
        raise Unreadable("out of range")
    return moment


def readable(parse, value, **bounds):
    """parse(value) for a caller that treats unreadable input like absent input (e.g. a form's hidden field)."""
    try:
        return parse(value, **bounds)
    except Unreadable:
        return None


# --- form fields: the same rule, answered with the field's own error ----------------------


def _ids(values, field):
    try:
        return [parse_id(v) for v in values]
    except Unreadable:
        raise forms.ValidationError(
            field.error_messages["invalid_choice"], code="invalid_choice", params={"value": ""}
        ) from None


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that reads the chosen id with parse_id before the database sees it."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        _ids([value], self)
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that reads every chosen id with parse_id before the database sees them."""

    def _check_values(self, value):
        _ids(value, self)
        return super()._check_values(value)


class IdField(forms.IntegerField):
    """An id typed or carried in a form: read with parse_id."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_id(value)
        except Unreadable:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class DateTimeField(forms.DateTimeField):
    """A date-time typed in a form (e.g. a datetime-local input), read with parse_datetime."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value
        try:
            return parse_datetime(str(value).strip())
        except Unreadable:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
