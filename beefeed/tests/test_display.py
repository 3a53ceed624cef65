"""beefeed.display and the named date formats: how quarters, distances and dates are written, per language."""

import datetime

import pytest
from django import forms
from django.utils import translation
from django.utils.formats import date_format

from beefeed import display
from beefeed.forms import Prompted


@pytest.mark.parametrize(
    "metres, chinese, english",
    [
        (0, "0 米", "0 m"),
        (4, "0 米", "0 m"),
        (123, "120 米", "120 m"),
        (125.1, "130 米", "130 m"),
        (994, "990 米", "990 m"),
        (996, "1.0 公里", "1.0 km"),  # rounds up to a kilometre: never "1000 米"
        (1_234, "1.2 公里", "1.2 km"),
        (1_250.1, "1.3 公里", "1.3 km"),
        (9_949, "9.9 公里", "9.9 km"),
        (9_951, "10 公里", "10 km"),  # never "10.0 公里"
        (12_345, "12 公里", "12 km"),
        (111_195, "111 公里", "111 km"),
    ],
)
def test_a_distance_is_written_to_the_rule(metres, chinese, english):
    with translation.override("zh-hans"):
        assert display.distance_label(metres) == chinese
    with translation.override("en"):
        assert display.distance_label(metres) == english


def test_no_distance_is_written_as_nothing():
    assert display.distance_label(None) == ""


def test_an_approximate_distance_says_so():
    with translation.override("zh-hans"):
        assert display.about_distance_label(30) == "约 30 米"
    with translation.override("en"):
        assert display.about_distance_label(30) == "about 30 m"


@pytest.mark.parametrize(
    "number, chinese, english", [(1, "一", "Q1"), (2, "二", "Q2"), (3, "三", "Q3"), (4, "四", "Q4")]
)
def test_a_quarter_is_written_as_each_language_writes_it(number, chinese, english):
    with translation.override("zh-hans"):
        assert display.quarter_label(2026, number) == f"2026年第{chinese}季度"
        assert display.quarter_name(number) == f"第{chinese}季度"
    with translation.override("en"):
        assert display.quarter_label(2026, number) == f"{english} 2026"
        assert display.quarter_name(number) == english


def test_dates_follow_the_named_formats_of_each_language():
    moment = datetime.datetime(2026, 11, 30, 14, 5)
    with translation.override("zh-hans"):
        assert date_format(moment, "DATE_FORMAT") == "2026年11月30日"
        assert date_format(moment, "DATETIME_FORMAT") == "2026年11月30日 14:05"
        assert date_format(moment, "YEAR_MONTH_FORMAT") == "2026年11月"
        assert date_format(moment, "MONTH_DAY_FORMAT") == "11月30日"
    with translation.override("en"):
        assert date_format(moment, "DATE_FORMAT") == "30 Nov 2026"
        assert date_format(moment, "DATETIME_FORMAT") == "30 Nov 2026 14:05"
        assert date_format(moment, "YEAR_MONTH_FORMAT") == "November 2026"


def test_a_month_label_is_written_in_the_language_of_whoever_reads_it():
    label = display.month_label(datetime.date(2026, 11, 1))  # made once (e.g. cached statistics) …
    with translation.override("zh-hans"):
        assert str(label) == "2026年11月"  # … read in Chinese
    with translation.override("en"):
        assert str(label) == "November 2026"  # … and in English


class Sample(Prompted, forms.Form):
    prompts = {"colour": "Pick a colour", "size": "Pick a size"}
    colour = forms.ChoiceField(choices=[("", "---------"), ("red", "red")], required=False)
    size = forms.ChoiceField(choices=[("s", "small"), ("l", "large")])  # required, no empty choice
    shade = forms.ChoiceField(choices=[("", "---------"), ("dark", "dark")], required=False)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)


def test_a_select_opens_with_its_prompt_never_dashes():
    html = str(Sample())
    assert "---------" not in html
    assert '<option value="" selected>Pick a colour</option>' in html
    assert '<option value="" selected>Pick a size</option>' in html  # a required choice has to be made
    with translation.override("zh-hans"):
        assert '<option value="" selected>请选择</option>' in str(Sample())  # no prompt named: a plain one
    assert 'value=""' not in str(Sample()["kind"])  # buttons have no empty choice to prompt with


def test_a_required_prompt_is_not_a_choice():
    form = Sample(data={"colour": "", "size": "", "shade": "", "kind": "a"})
    assert not form.is_valid() and "size" in form.errors
