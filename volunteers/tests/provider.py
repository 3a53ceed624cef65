"""A local stand-in for the SMS provider and the WeChat Work robot: an http.server in a thread that
records every request exactly as it arrived and answers what the test tells it to.

A test module uses its fixtures by importing them:
`from volunteers.tests.provider import couriers_robot_fixture, sms_provider_fixture  # noqa: F401`."""

import json
import threading
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    method: str
    path: str
    query: list  # [(name, value), …] in the order sent, decoded
    raw_query: str
    headers: dict
    body: bytes

    @property
    def params(self):
        return dict(self.query)

    def json(self):
        return json.loads(self.body)


class LocalProvider:
    def __init__(self, answer=None):
        self.received = []
        self.answers = []  # (status, dict) consumed in order; then `answer`
        self.answer = answer or (200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0"})
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path, _, raw_query = self.path.partition("?")
                provider.received.append(
                    Received(
                        method=self.command,
                        path=path,
                        query=urllib.parse.parse_qsl(raw_query, keep_blank_values=True),
                        raw_query=raw_query,
                        headers=dict(self.headers),
                        body=body,
                    )
                )
                status, answer = provider.answers.pop(0) if provider.answers else provider.answer
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _handle

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


SMS_TEMPLATES = {
    "dispatched": "SMS_100000001",
    "resolved": "SMS_100000002",
    "published": "SMS_100000003",
    "rejected": "SMS_100000004",
    "quarter": "SMS_100000005",
    "redemption": "SMS_100000006",
}


@pytest.fixture(name="sms_provider")
def sms_provider_fixture(settings):
    """The installation sends SMS (and writes console lines) through a local SMS provider."""
    with LocalProvider() as provider:
        settings.NOTIFY_CHANNELS = [*settings.NOTIFY_CHANNELS, "console", "sms"]
        settings.SMS_ENDPOINT = provider.url
        settings.SMS_ACCESS_KEY_ID = "LTAI-test-id"
        settings.SMS_ACCESS_KEY_SECRET = "test-secret"
        settings.SMS_SIGN_NAME = "蜂巢小蜜蜂"
        settings.SMS_TEMPLATES = SMS_TEMPLATES
        yield provider


@pytest.fixture(name="couriers_robot")
def couriers_robot_fixture(settings):
    """The couriers' WeChat Work group robot, local."""
    with LocalProvider(answer=(200, {"errcode": 0, "errmsg": "ok"})) as robot:
        settings.NOTIFY_CHANNELS = [*settings.NOTIFY_CHANNELS, "wecom"]
        settings.COURIER_WECOM_WEBHOOK_URL = f"{robot.url}/cgi-bin/webhook/send?key=couriers"
        yield robot
