"""Supervision (督办): reminders before a deadline, escalations after it, the coordinators'
daily digest, and publishing what the reporter did not rate in time.

`run()` is what `manage.py supervise` (cron, a systemd timer, or the task worker) calls
every few minutes. It is idempotent: each notice is recorded (kind + key) before it is
sent, and marked sent only when the mail server and the robot accepted it; a notice whose
sending failed is tried again on the next run, and nothing is ever sent twice.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tasks import task

from issues import notifications, workflow
from issues.models import Action, Report, State, SupervisionNotice
from volunteers import deliveries

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    sent: dict = field(default_factory=dict)
    failed: int = 0
    published: int = 0
    couriers: dict = field(default_factory=dict)  # volunteers.deliveries: {"sent": n, "failed": n}

    def count(self, kind):
        self.sent[kind] = self.sent.get(kind, 0) + 1


CLAIM_TIMEOUT = datetime.timedelta(minutes=10)


def _hours(hours):
    return datetime.timedelta(hours=hours)


def record(kind, key, *, report=None, recipients, subject, body, robot=False, now=None):
    """Record a notice once (kind + key) with what it says; later runs only deliver it."""
    try:
        with transaction.atomic():
            SupervisionNotice.objects.get_or_create(
                kind=kind,
                key=key,
                defaults={
                    "report": report,
                    "recipients": "\n".join(recipients),
                    "subject": subject[:300],
                    "body": body,
                    "to_robot": robot,
                    "created_at": now or timezone.now(),
                },
            )
    except IntegrityError:  # another run recorded it at the same moment
        pass


def _claim(notice, now):
    """Take a notice for sending; False if another run has it (or it went out meanwhile)."""
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    return bool(SupervisionNotice.objects.filter(free, pk=notice.pk, sent_at__isnull=True).update(claimed_at=now))


def deliver(now, outcome):
    """Send every recorded notice not sent yet — new ones and earlier failures alike."""
    for notice in SupervisionNotice.objects.filter(sent_at__isnull=True).order_by("created_at", "pk"):
        if not _claim(notice, now):
            continue
        problem = ""
        recipients = [r for r in notice.recipients.splitlines() if r.strip()]
        if not notice.mail_done:
            try:
                if not recipients:
                    raise ValueError("no e-mail address to send to (set the organization's contact e-mail)")
                send_mail(notice.subject, notice.body, None, recipients)
                notice.mail_done = True
            except Exception as error:  # the mail server: try again next run
                problem = f"{type(error).__name__}: {error}"
        if notice.to_robot and not notice.robot_done and settings.WECOM_WEBHOOK_URL:
            if notifications.post_to_wecom(notice.body):
                notice.robot_done = True
            else:
                problem = problem or "the WeChat Work robot did not accept the message"
        done = notice.mail_done and (notice.robot_done or not notice.to_robot or not settings.WECOM_WEBHOOK_URL)
        SupervisionNotice.objects.filter(pk=notice.pk).update(
            mail_done=notice.mail_done,
            robot_done=notice.robot_done,
            attempts=notice.attempts + 1,
            last_error=problem[:300],
            sent_at=now if done else None,
            claimed_at=None,
        )
        if done:
            outcome.count(notice.kind)
        else:
            outcome.failed += 1
            logger.warning("supervision notice %s %s not sent yet: %s", notice.kind, notice.key, problem[:80])


def _deadline_key(report):
    return f"{report.pk}:{report.deadline:%Y%m%dT%H%M%S}"


def remind(now):
    """A configurable time before the deadline: remind the handling organization."""
    due_soon = (
        Report.objects.in_hand()
        .filter(deadline__gt=now, deadline__lte=now + _hours(settings.REMIND_HOURS_BEFORE))
        .select_related("category", "community", "assignee")
    )
    for report in due_soon:
        record(
            SupervisionNotice.Kind.REMINDER,
            _deadline_key(report),
            report=report,
            recipients=notifications.organization_emails(report.assignee),
            subject=_("Reminder: report %(ref)s is due %(deadline)s")
            % {"ref": report.reference, "deadline": notifications._local(report.deadline)},
            body=_("%(summary)s\n\nDue: %(deadline)s. Resolve it, or ask for an extension before then: %(link)s")
            % {
                "summary": notifications._summary(report),
                "deadline": notifications._local(report.deadline),
                "link": notifications._admin_link(report),
            },
            now=now,
        )


def escalate(now):
    """Overdue: the coordinators and the organization's head, once; again SECOND_ESCALATION_HOURS after that."""
    overdue = Report.objects.overdue(now).select_related("category", "community", "assignee")
    first_sent = dict(
        SupervisionNotice.objects.filter(
            kind=SupervisionNotice.Kind.ESCALATION, sent_at__isnull=False, report__in=overdue
        ).values_list("key", "sent_at")
    )
    for report in overdue:
        key = _deadline_key(report)
        steps = [(SupervisionNotice.Kind.ESCALATION, _("Overdue"))]
        if key in first_sent and first_sent[key] + _hours(settings.SECOND_ESCALATION_HOURS) <= now:
            steps.append((SupervisionNotice.Kind.SECOND_ESCALATION, _("Still overdue")))
        recipients = set(notifications.coordinator_emails())
        if report.assignee.head_email:
            recipients.add(report.assignee.head_email)
        for kind, label in steps:
            text = _("%(label)s: %(summary)s (handled by %(org)s, due %(deadline)s)") % {
                "label": label,
                "summary": notifications._summary(report),
                "org": report.assignee.name,
                "deadline": notifications._local(report.deadline),
            }
            record(
                kind,
                key,
                report=report,
                recipients=sorted(recipients),
                subject=_("%(label)s: report %(ref)s") % {"label": label, "ref": report.reference},
                body=text,
                robot=True,
                now=now,
            )
            Report.objects.filter(pk=report.pk, overdue_alerted_at__isnull=True).update(overdue_alerted_at=now)


def digest_text(now):
    """The coordinators' morning digest: overdue by organization, due today, waiting for triage."""
    overdue = (
        Report.objects.overdue(now).values("assignee__name").annotate(n=Count("pk")).order_by("-n", "assignee__name")
    )
    due_today = Report.objects.due_today(now).count()
    waiting = Report.objects.filter(state=State.SUBMITTED, created_at__lt=now - _hours(settings.TRIAGE_HOURS)).count()
    lines = [_("BeeFeed daily digest, %(day)s") % {"day": date_format(timezone.localdate(now))}, ""]
    lines.append(_("Overdue:") + (" " + _("none") if not overdue else ""))
    lines += [f"  {row['assignee__name']}: {row['n']}" for row in overdue]
    lines.append(_("Due today: %(n)d") % {"n": due_today})
    returned = Report.objects.filter(state=State.RETURNED).count()
    lines.append(_("Returned, waiting to be dispatched again: %(n)d") % {"n": returned})
    lines.append(
        _("Waiting for triage longer than %(hours)d hours: %(n)d")
        % {
            "hours": settings.TRIAGE_HOURS,
            "n": waiting,
        }
    )
    return "\n".join(lines)


def digest(now):
    local = timezone.localtime(now)
    if local.hour < settings.DIGEST_HOUR:
        return
    record(
        SupervisionNotice.Kind.DIGEST,
        local.date().isoformat(),
        recipients=notifications.coordinator_emails(),
        subject=_("BeeFeed daily digest, %(day)s") % {"day": date_format(local.date())},
        body=digest_text(now),
        now=now,
    )


def publish_unrated(now, outcome):
    """A resolved report its reporter did not rate within RATING_DAYS is published, counted as not rated."""
    cutoff = now - datetime.timedelta(days=settings.RATING_DAYS)
    stale = Report.objects.not_rated().filter(state=State.RESOLVED, resolved_at__lt=cutoff)
    for report in stale:
        try:
            workflow.transition(
                report,
                Action.PUBLISH,
                by=None,
                seen_state=report.state,
                unrated=True,
                now=now,
                note=_("Published without the reporter's rating."),
            )
        except workflow.TransitionError:
            continue
        outcome.published += 1


@task()
def run_task():
    """The same run as a task, for a worker that schedules it (e.g. enqueued by a timer every few minutes)."""
    outcome = run()
    return {"sent": outcome.sent, "failed": outcome.failed, "published": outcome.published}


def run(now=None):
    now = now or timezone.now()
    outcome = Outcome()
    with translation.override(settings.LANGUAGE_CODE):
        remind(now)
        escalate(now)
        digest(now)
        deliver(now, outcome)
        publish_unrated(now, outcome)
        outcome.couriers = deliveries.run(now)
    return outcome
