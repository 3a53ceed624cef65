"""Deadlines in working days: weekends, holidays, make-up Saturdays, unknown years."""

import datetime
import zoneinfo

import pytest

from issues import deadlines
from issues.models import Category

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def category(limit, unit="working_days"):
    return Category(name="x", code="x", time_limit=limit, time_limit_unit=unit)


def local(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def test_hours_are_counted_on_the_clock_even_over_a_holiday():
    assert deadlines.deadline_for(category(24, "hours"), local(2026, 9, 30, 17, 30)) == local(2026, 10, 1, 17, 30)


def test_working_days_skip_the_weekend():
    # Friday 27 November 2026, 10:00, one working day: Monday 30 November at the close of day.
    assert deadlines.deadline_for(category(1), local(2026, 11, 27, 10, 0)) == local(2026, 11, 30, 18, 0)


def test_the_eve_of_national_day_counts_after_the_holiday():
    # 2026: 1–7 October off; 8 and 9 October are working days.
    assert deadlines.deadline_for(category(2), local(2026, 9, 30, 17, 30)) == local(2026, 10, 9, 18, 0)


def test_a_make_up_saturday_is_a_working_day():
    # Saturday 10 October 2026 is a 调休 working day.
    assert deadlines.is_working_day(datetime.date(2026, 10, 10))
    assert deadlines.deadline_for(category(1), local(2026, 10, 9, 9, 0)) == local(2026, 10, 10, 18, 0)


def test_the_deadline_is_computed_in_the_districts_time():
    # 20:00 UTC on Thursday is 04:00 on Friday in Shanghai: one working day is Monday.
    start = datetime.datetime(2026, 11, 26, 20, 0, tzinfo=datetime.UTC)
    assert deadlines.deadline_for(category(1), start) == local(2026, 11, 30, 18, 0)


def test_across_the_year_boundary_into_an_unknown_year_only_weekends_are_skipped():
    assert not deadlines.calendar_known(2030)
    # Thursday 31 December 2026 + 2 working days. New Year's Day 2027 is a holiday; if the installed
    # calendar does not know 2027 yet, Friday 1 January counts as a working day.
    due = deadlines.deadline_for(category(2), local(2026, 12, 31, 9, 0))
    expected = datetime.date(2027, 1, 5) if deadlines.calendar_known(2027) else datetime.date(2027, 1, 4)
    assert due == datetime.datetime.combine(expected, datetime.time(18), tzinfo=SHANGHAI)
    # In a year nobody knows, a Monday holiday would be counted; only Saturday and Sunday are skipped.
    assert deadlines.deadline_for(category(1), local(2030, 1, 4, 9, 0)) == local(2030, 1, 7, 18, 0)


def test_coordinators_are_told_when_the_calendar_runs_out():
    assert deadlines.calendar_gaps(local(2030, 6, 1, 9, 0)) == [2030]
    assert deadlines.calendar_gaps(local(2026, 3, 1, 9, 0)) == []


@pytest.mark.django_db
def test_the_admin_warns_when_deadlines_fall_in_a_year_without_holidays(client, coordinator):
    from django.urls import reverse

    # The pinned chinese-calendar knows the years up to 2026; from autumn 2026 on, the next
    # sixty days reach into a year it does not know.
    gaps = deadlines.calendar_gaps()
    client.force_login(coordinator)
    body = client.get(reverse("admin:issues_report_changelist")).content.decode()
    assert ("chinese-calendar" in body) == bool(gaps)
    if gaps:
        assert str(gaps[-1]) in body
