"""Couriers' notices are rows: recorded once, claimed by one sender, retried with backoff, never sent twice,
and the phone number never lands in a log line."""

import datetime
import json
import logging

import pytest
from django.utils import timezone

from volunteers import deliveries, ledger, quarters, tallies
from volunteers.models import Delivery, Moment
from volunteers.tests.provider import couriers_robot_fixture, sms_provider_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def resolved(volunteer, source="event:1", now=None):
    deliveries.record(
        volunteer,
        Moment.RESOLVED,
        source=source,
        text="BF000001 已办结，请回访评价",
        params={"ref": "BF000001"},
        now=now,
    )


def test_recording_the_same_moment_twice_makes_one_row_per_channel(volunteer, sms_provider):
    resolved(volunteer)
    resolved(volunteer)
    assert sorted(Delivery.objects.values_list("channel", flat=True)) == ["console", "sms"]


def test_a_failing_provider_is_tried_again_later_and_the_sms_goes_out_once(volunteer, sms_provider):
    now = timezone.now()
    resolved(volunteer, now=now)
    sms_provider.answers = [(500, {"Code": "ServiceUnavailable"}), (200, {"Code": "isv.BUSINESS_LIMIT_CONTROL"})]

    assert deliveries.send_due(now) == {"sent": 1, "failed": 1}  # the console line went; the SMS did not
    sms = Delivery.objects.get(channel="sms")
    assert (sms.sent_at, sms.attempts, sms.due_at) == (None, 1, now + datetime.timedelta(minutes=5))
    assert sms.last_error == "ChannelError: SMS refused: ServiceUnavailable"

    assert deliveries.send_due(now + datetime.timedelta(minutes=1)) == {"sent": 0, "failed": 0}  # not due yet
    assert deliveries.send_due(now + datetime.timedelta(minutes=6)) == {"sent": 0, "failed": 1}  # refused
    sms.refresh_from_db()
    assert sms.due_at == now + datetime.timedelta(minutes=6 + 10)  # the pause doubles
    assert deliveries.send_due(now + datetime.timedelta(minutes=20)) == {"sent": 1, "failed": 0}
    assert deliveries.send_due(now + datetime.timedelta(days=2)) == {"sent": 0, "failed": 0}

    assert len(sms_provider.received) == 3
    sms.refresh_from_db()
    assert (sms.attempts, sms.sent_at, sms.last_error) == (3, now + datetime.timedelta(minutes=20), "")


def test_it_gives_up_after_the_last_attempt(volunteer, sms_provider, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    sms_provider.answer = (500, {})
    now = timezone.now()
    resolved(volunteer, now=now)
    deliveries.send_due(now)
    deliveries.send_due(now + datetime.timedelta(hours=1))
    deliveries.send_due(now + datetime.timedelta(days=3))
    sms = Delivery.objects.get(channel="sms")
    assert (sms.attempts, sms.sent_at, sms.given_up_at) == (2, None, now + datetime.timedelta(hours=1))
    assert len(sms_provider.received) == 2


def test_a_row_being_sent_is_not_taken_by_another_sender(volunteer, sms_provider):
    now = timezone.now()
    resolved(volunteer, now=now)
    assert len(deliveries.claim(now)) == 2
    assert deliveries.claim(now) == []
    assert deliveries.send_due(now) == {"sent": 0, "failed": 0}
    # A sender that died holding it: after the claim timeout another one takes it over.
    assert len(deliveries.claim(now + deliveries.CLAIM_TIMEOUT + datetime.timedelta(seconds=1))) == 2


def test_the_phone_number_is_in_no_log_line_and_no_stored_error(volunteer, sms_provider, caplog):
    refusal = {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": f"号码格式错误 {PHONE}"}
    sms_provider.answers = [(200, refusal), (503, {"Message": PHONE})]
    now = timezone.now()
    with caplog.at_level(logging.DEBUG):
        resolved(volunteer, now=now)
        deliveries.send_due(now)
        deliveries.send_due(now + datetime.timedelta(minutes=5))
        deliveries.send_due(now + datetime.timedelta(minutes=20))
    assert len(sms_provider.received) == 3 and sms_provider.received[-1].params["PhoneNumbers"] == PHONE
    assert "isv.MOBILE_NUMBER_ILLEGAL" in caplog.text  # the failures were logged…
    assert PHONE not in caplog.text  # …without the number
    assert all(PHONE not in json.dumps(row, default=str) for row in Delivery.objects.values())


def test_a_courier_who_deleted_the_account_is_sent_nothing(volunteer, sms_provider):
    resolved(volunteer)
    from volunteers import personal_data

    personal_data.erase(volunteer)
    volunteer.refresh_from_db()
    resolved(volunteer, source="event:2")
    assert deliveries.send_due() == {"sent": 0, "failed": 0}
    assert sms_provider.received == []
    assert not Delivery.objects.exists()


def test_closing_a_quarter_tells_each_courier_their_points(volunteer, coordinator, sms_provider):
    first_of_this = quarters.quarter_bounds(*quarters.quarter_of(timezone.localdate()))[0]
    year, number = quarters.quarter_of(first_of_this - datetime.timedelta(days=1))
    ledger.award(
        volunteer,
        item=None,
        source="activity:1",
        rule="activity",
        points=6,
        by=coordinator,
        on=quarters.quarter_bounds(year, number)[0] + datetime.timedelta(days=3),
    )
    deliveries.choose_sms(volunteer, [Moment.QUARTER])
    tallies.close_quarter(year, number, by=coordinator)
    deliveries.send_due()
    [request] = sms_provider.received
    # The text message is Chinese, so the quarter is written as Chinese writes it, never "2026Q3".
    label = f"{year}年第{'一二三四'[number - 1]}季度"
    assert json.loads(request.params["TemplateParam"]) == {"quarter": label, "points": "6"}
    assert label in volunteer.deliveries.get(channel="console").text


def test_the_redemption_window_opening_is_told_once(volunteer, window, sms_provider, couriers_robot):
    deliveries.choose_sms(volunteer, [Moment.RESOLVED, Moment.REDEMPTION])
    deliveries.run()
    deliveries.run()
    opens, closes = (f"{d.year}年{d.month}月{d.day}日" for d in (window.opens_on, window.closes_on))
    sent = [json.loads(r.params["TemplateParam"]) for r in sms_provider.received]
    assert sent == [{"opens": opens, "closes": closes}]
    [post] = couriers_robot.received
    assert closes in post.json()["text"]["content"]


def test_the_console_is_the_default_channel(volunteer, settings, caplog):
    assert settings.NOTIFY_CHANNELS == ["console"]
    with caplog.at_level(logging.INFO, logger="volunteers.channels"):
        resolved(volunteer)
        deliveries.send_due()
    assert f"notice to volunteer {volunteer.pk} (resolved): BF000001 已办结" in caplog.text


def test_one_run_sends_more_than_a_batch(community_a):
    from conftest import make_volunteer

    couriers = [make_volunteer(f"1380000{i:04d}", community_a, name=f"蜂{i}") for i in range(deliveries.BATCH + 3)]
    for courier in couriers:
        resolved(courier)
    assert deliveries.send_due() == {"sent": deliveries.BATCH + 3, "failed": 0}
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()
