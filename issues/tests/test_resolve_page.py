"""The handler's resolve page, made on a phone at the place: camera or gallery, the report in brief,
the after photo stored through the workflow, and a refused photo that keeps the typed note."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from issues.models import Action, Report, ReportEvent, State
from issues.tests.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db


def act_url(report, action):
    return reverse("admin:issues_report_act", args=[report.pk, action])


@pytest.fixture
def in_hand(make_report, coordinator, handler_a):
    return make_report("in_progress", by_coordinator=coordinator, handler=handler_a)


def test_the_photo_input_lets_the_phone_offer_camera_or_gallery(client, handler_a, in_hand):
    client.force_login(handler_a)
    page = client.get(act_url(in_hand, "resolve")).content.decode()
    photo_input = re.search(r'<input type="file"[^>]*>', page).group(0)
    assert 'accept="image/*"' in photo_input
    assert "capture" not in page  # a capture attribute would force the camera
    # The report in brief above the form: its photo and its words, to be sure it is the right place.
    assert in_hand.before_photos[0].thumbnail.url in page and in_hand.description in page
    assert "js/admin_act.js" in page and "css/admin_act.css" in page


def test_resolving_with_a_photo_stores_it_through_the_workflow(client, handler_a, in_hand):
    client.force_login(handler_a)
    response = client.post(
        act_url(in_hand, "resolve"),
        {"seen_state": "in_progress", "note": "已更换垃圾桶", "photo": SimpleUploadedFile("after.jpg", jpeg_bytes())},
    )
    assert response.status_code == 302
    report = Report.objects.get(pk=in_hand.pk)
    assert report.state == State.RESOLVED and report.resolution_note == "已更换垃圾桶"
    (after,) = report.after_photos
    assert after.image.name.endswith(".jpg") and "after" not in after.image.name  # re-encoded, random name
    event = ReportEvent.objects.filter(report=report).latest("created_at", "id")
    assert (event.action, event.actor, event.note) == (Action.RESOLVE, handler_a, "已更换垃圾桶")


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("a.jpg", b"not a picture"),
        SimpleUploadedFile("empty.jpg", b""),
        SimpleUploadedFile("doc.pdf", b"%PDF-1.4 hello", content_type="application/pdf"),
    ],
    ids=["not-an-image", "empty", "pdf"],
)
def test_a_refused_photo_keeps_the_typed_note_and_the_report(client, handler_a, in_hand, upload):
    client.force_login(handler_a)
    note = "已清理建筑垃圾，并通知物业加强巡查"
    response = client.post(act_url(in_hand, "resolve"), {"seen_state": "in_progress", "note": note, "photo": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert note in page  # typed once, never lost
    assert 'class="errorlist"' in page
    report = Report.objects.get(pk=in_hand.pk)
    assert report.state == State.IN_PROGRESS and not report.after_photos
    assert not ReportEvent.objects.filter(report=report, action=Action.RESOLVE).exists()


def test_without_a_photo_the_note_stays_too(client, handler_a, in_hand):
    client.force_login(handler_a)
    response = client.post(act_url(in_hand, "resolve"), {"seen_state": "in_progress", "note": "已处理"})
    assert response.status_code == 400 and "已处理" in response.content.decode()
    assert Report.objects.get(pk=in_hand.pk).state == State.IN_PROGRESS


def test_another_organizations_handler_cannot_resolve_by_a_forged_post(client, handler_b, in_hand):
    client.force_login(handler_b)
    response = client.post(
        act_url(in_hand, "resolve"),
        {"seen_state": "in_progress", "note": "伪造", "photo": SimpleUploadedFile("a.jpg", jpeg_bytes())},
    )
    assert response.status_code == 404
    assert Report.objects.get(pk=in_hand.pk).state == State.IN_PROGRESS


def test_a_handlers_list_puts_time_left_next_to_the_reference(client, handler_a, coordinator, in_hand):
    client.force_login(handler_a)
    page = client.get(reverse("admin:issues_report_changelist")).content.decode()
    headers = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', page)
    assert headers[:4] == ["ref", "thumb", "time_left", "state_badge"]
    client.force_login(coordinator)
    page = client.get(reverse("admin:issues_report_changelist")).content.decode()
    headers = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', page)
    assert headers.index("time_left") > headers.index("category")  # the coordinators' table is as it was
