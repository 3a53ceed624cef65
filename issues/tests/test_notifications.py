"""Who hears about what, after the move has committed; failures never undo a move."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail

from issues import workflow
from issues.models import Report, State
from issues.tests.conftest import processed_photo
from volunteers.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def wecom(settings):
    """A local stand-in for the WeChat Work group robot, recording what it receives."""
    received = []

    class Robot(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            body = b'{"errcode":0,"errmsg":"ok"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WECOM_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/cgi-bin/webhook/send?key=test"
    yield received
    server.shutdown()


def submit(volunteer, category, community):
    return workflow.submit_report(
        volunteer=volunteer,
        category=category,
        description="龙西小区12栋窨井盖破损",
        community=community,
        address="龙西小区12栋",
        photos=[processed_photo()],
    )


def test_a_new_report_tells_the_coordinators_and_the_group_robot(
    volunteer, category, community_a, coordinator, wecom, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(volunteer, category, community_a)
    assert [m.to for m in mail.outbox if report.reference in m.subject] == [[coordinator.email]]
    assert report.reference in mail.outbox[0].subject
    assert len(wecom) == 1 and wecom[0]["msgtype"] == "text"
    assert report.reference in wecom[0]["text"]["content"]
    assert volunteer.user.phone not in wecom[0]["text"]["content"]


def test_nothing_is_sent_before_the_transaction_commits(volunteer, category, community_a, coordinator):
    submit(volunteer, category, community_a)  # no commit in this test transaction
    assert mail.outbox == []


def test_dispatch_mails_the_handling_organization(
    make_report, coordinator, handler_a, community_a, django_capture_on_commit_callbacks
):
    report = make_report()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.dispatch(report, by=coordinator, organization=community_a)
    recipients = set(mail.outbox[-1].to)
    assert recipients == {community_a.contact_email, handler_a.email}
    assert report.reference in mail.outbox[-1].subject


def test_publication_leaves_a_notice_for_the_reporter(
    make_report, coordinator, handler_a, volunteer, django_capture_on_commit_callbacks
):
    report = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(report, by=coordinator)
    notice = Notice.objects.get(volunteer=volunteer)
    assert report.reference in notice.text and notice.url.endswith(f"/board/{report.pk}/")


def test_a_failing_notification_never_undoes_the_move(
    make_report, coordinator, community_a, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "issues.tests.test_notifications.BrokenBackend"
    settings.WECOM_WEBHOOK_URL = "http://127.0.0.1:9/unreachable"
    report = make_report()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.dispatch(report, by=coordinator, organization=community_a)
    assert Report.objects.get(pk=report.pk).state == State.DISPATCHED


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def test_an_overdue_report_is_alerted_once(make_report, coordinator, community_a, wecom):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    report = make_report()
    workflow.dispatch(
        report, by=coordinator, organization=community_a, now=timezone.now() - timedelta(hours=49), notify=False
    )
    call_command("notify_overdue", stdout=open("/dev/null", "w"))
    call_command("notify_overdue", stdout=open("/dev/null", "w"))
    assert len(wecom) == 1 and report.reference in wecom[0]["text"]["content"]
    assert "超时" in wecom[0]["text"]["content"]
    assert [m.to for m in mail.outbox if report.reference in m.subject] == [[coordinator.email]]
