"""The report state machine: the one home of every move a report makes.

Each move is one declaration in `MOVES` (who may make it from which states,
its form, whether its note is public, what it pays, which notices it sends),
and `transition()` is the one entry point that makes it: admin actions,
supervision and management commands call it; nothing else assigns
`Report.state`. A move:

1. locks the report row and re-reads it (two coordinators acting at once:
   the second is told the report has already moved since the `seen_state`),
2. checks the move is allowed from the current state and for this person,
3. applies it, writes a `ReportEvent`, sets the deadline, pays the reporter,
4. queues the notifications to run after the transaction commits.

To add a move: an `Action` in issues.models (and its migration), one `Move`
in `MOVES`, and its tests.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beefeed import staging
from issues import awards, forms, notifications
from issues.deadlines import deadline_for
from issues.models import (
    IN_HAND,
    OPEN_STATES,
    Action,
    Assist,
    CoReporter,
    ExtensionRequest,
    Rating,
    RejectReason,
    Report,
    ReportEvent,
    ReportPhoto,
    State,
)

logger = logging.getLogger(__name__)


class TransitionError(Exception):
    """A move we refuse; the message is shown to the person who tried it."""


def default_organization(report):
    """Who handles a report unless the coordinator says otherwise: the
    category's organization, or else the community where it happened."""
    return report.category.default_organization or report.community


def _is_active(user):
    return user is not None and user.is_authenticated and user.is_active


def _coordinator(user, report, data):
    return _is_active(user) and user.is_coordinator


def _handler_of(user, report, data=None):
    """A handler of the organization the report is dispatched to."""
    return (
        _is_active(user)
        and user.is_handler
        and user.organization_id is not None
        and user.organization_id == report.assignee_id
    )


def _handler_of_the_community(user, report, data=None):
    """A handler of the community (or township) the report is located in, while COMMUNITY_CLAIMS is on."""
    return (
        settings.COMMUNITY_CLAIMS
        and _is_active(user)
        and user.is_handler
        and user.organization_id is not None
        and user.organization_id == report.community_id
    )


def _coordinator_or_the_unrated_run(user, report, data):
    """A coordinator; or the supervision run (by nobody) publishing what its reporter did not rate in time."""
    return bool(data.get("unrated")) or _coordinator(user, report, data)


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
    client_key=None,
):
    """A courier's new report, with its processed photos, in one transaction.

    If anything fails, neither the report nor any photo file remains. `client_key`: the draft's key
    made by the courier's phone; the same draft sent again (a lost answer, a retry) returns the report
    it made the first time, never a second one (the key is unique per reporter in the database, so two
    sends at the same moment also make one report).
    """
    if volunteer is None or not volunteer.is_approved:
        raise TransitionError(_("Your volunteer account has not been approved yet, so you cannot report."))
    if client_key is not None:
        first = already_sent(volunteer, client_key)
        if first is not None:
            return first
    try:
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
            client_key=client_key,
        )
    except IntegrityError:
        first = already_sent(volunteer, client_key) if client_key is not None else None
        if first is None:
            raise
        return first  # the other send of the same draft won the race: its report is the answer


def already_sent(volunteer, client_key):
    """The report this courier's draft (its key) already made, if any."""
    return Report.objects.filter(reporter=volunteer, client_key=client_key).first()


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


def enter_report(
    *,
    by,
    volunteer,
    note="",
    category,
    description,
    community,
    latitude=None,
    longitude=None,
    address="",
    photos=(),
    now=None,
    notify=True,
):
    """A report that reached a coordinator in the WeChat group or by telephone, entered by `by` (issues.intake).

    The same submission as the courier's (one `SUBMIT` event, the same photos, the same checks), then an
    internal `ENTER` event with the coordinator as its actor and `note`. With `volunteer`, the report is
    theirs (submitted in their name, on their /me/reports/, paid by its moves as their own); with
    `volunteer=None`, it came from a resident by telephone: no reporter, no personal data.
    """
    if not _coordinator(by, None, None):
        raise TransitionError(_("Only a coordinator enters a report on someone's behalf."))
    if volunteer is not None and not volunteer.is_approved:
        raise TransitionError(_("This volunteer has not been approved: the report cannot be credited to them."))
    source = _("Sent by the volunteer in the group") if volunteer is not None else _("A resident by telephone")
    note = (note or "").strip()
    return _create_report(
        reporter=volunteer,
        actor=volunteer.user if volunteer is not None else None,
        note="",
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
        notify=notify,
        entered=(by, f"{source}: {note}" if note else source),
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
    entered=None,
    client_key=None,
):
    """`entered`: (coordinator, note) when staff entered it on someone's behalf: an internal ENTER event."""
    if not (description or "").strip():
        raise TransitionError(_("Describe the problem in a few words."))
    if latitude is None and not (address or "").strip():
        raise TransitionError(_("Give the place: share your position or type the address."))
    now = now or timezone.now()
    with staging.uploads() as uploads, transaction.atomic():
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
            client_key=client_key,
        )
        for photo in photos:
            _attach_photo(report, photo, ReportPhoto.Kind.BEFORE, uploads)
        event = ReportEvent.objects.create(
            report=report,
            action=Action.SUBMIT,
            actor=actor,
            note=note,
            from_state="",
            to_state=State.SUBMITTED,
            is_public=True,
            created_at=now,
        )
        if entered is not None:
            entered_by, entry_note = entered
            _event(report, Action.ENTER, by=entered_by, note=entry_note, now=now)
        if notify:
            notifications.queue(event)
    return report


def _attach_photo(report, processed, kind, uploads):
    """A photo row for `report`; its files wait under staging/ until the report commits (beefeed.staging)."""
    full, thumb = processed.files()
    photo = ReportPhoto(report=report, kind=kind)
    uploads.put(photo.image, full)
    uploads.put(photo.thumbnail, thumb)
    photo.save()


def _delete_files(names):
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # the disk, or a bucket out of reach (botocore's errors are no OSError)
            logger.warning("could not remove photo file %s", name)


# --- Moves --------------------------------------------------------------------
# Each move is one declaration in MOVES below. A move's `clean` checks what was given, before the
# row is locked, and returns the data its `effect` gets; the effect changes the locked row (never
# `state`: `transition` does) and returns the organization the timeline event names.


def _clean_reject(report, data):
    reason, duplicate_of, note = data.get("reason"), data.get("duplicate_of"), (data.get("note") or "").strip()
    if reason not in RejectReason.values or reason == RejectReason.MERGED:  # merging is its own move
        raise TransitionError(_("Choose why the report is not accepted."))
    if reason == RejectReason.DUPLICATE:
        if duplicate_of is None:
            raise TransitionError(_("Name the report this one duplicates."))
        if duplicate_of.pk == report.pk:
            raise TransitionError(_("A report cannot be a duplicate of itself."))
        text = _("Duplicate of %(ref)s") % {"ref": duplicate_of.reference} + (f": {note}" if note else "")
    else:
        duplicate_of, text = None, note or str(RejectReason(reason).label)
    return {"reason": reason, "duplicate_of": duplicate_of, "note": text}


def _clean_resolve(report, data):
    if not (data.get("note") or "").strip():
        raise TransitionError(_("Describe how the problem was solved."))
    if not data.get("photos"):
        raise TransitionError(_("Add a photo of the place after the work."))
    return {"note": data["note"].strip(), "photos": data["photos"]}


def _needs_reason(message):
    def clean(report, data):
        if not (data.get("reason") or "").strip():
            raise TransitionError(message)
        return {**data, "note": data["reason"].strip()}

    return clean


def _dispatch(report, *, now, organization=None, deadline=None, **data):
    org = organization or default_organization(report)
    due = deadline or deadline_for(report.category, now)
    if due <= now:
        raise TransitionError(_("The deadline must be in the future."))
    report.assignee = org
    # The lead is not also an assistant: an organization that was assisting now leads instead.
    Assist.objects.filter(report=report, organization=org).delete()
    report.deadline = due
    report.dispatched_at = report.dispatched_at or now  # the first dispatch counts for the response rate
    report.overdue_alerted_at = None
    return org


def _clean_claim(report, data):
    if not settings.COMMUNITY_CLAIMS:
        raise TransitionError(_("Communities do not claim reports here: a coordinator dispatches them."))
    return {"note": (data.get("note") or "").strip()}


def _claim(report, *, by, now, **data):
    """The community takes it on before triage: dispatched to it with the category's deadline, as a
    coordinator's dispatch would (the event names who claimed it: its actor)."""
    return _dispatch(report, now=now, organization=by.organization)


def _reject(report, *, reason, duplicate_of, **data):
    report.reject_reason = reason
    report.duplicate_of = duplicate_of
    return None


def _resolve(report, *, now, note, photos, uploads, **data):
    report.resolution_note = note
    report.resolved_at = now
    for photo in photos:
        _attach_photo(report, photo, ReportPhoto.Kind.AFTER, uploads)
    return None


def _publish(report, *, now, unrated=False, **data):
    if unrated and report.current_rating is not None:
        raise TransitionError(_("Report %(ref)s has been rated meanwhile.") % {"ref": report.reference})
    report.published_at = now
    return None


def _reopen(report, *, now, deadline=None, **data):
    report.deadline = deadline or deadline_for(report.category, now)
    report.dispatched_at = report.dispatched_at or now  # the first dispatch counts for the response rate
    report.overdue_alerted_at = None
    report.resolved_at = None
    report.resolution_note = ""
    report.published_at = None  # off the public board until it is solved and verified again
    return report.assignee


def _clean_merge(report, data):
    into = data.get("into")
    into = getattr(into, "pk", into)  # the form gives the number of a reference; code may pass the report
    if not isinstance(into, int):
        raise TransitionError(_("Name the open report this one is the same problem as (BF…)."))
    if into == report.pk:
        raise TransitionError(_("A report cannot be merged into itself."))
    note = (data.get("note") or "").strip()
    text = _("Same problem as %(ref)s: merged into it.") % {"ref": Report.reference_for(into)}
    return {"into": into, "note": text + (f" {note}" if note else "")}


def _merge(report, *, by, now, into, **data):
    """The newer report ends as merged (not accepted, never counted: Report.objects.counted) and names the
    original; its reporter, and whoever had been merged into it, become co-reporters of the original."""
    ref = Report.reference_for(into)
    # Two rows are locked, the merged one first: waiting for the second only when its number is higher
    # (rows in ascending order never wait in a circle), otherwise asking to try again: never a deadlock.
    try:
        with transaction.atomic():
            locked = Report.objects.visible_to(by).select_for_update(of=("self",), nowait=into < report.pk)
            original = locked.filter(pk=into).first()
    except DatabaseError:
        raise TransitionError(
            _("Report %(ref)s is being changed by someone else right now; try again in a moment.") % {"ref": ref}
        ) from None
    if original is None:
        raise TransitionError(_("There is no report %(ref)s that you can see.") % {"ref": ref})
    if original.state not in OPEN_STATES:
        raise TransitionError(
            _("Report %(ref)s is “%(state)s”: a report is merged only into an open one.")
            % {"ref": ref, "state": original.get_state_display()}
        )
    report.reject_reason = RejectReason.MERGED
    report.duplicate_of = original
    followers = [report.reporter_id, *report.co_reporters.values_list("volunteer_id", flat=True)]
    for volunteer_id in dict.fromkeys(followers):
        if volunteer_id is not None and volunteer_id != original.reporter_id:
            CoReporter.objects.get_or_create(
                report=original, volunteer_id=volunteer_id, defaults={"merged_report": report, "created_at": now}
            )
    report.co_reporters.all().delete()  # carried over: they follow the original now, not a merged report
    _event(
        original,
        Action.MERGE,
        by=by,
        note=_("%(ref)s, the same problem reported again, was merged into this report.") % {"ref": report.reference},
        now=now,
    )
    return None


def _keeps_the_organization(report, **data):
    return report.assignee


def _nothing(report, **data):
    return None


# Points for the reporter follow the report's moves, through the one ledger: dispatched, the
# 城市环境问题反馈 points; published, the bonus; re-checked and rated, POINTS_FOR_RECHECK. A rejected
# report is never dispatched, so it earns nothing; the ledger never pays the same report twice.


def _pays_dispatched(report, *, by, now):
    awards.co_reporters_of(report, by=by, now=now)
    return awards.report_dispatched(report.reporter, report.pk, by=by, now=now)


def _pays_published(report, *, by, now):
    return awards.report_published(report.reporter, report.pk, by=by, now=now)


def _pays_co_reporters_of_the_original(report, *, by, now):
    """A merge pays the original's co-reporters at once if it was dispatched, else when it is."""
    original = report.duplicate_of
    if original.dispatched_at is not None:
        awards.co_reporters_of(original, by=by, now=now)


def _pays_rechecked(report, *, by, now):
    return awards.report_rechecked(report.reporter, report.pk, by=by, now=now)


@dataclass(frozen=True)
class Move:
    """One move a report makes: the only place that says anything about it.

    who: (user, report, data) -> whether this person may make it; form: the admin's form
    (its cleaned data are the move's data); public: the event shows on the public timeline;
    public_note: its note is shown to the reporter and the public; pays: what the reporter earns;
    notices: who hears about it (issues.notifications, after the commit); ends_extension: a
    pending request for more time lapses (the work it was for is over, or goes elsewhere).
    """

    action: Action
    frm: frozenset
    to: State
    who: Callable
    form: type | None = None
    public: bool = True
    public_note: bool = False
    clean: Callable = lambda report, data: data
    effect: Callable = _nothing
    pays: Callable | None = None
    notices: tuple = ()
    ends_extension: bool = False
    verb: str | None = None  # the button's word, when the timeline's label does not fit a button

    @property
    def label(self):
        return self.action.label

    @property
    def button(self):
        return self.verb or self.label


MOVES = {
    move.action: move
    for move in [
        Move(
            Action.DISPATCH,
            frm=frozenset({State.SUBMITTED, State.RETURNED}),
            to=State.DISPATCHED,
            who=_coordinator,
            form=forms.DispatchForm,
            effect=_dispatch,
            pays=_pays_dispatched,
            notices=(notifications.on_dispatch,),
        ),
        Move(
            Action.CLAIM,
            frm=frozenset({State.SUBMITTED}),  # before triage: afterwards it is a coordinator's to route
            to=State.DISPATCHED,
            who=_handler_of_the_community,
            form=forms.NoteForm,
            clean=_clean_claim,
            effect=_claim,
            pays=_pays_dispatched,
            notices=(notifications.on_dispatch, notifications.on_claim),
            verb=gettext_lazy("Claim"),
        ),
        Move(
            Action.REJECT,
            frm=frozenset({State.SUBMITTED}),
            to=State.REJECTED,
            who=_coordinator,
            form=forms.RejectForm,
            public_note=True,
            clean=_clean_reject,
            effect=_reject,
            notices=(notifications.on_reject,),
        ),
        Move(
            Action.START,
            frm=frozenset({State.DISPATCHED}),
            to=State.IN_PROGRESS,
            who=_handler_of,
            form=forms.NoteForm,
        ),
        Move(
            Action.RESOLVE,
            frm=frozenset(IN_HAND),
            to=State.RESOLVED,
            who=_handler_of,
            form=forms.ResolveForm,
            public_note=True,
            clean=_clean_resolve,
            effect=_resolve,
            notices=(notifications.on_resolve,),
            ends_extension=True,
        ),
        Move(
            Action.RETURN,
            frm=frozenset(IN_HAND),
            to=State.RETURNED,
            who=_handler_of,
            form=forms.ReasonForm,
            public=False,
            clean=_needs_reason(gettext_lazy("Say why you are returning this report.")),
            effect=_keeps_the_organization,
            notices=(notifications.on_return,),
            ends_extension=True,
        ),
        Move(
            Action.PUBLISH,
            frm=frozenset({State.RESOLVED}),
            to=State.PUBLISHED,
            who=_coordinator_or_the_unrated_run,
            form=forms.NoteForm,
            public_note=True,
            effect=_publish,
            pays=_pays_published,
            notices=(notifications.on_publish,),
        ),
        Move(
            Action.REOPEN,
            frm=frozenset({State.RESOLVED, State.PUBLISHED}),
            to=State.DISPATCHED,
            who=_coordinator,
            form=forms.ReasonForm,
            public=False,
            clean=_needs_reason(gettext_lazy("Say why the resolution is not accepted.")),
            effect=_reopen,
            notices=(notifications.on_dispatch,),
            ends_extension=True,
        ),
        Move(
            Action.MERGE,
            frm=frozenset({State.SUBMITTED}),
            to=State.REJECTED,
            who=_coordinator,
            form=forms.MergeForm,
            public=False,  # internal on both reports; the courier's /me/reports/ says "merged into BF…"
            clean=_clean_merge,
            effect=_merge,
            pays=_pays_co_reporters_of_the_original,
            notices=(notifications.on_merge,),
        ),
    ]
}

# Events that are not moves but are heard about too.
EVENT_NOTICES = {
    Action.SUBMIT: (notifications.on_submit,),
    Action.EXTENSION_REQUESTED: (notifications.on_extension_requested,),
    Action.ASSIST: (notifications.on_assist,),
}


def notices_for(action):
    move = MOVES.get(action)
    return move.notices if move else EVENT_NOTICES.get(action, ())


def has_public_note(action):
    move = MOVES.get(action)
    return bool(move and move.public_note)


def may(user, action, report, **data):
    """Whether `user` may make `action` on `report` as it is now."""
    move = MOVES[action]
    return report.state in move.frm and move.who(user, report, data)


def allowed_actions(report, user):
    return [action for action in MOVES if may(user, action, report)]


def transition(report, action, *, by, seen_state, now=None, notify=True, **data):
    """Make `action` on `report`, for `by`, who saw it in `seen_state`: the one entry point of every move.

    Locks the report row and re-reads it: if it has moved since `seen_state` (someone else acted
    first), the answer says so. Then checks the move is allowed from the current state and for this
    person, applies it, writes a `ReportEvent`, pays, and queues the notices for after the commit.
    """
    try:
        move = MOVES[action]
    except KeyError:
        raise TransitionError(
            _("This step is not possible for report %(ref)s now.") % {"ref": report.reference}
        ) from None
    now = now or timezone.now()
    data = move.clean(report, data)
    with staging.uploads() as uploads, transaction.atomic():
        current = (
            Report.objects.select_for_update(of=("self",)).select_related("category", "assignee").get(pk=report.pk)
        )
        if current.state not in move.frm:
            if current.state != seen_state:
                raise TransitionError(
                    _("Report %(ref)s has already moved on: it is now “%(state)s”. Reload to see the latest.")
                    % {"ref": current.reference, "state": current.get_state_display()}
                )
            raise TransitionError(
                _("Report %(ref)s cannot be changed this way while it is “%(state)s”.")
                % {"ref": current.reference, "state": current.get_state_display()}
            )
        if not move.who(by, current, data):
            raise TransitionError(_("You may not do this with report %(ref)s.") % {"ref": current.reference})
        organization = move.effect(current, by=by, now=now, uploads=uploads, **data)
        if move.ends_extension:
            ExtensionRequest.objects.filter(report=current, status=ExtensionRequest.Status.PENDING).update(
                status=ExtensionRequest.Status.REFUSED, decided_at=now, decision_note=_("The report moved on.")
            )
        from_state = current.state
        current.state = move.to
        current.save()
        event = ReportEvent.objects.create(
            report=current,
            action=move.action,
            actor=by,
            from_state=from_state,
            to_state=move.to,
            organization=organization,
            note=data.get("note") or "",
            is_public=move.public,
            created_at=now,
        )
        if move.pays:
            move.pays(current, by=by, now=now)
        if notify:
            notifications.queue(event)
    report.refresh_from_db()
    return event


def _shorthand(action):
    """For code that holds the report it acts on (the demo data, tests): what it saw is the report's state."""

    def make(report, *, by, **data):
        return transition(report, action, by=by, seen_state=report.state, **data)

    make.__name__ = make.__qualname__ = f"{action}_report"
    return make


dispatch, claim, reject, start, resolve, return_report, publish, reopen, merge = (
    _shorthand(action)
    for action in (
        Action.DISPATCH,
        Action.CLAIM,
        Action.REJECT,
        Action.START,
        Action.RESOLVE,
        Action.RETURN,
        Action.PUBLISH,
        Action.REOPEN,
        Action.MERGE,
    )
)


# --- Joint handling (主办/协办) and internal notes --------------------------------
# The organization a report is dispatched to leads; others may be asked to assist. Neither changes
# the report's state; each leaves an internal timeline event.

# While the work is in hand (or waiting for a coordinator after a return), help may be asked for.
ASSIST_STATES = frozenset(IN_HAND) | {State.RETURNED}


def _lead_or_coordinator(user, report):
    return _is_active(user) and (user.is_coordinator or _handler_of(user, report))


def _assisting(user, report):
    """A handler of an organization assisting `report`."""
    return (
        _is_active(user)
        and user.is_handler
        and user.organization_id is not None
        and Assist.objects.filter(report=report, organization_id=user.organization_id).exists()
    )


def assist_refusal(report, *, by, organization=None):
    """Why `by` may not ask `organization` (None: any) to assist `report` now, or None."""
    if not _lead_or_coordinator(by, report):
        return _("Only a coordinator or the lead organization may ask others to assist.")
    if report.state not in ASSIST_STATES or report.assignee_id is None:
        return _("Assisting organizations are asked for while a dispatched report is being handled.")
    if organization is not None:
        if organization.pk == report.assignee_id:
            return _("%(org)s already leads this report.") % {"org": organization}
        if Assist.objects.filter(report=report, organization=organization).exists():
            return _("%(org)s already assists with this report.") % {"org": organization}
    return None


def may_unassist(user, report):
    """Who lets an assisting organization go: a coordinator or the lead, in any state."""
    return _lead_or_coordinator(user, report)


def may_note(user, report):
    """Who writes internal notes on a report: a coordinator, the lead and the assisting organizations."""
    return _lead_or_coordinator(user, report) or _assisting(user, report)


def _locked(report):
    return Report.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=report.pk)


def assist(report, *, by, organization, note="", now=None, notify=True):
    """Ask `organization` to assist (协办) with `report`, which its assignee leads (主办)."""
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(report)
        refusal = assist_refusal(current, by=by, organization=organization)
        if refusal:
            raise TransitionError(refusal)
        Assist.objects.create(report=current, organization=organization, added_by=by, added_at=now)
        event = _event(
            current, Action.ASSIST, by=by, note=(note or "").strip(), now=now, organization=organization, notify=notify
        )
    return event


def unassist(report, *, by, organization, note="", now=None):
    """`organization` no longer assists with `report` (asked by a coordinator or the lead)."""
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(report)
        if not may_unassist(by, current):
            raise TransitionError(_("Only a coordinator or the lead organization may change who assists."))
        deleted, _rows = Assist.objects.filter(report=current, organization=organization).delete()
        if not deleted:
            raise TransitionError(_("%(org)s does not assist with this report.") % {"org": organization})
        return _event(current, Action.UNASSIST, by=by, note=(note or "").strip(), now=now, organization=organization)


def add_note(report, *, by, note, now=None):
    """An internal note on the timeline: staff only, never shown to the reporter or the public."""
    now = now or timezone.now()
    note = (note or "").replace("\x00", "").strip()
    if not note:
        raise TransitionError(_("Write the note first."))
    with transaction.atomic():
        current = _locked(report)
        if not may_note(by, current):
            raise TransitionError(_("You may not add notes to report %(ref)s.") % {"ref": current.reference})
        return _event(current, Action.NOTE, by=by, note=note[:2000], now=now, organization=by.organization)


# --- Extensions (延期) and the reporter's re-check (回访) ----------------------------
# Neither moves the report to another state; both leave a timeline event.


def _event(report, action, *, by, note="", now, public=False, notify=False, organization=None):
    event = ReportEvent.objects.create(
        report=report,
        action=action,
        actor=by,
        from_state=report.state,
        to_state=report.state,
        organization=organization or report.assignee,
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
    if report.state not in IN_HAND or not _handler_of(by, report):
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
        _event(current, Action.EXTENSION_REQUESTED, by=by, note=reason, now=now, notify=True)
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
        if grant and (report.state not in IN_HAND or report.deadline != current.old_deadline):
            raise TransitionError(_("The report has moved on since the request; it can only be refused."))
        current.status = ExtensionRequest.Status.GRANTED if grant else ExtensionRequest.Status.REFUSED
        current.decided_by, current.decided_at, current.decision_note = by, now, (note or "").strip()[:300]
        current.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if grant:
            report.deadline = current.proposed_deadline
            report.overdue_alerted_at = None
            report.save(update_fields=["deadline", "overdue_alerted_at"])
        deadline_text = date_format(timezone.localtime(current.proposed_deadline), "DATETIME_FORMAT")
        _event(
            report,
            Action.EXTENSION_GRANTED if grant else Action.EXTENSION_REFUSED,
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
        names = [name for photo in photos for name in photo.file_names]
        ReportPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
        note = _("%(count)d photos deleted %(days)d days after the report was not accepted.") % {
            "count": len(photos),
            "days": retention_days,
        }
        _event(current, Action.PHOTOS_DELETED, by=None, note=note, now=now)
    _delete_files(names)
    return names


def rate(report, *, volunteer, score, comment="", photo=None, now=None):
    """The reporter re-checks the place and rates the result; "不满意" flags it for the coordinators."""
    now = now or timezone.now()
    if score not in Rating.Score.values:
        raise TransitionError(_("Choose one of the three ratings."))
    with staging.uploads() as uploads, transaction.atomic():
        current = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
        if current.reporter_id != volunteer.pk:
            raise TransitionError(_("Only the volunteer who reported it rates the result."))
        if current.state not in (State.RESOLVED, State.PUBLISHED):
            raise TransitionError(_("Report %(ref)s is not resolved yet.") % {"ref": current.reference})
        if current.current_rating is not None:
            raise TransitionError(_("You have already rated report %(ref)s.") % {"ref": current.reference})
        # Reopened and resolved again since the last rating: the new rating replaces it (the timeline keeps both).
        rating = current.rating_or_none or Rating(report=current, volunteer=volunteer)
        rating.score, rating.comment = score, (comment or "").strip()[:500]
        rating.created_at, rating.reviewed_at, rating.reviewed_by = now, None, None
        if photo is not None:
            full, _thumb = photo.files()
            uploads.put(rating.photo, full)
        rating.save()
        label = Rating.Score(score).label
        _event(current, Action.RATED, by=volunteer.user, note=f"{label} {rating.comment}".strip(), now=now)
        _pays_rechecked(current, by=volunteer.user, now=now)
    return rating


# --- "The same problem +1" (同一问题 +1): a courier joins an open report instead of reporting it again ---


NOT_SHOWN_FOR_JOINING = gettext_lazy(
    "This is not an open report of the same kind near where you are, so “+1” was not recorded. "
    "Send your own report instead."
)


def join(report, *, volunteer, category_id, latitude, longitude, now=None):
    """The courier, about to report, says an open report shown on the form is the same problem: they become
    its co-reporter (followed on /me/reports/, its notices, POINTS_FOR_CO_REPORT once it is dispatched), and
    no report is made. Not a move (the state stays); an internal MERGE event records it.

    Only a report the form showed them: open, of the category they chose, within DUPLICATE_RADIUS_M of
    the position they sent (issues.queries.possible_duplicates). Saying it twice changes nothing.
    Returns (co-reporter, how many couriers reported the problem).
    """
    from issues.queries import possible_duplicates

    now = now or timezone.now()
    if volunteer is None or not volunteer.is_approved:
        raise TransitionError(_("Your volunteer account has not been approved yet, so you cannot report."))
    with transaction.atomic():
        current = Report.objects.select_for_update(of=("self",)).filter(pk=getattr(report, "pk", report)).first()
        shown = current is not None and possible_duplicates(
            among=Report.objects.filter(pk=current.pk),
            category_id=category_id,
            latitude=latitude,
            longitude=longitude,
            now=now,
        )
        if not shown:
            raise TransitionError(NOT_SHOWN_FOR_JOINING)
        if current.reporter_id == volunteer.pk:
            raise TransitionError(_("Report %(ref)s is your own report.") % {"ref": current.reference})
        co, created = CoReporter.objects.get_or_create(
            report=current, volunteer=volunteer, defaults={"merged_report": None, "created_at": now}
        )
        if created:
            note = _("A courier on the spot confirmed the same problem (+1) and follows this report as a co-reporter.")
            _event(current, Action.MERGE, by=volunteer.user, note=note, now=now)
            if current.dispatched_at is not None:
                awards.co_reported(volunteer, current.pk, by=None, now=now)  # the rule pays, as on dispatch
    return co, co_reporter_position(co)


def co_reporter_position(co):
    """Which courier to report the problem this co-reporter was: its reporter first, then the co-reporters in turn."""
    report = co.report
    earlier = report.co_reporters.filter(created_at__lte=co.created_at).exclude(created_at=co.created_at, pk__gt=co.pk)
    return (1 if report.reporter_id else 0) + earlier.count()
