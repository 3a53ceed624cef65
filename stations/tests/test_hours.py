"""Open now, in the district's time, across midnight."""

import datetime
import zoneinfo

import pytest

from stations import hours
from stations.tests.conftest import make_station

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day, hh, mm=0):
    """A moment in Asia/Shanghai; 2026-11-27 is a Friday."""
    return datetime.datetime(2026, 11, day, hh, mm, tzinfo=SHANGHAI)


def opened(station, moment):
    return hours.is_open(station, list(station.spans.all()), moment)


def test_a_span_past_midnight_stays_open_into_the_next_morning(community_a):
    # Friday (weekday 4) 18:00 until 02:00 on Saturday.
    station = make_station("夜班驿站", community_a, 30.27, 118.13, hours=[(4, "18:00", "02:00")])
    assert not opened(station, at(27, 17, 59))
    assert opened(station, at(27, 18, 0))
    assert opened(station, at(27, 23, 30))
    assert opened(station, at(28, 1, 59))  # Saturday night-time belongs to Friday's span
    assert not opened(station, at(28, 2, 0))
    assert not opened(station, at(28, 20, 0))  # Saturday itself has no span


def test_sunday_night_runs_into_monday(community_a):
    station = make_station("周日夜班", community_a, 30.27, 118.13, hours=[(6, "20:00", "01:00")])
    assert opened(station, at(30, 0, 30))  # Monday 00:30
    assert not opened(station, at(30, 1, 30))


def test_the_moment_is_read_in_the_districts_time(community_a):
    station = make_station("白班驿站", community_a, 30.27, 118.13)  # 08:00–20:00 daily
    utc_evening = datetime.datetime(2026, 11, 27, 13, 0, tzinfo=datetime.UTC)  # 21:00 in Shanghai
    assert not opened(station, utc_evening)
    assert opened(station, datetime.datetime(2026, 11, 27, 1, 0, tzinfo=datetime.UTC))  # 09:00 in Shanghai


def test_all_night_is_always_open_unless_closed_for_good(community_a):
    station = make_station("通宵驿站", community_a, 30.27, 118.13, all_night=True)
    assert opened(station, at(28, 3, 33))
    station.status = "closed"
    assert not opened(station, at(28, 3, 33))


@pytest.mark.parametrize(
    "spans, text",
    [
        ([(d, "08:00", "20:00") for d in range(7)], "每天 08:00–20:00"),
        ([(d, "08:30", "17:30") for d in range(5)], "周一至周五 08:30–17:30"),
        (
            [(d, "10:00", "22:00") for d in range(5)] + [(5, "10:00", "01:00"), (6, "10:00", "01:00")],
            "周一至周五 10:00–22:00；周六至周日 10:00–01:00",
        ),
        ([], "未填写开放时间"),
    ],
)
def test_hours_are_said_the_way_a_sign_says_them(community_a, spans, text):
    station = make_station("驿站", community_a, 30.27, 118.13, hours=spans or [])
    assert hours.describe(station, list(station.spans.all())) == text


def test_all_night_is_said_so(community_a):
    station = make_station("通宵", community_a, 30.27, 118.13, all_night=True)
    assert hours.describe(station, []) == "24小时开放"


def test_the_open_set_changes_only_when_a_station_opens_or_closes(community_a):
    """What lets /stations.geojson keep its ETag between openings and closings."""
    from stations import finder

    day = make_station("白天驿站", community_a, 30.27, 118.13)  # every day 08:00–20:00
    night = make_station("夜宵驿站", community_a, 30.28, 118.14)
    night.spans.all().delete()
    night.spans.create(weekday=4, opens=datetime.time(22, 0), closes=datetime.time(2, 0))  # Friday night
    moments = [finder.open_set_since(moment) for moment in (at(27, 9), at(27, 19, 59), at(27, 20, 1))]
    assert moments[0] == moments[1] == at(27, 8)  # nothing opened or closed between 09:00 and 19:59
    assert moments[2] == at(27, 20)  # 白天驿站 closed at 20:00
    assert finder.open_set_since(at(28, 1)) == at(27, 22)  # 夜宵驿站 opened on Friday at 22:00 ...
    assert finder.open_set_since(at(28, 3)) == at(28, 2)  # ... and closed on Saturday at 02:00
    assert finder.open_set_since(at(23, 7)) == at(22, 20)  # Monday 07:00: Sunday's closing, last week
    assert [opened(s, at(28, 1)) for s in (day, night)] == [False, True]

    day.spans.filter(weekday=4).update(closes=datetime.time(21, 0))  # a bulk edit sends no signal ...
    day.save()  # ... the station's own save does
    assert finder.open_set_since(at(27, 20, 30)) == at(27, 8)  # open until 21:00 now
