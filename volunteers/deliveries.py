"""Notices that reach couriers beyond /me/: recorded as rows, sent through volunteers.channels.

A moment (dispatched, resolved, published, rejected, a quarter's points, the redemption window)
becomes one `Delivery` per (courier, moment, source, channel), recorded once — the unique
constraints make a second record a no-op — and, for the couriers' group robot, one per
(moment, source). Sending claims a row atomically (select_for_update(skip_locked) on PostgreSQL,
then a conditional update that only one sender wins), marks it sent only when the provider
accepted it, and otherwise tries again later with a growing pause, so nothing is sent twice and
nothing is lost. It runs in a task after the recording transaction commits, and in every
`manage.py supervise` run (which also retries).

SMS is opt-in (PIPL): a courier gets an SMS only for the moments they chose on /me/
(`Volunteer.sms_moments`; by default the re-check request only).
"""

import datetime
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django_tasks import task

from volunteers import channels
from volunteers.models import Delivery, Moment, Volunteer

logger = logging.getLogger(__name__)

CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
# Claimed a few at a time: a batch is sent (each request times out after channels.TIMEOUT seconds)
# well within CLAIM_TIMEOUT, so no other sender takes a row over while it is still being sent.
BATCH = 10
GROUP_MOMENTS = {Moment.PUBLISHED, Moment.REDEMPTION}


def sms_offered():
    """Whether this installation sends SMS at all (else /me/ offers no choice)."""
    return "sms" in channels.enabled()


def choose_sms(volunteer, moments):
    """The courier's own choice of moments told by SMS (only what they tick; nothing is pre-ticked
    beyond the re-check request they start with)."""
    volunteer.sms_moments = [m.value for m in Moment if m.value in set(moments)]
    volunteer.save(update_fields=["sms_moments"])


def channels_for(volunteer, moment):
    """The channels a notice to this courier at this moment goes through."""
    names = []
    for name in channels.enabled():
        if name == "wecom":
            continue  # the group robot never carries a personal notice
        if name == "email" and not volunteer.user.email:
            continue
        if name == "sms" and moment not in volunteer.sms_choice:
            continue
        names.append(name)
    return names


def record(volunteer, moment, *, source, text, params=None, now=None):
    """Record the notice for each of the courier's channels (once: a repeat is ignored)."""
    if volunteer.erased_at:
        return
    now = now or timezone.now()
    rows = [
        Delivery(
            volunteer=volunteer,
            moment=moment,
            source=source[:60],
            channel=name,
            text=text[:500],
            params=params or {},
            created_at=now,
            due_at=now,
        )
        for name in channels_for(volunteer, moment)
    ]
    _insert(rows)


def record_group(moment, *, source, text, now=None):
    """A message for the couriers' WeChat Work group (完成一个公示一个): no names, no numbers."""
    if "wecom" not in channels.enabled() or moment not in GROUP_MOMENTS:
        return
    now = now or timezone.now()
    _insert([Delivery(moment=moment, source=source[:60], channel="wecom", text=text[:500], created_at=now, due_at=now)])


def _insert(rows):
    if not rows:
        return
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    transaction.on_commit(_enqueue)


def _enqueue():
    try:
        send_task.enqueue()
    except Exception:
        logger.exception("could not queue sending the couriers' notices (the next supervise run sends them)")


@task()
def send_task():
    return send_due()


def _due(now):
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    return Delivery.objects.filter(free, sent_at__isnull=True, given_up_at__isnull=True, due_at__lte=now)


def claim(now, limit=BATCH, skip=()):
    """Take up to `limit` due deliveries for this sender; a row another sender holds is skipped."""
    with transaction.atomic():
        candidates = _due(now).exclude(pk__in=skip).order_by("due_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        # The conditional update is what makes the claim exclusive everywhere (SQLite included):
        # only one sender's update finds the row still free.
        taken = [pk for pk in ids if _due(now).filter(pk=pk).update(claimed_at=now)]
    return list(Delivery.objects.filter(pk__in=taken).select_related("volunteer__user").order_by("due_at", "pk"))


def backoff(attempts):
    """Minutes to wait after the n-th failed attempt: base, 2×base, 4×base, … at most a day."""
    return datetime.timedelta(minutes=min(settings.NOTIFY_RETRY_MINUTES * 2 ** (attempts - 1), 24 * 60))


def _message(delivery):
    volunteer = delivery.volunteer
    return channels.Message(
        moment=delivery.moment,
        text=delivery.text,
        volunteer_id=delivery.volunteer_id,
        email=volunteer.user.email if volunteer else "",
        phone=volunteer.user.phone if volunteer and delivery.channel == "sms" else "",
        params=delivery.params,
    )


def _scrub(text, delivery):
    phone = delivery.volunteer.user.phone if delivery.volunteer_id else ""
    return text.replace(phone, "***") if phone else text


def send_due(now=None):
    """Send what is due; return how many went out and how many failed (to be tried again)."""
    now = now or timezone.now()
    sent = failed = 0
    done = []
    while batch := claim(now, skip=done):
        for delivery in batch:
            done.append(delivery.pk)
            outcome = _send(delivery, now)
            sent += outcome == "sent"
            failed += outcome == "failed"
    return {"sent": sent, "failed": failed}


def _send(delivery, now):
    """Send one claimed delivery; "sent", "failed" (tried again later) or "dropped"."""
    attempts = delivery.attempts + 1
    if delivery.volunteer_id and delivery.volunteer.erased_at:
        Delivery.objects.filter(pk=delivery.pk).update(given_up_at=now, claimed_at=None, last_error="account deleted")
        return "dropped"
    try:
        channels.backend(delivery.channel).send(_message(delivery))
    except Exception as error:
        problem = _scrub(f"{type(error).__name__}: {error}", delivery)[:300]
        give_up = attempts >= settings.NOTIFY_MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts,
            last_error=problem,
            claimed_at=None,
            due_at=now + backoff(attempts),
            given_up_at=now if give_up else None,
        )
        logger.warning("delivery %s (%s) not sent, attempt %s: %s", delivery.pk, delivery.channel, attempts, problem)
        return "failed"
    Delivery.objects.filter(pk=delivery.pk).update(attempts=attempts, sent_at=now, claimed_at=None, last_error="")
    return "sent"


def quarter_closed(quarter, *, now=None):
    """Each courier with a tally hears their points for the quarter that was just closed."""
    from django.utils.translation import gettext as _

    label = quarter.label
    for tally in quarter.tallies.select_related("volunteer__user"):
        record(
            tally.volunteer,
            Moment.QUARTER,
            source=f"quarter:{quarter.key}",
            text=_("%(quarter)s is closed: you earned %(points)d points this quarter.")
            % {"quarter": label, "points": tally.points},
            params={"quarter": label, "points": str(tally.points)},
            now=now,
        )


def redemption_window_opened(now=None):
    """Once per window, on its first day or the first run after it: every approved courier hears it opened."""
    from django.utils.translation import gettext as _

    from volunteers import rewards

    now = now or timezone.now()
    window = rewards.open_window(timezone.localdate(now))
    if window is None:
        return
    source = f"window:{window.year}"
    if Delivery.objects.filter(moment=Moment.REDEMPTION, source=source).exists():
        return
    # Dates as the courier's language writes them (2027年1月10日), in the text and the SMS alike.
    params = {"opens": date_format(window.opens_on), "closes": date_format(window.closes_on)}
    text = _("The redemption window is open from %(opens)s to %(closes)s: exchange your points on /me/.") % params
    with transaction.atomic():
        approved = Volunteer.objects.filter(status=Volunteer.Status.APPROVED, erased_at__isnull=True)
        for volunteer in approved.select_related("user"):
            record(volunteer, Moment.REDEMPTION, source=source, text=text, params=params, now=now)
        record_group(Moment.REDEMPTION, source=source, text=text, now=now)


def run(now=None):
    """What `manage.py supervise` does for couriers' notices: record the window's opening, send what is due."""
    now = now or timezone.now()
    redemption_window_opened(now)
    return send_due(now)
