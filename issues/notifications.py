"""Who hears about a report's moves, sent through Django's tasks framework.

The workflow calls `queue(event)`; the task runs after the transaction has
committed (immediately in the embedded run, in `db_worker` in production), so
a notice never goes out for a move that was rolled back, and a failing notice
never undoes the move that caused it.
"""

import json
import logging
import urllib.request

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from beefeed.roles import COORDINATORS
from issues.models import Action
from volunteers.models import Moment

logger = logging.getLogger(__name__)


def queue(event):
    event_id = event.pk
    transaction.on_commit(lambda: _enqueue(event_id))


def _enqueue(event_id):
    try:
        notify_event.enqueue(event_id)
    except Exception:
        # The move has happened; a lost notice is logged, never raised.
        logger.exception("could not queue notifications for report event %s", event_id)


@task()
def notify_event(event_id):
    from issues.models import ReportEvent

    event = ReportEvent.objects.select_related("report__category", "report__community", "report__assignee").get(
        pk=event_id
    )
    from issues.workflow import notices_for  # each move declares its notices; the workflow imports this module

    with translation.override(settings.LANGUAGE_CODE):
        for notice in notices_for(event.action):
            notice(event)


def coordinator_emails():
    User = get_user_model()
    return sorted(
        set(
            User.objects.filter(groups__name=COORDINATORS, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def organization_emails(organization):
    User = get_user_model()
    emails = set(
        User.objects.filter(organization=organization, is_active=True, is_staff=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if organization.contact_email:
        emails.add(organization.contact_email)
    return sorted(emails)


def _admin_link(report):
    return reverse("admin:issues_report_change", args=[report.pk])


def _summary(report):
    place = report.address or f"{report.community.name}"
    return f"{report.reference} [{report.category.name}] {place}: {report.description[:80]}"


def _email(recipients, subject, body):
    if not recipients:
        return
    try:
        send_mail(subject, body, None, recipients)
    except Exception:
        logger.exception("e-mail about %s could not be sent", subject)


def on_submit(event):
    report = event.report
    subject = _("New report %(ref)s: %(category)s") % {"ref": report.reference, "category": report.category.name}
    body = _("A volunteer reported a problem.\n\n%(summary)s\n\nTriage it: %(link)s") % {
        "summary": _summary(report),
        "link": _admin_link(report),
    }
    _email(coordinator_emails(), subject, body)
    post_to_wecom(_("New report %(summary)s") % {"summary": _summary(report)})


def on_dispatch(event):
    report = event.report
    subject = _("Report %(ref)s dispatched to you, due %(deadline)s") % {
        "ref": report.reference,
        "deadline": _local(report.deadline),
    }
    body = _("%(summary)s\n\nDeadline: %(deadline)s\nNote: %(note)s\n\nOpen it: %(link)s") % {
        "summary": _summary(report),
        "deadline": _local(report.deadline),
        "note": event.note or "—",
        "link": _admin_link(report),
    }
    _email(organization_emails(report.assignee), subject, body)
    if event.action == Action.CLAIM:
        return  # on_claim tells the reporter who took it on
    _tell_reporter(
        report,
        _("Your report %(ref)s was dispatched to %(org)s, to be solved by %(deadline)s.")
        % {"ref": report.reference, "org": report.assignee.name, "deadline": _local(report.deadline)},
        reverse("issues:my_reports"),
        moment=Moment.DISPATCHED,
        event=event,
    )


def on_assist(event):
    """The assisting organization hears that its help is asked for, and who leads."""
    report = event.report
    subject = _("Report %(ref)s: %(lead)s asks you to assist") % {"ref": report.reference, "lead": report.assignee}
    body = _("%(summary)s\n\nLead: %(lead)s\nDeadline: %(deadline)s\nNote: %(note)s\n\nOpen it: %(link)s") % {
        "summary": _summary(report),
        "lead": report.assignee,
        "deadline": _local(report.deadline),
        "note": event.note or "—",
        "link": _admin_link(report),
    }
    _email(organization_emails(event.organization), subject, body)


def on_resolve(event):
    report = event.report
    subject = _("Report %(ref)s resolved by %(org)s: please verify") % {
        "ref": report.reference,
        "org": report.assignee.name,
    }
    body = _("%(summary)s\n\nResolution: %(note)s\n\nVerify and publish: %(link)s") % {
        "summary": _summary(report),
        "note": report.resolution_note,
        "link": _admin_link(report),
    }
    _email(coordinator_emails(), subject, body)
    if report.reporter_id:
        from volunteers.notices import tell

        tell(
            report.reporter,
            text=_("Report %(ref)s has been resolved. Please go back, check the place and rate the result.")
            % {"ref": report.reference},
            url=reverse("issues:rate", args=[report.pk]),
            **_moment(Moment.RESOLVED, event),
        )
    _tell_co_reporters(
        report,
        _("Report %(ref)s, which you reported too, has been resolved.") % {"ref": report.reference},
        reverse("issues:my_reports"),
        moment=Moment.RESOLVED,
        event=event,
    )


def on_extension_requested(event):
    report = event.report
    subject = _("Report %(ref)s: %(org)s asks for more time") % {"ref": report.reference, "org": report.assignee}
    body = _("%(summary)s\n\nReason: %(note)s\n\nGrant or refuse: %(link)s") % {
        "summary": _summary(report),
        "note": event.note,
        "link": reverse("admin:issues_extensionrequest_changelist"),
    }
    _email(coordinator_emails(), subject, body)


def on_return(event):
    report = event.report
    subject = _("Report %(ref)s returned by %(org)s") % {"ref": report.reference, "org": event.organization}
    body = _("%(summary)s\n\nReason: %(note)s\n\nDispatch it again: %(link)s") % {
        "summary": _summary(report),
        "note": event.note,
        "link": _admin_link(report),
    }
    _email(coordinator_emails(), subject, body)


def on_publish(event):
    _tell_reporter(
        event.report,
        _("Your report %(ref)s was solved and published. Thank you!") % {"ref": event.report.reference},
        reverse("issues:board_detail", args=[event.report.pk]),
        moment=Moment.PUBLISHED,
        event=event,
    )
    _tell_co_reporters(
        event.report,
        _("Report %(ref)s, which you reported too, was solved and published. Thank you!")
        % {"ref": event.report.reference},
        reverse("issues:board_detail", args=[event.report.pk]),
        moment=Moment.PUBLISHED,
        event=event,
    )
    from volunteers import deliveries

    report = event.report
    deliveries.record_group(
        Moment.PUBLISHED,
        source=f"event:{event.pk}",
        text=_("Solved and published: %(category)s in %(community)s, by %(org)s (%(ref)s).")
        % {
            "category": report.category.name,
            "community": report.community.name,
            "org": report.assignee.name if report.assignee_id else "—",
            "ref": report.reference,
        },
    )


def on_claim(event):
    """The community took the report on before triage: its reporter hears who has it, and by when."""
    _tell_reporter(
        event.report,
        _("Your report %(ref)s was taken on by %(org)s, to be solved by %(deadline)s.")
        % {"ref": event.report.reference, "org": event.organization, "deadline": _local(event.report.deadline)},
        reverse("issues:my_reports"),
        moment=Moment.DISPATCHED,
        event=event,
    )


def on_reject(event):
    _tell_reporter(
        event.report,
        _("Your report %(ref)s was not accepted: %(reason)s") % {"ref": event.report.reference, "reason": event.note},
        reverse("issues:my_reports"),
        moment=Moment.REJECTED,
        event=event,
    )
    _tell_co_reporters(
        event.report,
        _("Report %(ref)s, which you reported too, was not accepted: %(reason)s")
        % {"ref": event.report.reference, "reason": event.note},
        reverse("issues:my_reports"),
        moment=Moment.REJECTED,
        event=event,
    )


def on_merge(event):
    """The newer report was the same problem as an open one: its reporter follows that one from now on."""
    report = event.report
    _tell_reporter(
        report,
        _(
            "Your report %(ref)s is the same problem as %(original)s, reported earlier: it was merged into it. "
            "You follow %(original)s as a co-reporter and hear how it ends."
        )
        % {"ref": report.reference, "original": report.duplicate_of.reference},
        reverse("issues:my_reports"),
    )


def _moment(moment, event):
    """What makes a notice also reach the courier's channels (SMS, e-mail…): the moment, and the
    event as its unique source, with the SMS template's parameters."""
    if moment is None:
        return {}
    params = {"ref": event.report.reference}
    if moment == Moment.REJECTED:
        params["reason"] = (event.note or "")[:35]
    return {"moment": moment, "source": f"event:{event.pk}", "params": params}


def _tell_reporter(report, text, url, *, moment=None, event=None):
    if report.reporter_id is None:
        return
    from volunteers.notices import tell

    tell(report.reporter, text=text, url=url, **_moment(moment, event))


def _tell_co_reporters(report, text, url, *, moment=None, event=None):
    """The couriers whose reports of the same problem were merged into this one hear what its reporter hears."""
    from issues.models import CoReporter
    from volunteers.notices import tell

    for co in CoReporter.objects.filter(report=report).select_related("volunteer__user"):
        tell(co.volunteer, text=text, url=url, **_moment(moment, event))


def _local(dt):
    from django.utils import timezone
    from django.utils.formats import date_format

    return date_format(timezone.localtime(dt), "DATETIME_FORMAT") if dt else "—"


def post_to_wecom(text):
    """A short text to the team's WeChat Work group robot, if one is configured."""
    url = settings.WECOM_WEBHOOK_URL
    if not url:
        return False
    payload = json.dumps({"msgtype": "text", "text": {"content": text[:2000]}}, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=payload, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            answer = json.loads(response.read() or b"{}")
    except Exception:
        logger.warning("WeChat Work webhook could not be reached")
        return False
    if answer.get("errcode", 0) != 0:
        logger.warning("WeChat Work webhook refused the message: %s", answer.get("errmsg", ""))
        return False
    return True
