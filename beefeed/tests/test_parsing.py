"""The one way numbers, ids and dates are read from a request."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beefeed import parsing
from beefeed.parsing import Unreadable, parse_date, parse_datetime, parse_float, parse_id, parse_int, parse_month

OTHER_SCRIPTS = ["²", "١٢", "１２", "۱۲", "१२", "๑๒", "½", "Ⅻ", "𝟙𝟚"]


@pytest.mark.parametrize("text", [None, ""])
def test_absent_input_reads_as_none(text):
    assert parse_id(text) is None and parse_float(text, low=0, high=1) is None
    assert parse_date(text) is None and parse_month(text) is None and parse_datetime(text) is None


def test_it_reads_plain_ascii_numbers():
    assert parse_id("42") == 42 and parse_id("007") == 7
    assert parse_int("-3", low=-5, high=5) == -3
    assert parse_float("30.274500", low=-90, high=90) == 30.2745 and parse_float("-7", low=-90, high=90) == -7.0
    assert parse_date("2026-11-30") == datetime.date(2026, 11, 30)
    assert parse_month("2026-02") == (2026, 2)


@pytest.mark.parametrize(
    "text",
    [*OTHER_SCRIPTS, "1_000", " 1", "1 ", "+1", "-1", "0", "1.0", "1e3", "0x10", "9" * 20, "9" * 41, "1\n", "\x001"],
)
def test_an_id_is_ascii_digits_one_and_up_only(text):
    with pytest.raises(Unreadable):
        parse_id(text)


@pytest.mark.parametrize(
    "text",
    [*OTHER_SCRIPTS, "nan", "NaN", "inf", "-inf", "infinity", "1e1", "1E1", "1_0", ".5", "5.", "+5", "٣٠.٥", "--1"],
)
def test_a_decimal_has_no_exponent_no_nan_and_no_foreign_digits(text):
    with pytest.raises(Unreadable):
        parse_float(text, low=-180, high=180)


def test_ranges_and_signs_are_enforced():
    with pytest.raises(Unreadable):
        parse_float("90.0001", low=-90, high=90)
    with pytest.raises(Unreadable):
        parse_int("6", low=1, high=5)
    with pytest.raises(Unreadable):
        parse_float("-0", low=0, high=1)  # no sign where none is allowed


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "٢٠٢٦-٠١-٠١", "26-01-01", "2026-1-1", "2026-01-01T"])
def test_a_date_is_a_real_day_in_ascii_digits(text):
    with pytest.raises(Unreadable):
        parse_date(text)


@pytest.mark.parametrize("text", ["2026-13", "1899-12", "٢٠٢٦-٠١", "2026-1", "2026-00"])
def test_a_month_is_yyyy_mm(text):
    with pytest.raises(Unreadable):
        parse_month(text)


def test_a_date_time_is_w3c_aware_and_within_the_millennium():
    moment = parse_datetime("2026-11-01T00:00:00+08:00")
    assert moment == datetime.datetime(2026, 10, 31, 16, 0, tzinfo=datetime.UTC)
    assert parse_datetime("2026-11-01T08:00").tzinfo is not None  # local time
    assert parse_datetime("2026-11-01") is not None
    for text in ["1999-12-31T23:00:00Z", "2026-11-01T25:00", "٢٠٢٦-11-01T00:00", "2026-11-01T00:00:00+99:00", "now"]:
        with pytest.raises(Unreadable):
            parse_datetime(text)


def test_unreadable_is_a_bad_request_django_answers_with_400():
    from django.core.exceptions import BadRequest

    assert issubclass(Unreadable, BadRequest) and issubclass(Unreadable, ValueError)


@given(st.text(max_size=60))
def test_any_text_is_read_or_refused_never_crashes(text):
    for parse in (
        parse_id,
        lambda t: parse_int(t, low=-(10**6), high=10**6),
        lambda t: parse_float(t, low=-180, high=180),
        parse_date,
        parse_month,
        parse_datetime,
    ):
        try:
            parse(text)
        except Unreadable:
            pass


@given(st.text(max_size=25))
def test_an_accepted_number_is_written_in_ascii_digits_only(text):
    number = parsing.readable(parse_id, text)
    if number is not None:
        assert text.isascii() and text.isdigit() and 1 <= number
    decimal = parsing.readable(parse_float, text, low=-180, high=180)
    if decimal is not None:
        assert text.isascii() and set(text) <= set("-.0123456789") and -180 <= decimal <= 180


def test_form_fields_refuse_foreign_digits_with_their_own_error(db):
    from django import forms

    from beefeed.models import Organization

    org = Organization.objects.create(name="龙西社区", kind=Organization.Kind.COMMUNITY)

    class Form(forms.Form):
        one = parsing.IdChoiceField(queryset=Organization.objects.all())
        many = parsing.IdMultipleChoiceField(queryset=Organization.objects.all(), required=False)
        number = parsing.IdField(required=False)
        when = parsing.DateTimeField(required=False)

    good = Form({"one": str(org.pk), "many": [str(org.pk)], "number": "12", "when": "2026-11-30T18:00"})
    assert good.is_valid(), good.errors
    assert good.cleaned_data["one"] == org and good.cleaned_data["number"] == 12
    bad = Form({"one": "١", "many": ["²"], "number": "１２", "when": "٢٠٢٦-11-30T18:00"})
    assert not bad.is_valid() and set(bad.errors) == {"one", "many", "number", "when"}
