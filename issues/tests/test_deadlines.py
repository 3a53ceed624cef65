"""Deadlines in working days: weekends, holidays, make-up Saturdays, unknown years."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from issues import deadlines, stats, supervision, workflow
from issues.models import Category, Report

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


# --- "Due today": the close of today's office day, in the admin, the dashboard and the digest alike ---


def test_the_office_day_ends_at_workday_ends_in_the_districts_time(settings):
    settings.WORKDAY_ENDS = "18:00"
    # 23:30 UTC on 31 May is already 1 June in Shanghai.
    late_utc = datetime.datetime(2026, 5, 31, 23, 30, tzinfo=datetime.UTC)
    assert deadlines.end_of_office_day(late_utc) == local(2026, 6, 1, 18, 0)
    assert deadlines.end_of_office_day(local(2026, 6, 1, 20, 0)) == local(2026, 6, 1, 18, 0)  # over: nothing due


def due_at(make_report, coordinator, community_a, deadline, *, now):
    report = make_report()
    workflow.dispatch(report, by=coordinator, organization=community_a, deadline=deadline, now=now, notify=False)
    return report


@pytest.mark.django_db
def test_the_dashboard_and_the_digest_count_due_today_to_the_close_of_the_office_day(
    make_report, coordinator, community_a
):
    now = local(2026, 6, 1, 10, 0)  # a Monday morning
    due = due_at(make_report, coordinator, community_a, local(2026, 6, 1, 17, 59), now=now)
    for after_hours in (local(2026, 6, 1, 18, 1), local(2026, 6, 1, 20, 0), local(2026, 6, 2, 9, 0)):
        due_at(make_report, coordinator, community_a, after_hours, now=now)
    assert list(Report.objects.due_today(now)) == [due]
    assert stats.coordinator_dashboard(now)["due_today"] == 1
    assert "今日到期：1" in supervision.digest_text(now)


@pytest.mark.django_db
def test_the_admins_due_today_filter_agrees_with_the_dashboard_and_the_digest(
    client, make_report, coordinator, community_a
):
    now = timezone.now()
    close = deadlines.end_of_office_day(now)
    tomorrow_morning = datetime.datetime.combine(
        timezone.localdate(now, SHANGHAI) + datetime.timedelta(days=1), datetime.time(9, 0), tzinfo=SHANGHAI
    )
    within_24_hours = now + datetime.timedelta(hours=23)  # "due today" before this issue; never today's office day
    later = [due_at(make_report, coordinator, community_a, d, now=now) for d in (within_24_hours, tomorrow_morning)]
    expected = []
    if close - now > datetime.timedelta(minutes=5):  # the office day is not over yet
        expected.append(due_at(make_report, coordinator, community_a, close - datetime.timedelta(minutes=1), now=now))
    client.force_login(coordinator)
    listing = client.get(reverse("admin:issues_report_changelist"), {"due": "today"})
    listed = list(listing.context["cl"].result_list)
    assert listed == expected and not set(listed) & set(later)
    assert stats.coordinator_dashboard()["due_today"] == len(expected)
    assert f"今日到期：{len(expected)}" in supervision.digest_text(timezone.now())
