"""督办: extensions, reminders and escalations, the digest, the reporter's re-check and rating."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from beefeed.tests.images import jpeg_bytes
from issues import supervision, workflow
from issues.models import ExtensionRequest, Rating, Report, ReportEvent, State, SupervisionNotice
from issues.tests.conftest import processed_photo
from volunteers import points
from volunteers.models import Notice

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def dispatched_at(make_report, coordinator, community_a, when):
    report = make_report()
    workflow.dispatch(report, by=coordinator, organization=community_a, now=when, notify=False)
    report.refresh_from_db()
    return report


class TestExtensions:
    def test_a_handler_asks_a_coordinator_grants_and_the_deadline_moves(self, make_report, coordinator, handler_a):
        report = make_report("dispatched", by_coordinator=coordinator)
        old = report.deadline
        wanted = old + datetime.timedelta(days=3)
        request = workflow.request_extension(report, by=handler_a, deadline=wanted, reason="需要采购配件")
        report.refresh_from_db()
        assert report.deadline == old and request.status == "pending"
        workflow.decide_extension(request, by=coordinator, grant=True)
        report.refresh_from_db()
        assert report.deadline == wanted
        actions = list(report.events.values_list("action", flat=True))
        assert actions[-2:] == ["extension_requested", "extension_granted"]

    def test_a_refused_extension_leaves_the_deadline(self, make_report, coordinator, handler_a):
        report = make_report("dispatched", by_coordinator=coordinator)
        old = report.deadline
        request = workflow.request_extension(report, by=handler_a, deadline=old + HOUR * 10, reason="人手不够")
        workflow.decide_extension(request, by=coordinator, grant=False, note="请按时办结")
        report.refresh_from_db()
        assert report.deadline == old and ExtensionRequest.objects.get().status == "refused"
        with pytest.raises(workflow.TransitionError):
            workflow.decide_extension(request, by=coordinator, grant=True)
        report.refresh_from_db()
        assert report.deadline == old

    def test_who_may_ask_and_when(self, make_report, coordinator, handler_a, handler_b):
        report = make_report("dispatched", by_coordinator=coordinator)
        later = report.deadline + HOUR * 24
        with pytest.raises(workflow.TransitionError):
            workflow.request_extension(report, by=handler_b, deadline=later, reason="不是我们的")
        with pytest.raises(workflow.TransitionError):
            workflow.request_extension(report, by=handler_a, deadline=report.deadline - HOUR, reason="提前")
        with pytest.raises(workflow.TransitionError):
            workflow.request_extension(
                report, by=handler_a, deadline=later, reason="太晚了", now=report.deadline + HOUR
            )
        with pytest.raises(workflow.TransitionError):
            workflow.request_extension(report, by=handler_a, deadline=later, reason="  ")
        request = workflow.request_extension(report, by=handler_a, deadline=later, reason="需要时间")
        with pytest.raises(workflow.TransitionError):
            workflow.request_extension(report, by=handler_a, deadline=later + HOUR, reason="再要一次")
        with pytest.raises(workflow.TransitionError):
            workflow.decide_extension(request, by=handler_a, grant=True)
        assert ExtensionRequest.objects.count() == 1

    def test_in_the_admin_a_handler_asks_and_a_coordinator_grants(self, client, make_report, coordinator, handler_a):
        report = make_report("dispatched", by_coordinator=coordinator)
        wanted = timezone.localtime(report.deadline + datetime.timedelta(days=2))
        client.force_login(handler_a)
        add = reverse("admin:issues_extensionrequest_add")
        data = {"report": report.pk, "proposed_deadline_0": wanted.date().isoformat(), "reason": "需要调度挖掘机"}
        data["proposed_deadline_1"] = wanted.strftime("%H:%M:%S")
        assert client.post(add, data).status_code == 302
        early = {**data, "proposed_deadline_0": (wanted - datetime.timedelta(days=5)).date().isoformat()}
        refused = client.post(add, early)
        assert refused.status_code == 200 and "需要调度挖掘机" in refused.content.decode()
        client.force_login(coordinator)
        changelist = reverse("admin:issues_extensionrequest_changelist")
        request = ExtensionRequest.objects.get()
        client.post(changelist, {"action": "grant_selected", "_selected_action": [request.pk]})
        report.refresh_from_db()
        assert report.deadline == wanted.replace(microsecond=0)

    def test_a_request_lapses_when_the_report_moves_on(self, make_report, coordinator, handler_a):
        report = make_report("in_progress", by_coordinator=coordinator, handler=handler_a)
        request = workflow.request_extension(report, by=handler_a, deadline=report.deadline + HOUR, reason="等材料")
        old = report.deadline
        workflow.resolve(report, by=handler_a, note="修好了", photos=[processed_photo()], notify=False)
        request.refresh_from_db()
        assert request.status == "refused"
        with pytest.raises(workflow.TransitionError):
            workflow.decide_extension(request, by=coordinator, grant=True)
        report.refresh_from_db()
        assert report.deadline == old

    def test_an_extension_adds_at_most_ninety_days(self, make_report, coordinator, handler_a):
        report = make_report("dispatched", by_coordinator=coordinator)
        far = report.deadline + datetime.timedelta(days=91)
        with pytest.raises(workflow.TransitionError, match="90"):
            workflow.request_extension(report, by=handler_a, deadline=far, reason="明年再说")
        assert not ExtensionRequest.objects.exists()


class TestSupervise:
    def test_a_reminder_before_the_deadline_once(self, make_report, coordinator, community_a, settings):
        settings.REMIND_HOURS_BEFORE = 4
        now = timezone.now()
        report = dispatched_at(make_report, coordinator, community_a, now - HOUR * 45)  # 48 h limit: due in 3 h
        supervision.run(now)
        supervision.run(now + HOUR)
        reminders = [m for m in mail.outbox if "提醒" in m.subject or "Reminder" in m.subject]
        assert len(reminders) == 1 and report.reference in reminders[0].subject
        assert reminders[0].to == ["longxi@example.org"]

    def test_escalation_once_and_a_second_later(self, make_report, coordinator, community_a, settings):
        settings.SECOND_ESCALATION_HOURS = 24
        community_a.head_email = "head@example.org"
        community_a.save()
        now = timezone.now()
        report = dispatched_at(make_report, coordinator, community_a, now - HOUR * 50)  # 2 h overdue
        supervision.run(now)
        supervision.run(now + HOUR)
        about = [m for m in mail.outbox if report.reference in m.subject]
        assert len(about) == 1 and set(about[0].to) == {coordinator.email, "head@example.org"}
        supervision.run(now + HOUR * 23)
        supervision.run(now + HOUR * 24)
        about = [m for m in mail.outbox if report.reference in m.subject]
        assert len(about) == 2
        kinds = set(SupervisionNotice.objects.filter(report=report).values_list("kind", flat=True))
        assert kinds == {"escalation", "escalation2"}

    def test_a_failed_send_is_retried_and_never_lost(self, make_report, coordinator, community_a, settings):
        now = timezone.now()
        report = dispatched_at(make_report, coordinator, community_a, now - HOUR * 50)
        settings.EMAIL_BACKEND = "issues.tests.test_notifications.BrokenBackend"
        assert supervision.run(now).failed >= 1
        notice = SupervisionNotice.objects.get(report=report, kind="escalation")
        assert notice.sent_at is None and notice.attempts == 1 and "ConnectionRefused" in notice.last_error
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        supervision.run(now + HOUR)
        supervision.run(now + HOUR * 2)
        notice.refresh_from_db()
        assert notice.sent_at is not None and notice.attempts == 2
        assert len([m for m in mail.outbox if report.reference in m.subject]) == 1

    def test_a_robot_failure_never_sends_the_mail_twice(
        self, make_report, coordinator, community_a, settings, monkeypatch
    ):
        from issues import notifications

        settings.WECOM_WEBHOOK_URL = "http://127.0.0.1:9/robot"  # nothing listens there: the robot fails
        now = timezone.now()
        report = dispatched_at(make_report, coordinator, community_a, now - HOUR * 50)
        for minutes in (0, 5, 10):
            supervision.run(now + datetime.timedelta(minutes=minutes))
        assert len([m for m in mail.outbox if report.reference in m.subject]) == 1
        notice = SupervisionNotice.objects.get(report=report, kind="escalation")
        assert notice.mail_done and not notice.robot_done and notice.sent_at is None and notice.attempts == 3
        monkeypatch.setattr(notifications, "post_to_wecom", lambda text: True)  # the robot is back
        supervision.run(now + HOUR)
        notice.refresh_from_db()
        assert notice.sent_at is not None
        assert len([m for m in mail.outbox if report.reference in m.subject]) == 1

    def test_a_notice_another_run_is_sending_is_left_alone(self, make_report, coordinator, community_a):
        now = timezone.now()
        report = dispatched_at(make_report, coordinator, community_a, now - HOUR * 50)
        supervision.escalate(now)
        SupervisionNotice.objects.filter(report=report).update(claimed_at=now)  # a run that is busy with it
        supervision.run(now + datetime.timedelta(minutes=1))
        assert not [m for m in mail.outbox if report.reference in m.subject]
        supervision.run(now + supervision.CLAIM_TIMEOUT + datetime.timedelta(minutes=1))  # that run died
        assert len([m for m in mail.outbox if report.reference in m.subject]) == 1

    def test_a_failed_reminder_is_still_sent_after_the_deadline(self, make_report, coordinator, community_a, settings):
        now = timezone.now()
        report = dispatched_at(make_report, coordinator, community_a, now - HOUR * 45)  # due in 3 h
        settings.EMAIL_BACKEND = "issues.tests.test_notifications.BrokenBackend"
        supervision.run(now)
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        supervision.run(now + HOUR * 5)  # past the deadline now: the reminder still goes, then the escalation
        subjects = [m.subject for m in mail.outbox if report.reference in m.subject]
        assert len(subjects) == 2 and any("提醒" in s for s in subjects)

    def test_a_reminder_with_nobody_to_tell_stays_unsent_and_says_why(self, make_report, coordinator, community_a):
        community_a.contact_email = ""
        community_a.save()
        now = timezone.now()
        report = dispatched_at(make_report, coordinator, community_a, now - HOUR * 45)
        supervision.run(now)
        notice = SupervisionNotice.objects.get(report=report, kind="reminder")
        assert notice.sent_at is None and "e-mail" in notice.last_error

    def test_the_daily_digest_goes_once_a_day(self, make_report, coordinator, community_a, settings):
        settings.DIGEST_HOUR = 8
        morning = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(9)))
        dispatched_at(make_report, coordinator, community_a, morning - HOUR * 60)  # overdue
        make_report()  # waiting for triage … since now, so not late yet
        supervision.run(morning)
        supervision.run(morning + HOUR)
        digests = [m for m in mail.outbox if "每日简报" in m.subject or "digest" in m.subject]
        assert len(digests) == 1
        assert "龙西社区: 1" in digests[0].body
        supervision.run(morning + HOUR * 24)
        assert len([m for m in mail.outbox if "每日简报" in m.subject or "digest" in m.subject]) == 2

    def test_the_command_reports_what_it_did(self, make_report, coordinator, community_a):
        dispatched_at(make_report, coordinator, community_a, timezone.now() - HOUR * 50)
        out = StringIO()
        call_command("supervise", stdout=out)
        assert "escalation: 1" in out.getvalue()
        out = StringIO()
        call_command("supervise", stdout=out)
        assert "escalation" not in out.getvalue()


class TestRating:
    def test_the_reporter_is_asked_rates_and_earns_points(self, client, make_report, volunteer, coordinator, handler_a):
        report = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
        client.force_login(volunteer.user)
        page = client.get(reverse("issues:rate", args=[report.pk]))
        assert page.status_code == 200
        response = client.post(
            reverse("issues:rate", args=[report.pk]), {"score": "satisfied", "comment": "已经换了新桶"}, follow=True
        )
        assert "谢谢！您对" in response.content.decode()
        rating = Rating.objects.get()
        assert (rating.score, rating.comment, rating.volunteer) == ("satisfied", "已经换了新桶", volunteer)
        assert ReportEvent.objects.filter(report=report, action="rated").exists()
        assert points.balance(volunteer) == 5 + 2  # dispatched, then re-checked
        again = client.post(reverse("issues:rate", args=[report.pk]), {"score": "dissatisfied"})
        assert Rating.objects.get().score == "satisfied" and again.status_code == 200

    def test_a_bad_photo_keeps_the_comment_and_records_nothing(
        self, client, make_report, volunteer, coordinator, handler_a
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        report = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
        client.force_login(volunteer.user)
        bad = SimpleUploadedFile("x.jpg", b"not a photo", "image/jpeg")
        response = client.post(
            reverse("issues:rate", args=[report.pk]), {"score": "fairly", "comment": "基本修好了", "photo": bad}
        )
        assert response.status_code == 400
        assert "基本修好了" in response.content.decode()
        assert not Rating.objects.exists()
        good = SimpleUploadedFile("y.jpg", jpeg_bytes(), "image/jpeg")
        client.post(reverse("issues:rate", args=[report.pk]), {"score": "fairly", "photo": good})
        assert Rating.objects.get().photo

    def test_only_the_reporter_rates_and_only_once_resolved(
        self, client, make_report, volunteer, coordinator, community_a
    ):
        from conftest import make_volunteer

        report = make_report("dispatched", by_coordinator=coordinator)
        client.force_login(volunteer.user)
        client.post(reverse("issues:rate", args=[report.pk]), {"score": "satisfied"})
        assert not Rating.objects.exists()
        other = make_volunteer("13700000555", community_a, name="别人")
        client.force_login(other.user)
        assert client.get(reverse("issues:rate", args=[report.pk])).status_code == 404

    def test_dissatisfied_lets_the_coordinator_reopen(self, make_report, volunteer, coordinator, handler_a):
        report = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
        workflow.rate(report, volunteer=volunteer, score="dissatisfied", comment="根本没修")
        workflow.reopen(report, by=coordinator, reason="回访不满意")
        report.refresh_from_db()
        assert report.state == State.DISPATCHED
        assert Rating.objects.get().score == "dissatisfied"  # the statistics keep the unhappy rating until re-rated
        with pytest.raises(workflow.TransitionError):
            workflow.rate(report, volunteer=volunteer, score="satisfied")  # not resolved again yet
        workflow.resolve(report, by=handler_a, note="这次修好了", photos=[processed_photo()], notify=False)
        workflow.rate(report, volunteer=volunteer, score="satisfied")
        assert Rating.objects.get().score == "satisfied"
        assert report.events.filter(action="rated").count() == 2
        assert points.balance(volunteer) == 5 + 2  # one re-check paid, not two

    def test_unrated_reports_are_published_after_the_rating_days(
        self, make_report, volunteer, coordinator, handler_a, settings
    ):
        settings.RATING_DAYS = 3
        rated = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
        unrated = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
        workflow.rate(rated, volunteer=volunteer, score="dissatisfied")
        assert supervision.run(timezone.now() + datetime.timedelta(days=2)).published == 0
        assert supervision.run(timezone.now() + datetime.timedelta(days=4)).published == 1
        assert Report.objects.get(pk=unrated.pk).state == State.PUBLISHED
        assert Report.objects.get(pk=rated.pk).state == State.RESOLVED  # a dissatisfied one waits for the coordinator
        assert not Rating.objects.filter(report=unrated).exists()

    def test_resolution_asks_the_reporter_on_me(
        self, make_report, volunteer, coordinator, handler_a, django_capture_on_commit_callbacks
    ):
        report = make_report("in_progress", by_coordinator=coordinator, handler=handler_a)
        with django_capture_on_commit_callbacks(execute=True):
            workflow.resolve(report, by=handler_a, note="已处理", photos=[processed_photo()])
        notice = Notice.objects.get(volunteer=volunteer)
        assert report.reference in notice.text and notice.url == reverse("issues:rate", args=[report.pk])


def test_the_run_is_also_a_task_for_the_worker(make_report, coordinator, community_a):
    dispatched_at(make_report, coordinator, community_a, timezone.now() - HOUR * 50)
    result = supervision.run_task.enqueue()
    assert result.return_value["sent"].get("escalation") == 1


def test_an_unhappy_rating_after_publication_can_still_reopen(make_report, volunteer, coordinator, handler_a):
    report = make_report("published", by_coordinator=coordinator, handler=handler_a)
    workflow.rate(report, volunteer=volunteer, score="dissatisfied", comment="又坏了")
    workflow.reopen(report, by=coordinator, reason="回访不满意")
    report.refresh_from_db()
    assert report.state == State.DISPATCHED and report.published_at is None
    assert not Report.objects.public().filter(pk=report.pk).exists()


def test_a_rating_of_an_earlier_resolution_does_not_count_as_rated(
    make_report, volunteer, coordinator, handler_a, settings
):
    """ "Already rated" is one rule (Report.current_rating): the rate page, the workflow and supervision agree."""
    settings.RATING_DAYS = 3
    report = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
    workflow.rate(report, volunteer=volunteer, score="dissatisfied", comment="根本没修")
    workflow.reopen(report, by=coordinator, reason="回访不满意")
    workflow.resolve(report, by=handler_a, note="这次修好了", photos=[processed_photo()], notify=False)
    assert Report.objects.not_rated().filter(pk=report.pk).exists()
    assert supervision.run(timezone.now() + datetime.timedelta(days=4)).published == 1
    assert Report.objects.get(pk=report.pk).state == State.PUBLISHED
