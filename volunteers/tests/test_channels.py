"""Each channel's backend against a local server: the exact request the provider documents."""

import base64
import hashlib
import hmac
import json
import logging
import re
import urllib.parse

import pytest
from django.core import mail

from volunteers import channels
from volunteers.tests.provider import LocalProvider

PHONE = "13912345678"


def documented_encode(value):
    """Aliyun's documented percent-encoding, written the way its documentation describes it:
    URL-encode in UTF-8, then '+' → '%20', '*' → '%2A', '%7E' → '~'."""
    encoded = urllib.parse.quote_plus(str(value), safe="")
    return encoded.replace("+", "%20").replace("*", "%2A").replace("%7E", "~")


def documented_signature(params, secret):
    """StringToSign = GET & encode("/") & encode(sorted, encoded name=value pairs joined by &);
    Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))."""
    pairs = sorted((k, v) for k, v in params.items() if k != "Signature")
    canonical = "&".join(f"{documented_encode(k)}={documented_encode(v)}" for k, v in pairs)
    string_to_sign = "GET&" + documented_encode("/") + "&" + documented_encode(canonical)
    return base64.b64encode(hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()).decode()


def sms_backend(provider, **overrides):
    options = {
        "endpoint": provider.url if provider else "",
        "key_id": "LTAI-test-id",
        "secret": "test-secret/+=",
        "sign_name": "蜂巢小蜜蜂",
        "templates": {"resolved": "SMS_123456789", "rejected": "SMS_987654321"},
        "region": "cn-hangzhou",
    }
    options.update(overrides)
    return channels.AliyunSms(**options)


def test_the_sms_request_carries_the_documented_parameters_and_signature():
    with LocalProvider() as provider:
        sms_backend(provider).send(
            channels.Message(
                moment="rejected",
                text="…",
                volunteer_id=7,
                phone=PHONE,
                params={"ref": "HS-2026-0042", "reason": "不属于受理范围 & 重复*~"},
            )
        )
    [request] = provider.received
    assert (request.method, request.path) == ("GET", "/")
    params = request.params
    assert set(params) == {
        "AccessKeyId",
        "Action",
        "Format",
        "PhoneNumbers",
        "RegionId",
        "SignName",
        "Signature",
        "SignatureMethod",
        "SignatureNonce",
        "SignatureVersion",
        "TemplateCode",
        "TemplateParam",
        "Timestamp",
        "Version",
    }
    assert params["AccessKeyId"] == "LTAI-test-id"
    assert params["Action"] == "SendSms"
    assert params["Version"] == "2017-05-25"
    assert params["Format"] == "JSON"
    assert params["RegionId"] == "cn-hangzhou"
    assert params["PhoneNumbers"] == PHONE
    assert params["SignName"] == "蜂巢小蜜蜂"
    assert params["TemplateCode"] == "SMS_987654321"
    assert json.loads(params["TemplateParam"]) == {"ref": "HS-2026-0042", "reason": "不属于受理范围 & 重复*~"}
    assert (params["SignatureMethod"], params["SignatureVersion"]) == ("HMAC-SHA1", "1.0")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", params["Timestamp"])
    assert params["Signature"] == documented_signature(params, "test-secret/+=")
    # Encoded as documented on the wire too: a space is %20 (never +), '*' is %2A, '~' stays.
    for name, value in request.query:
        assert f"{documented_encode(name)}={documented_encode(value)}" in request.raw_query.split("&")


def test_each_sms_request_has_a_new_nonce():
    with LocalProvider() as provider:
        backend = sms_backend(provider)
        for _ in range(2):
            backend.send(channels.Message(moment="resolved", text="…", phone=PHONE, params={"ref": "HS-1"}))
    first, second = (r.params["SignatureNonce"] for r in provider.received)
    assert first != second


def test_a_refused_sms_raises_and_the_error_does_not_name_the_number():
    refusal = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": f"触发号码天级流控Permits:10 {PHONE}"}
    with LocalProvider(answer=(200, refusal)) as provider:
        with pytest.raises(channels.ChannelError) as refused:
            sms_backend(provider).send(channels.Message(moment="resolved", text="…", phone=PHONE, params={}))
    assert "isv.BUSINESS_LIMIT_CONTROL" in str(refused.value)
    assert PHONE not in str(refused.value)


def test_a_provider_error_page_raises_without_the_url():
    with LocalProvider(answer=(500, {"oops": True})) as provider:
        with pytest.raises(channels.ChannelError) as refused:
            sms_backend(provider).send(channels.Message(moment="resolved", text="…", phone=PHONE, params={}))
    assert PHONE not in str(refused.value)


def test_an_unreachable_provider_raises_without_the_url():
    with pytest.raises(channels.ChannelError) as refused:
        sms_backend(None, endpoint="http://127.0.0.1:9").send(
            channels.Message(moment="resolved", text="…", phone=PHONE, params={})
        )
    assert PHONE not in str(refused.value)


def test_a_moment_without_a_template_is_not_sent():
    with LocalProvider() as provider:
        with pytest.raises(channels.ChannelError):
            sms_backend(provider).send(channels.Message(moment="published", text="…", phone=PHONE))
    assert provider.received == []


def test_the_robot_posts_the_documented_text_message():
    with LocalProvider(answer=(200, {"errcode": 0, "errmsg": "ok"})) as robot:
        channels.WeComRobot(url=f"{robot.url}/cgi-bin/webhook/send?key=abc").send(
            channels.Message(moment="published", text="完成一个公示一个：环境卫生，龙西社区")
        )
    [request] = robot.received
    assert (request.method, request.path, request.params) == ("POST", "/cgi-bin/webhook/send", {"key": "abc"})
    assert request.headers["Content-Type"] == "application/json"
    assert request.json() == {"msgtype": "text", "text": {"content": "完成一个公示一个：环境卫生，龙西社区"}}


def test_a_robot_refusal_raises():
    with LocalProvider(answer=(200, {"errcode": 93000, "errmsg": "invalid webhook url"})) as robot:
        with pytest.raises(channels.ChannelError, match="93000"):
            channels.WeComRobot(url=robot.url).send(channels.Message(moment="published", text="…"))


def test_the_console_names_the_volunteer_by_id_only(caplog):
    with caplog.at_level(logging.DEBUG):
        channels.Console().send(channels.Message(moment="resolved", text="HS-1 已办结", volunteer_id=7, phone=PHONE))
    assert "volunteer 7" in caplog.text
    assert PHONE not in caplog.text


def test_email_goes_to_the_couriers_address_if_they_have_one():
    channels.Email().send(channels.Message(moment="resolved", text="HS-1 已办结", email="bee@example.org"))
    channels.Email().send(channels.Message(moment="resolved", text="HS-2 已办结", email=""))
    assert [(m.to, m.body) for m in mail.outbox] == [(["bee@example.org"], "HS-1 已办结")]
