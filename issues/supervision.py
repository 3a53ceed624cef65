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
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from issues import notifications, workflow
from issues.models import Report, State, SupervisionNotice

logger = logging.getLogger(__name__)
IN_HAND = [State.DISPATCHED, State.IN_PROGRESS]


@dataclass
class Outcome:
    sent: dict = field(default_factory=dict)
    failed: int = 0
    published: int = 0

    def count(self, kind):
        self.sent[kind] = self.sent.get(kind, 0) + 1


def _hours(name):
    return datetime.timedelta(hours=getattr(settings, name))


def _deliver(notice, *, recipients, subject, body, robot=False):
    """Send one recorded notice; mark it sent, or keep it for the next run with the error."""
    try:
        if recipients:
            send_mail(subject, body, None, recipients)
        if robot and settings.WECOM_WEBHOOK_URL and not notifications.post_to_wecom(body):
            raise ConnectionError("the WeChat Work robot did not accept the message")
    except Exception as error:  # the mail server or the robot: try again next run
        SupervisionNotice.objects.filter(pk=notice.pk).update(
            attempts=notice.attempts + 1, last_error=f"{type(error).__name__}: {error}"[:300]
        )
        logger.warning("supervision notice %s %s not sent: %s", notice.kind, notice.key, type(error).__name__)
        return False
    SupervisionNotice.objects.filter(pk=notice.pk).update(sent_at=timezone.now(), attempts=notice.attempts + 1)
    return True


def _recorded(kind, key, report=None, now=None):
    """The notice (kind, key), created if new; None if it was already sent."""
    try:
        with transaction.atomic():
            notice, _created = SupervisionNotice.objects.get_or_create(
                kind=kind, key=key, defaults={"report": report, "created_at": now or timezone.now()}
            )
    except IntegrityError:  # another run created it at the same moment: that run sends it
        return None
    return None if notice.sent_at else notice


def _deadline_key(report):
    return f"{report.pk}:{report.deadline:%Y%m%dT%H%M%S}"


def remind(now, outcome):
    """A configurable time before the deadline: remind the handling organization."""
    due_soon = Report.objects.filter(
        state__in=IN_HAND, deadline__gt=now, deadline__lte=now + _hours("REMIND_HOURS_BEFORE")
    ).select_related("category", "community", "assignee")
    for report in due_soon:
        notice = _recorded(SupervisionNotice.Kind.REMINDER, _deadline_key(report), report, now)
        if notice is None:
            continue
        subject = _("Reminder: report %(ref)s is due %(deadline)s") % {
            "ref": report.reference,
            "deadline": notifications._local(report.deadline),
        }
        body = _("%(summary)s\n\nDue: %(deadline)s. Resolve it, or ask for an extension before then: %(link)s") % {
            "summary": notifications._summary(report),
            "deadline": notifications._local(report.deadline),
            "link": notifications._admin_link(report),
        }
        recipients = notifications.organization_emails(report.assignee)
        if _deliver(notice, recipients=recipients, subject=subject, body=body):
            outcome.count("reminder")
        else:
            outcome.failed += 1


def escalate(now, outcome):
    """Overdue: the coordinators and the organization's head, once; again after a further delay."""
    overdue = Report.objects.filter(state__in=IN_HAND, deadline__lt=now).select_related(
        "category", "community", "assignee"
    )
    second_after = _hours("SECOND_ESCALATION_HOURS")
    for report in overdue:
        steps = [(SupervisionNotice.Kind.ESCALATION, _("Overdue"))]
        if report.deadline + second_after < now:
            steps.append((SupervisionNotice.Kind.SECOND_ESCALATION, _("Still overdue")))
        for kind, label in steps:
            notice = _recorded(kind, _deadline_key(report), report, now)
            if notice is None:
                continue
            text = _("%(label)s: %(summary)s (handled by %(org)s, due %(deadline)s)") % {
                "label": label,
                "summary": notifications._summary(report),
                "org": report.assignee.name,
                "deadline": notifications._local(report.deadline),
            }
            recipients = notifications.coordinator_emails()
            if report.assignee.head_email:
                recipients = sorted({*recipients, report.assignee.head_email})
            subject = _("%(label)s: report %(ref)s") % {"label": label, "ref": report.reference}
            if _deliver(notice, recipients=recipients, subject=subject, body=text, robot=True):
                outcome.count(kind)
                Report.objects.filter(pk=report.pk, overdue_alerted_at__isnull=True).update(overdue_alerted_at=now)
            else:
                outcome.failed += 1


def digest_text(now):
    """The coordinators' morning digest: overdue by organization, due today, waiting for triage."""
    today_end = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    overdue = (
        Report.objects.filter(state__in=IN_HAND, deadline__lt=now)
        .values("assignee__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "assignee__name")
    )
    due_today = Report.objects.filter(state__in=IN_HAND, deadline__gte=now, deadline__lte=today_end).count()
    waiting = Report.objects.filter(state=State.SUBMITTED, created_at__lt=now - _hours("TRIAGE_HOURS")).count()
    lines = [_("BeeFeed daily digest, %(day)s") % {"day": timezone.localdate(now).isoformat()}, ""]
    lines.append(_("Overdue:") + (" " + _("none") if not overdue else ""))
    lines += [f"  {row['assignee__name']}: {row['n']}" for row in overdue]
    lines.append(_("Due today: %(n)d") % {"n": due_today})
    lines.append(
        _("Waiting for triage longer than %(hours)d hours: %(n)d")
        % {
            "hours": settings.TRIAGE_HOURS,
            "n": waiting,
        }
    )
    return "\n".join(lines)


def digest(now, outcome):
    local = timezone.localtime(now)
    if local.hour < settings.DIGEST_HOUR:
        return
    notice = _recorded(SupervisionNotice.Kind.DIGEST, local.date().isoformat(), None, now)
    if notice is None:
        return
    subject = _("BeeFeed daily digest, %(day)s") % {"day": local.date().isoformat()}
    if _deliver(notice, recipients=notifications.coordinator_emails(), subject=subject, body=digest_text(now)):
        outcome.count("digest")
    else:
        outcome.failed += 1


def publish_unrated(now, outcome):
    """A resolved report its reporter did not rate within RATING_DAYS is published, counted as not rated."""
    cutoff = now - datetime.timedelta(days=settings.RATING_DAYS)
    stale = Report.objects.filter(state=State.RESOLVED, resolved_at__lt=cutoff, rating__isnull=True)
    for report in stale:
        try:
            workflow.publish(report, by=None, unrated=True, now=now, note=_("Published without the reporter's rating."))
        except workflow.TransitionError:
            continue
        outcome.published += 1


def run(now=None):
    now = now or timezone.now()
    outcome = Outcome()
    with translation.override(settings.LANGUAGE_CODE):
        remind(now, outcome)
        escalate(now, outcome)
        digest(now, outcome)
        publish_unrated(now, outcome)
    return outcome
