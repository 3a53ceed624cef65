"""Nothing is lost in sending: the phone keeps the draft and sends it again until the server confirms;
the draft's key makes a second send of the same draft answer with the first report, never a second one."""

import threading
import uuid

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from conftest import files_under
from issues import workflow
from issues.models import Report, ReportEvent, ReportPhoto
from issues.tests.conftest import make_volunteer, processed_photo
from issues.tests.test_views import form_data, photo

pytestmark = pytest.mark.django_db


def send(client, category, community, key, **extra):
    return client.post(
        reverse("issues:report_new"),
        {**form_data(category, community, client_key=str(key), **extra), "photos": [photo()]},
    )


def test_the_same_draft_sent_twice_is_one_report_and_the_second_answer_points_at_the_first(
    courier, category, community_a, settings
):
    key = uuid.uuid4()
    first = send(courier, category, community_a, key)
    report = Report.objects.get()
    done = reverse("issues:report_done", args=[report.pk])
    assert first.status_code == 302 and first["Location"] == done
    again = send(courier, category, community_a, key, description="发送了两次")
    assert again.status_code == 302 and again["Location"] == done
    assert Report.objects.count() == 1 and ReportPhoto.objects.count() == 1
    assert ReportEvent.objects.filter(action="submit").count() == 1
    assert report.client_key == key
    assert Report.objects.get().description == "广场花苑小区3栋的垃圾桶坏了"  # the first send's report, untouched
    assert len(files_under(settings.MEDIA_ROOT)) == 2  # one photo and its thumbnail: the retry wrote no file


def test_a_retry_of_a_sent_draft_is_answered_even_over_the_hourly_limit(courier, category, community_a, settings):
    settings.REPORTS_PER_VOLUNTEER_PER_HOUR = 1
    key = uuid.uuid4()
    send(courier, category, community_a, key)
    again = send(courier, category, community_a, key)
    assert again.status_code == 302 and Report.objects.count() == 1


def test_another_couriers_draft_with_the_same_key_is_their_own_report(courier, category, community_a, volunteer):
    key = uuid.uuid4()
    send(courier, category, community_a, key)
    other = make_volunteer("13900000077", community_a)
    phone = Client()
    phone.force_login(other.user)
    response = send(phone, category, community_a, key, description="另一位快递员的报告")
    theirs = Report.objects.get(reporter=other)
    assert response["Location"] == reverse("issues:report_done", args=[theirs.pk])
    assert Report.objects.count() == 2
    assert Report.objects.get(reporter=volunteer).description != theirs.description
    # And the first courier cannot reach the other's report through the key either.
    assert courier.get(response["Location"]).status_code == 404


def test_a_report_without_a_key_is_still_taken_and_two_of_them_are_two_reports(courier, category, community_a):
    url = reverse("issues:report_new")
    courier.post(url, {**form_data(category, community_a), "photos": [photo()]})
    courier.post(url, {**form_data(category, community_a), "photos": [photo()]})
    assert Report.objects.count() == 2 and not Report.objects.filter(client_key__isnull=False).exists()


BAD_KEYS = ["not-a-key", "1' OR '1'='1", "x" * 500, "\x00", "12345678-1234-1234-1234-1234567890123"]


@pytest.mark.parametrize("bad", BAD_KEYS)
def test_a_damaged_key_gets_a_clear_message_and_no_report(courier, category, community_a, bad):
    response = send(courier, category, community_a, bad)
    assert response.status_code == 400
    assert "无法读取这份报告的发送编号" in response.content.decode()
    assert Report.objects.count() == 0


def test_the_workflow_answers_the_same_key_with_the_first_report(volunteer, category, community_a):
    key = uuid.uuid4()
    made = [
        workflow.submit_report(
            volunteer=volunteer,
            category=category,
            description="井盖松动",
            community=community_a,
            address="广场花苑小区3栋",
            photos=[processed_photo()],
            client_key=key,
            notify=False,
        )
        for _ in range(2)
    ]
    assert made[0].pk == made[1].pk and Report.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sends_of_one_draft_at_the_same_moment_make_one_report(volunteer, category, community_a):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sends are tested on PostgreSQL (DATABASE_URL); SQLite serialises writers anyway")
    key = uuid.uuid4()
    barrier = threading.Barrier(2)
    answers, errors = [], []

    def attempt():
        try:
            barrier.wait()
            report = workflow.submit_report(
                volunteer=volunteer,
                category=category,
                description="井盖松动",
                community=community_a,
                address="广场花苑小区3栋",
                photos=[processed_photo()],
                client_key=key,
                notify=False,
            )
            answers.append(report.pk)
        except Exception as error:  # noqa: BLE001 - any failure of a send is the test's failure
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    report = Report.objects.get()
    assert answers == [report.pk, report.pk]
    assert report.photos.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_posts_of_one_draft_at_the_same_moment_answer_with_the_same_report(volunteer, category, community_a):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sends are tested on PostgreSQL (DATABASE_URL); SQLite serialises writers anyway")
    key = uuid.uuid4()
    barrier = threading.Barrier(2)
    answers = []

    def attempt():
        try:
            phone = Client()
            phone.force_login(volunteer.user)
            data = {**form_data(category, community_a, client_key=str(key)), "photos": [photo()]}
            barrier.wait()
            response = phone.post(reverse("issues:report_new"), data)
            answers.append((response.status_code, response.get("Location")))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    report = Report.objects.get()
    done = reverse("issues:report_done", args=[report.pk])
    assert answers == [(302, done), (302, done)]
    assert ReportPhoto.objects.count() == 1
