"""The channels a courier's notice can go out through, behind one small interface.

A backend is a class with a `name` and `send(message)`; `send` returns when the provider accepted
the message and raises `ChannelError` (or any error) when it did not, so the delivery is tried
again later (volunteers.deliveries). Which channels an installation uses is the NOTIFY_CHANNELS
setting; the console is the default.

- console: one log line (the volunteer's id and the text; never the phone number);
- email: to the courier's account e-mail, if they have one;
- wecom: the couriers' WeChat Work group robot (COURIER_WECOM_WEBHOOK_URL), for the moments the
  whole group should see (完成一个公示一个); it never names a courier;
- sms: Aliyun SMS (阿里云短信) SendSms, a template message; the request is signed as the provider
  documents for its RPC API (signature version 1.0, HMAC-SHA1). The phone number is sent to the
  provider and nowhere else: not into a log line, not into a stored error.
"""

import base64
import datetime
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger(__name__)

TIMEOUT = 10


class ChannelError(Exception):
    """The provider did not accept the message; the text never contains the phone number."""


@dataclass
class Message:
    moment: str
    text: str
    volunteer_id: int | None = None
    email: str = ""
    phone: str = ""
    params: dict = field(default_factory=dict)


class Console:
    name = "console"

    def send(self, message):
        who = f"volunteer {message.volunteer_id}" if message.volunteer_id else "the couriers' group"
        logger.info("notice to %s (%s): %s", who, message.moment, message.text)


class Email:
    name = "email"

    def send(self, message):
        if not message.email:
            return  # nothing to send to; not an error to retry
        send_mail(message.text[:80], message.text, None, [message.email])


class WeComRobot:
    """The couriers' WeChat Work group robot: {"msgtype": "text", "text": {"content": ...}}."""

    name = "wecom"

    def __init__(self, url=None):
        self.url = url if url is not None else settings.COURIER_WECOM_WEBHOOK_URL

    def send(self, message):
        if not self.url:
            raise ChannelError("COURIER_WECOM_WEBHOOK_URL is not set")
        body = json.dumps({"msgtype": "text", "text": {"content": message.text[:2000]}}, ensure_ascii=False)
        request = urllib.request.Request(
            self.url, data=body.encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        answer = _json_answer(request)
        if answer.get("errcode", 0) != 0:
            raise ChannelError(f"robot refused: {answer.get('errcode')} {str(answer.get('errmsg', ''))[:100]}".strip())


def percent_encode(text):
    """Aliyun's POP percent-encoding: RFC 3986 unreserved characters (A-Z a-z 0-9 - _ . ~) stay,
    everything else is %XX of its UTF-8 bytes, upper-case hex (so a space is %20, not +)."""
    return urllib.parse.quote(str(text), safe="-_.~")


def sign(params, secret, method="GET"):
    """Signature version 1.0: HMAC-SHA1, key = AccessKeySecret + "&", over
    METHOD & percent_encode("/") & percent_encode(canonicalised query), base64-encoded."""
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSms:
    """SendSms (API version 2017-05-25) with a template per moment (SMS_TEMPLATES)."""

    name = "sms"

    def __init__(self, *, endpoint=None, key_id=None, secret=None, sign_name=None, templates=None, region=None):
        self.endpoint = endpoint if endpoint is not None else settings.SMS_ENDPOINT
        self.key_id = key_id if key_id is not None else settings.SMS_ACCESS_KEY_ID
        self.secret = secret if secret is not None else settings.SMS_ACCESS_KEY_SECRET
        self.sign_name = sign_name if sign_name is not None else settings.SMS_SIGN_NAME
        self.templates = templates if templates is not None else settings.SMS_TEMPLATES
        self.region = region if region is not None else settings.SMS_REGION

    def params(self, message, *, now=None, nonce=None):
        template = self.templates.get(message.moment)
        if not template:
            raise ChannelError(f"no SMS template set for {message.moment}")
        now = now or datetime.datetime.now(datetime.timezone.utc)
        return {
            "AccessKeyId": self.key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": message.phone,
            "RegionId": self.region,
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce or uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": template,
            "TemplateParam": json.dumps(message.params, ensure_ascii=False, separators=(",", ":")),
            "Timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }

    def url(self, params):
        signature = sign(params, self.secret)
        query = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))
        return f"{self.endpoint.rstrip('/')}/?Signature={percent_encode(signature)}&{query}"

    def send(self, message):
        if not (self.endpoint and self.key_id and self.secret and self.sign_name):
            raise ChannelError("SMS is not configured (SMS_ENDPOINT, SMS_ACCESS_KEY_ID/SECRET, SMS_SIGN_NAME)")
        if not message.phone:
            return  # the courier has no number on file (e.g. the account was deleted)
        answer = _json_answer(urllib.request.Request(self.url(self.params(message)), method="GET"))
        if answer.get("Code") != "OK":
            # The provider's code and message only: they name the problem, never the number.
            text = f"SMS refused: {answer.get('Code')} {str(answer.get('Message', ''))[:100]}".strip()
            raise ChannelError(text.replace(message.phone, "***"))


def _json_answer(request):
    """POST/GET and read a JSON answer; an error names the HTTP status or the kind of failure only
    (never the URL, which for SMS carries the phone number)."""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        try:
            raw = error.read()
            json.loads(raw)
        except Exception:
            raise ChannelError(f"HTTP {error.code}") from None
    except Exception as error:
        raise ChannelError(f"unreachable: {type(error).__name__}") from None
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        raise ChannelError("the answer was not JSON") from None


BACKENDS = {backend.name: backend for backend in (Console, Email, WeComRobot, AliyunSms)}


def enabled():
    """The channel names this installation uses (NOTIFY_CHANNELS), in a stable order."""
    return [name for name in BACKENDS if name in settings.NOTIFY_CHANNELS]


def backend(name):
    return BACKENDS[name]()
