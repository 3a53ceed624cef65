"""The report state machine: the one home of every move a report makes.

Admin actions, the courier's views, the API and management commands call
the functions below; nothing else assigns `Report.state`. Each move:

1. locks the report row and re-reads it (two coordinators acting at once:
   the second is told the report has already moved),
2. checks the move is allowed from the current state and for this person,
3. applies it, writes a `ReportEvent`, sets the deadline, awards points,
4. queues the notifications to run after the transaction commits.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from issues import awards, notifications
from issues.deadlines import deadline_for
from issues.models import ExtensionRequest, Rating, RejectReason, Report, ReportEvent, ReportPhoto, State

logger = logging.getLogger(__name__)

COORDINATOR = "coordinator"
HANDLER = "handler"


class TransitionError(Exception):
    """A move we refuse; the message is shown to the person who tried it."""


@dataclass(frozen=True)
class Move:
    sources: frozenset
    target: str
    role: str
    public: bool


ACTION_LABELS = {
    "submit": gettext_lazy("Submit"),
    "dispatch": gettext_lazy("Dispatch"),
    "reject": gettext_lazy("Reject"),
    "start": gettext_lazy("Start work"),
    "resolve": gettext_lazy("Resolve"),
    "return": gettext_lazy("Return"),
    "publish": gettext_lazy("Verify and publish"),
    "reopen": gettext_lazy("Reopen"),
    "extension_requested": gettext_lazy("Extension requested"),
    "extension_granted": gettext_lazy("Extension granted"),
    "extension_refused": gettext_lazy("Extension refused"),
    "rated": gettext_lazy("Rated by the reporter"),
    "photos_deleted": gettext_lazy("Photos deleted"),
}

MOVES = {
    "dispatch": Move(frozenset({State.SUBMITTED, State.RETURNED}), State.DISPATCHED, COORDINATOR, True),
    "reject": Move(frozenset({State.SUBMITTED}), State.REJECTED, COORDINATOR, True),
    "start": Move(frozenset({State.DISPATCHED}), State.IN_PROGRESS, HANDLER, True),
    "resolve": Move(frozenset({State.DISPATCHED, State.IN_PROGRESS}), State.RESOLVED, HANDLER, True),
    "return": Move(frozenset({State.DISPATCHED, State.IN_PROGRESS}), State.RETURNED, HANDLER, False),
    "publish": Move(frozenset({State.RESOLVED}), State.PUBLISHED, COORDINATOR, True),
    "reopen": Move(frozenset({State.RESOLVED, State.PUBLISHED}), State.DISPATCHED, COORDINATOR, False),
}


def may(user, action, report):
    """Whether `user` may make `action` on `report` as it is now."""
    move = MOVES[action]
    return report.state in move.sources and _has_role(user, move.role, report)


def allowed_actions(report, user):
    return [action for action in MOVES if may(user, action, report)]


def default_organization(report):
    """Who handles a report unless the coordinator says otherwise: the
    category's organization, or else the community where it happened."""
    return report.category.default_organization or report.community


def _has_role(user, role, report):
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if role == COORDINATOR:
        return user.is_coordinator
    if role == HANDLER:
        return user.is_handler and user.organization_id is not None and user.organization_id == report.assignee_id
    return False


# --- Submission ---------------------------------------------------------------


def submit_report(
    *,
    volunteer,
    category,
    description,
    community,
    latitude=None,
    longitude=None,
    address="",
    station=None,
    campaign=None,
    photos=(),
    now=None,
    notify=True,
):
    """A courier's new report, with its processed photos, in one transaction.

    If anything fails, neither the report nor any photo file remains.
    """
    if volunteer is None or not volunteer.is_approved:
        raise TransitionError(_("Your volunteer account has not been approved yet, so you cannot report."))
    return _create_report(
        reporter=volunteer,
        actor=volunteer.user,
        note="",
        category=category,
        description=description,
        community=community,
        latitude=latitude,
        longitude=longitude,
        address=address,
        station=station,
        campaign=campaign,
        photos=photos,
        now=now,
        notify=notify,
    )


def submit_client_report(*, client, category, description, community, latitude, longitude, address, photos, now=None):
    """A report from an Open311 client: the same state machine, attributed to the client, no volunteer."""
    return _create_report(
        reporter=None,
        actor=None,
        note=_("Received through the Open311 API from %(client)s.") % {"client": client},
        category=category,
        description=description,
        community=community,
        latitude=latitude,
        longitude=longitude,
        address=address,
        station=None,
        campaign=None,
        photos=photos,
        now=now,
        notify=True,
    )


def _create_report(
    *,
    reporter,
    actor,
    note,
    category,
    description,
    community,
    latitude,
    longitude,
    address,
    station,
    campaign,
    photos,
    now,
    notify,
):
    if not (description or "").strip():
        raise TransitionError(_("Describe the problem in a few words."))
    if latitude is None and not (address or "").strip():
        raise TransitionError(_("Give the place: share your position or type the address."))
    now = now or timezone.now()
    written = []
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=reporter,
                category=category,
                description=description.strip(),
                community=community,
                latitude=latitude,
                longitude=longitude,
                address=(address or "").strip(),
                station=station,
                campaign=campaign,
                created_at=now,
            )
            for photo in photos:
                written += _attach_photo(report, photo, ReportPhoto.Kind.BEFORE)
            event = ReportEvent.objects.create(
                report=report,
                action="submit",
                actor=actor,
                note=note,
                from_state="",
                to_state=State.SUBMITTED,
                is_public=True,
                created_at=now,
            )
            if notify:
                notifications.queue(event)
    except BaseException:
        _delete_files(written)
        raise
    return report


def _attach_photo(report, processed, kind):
    full, thumb = processed.files()
    photo = ReportPhoto(report=report, kind=kind)
    photo.image.save(full.name, full, save=False)
    names = [photo.image.name]
    photo.thumbnail.save(thumb.name, thumb, save=False)
    names.append(photo.thumbnail.name)
    try:
        photo.save()
    except BaseException:
        _delete_files(names)
        raise
    return names


def _delete_files(names):
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not remove orphan photo file %s", name)


# --- Moves --------------------------------------------------------------------


def dispatch(report, *, by, organization=None, deadline=None, note="", now=None, notify=True):
    """Send a report to the organization that will handle it."""
    now = now or timezone.now()

    def apply(r):
        org = organization or default_organization(r)
        due = deadline or deadline_for(r.category, now)
        if due <= now:
            raise TransitionError(_("The deadline must be in the future."))
        r.assignee = org
        r.deadline = due
        r.dispatched_at = r.dispatched_at or now  # the first dispatch counts for the response rate
        r.overdue_alerted_at = None
        return {"organization": org}

    return _move(report, "dispatch", by=by, note=note, now=now, apply=apply, notify=notify)


def reject(report, *, by, reason, duplicate_of=None, note="", now=None, notify=True):
    """Not accepted: a duplicate (naming the original), out of scope, or too vague."""
    if reason not in RejectReason.values:
        raise TransitionError(_("Choose why the report is not accepted."))
    if reason == RejectReason.DUPLICATE:
        if duplicate_of is None:
            raise TransitionError(_("Name the report this one duplicates."))
        if duplicate_of.pk == report.pk:
            raise TransitionError(_("A report cannot be a duplicate of itself."))

    def apply(r):
        r.reject_reason = reason
        r.duplicate_of = duplicate_of if reason == RejectReason.DUPLICATE else None
        return {}

    text = note.strip() or str(RejectReason(reason).label)
    if reason == RejectReason.DUPLICATE:
        text = _("Duplicate of %(ref)s") % {"ref": duplicate_of.reference} + (
            f": {note.strip()}" if note.strip() else ""
        )
    return _move(report, "reject", by=by, note=text, now=now, apply=apply, notify=notify)


def start(report, *, by, note="", now=None, notify=True):
    """The handler has begun the work."""
    return _move(report, "start", by=by, note=note, now=now, apply=lambda r: {}, notify=notify)


def resolve(report, *, by, note, photos, now=None, notify=True):
    """The handler's resolution: what was done, and a photo of the result."""
    if not (note or "").strip():
        raise TransitionError(_("Describe how the problem was solved."))
    if not photos:
        raise TransitionError(_("Add a photo of the place after the work."))
    now = now or timezone.now()
    written = []

    def apply(r):
        r.resolution_note = note.strip()
        r.resolved_at = now
        for photo in photos:
            written.extend(_attach_photo(r, photo, ReportPhoto.Kind.AFTER))
        return {}

    try:
        return _move(report, "resolve", by=by, note=note.strip(), now=now, apply=apply, notify=notify)
    except BaseException:
        _delete_files(written)
        raise


def return_report(report, *, by, reason, now=None, notify=True):
    """The handler sends back a report that is not theirs, saying why."""
    if not (reason or "").strip():
        raise TransitionError(_("Say why you are returning this report."))

    return _move(
        report,
        "return",
        by=by,
        note=reason.strip(),
        now=now,
        apply=lambda r: {"organization": r.assignee},
        notify=notify,
    )


def publish(report, *, by, note="", now=None, notify=True, unrated=False):
    """Verified: show it on the public board (完成一个公示一个).

    `unrated`: the supervision run publishes a report its reporter did not rate in time (by nobody).
    """
    now = now or timezone.now()

    def apply(r):
        if unrated and hasattr(r, "rating"):
            raise TransitionError(_("Report %(ref)s has been rated meanwhile.") % {"ref": r.reference})
        r.published_at = now
        return {}

    return _move(report, "publish", by=by, note=note, now=now, apply=apply, notify=notify, system=unrated)


def reopen(report, *, by, reason, deadline=None, now=None, notify=True):
    """Verification failed: back to the same organization with a new deadline."""
    if not (reason or "").strip():
        raise TransitionError(_("Say why the resolution is not accepted."))
    now = now or timezone.now()

    def apply(r):
        due = deadline or deadline_for(r.category, now)
        r.deadline = due
        r.dispatched_at = r.dispatched_at or now  # the first dispatch counts for the response rate
        r.overdue_alerted_at = None
        r.resolved_at = None
        r.resolution_note = ""
        r.published_at = None  # off the public board until it is solved and verified again
        return {"organization": r.assignee}

    return _move(report, "reopen", by=by, note=reason.strip(), now=now, apply=apply, notify=notify)


def _move(report, action, *, by, note, now, apply, notify, system=False):
    move = MOVES[action]
    now = now or timezone.now()
    seen_state = report.state
    with transaction.atomic():
        current = (
            Report.objects.select_for_update(of=("self",)).select_related("category", "assignee").get(pk=report.pk)
        )
        if current.state not in move.sources:
            if current.state != seen_state:
                raise TransitionError(
                    _("Report %(ref)s has already moved on: it is now “%(state)s”. Reload to see the latest.")
                    % {"ref": current.reference, "state": current.get_state_display()}
                )
            raise TransitionError(
                _("Report %(ref)s cannot be changed this way while it is “%(state)s”.")
                % {"ref": current.reference, "state": current.get_state_display()}
            )
        if not system and not _has_role(by, move.role, current):
            raise TransitionError(_("You may not do this with report %(ref)s.") % {"ref": current.reference})
        extra = apply(current) or {}
        if action in ("resolve", "return", "reopen"):
            # A request for more time lapses once the work it was for is over or goes elsewhere.
            ExtensionRequest.objects.filter(report=current, status=ExtensionRequest.Status.PENDING).update(
                status=ExtensionRequest.Status.REFUSED, decided_at=now, decision_note=_("The report moved on.")
            )
        from_state = current.state
        current.state = move.target
        current.save()
        event = ReportEvent.objects.create(
            report=current,
            action=action,
            actor=by,
            from_state=from_state,
            to_state=move.target,
            organization=extra.get("organization"),
            note=note or "",
            is_public=move.public,
            created_at=now,
        )
        _award_points(current, action, by=by, now=now)
        if notify:
            notifications.queue(event)
    report.refresh_from_db()
    return event


def _award_points(report, action, *, by, now):
    """Points for the reporter follow the report's moves, through the one ledger.

    Dispatched: the 城市环境问题反馈 points; published: the bonus. A report
    rejected (as a duplicate or otherwise) is never dispatched, so it earns
    nothing; paying the same report twice is impossible (reopened and
    dispatched again earns nothing more).
    """
    if action == "dispatch":
        return awards.report_dispatched(report.reporter, report.pk, by=by, now=now)
    if action == "publish":
        return awards.report_published(report.reporter, report.pk, by=by, now=now)
    return None


# --- Extensions (延期) and the reporter's re-check (回访) ----------------------------
# Neither moves the report to another state; both leave a timeline event.


def _event(report, action, *, by, note="", now, public=False, notify=False):
    event = ReportEvent.objects.create(
        report=report,
        action=action,
        actor=by,
        from_state=report.state,
        to_state=report.state,
        organization=report.assignee,
        note=note,
        is_public=public,
        created_at=now,
    )
    if notify:
        notifications.queue(event)
    return event


def extension_refusal(report, *, by, deadline, now=None):
    """Why `by` may not ask to move `report`'s deadline to `deadline` now, or None."""
    now = now or timezone.now()
    if report.state not in (State.DISPATCHED, State.IN_PROGRESS) or not _has_role(by, HANDLER, report):
        return _("Only the handling organization may ask for more time on an open report.")
    if report.deadline is None or now >= report.deadline:
        return _("The deadline has passed: an extension is asked for before it.")
    if deadline <= report.deadline:
        return _("The new deadline must be later than the current one.")
    if deadline > report.deadline + timedelta(days=90):
        return _("An extension may add at most 90 days.")
    if ExtensionRequest.objects.filter(report=report, status=ExtensionRequest.Status.PENDING).exists():
        return _("An extension request for this report is already waiting for a decision.")
    return None


def request_extension(report, *, by, deadline, reason, now=None):
    """The handling organization asks for more time, before the deadline."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_("Say why more time is needed."))
    with transaction.atomic():
        current = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
        refusal = extension_refusal(current, by=by, deadline=deadline, now=now)
        if refusal:
            raise TransitionError(refusal)
        request = ExtensionRequest.objects.create(
            report=current,
            requested_by=by,
            reason=reason,
            old_deadline=current.deadline,
            proposed_deadline=deadline,
            created_at=now,
        )
        _event(current, "extension_requested", by=by, note=reason, now=now, notify=True)
    return request


def decide_extension(request, *, by, grant, note="", now=None):
    """A coordinator grants (the deadline moves) or refuses an extension request."""
    now = now or timezone.now()
    with transaction.atomic():
        current = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        report = Report.objects.select_for_update(of=("self",)).get(pk=current.report_id)
        if not (by and by.is_authenticated and by.is_coordinator):
            raise TransitionError(_("Only a coordinator decides on extensions."))
        if current.status != ExtensionRequest.Status.PENDING:
            raise TransitionError(_("This extension request has already been decided."))
        if grant and (
            report.state not in (State.DISPATCHED, State.IN_PROGRESS) or report.deadline != current.old_deadline
        ):
            raise TransitionError(_("The report has moved on since the request; it can only be refused."))
        current.status = ExtensionRequest.Status.GRANTED if grant else ExtensionRequest.Status.REFUSED
        current.decided_by, current.decided_at, current.decision_note = by, now, (note or "").strip()[:300]
        current.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if grant:
            report.deadline = current.proposed_deadline
            report.overdue_alerted_at = None
            report.save(update_fields=["deadline", "overdue_alerted_at"])
        deadline_text = timezone.localtime(current.proposed_deadline).strftime("%Y-%m-%d %H:%M")
        _event(
            report,
            "extension_granted" if grant else "extension_refused",
            by=by,
            note=(f"{deadline_text} {current.decision_note}".strip() if grant else current.decision_note),
            now=now,
        )
    request.refresh_from_db()
    return request


def delete_photos_of_rejected(report, *, retention_days, now=None):
    """The photos of a report not accepted, kept `retention_days`, are deleted (rows, then files);
    an internal timeline event says so. Returns the deleted files' names."""
    now = now or timezone.now()
    with transaction.atomic():
        current = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
        if current.state != State.REJECTED:
            raise TransitionError(_("Report %(ref)s is not rejected.") % {"ref": current.reference})
        photos = list(current.photos.all())
        if not photos:
            return []
        names = [name for photo in photos for name in (photo.image.name, photo.thumbnail.name) if name]
        ReportPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
        note = _("%(count)d photos deleted %(days)d days after the report was not accepted.") % {
            "count": len(photos),
            "days": retention_days,
        }
        _event(current, "photos_deleted", by=None, note=note, now=now)
    _delete_files(names)
    return names


def rate(report, *, volunteer, score, comment="", photo=None, now=None):
    """The reporter re-checks the place and rates the result; "不满意" flags it for the coordinators."""
    now = now or timezone.now()
    if score not in Rating.Score.values:
        raise TransitionError(_("Choose one of the three ratings."))
    written = []
    try:
        with transaction.atomic():
            current = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
            if current.reporter_id != volunteer.pk:
                raise TransitionError(_("Only the volunteer who reported it rates the result."))
            if current.state not in (State.RESOLVED, State.PUBLISHED):
                raise TransitionError(_("Report %(ref)s is not resolved yet.") % {"ref": current.reference})
            rating = Rating.objects.filter(report=current).first()
            if rating is not None and rating.created_at >= (current.resolved_at or rating.created_at):
                raise TransitionError(_("You have already rated report %(ref)s.") % {"ref": current.reference})
            # Reopened and resolved again since the last rating: the new rating replaces it (the timeline keeps both).
            rating = rating or Rating(report=current, volunteer=volunteer)
            rating.score, rating.comment = score, (comment or "").strip()[:500]
            rating.created_at, rating.reviewed_at, rating.reviewed_by = now, None, None
            if photo is not None:
                full, _thumb = photo.files()
                rating.photo.save(full.name, full, save=False)
                written.append(rating.photo.name)
            rating.save()
            label = Rating.Score(score).label
            _event(current, "rated", by=volunteer.user, note=f"{label} {rating.comment}".strip(), now=now)
            awards.report_rechecked(volunteer, current.pk, by=volunteer.user, now=now)
    except BaseException:
        _delete_files(written)
        raise
    return rating
