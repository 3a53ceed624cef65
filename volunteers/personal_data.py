"""Everything held about one volunteer: their copy (PIPL: the right to a copy) and its erasure
(the right to deletion), each in one function.

The other apps add what they hold (reports, ratings, check-ins) as receivers of
`beefeed.signals.collect_personal_data` and `beefeed.signals.erase_personal_data`.
"""

import json
import logging
import re
from importlib import import_module

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from beefeed import signals
from volunteers import ledger
from volunteers.models import ERASED_NAME, Moment, Volunteer, new_card_token

logger = logging.getLogger(__name__)


def collect(request, volunteer):
    """{section: [row dict, …]} — the volunteer's own data, nothing about anyone else."""
    user = volunteer.user
    data = {
        "profile": [
            {
                "name": volunteer.name,
                "mobile": user.phone or "",
                "work": volunteer.get_work_type_display(),
                "employer": volunteer.employer,
                "community": volunteer.community.name,
                "party_member": volunteer.party_member,
                "show_party_member": volunteer.show_party_member,
                "status": volunteer.get_status_display(),
                "joined": volunteer.joined_at,
                "privacy_consent": volunteer.privacy_consent_at,
                "card_number": volunteer.card_number,
                "last_sign_in": user.last_login,
            }
        ],
        "claimed_items": [
            {"item": c.item.name, "claimed": c.claimed_at} for c in volunteer.claims.select_related("item")
        ],
        "points_ledger": [
            {
                "date": e.occurred_on,
                "kind": e.get_kind_display(),
                "points": e.points,
                "hours": e.hours,
                "item": e.item.name if e.item else "",
                "source": e.source,
                "reason": e.reason,
            }
            for e in volunteer.ledger.select_related("item").order_by("created_at", "pk")
        ],
        "quarterly_tallies": [
            {"quarter": t.quarter.key, "points": t.points, "hours": t.hours, "reports": t.reports, "solved": t.solved}
            for t in volunteer.tallies.select_related("quarter")
        ],
        "redemptions": [
            {"date": r.created_at, "reward": r.item.name, "points": r.points, "status": r.get_status_display()}
            for r in volunteer.redemptions.select_related("item")
        ],
        "notices": [{"date": n.created_at, "text": n.text} for n in volunteer.notices.all()],
        "notices_sent": [
            {"date": d.created_at, "channel": d.channel, "text": d.text, "sent": d.sent_at}
            for d in volunteer.deliveries.all()
        ],
        "sms_choice": [{"moment": str(Moment(m).label)} for m in volunteer.sms_choice],
    }
    for _receiver, extra in signals.collect_personal_data.send(Volunteer, request=request, volunteer=volunteer):
        data.update(extra)
    return data


# Every relation to a user or a volunteer, and what `erase` does to the rows of the erased person
# (the README's privacy section says why; a test fails when a model gains a relation not listed here).
ERASURE = {
    "admin.LogEntry.user": "keep: the staff member who acted; entries about the person are redacted",
    "issues.Assist.added_by": "keep: staff",
    "issues.CoReporter.volunteer": "keep (the husk): the count of couriers who reported a problem, no name",
    "issues.ExtensionRequest.decided_by": "keep: staff",
    "issues.ExtensionRequest.requested_by": "keep: staff; reason and decision note redacted",
    "issues.Rating.reviewed_by": "keep: staff",
    "issues.Rating.volunteer": "keep the score; comment and photo (file too) deleted",
    "issues.Report.reporter": "keep, attributed to the husk; texts redacted, a rejected report coarsened",
    "issues.ReportEvent.actor": "keep (the husk); notes redacted, a rating's note keeps the score only",
    "stations.PartyPost.on_duty": "delete: off every 党员先锋岗 duty roster",
    "stations.Pledge.decided_by": "keep: staff",
    "stations.Visit.user": "detach: the station's count stays",
    "volunteers.Activity.participants": "keep (the husk): the hours paid are in the ledger",
    "volunteers.Activity.recorded_by": "keep: staff",
    "volunteers.Claim.volunteer": "delete",
    "volunteers.Delivery.volunteer": "delete (what was sent or waits to be sent to them)",
    "volunteers.Notice.volunteer": "delete",
    "volunteers.PointsEntry.created_by": "keep: staff or the husk",
    "volunteers.PointsEntry.volunteer": "keep (append-only books); reasons redacted",
    "volunteers.Quarter.closed_by": "keep: staff",
    "volunteers.QuarterTally.volunteer": "keep (published figures, shown as 已注销的小蜜蜂)",
    "volunteers.Redemption.closed_by": "keep: staff",
    "volunteers.Redemption.volunteer": "keep (stock and books); cancel reason redacted",
    "volunteers.Volunteer.approved_by": "keep: staff",
    "volunteers.Volunteer.user": "keep as an anonymous husk: no phone, name, e-mail, password, groups, sessions",
}


def erase(volunteer, *, now=None):
    """The volunteer deletes the account (PIPL): afterwards nothing in the database or the media root identifies them.

    What the books need stays, anonymous: the volunteer row as a husk (已注销的小蜜蜂, no phone, no photo,
    a new card token) with its ledger — a balance left over brought to zero by an explicit entry —,
    tallies and redemptions, and the reports, attributed to the husk. What goes: claims, notices,
    sessions, the photo, the other apps' traces (rating comments and photos, the link of check-ins,
    a rejected report's exact spot: see `beefeed.signals.erase_personal_data`), and the name, phone number and
    card number wherever free text mentions them (ledger reasons, report texts, the admin log).
    The README's privacy section lists every table.
    """
    now = now or timezone.now()
    with transaction.atomic():
        current = Volunteer.objects.select_for_update().select_related("user").get(pk=volunteer.pk)
        if current.erased_at:
            return current
        user = current.user
        redact = redactor(current)
        logged = _rows_about(current)  # before claims and notices go
        left = ledger.balance(current)
        if left:
            ledger.adjust(current, points=-left, by=None, reason=_("Account deleted by the volunteer"), now=now)
        delete_files_on_commit([current.photo.name] if current.photo else [])
        current.claims.all().delete()
        current.notices.all().delete()
        current.deliveries.all().delete()
        current.sms_moments = None
        current.name = ERASED_NAME
        current.employer = ""
        current.work_type = Volunteer.WorkType.OTHER
        current.party_member = current.show_party_member = False
        current.photo = ""
        current.card_token = new_card_token()
        current.status = Volunteer.Status.SUSPENDED
        current.erased_at = now
        current.save()
        user.phone = None
        user.username = f"erased-{user.pk}"
        user.email = user.first_name = user.last_name = ""
        user.is_active = False
        user.last_login = None
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        ledger.redact_reasons(current, redact)  # the ledger lets this through once erased_at is set
        signals.erase_personal_data.send(Volunteer, volunteer=current, redact=redact, now=now)
        _redact_admin_log(logged, redact, unique=redact.marks)
        _end_sessions(user)
    return current


def redactor(volunteer):
    """`redact(text)`: `text` without the volunteer's name, phone number (any spelling), card number, e-mail, user name.

    Built from the values as they are before erasure; what is taken out reads 已注销的小蜜蜂.
    """
    user = volunteer.user
    patterns = []
    if user.phone:
        # 13800138000, 138 0013 8000, 138-0013-8000, +86 138…, (138)0013-8000
        patterns.append(r"(?:\+?86[\s\-]*)?\(?" + r"[\s\-().]*".join(user.phone))
    full_name = user.get_full_name()
    words = [volunteer.name, volunteer.card_number, volunteer.card_token, user.email, user.username, full_name]
    # A one-character "name" would take that character out of every text.
    patterns += [re.escape(word.strip()) for word in words if word and len(word.strip()) >= 2]
    pattern = re.compile("|".join(sorted(patterns, key=len, reverse=True)), re.IGNORECASE) if patterns else None

    def redact(text):
        return pattern.sub(ERASED_NAME, text) if pattern and text else text

    # What nobody else has (card number and token, e-mail, user name, phone): looked for in the whole admin log.
    redact.marks = [word for word in words[1:] if word and word.isascii()] + ([user.phone] if user.phone else [])
    return redact


def delete_files_on_commit(names):
    """Remove these media files once the erasure is committed (a rollback keeps them with their rows)."""
    names = [name for name in names if name]

    def delete():
        for name in names:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("could not remove an erased volunteer's file %s", name)

    if names:
        transaction.on_commit(delete)


def _rows_about(volunteer):
    """{model: [pk, …]}: the rows whose admin log entries name the person (their __str__ holds the name or phone)."""
    rows = {type(volunteer.user): [volunteer.user.pk], Volunteer: [volunteer.pk]}
    for related in (Volunteer.claims, Volunteer.notices, Volunteer.redemptions, Volunteer.tallies, Volunteer.ledger):
        model = related.rel.related_model
        rows[model] = list(model._base_manager.filter(volunteer=volunteer).values_list("pk", flat=True))
    return rows


def _redact_admin_log(rows, redact, *, unique):
    """django.contrib.admin's log keeps who changed what, without the person: object_repr and change_message redacted.

    Entries about the person's own rows (`rows`) lose the name too; in the rest of the log only
    the identifiers nobody else has are searched for (a namesake's entries keep their name).
    """
    content_types = {
        ct.pk: ct.model_class()._meta.concrete_model for ct in ContentType.objects.all() if ct.model_class() is not None
    }
    about = Q()
    for ct_pk, model in content_types.items():
        if rows.get(model):
            about |= Q(content_type_id=ct_pk, object_id__in=[str(pk) for pk in rows[model]])
    mentions = Q()
    for mark in unique:
        mentions |= Q(object_repr__icontains=mark) | Q(change_message__icontains=mark)
    for entry in LogEntry.objects.filter(about | mentions) if (about or mentions) else []:
        entry.object_repr = redact(entry.object_repr)[:200]
        entry.change_message = _redact_change_message(entry.change_message, redact)
        entry.save(update_fields=["object_repr", "change_message"])


def _redact_change_message(message, redact):
    """The admin stores a JSON list (non-ASCII escaped), older entries plain text."""
    try:
        parsed = json.loads(message)
    except ValueError:
        return redact(message)

    def walk(value):
        if isinstance(value, str):
            return redact(value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return json.dumps(walk(parsed))


def _end_sessions(user):
    """Sign the account out everywhere: its sessions hold its id (database-backed sessions can be listed)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return  # cache or cookie sessions: the unusable password already invalidates them
    for session in store.get_model_class().objects.iterator():
        if store().decode(session.session_data).get(SESSION_KEY) == str(user.pk):
            store(session.session_key).delete()
