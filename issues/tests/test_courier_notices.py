"""A report's moves reach its courier beyond /me/: by SMS only for what they chose, the group robot
for what everyone should see (完成一个公示一个). Sent after the move commits."""

import json

import pytest

from issues import workflow
from issues.tests.conftest import processed_photo
from volunteers import deliveries
from volunteers.models import Delivery, Moment
from volunteers.tests.provider import couriers_robot_fixture, sms_provider_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def sms_sent(provider):
    return [
        (r.params["PhoneNumbers"], r.params["TemplateCode"], json.loads(r.params["TemplateParam"]))
        for r in provider.received
    ]


def test_the_re_check_request_reaches_the_courier_by_sms_by_default(
    make_report, coordinator, handler_a, volunteer, sms_provider, django_capture_on_commit_callbacks
):
    report = make_report("in_progress", by_coordinator=coordinator, handler=handler_a)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.resolve(report, by=handler_a, note="已更换垃圾桶", photos=[processed_photo()])
    assert sms_sent(sms_provider) == [("13912345678", "SMS_100000002", {"ref": report.reference})]
    delivery = Delivery.objects.get(volunteer=volunteer, channel="sms")
    assert (delivery.moment, delivery.sent_at is not None, delivery.attempts) == (Moment.RESOLVED, True, 1)


def test_no_sms_for_a_moment_the_courier_did_not_choose(
    make_report, coordinator, volunteer, sms_provider, django_capture_on_commit_callbacks
):
    report = make_report()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.dispatch(report, by=coordinator, organization=report.community)
    assert sms_provider.received == []
    # It still reaches them where they look anyway: /me/ and the console channel.
    assert volunteer.notices.filter(text__contains=report.reference).exists()
    assert list(Delivery.objects.values_list("moment", "channel")) == [(Moment.DISPATCHED, "console")]


def test_a_courier_who_unticked_everything_gets_no_sms_at_all(
    make_report, coordinator, handler_a, volunteer, sms_provider, django_capture_on_commit_callbacks
):
    deliveries.choose_sms(volunteer, [])
    report = make_report("in_progress", by_coordinator=coordinator, handler=handler_a)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.resolve(report, by=handler_a, note="已更换垃圾桶", photos=[processed_photo()])
    assert sms_provider.received == []
    assert not Delivery.objects.filter(channel="sms").exists()


def test_a_courier_who_chose_dispatch_and_rejection_hears_both_by_sms(
    make_report, coordinator, volunteer, sms_provider, django_capture_on_commit_callbacks
):
    deliveries.choose_sms(volunteer, [Moment.DISPATCHED, Moment.REJECTED])
    first, second = make_report(), make_report(description="龙西小区12栋窨井盖破损")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.dispatch(first, by=coordinator, organization=first.community)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.reject(second, by=coordinator, reason="out_of_scope", note="这是物业的事，请联系物业")
    assert [(code, params) for _phone, code, params in sms_sent(sms_provider)] == [
        ("SMS_100000001", {"ref": first.reference}),
        ("SMS_100000004", {"ref": second.reference, "reason": second.events.last().note[:35]}),
    ]


def test_publication_is_posted_to_the_couriers_group_without_a_name_or_number(
    make_report, coordinator, handler_a, volunteer, couriers_robot, django_capture_on_commit_callbacks
):
    report = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(report, by=coordinator)
    [post] = couriers_robot.received
    text = post.json()["text"]["content"]
    assert report.reference in text and "环境卫生" in text and "龙西社区" in text
    assert volunteer.name not in text and volunteer.user.phone not in text
    # The group hears it once: a second run finds nothing to send.
    assert deliveries.send_due() == {"sent": 0, "failed": 0}
    assert len(couriers_robot.received) == 1
