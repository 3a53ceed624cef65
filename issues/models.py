"""Reports of neighbourhood problems and their timeline.

`Report.state` is written only by `issues.workflow`; nothing here sets it.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from beefeed.models import Organization
from beefeed.parsing import parse_id, readable
from issues.deadlines import end_of_office_day
from issues.open311.models import ApiClient, ClientReport  # noqa: F401  (registered as this app's models)
from stations.models import Station
from volunteers.models import Volunteer


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting triage")
    DISPATCHED = "dispatched", _("Dispatched")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Not accepted")
    RETURNED = "returned", _("Returned")


class Action(models.TextChoices):
    """What a timeline event records: a move of the report (issues.workflow.MOVES) or another event."""

    SUBMIT = "submit", _("Submit")
    DISPATCH = "dispatch", _("Dispatch")
    REJECT = "reject", _("Reject")
    START = "start", _("Start work")
    RESOLVE = "resolve", _("Resolve")
    RETURN = "return", _("Return")
    PUBLISH = "publish", _("Verify and publish")
    REOPEN = "reopen", _("Reopen")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_GRANTED = "extension_granted", _("Extension granted")
    EXTENSION_REFUSED = "extension_refused", _("Extension refused")
    RATED = "rated", _("Rated by the reporter")
    PHOTOS_DELETED = "photos_deleted", _("Photos deleted")
    # The back office's desk (issue 16): claims by a community, merges of duplicates, moderation
    # before publication, reports entered by staff on someone's behalf, internal notes.
    CLAIM = "claim", _("Claimed by the community")
    MERGE = "merge", _("Merged as the same problem")
    MODERATE = "moderate", _("Moderated for the public")
    ENTER = "enter", _("Entered by staff")
    NOTE = "note", _("Internal note")
    # Joint handling (主办/协办, issue 19): the lead asks other organizations to assist.
    ASSIST = "assist", _("Assisting organization added")
    UNASSIST = "unassist", _("Assisting organization removed")


# States in which a handler holds the work and the deadline runs.
IN_HAND = [State.DISPATCHED, State.IN_PROGRESS]
# States that still need someone to act.
OPEN_STATES = [State.SUBMITTED, State.DISPATCHED, State.IN_PROGRESS, State.RESOLVED, State.RETURNED]
# States in which a report has been assigned to an organization.
ASSIGNED_STATES = [State.DISPATCHED, State.IN_PROGRESS, State.RESOLVED, State.PUBLISHED]


# Resolved by the deadline, as a query condition (Report.on_time is the same rule for one report).
ON_TIME = Q(resolved_at__lte=F("deadline"))


class RejectReason(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate of another report")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")
    NOT_ENOUGH_INFO = "not_enough_info", _("Not enough information")
    # Not a coordinator's choice in the reject form: the MERGE move sets it (issues.workflow).
    MERGED = "merged", _("Same problem: merged into another report")


class Category(models.Model):
    class LimitUnit(models.TextChoices):
        HOURS = "hours", _("hours")
        WORKING_DAYS = "working_days", _("working days")

    name = models.CharField(_("name"), max_length=30, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    short_label = models.CharField(_("short label"), max_length=8, help_text=_("Shown on the courier's button."))
    description = models.CharField(_("description"), max_length=200, blank=True)
    time_limit = models.PositiveIntegerField(_("time limit"), help_text=_("How long the handler has."))
    time_limit_unit = models.CharField(
        _("time limit unit"), max_length=15, choices=LimitUnit.choices, default=LimitUnit.HOURS
    )
    default_organization = models.ForeignKey(
        Organization,
        verbose_name=_("default handling organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(time_limit__gt=0), name="category_time_limit_positive"),
            models.CheckConstraint(
                condition=Q(time_limit_unit__in=["hours", "working_days"]), name="category_time_limit_unit_valid"
            ),
        ]

    def __str__(self):
        return self.name


class Campaign(models.Model):
    """A special campaign (专项行动): a joint action of several organizations over a period, with a
    goal, that groups reports (coordinators add them in bulk from the report list: issues.campaigns)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    goal = models.TextField(
        _("goal"), blank=True, help_text=_("What the campaign sets out to achieve, shown on its public page.")
    )
    organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("organizations"),
        blank=True,
        related_name="campaigns",
        help_text=_("The organizations that take part: the campaign's page shows each one's reports."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="campaign_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.name


class ReportQuerySet(models.QuerySet):
    def public(self):
        """What the public board shows: published reports only."""
        return self.filter(state=State.PUBLISHED)

    def in_hand(self):
        """Reports a handler holds, whose deadline runs."""
        return self.filter(state__in=IN_HAND)

    def overdue(self, now=None):
        return self.in_hand().filter(deadline__lt=now or timezone.now())

    def due_by(self, moment, now=None):
        """In hand, not overdue yet, and due by `moment`."""
        return self.in_hand().filter(deadline__gte=now or timezone.now(), deadline__lte=moment)

    def due_today(self, now=None):
        """Due by the end of today's office day (WORKDAY_ENDS, the district's time): the one "due today"."""
        now = now or timezone.now()
        return self.due_by(end_of_office_day(now), now=now)

    def not_rated(self):
        """No rating of the latest resolution: never rated, or rated before being reopened and resolved again."""
        return self.filter(Q(rating__isnull=True) | Q(rating__created_at__lt=F("resolved_at")))

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def counted(self):
        """Every report the figures count: one merged into another (the same problem) counts as that one."""
        return self.exclude(reject_reason=RejectReason.MERGED)

    def visible_to(self, user):
        """Who sees which report, everywhere staff see reports (admin list and page, photos, exports,
        nearby and duplicate lists): coordinators everything; a handler what was dispatched to their
        organization; a community's (or township's) handler also every report located there —
        read-only unless it is theirs: issues.workflow says who may act. An organization assisting with
        a report (协办) sees it too."""
        if not user.is_authenticated or not user.is_staff:
            return self.none()
        assisting = Exists(Assist.objects.filter(report=OuterRef("pk"), organization_id=user.organization_id))
        return user.scope(self, "assignee_id", area_field="community_id", also=assisting)

    def near(self, latitude, longitude, meters):
        """Reports within `meters` of a point: a bounding box the index can use."""
        dlat = meters / 111_320
        dlng = meters / (111_320 * max(math.cos(math.radians(latitude)), 0.01))
        return self.filter(
            latitude__range=(latitude - dlat, latitude + dlat),
            longitude__range=(longitude - dlng, longitude + dlng),
        )


class Report(models.Model):
    reporter = models.ForeignKey(
        Volunteer, verbose_name=_("reporter"), null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="reports")
    description = models.TextField(_("description"), max_length=4000)
    # Written only by issues.moderation: what the public reads instead of the courier's own words.
    public_description = models.TextField(
        _("public description"),
        max_length=4000,
        blank=True,
        editable=False,
        help_text=_("Empty: the public reads the courier's own description."),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    community = models.ForeignKey(
        Organization, verbose_name=_("community"), on_delete=models.PROTECT, related_name="reports_here"
    )
    station = models.ForeignKey(
        Station, verbose_name=_("reported at station"), null=True, blank=True, on_delete=models.SET_NULL
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    state = models.CharField(_("state"), max_length=15, choices=State.choices, default=State.SUBMITTED, editable=False)
    assignee = models.ForeignKey(
        Organization,
        verbose_name=_("handling organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_reports",
        editable=False,
    )
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True, editable=False)
    reject_reason = models.CharField(
        _("reason not accepted"), max_length=20, choices=RejectReason.choices, blank=True, editable=False
    )
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("duplicate of"), null=True, blank=True, on_delete=models.PROTECT, editable=False
    )
    resolution_note = models.TextField(_("resolution"), blank=True, editable=False)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now, editable=False)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    overdue_alerted_at = models.DateTimeField(_("overdue alert sent"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Made by the courier's phone for each draft and sent with it: the same draft sent twice (a lost
    # answer, a retry when the connection returns) is one report (issues.workflow.submit_report).
    client_key = models.UUIDField(_("sending key"), null=True, blank=True, editable=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="report_state_created"),
            models.Index(fields=["state", "-published_at"], name="report_state_published"),
            models.Index(fields=["assignee", "state", "deadline"], name="report_assignee_state"),
            models.Index(fields=["state", "deadline"], name="report_state_deadline"),
            models.Index(fields=["latitude", "longitude"], name="report_position"),
            # The admin's list, newest first, for coordinators and for one handling organization.
            models.Index(fields=["created_at", "id"], name="report_created"),
            models.Index(fields=["assignee", "created_at"], name="report_assignee_created"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["reporter", "client_key"], name="report_client_key_per_reporter"),
            models.CheckConstraint(condition=Q(state__in=State.values), name="report_state_valid"),
            models.CheckConstraint(
                condition=~Q(state__in=ASSIGNED_STATES) | Q(assignee__isnull=False, deadline__isnull=False),
                name="report_assigned_has_owner_and_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["resolved", "published"])
                | ~Q(resolution_note="") & Q(resolved_at__isnull=False),
                name="report_resolved_has_resolution",
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False), name="report_published_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(reject_reason=""), name="report_rejected_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(reject_reason="duplicate") | Q(duplicate_of__isnull=False),
                name="report_duplicate_names_original",
            ),
            models.CheckConstraint(condition=~Q(duplicate_of=F("pk")), name="report_not_duplicate_of_itself"),
            models.CheckConstraint(
                condition=~Q(reject_reason="merged") | Q(state="rejected", duplicate_of__isnull=False),
                name="report_merged_names_original",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="report_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="report_longitude_range",
            ),
            models.CheckConstraint(
                condition=~Q(address="") | Q(latitude__isnull=False, longitude__isnull=False),
                name="report_has_a_place",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.category.name}"

    @property
    def rating_or_none(self):
        """The reporter's rating of the result, if given (see Rating)."""
        try:
            return self.rating
        except ObjectDoesNotExist:
            return None

    @property
    def current_rating(self):
        """The rating of the latest resolution (None if reopened and resolved again since): "already rated"."""
        rating = self.rating_or_none
        if rating and self.resolved_at and rating.created_at < self.resolved_at:
            return None
        return rating

    @property
    def reference(self):
        """The number the courier quotes: BF and six digits."""
        return self.reference_for(self.pk) if self.pk else "BF——"

    @staticmethod
    def reference_for(pk):
        return f"BF{pk:06d}"

    @staticmethod
    def pk_from_reference(text):
        text = (text or "").strip().upper()
        if text.startswith("BF"):
            text = text[2:]
        return readable(parse_id, text) if len(text) <= 12 else None

    @property
    def is_overdue(self):
        return self.state in IN_HAND and self.deadline is not None and self.deadline < timezone.now()

    @property
    def time_taken(self):
        if self.resolved_at:
            return self.resolved_at - self.created_at
        return None

    @property
    def on_time(self):
        """Resolved by the deadline (None while not resolved)."""
        return self.resolved_by_deadline(self.resolved_at, self.deadline)

    @staticmethod
    def resolved_by_deadline(resolved_at, deadline):
        """The "on time" rule, for a report or a row of values; ON_TIME is the same rule in a query."""
        if not resolved_at or not deadline:
            return None
        return resolved_at <= deadline

    def time_left(self, now=None):
        if self.deadline is None or self.state not in IN_HAND:
            return None
        return self.deadline - (now or timezone.now())

    @property
    def public_text(self):
        """The description every public output gives: the moderated text, else the courier's own."""
        return self.public_description or self.description

    def photos_of(self, kind):
        return [p for p in self.photos.all() if p.kind == kind]

    @property
    def public_photos(self):
        """The photos the public may see (not hidden), before photos first; each shows its public_url."""
        return self.public_before_photos + self.public_after_photos

    @property
    def public_before_photos(self):
        return [p for p in self.before_photos if not p.hidden]

    @property
    def public_after_photos(self):
        return [p for p in self.after_photos if not p.hidden]

    @property
    def share_photo(self):
        """The picture a shared link shows: the first public after photo (the problem solved), else before."""
        shown = self.public_after_photos or self.public_before_photos
        return shown[0] if shown else None

    @property
    def before_photos(self):
        return self.photos_of(ReportPhoto.Kind.BEFORE)

    @property
    def after_photos(self):
        return self.photos_of(ReportPhoto.Kind.AFTER)


class TriageReport(Report):
    """The coordinators' triage queue in the admin: the same rows, another view."""

    class Meta:
        proxy = True
        verbose_name = _("report awaiting triage")
        verbose_name_plural = _("triage queue")


class ReportPhoto(models.Model):
    class Kind(models.TextChoices):
        BEFORE = "before", _("Before")
        AFTER = "after", _("After")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    image = models.ImageField(_("photo"), upload_to="reports/", width_field="width", height_field="height")
    thumbnail = models.ImageField(_("thumbnail"), upload_to="reports/")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Moderation (issues.moderation): the public sees the covered copy, or nothing when hidden;
    # the original above stays for the staff.
    hidden = models.BooleanField(_("hidden from the public"), default=False, editable=False)
    covered = models.JSONField(
        _("covered areas"), default=list, blank=True, editable=False, help_text=_("[x, y, width, height], 0..1")
    )
    public_image = models.ImageField(_("public version"), upload_to="reports/", blank=True, editable=False)
    public_thumbnail = models.ImageField(_("public thumbnail"), upload_to="reports/", blank=True, editable=False)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["kind", "id"]
        # The checked photo view finds a photo by its file's name (issues.photo_access).
        indexes = [
            models.Index(fields=["image"], name="reportphoto_image"),
            models.Index(fields=["thumbnail"], name="reportphoto_thumbnail"),
            models.Index(fields=["public_image"], name="reportphoto_public_image"),
            models.Index(fields=["public_thumbnail"], name="reportphoto_public_thumb"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["before", "after"]), name="photo_kind_valid"),
            models.CheckConstraint(
                condition=Q(public_image="", public_thumbnail="") | (~Q(public_image="") & ~Q(public_thumbnail="")),
                name="photo_public_version_complete",
            ),
        ]

    def __str__(self):
        return self.image.name

    @property
    def is_covered(self):
        return bool(self.public_image)

    @property
    def public_url(self):
        """The full picture as the public sees it: the covered copy if there is one."""
        return (self.public_image or self.image).url

    @property
    def public_thumbnail_url(self):
        return (self.public_thumbnail or self.thumbnail).url

    @property
    def public_file_names(self):
        """The files of this photo anyone may fetch once its report is published (none when hidden)."""
        if self.hidden:
            return set()
        if self.public_image:
            return {self.public_image.name, self.public_thumbnail.name}
        return {self.image.name, self.thumbnail.name}

    @property
    def file_names(self):
        return [f.name for f in (self.image, self.thumbnail, self.public_image, self.public_thumbnail) if f]


class ReportEvent(models.Model):
    """One step of a report's timeline: append-only, written by the workflow."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    from_state = models.CharField(_("from"), max_length=15, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=15, choices=State.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.TextField(_("note"), blank=True)
    is_public = models.BooleanField(_("public"), default=False)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["report", "created_at"])]

    def __str__(self):
        return f"{self.get_from_state_display() or '—'} → {self.get_to_state_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("A timeline event is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("A timeline event is never deleted.")

    @property
    def public_note(self):
        """The note as the reporter and the public may read it (internal notes stay inside)."""
        from issues.workflow import has_public_note  # the moves' declarations; they import this module

        return self.note if has_public_note(self.action) else ""


DUPLICATE_RADIUS_M = 50
DUPLICATE_WINDOW = timedelta(days=7)


class ExtensionRequest(models.Model):
    """A handler asks for more time (延期) before the deadline; a coordinator grants or refuses."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    old_deadline = models.DateTimeField(_("deadline before"))
    proposed_deadline = models.DateTimeField(_("proposed deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "granted", "refused"]), name="extension_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(proposed_deadline__gt=models.F("old_deadline")), name="extension_moves_later"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False), name="extension_decided_has_time"
            ),
            models.UniqueConstraint(
                fields=["report"], condition=Q(status="pending"), name="extension_one_pending_per_report"
            ),
        ]

    def __str__(self):
        deadline = date_format(timezone.localtime(self.proposed_deadline), "DATETIME_FORMAT")
        return f"{self.report.reference} → {deadline}"


class Rating(models.Model):
    """The reporter's re-check of the place after resolution (核查 / 回访 / 满意度)."""

    class Score(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        FAIRLY = "fairly", _("Fairly satisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")

    report = models.OneToOneField(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="rating")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="+")
    score = models.CharField(_("rating"), max_length=12, choices=Score.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    photo = models.ImageField(_("photo of the place now"), upload_to="ratings/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("rated at"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["photo"], name="rating_photo")]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__in=["satisfied", "fairly", "dissatisfied"]), name="rating_score_valid"
            ),
        ]

    def __str__(self):
        return f"{self.report.reference}: {self.get_score_display()}"

    @property
    def is_satisfied(self):
        return self.score in (self.Score.SATISFIED, self.Score.FAIRLY)


class SupervisionNotice(models.Model):
    """One reminder, escalation or digest, recorded before it is sent: never twice, never lost."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder before the deadline")
        ESCALATION = "escalation", _("Escalation: overdue")
        SECOND_ESCALATION = "escalation2", _("Second escalation")
        DIGEST = "digest", _("Daily digest")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=80)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, null=True, blank=True, related_name="notices")
    # What to send is fixed when the notice is recorded, so a retry sends exactly that.
    recipients = models.TextField(_("recipients"), blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    to_robot = models.BooleanField(_("also to the WeChat Work robot"), default=False)
    mail_done = models.BooleanField(_("e-mail sent"), default=False)
    robot_done = models.BooleanField(_("robot message sent"), default=False)
    claimed_at = models.DateTimeField(_("being sent since"), null=True, blank=True)
    created_at = models.DateTimeField(_("due since"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="supervision_notice_once")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key}"


class CoReporter(models.Model):
    """A courier who reported the same problem again: their report was merged into this one (MERGE).

    They follow it on /me/reports/, hear its notices and earn POINTS_FOR_CO_REPORT once (issues.awards).
    Written only by issues.workflow: its MERGE move, and `join` (the courier's "+1" on the form).
    """

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="co_reporters")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="co_reports"
    )
    merged_report = models.ForeignKey(
        Report, verbose_name=_("merged report"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )  # None: the courier said "the same problem +1" on the form instead of reporting it again (workflow.join)
    created_at = models.DateTimeField(_("merged at"), default=timezone.now)

    class Meta:
        verbose_name = _("co-reporter")
        verbose_name_plural = _("co-reporters")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "volunteer"], name="coreporter_once_per_report"),
            models.CheckConstraint(condition=~Q(report=F("merged_report")), name="coreporter_not_its_own_merge"),
        ]

    def __str__(self):
        return f"{self.report.reference} · {self.volunteer.short_name}"


class ReplyTemplateQuerySet(models.QuerySet):
    def for_move(self, category, action):
        """The templates offered on `action`'s form for a report of `category`: that category's own
        first, then those for every category, each group in the coordinators' order."""
        return self.filter(Q(category=category) | Q(category__isnull=True), action=action).order_by(
            F("category").asc(nulls_last=True), "position", "pk"
        )


class ReplyTemplate(models.Model):
    """A short text coordinators keep for a move's form (回复模板): a reason for rejection, a resolution
    note, a public note. One tap puts it into the move's text field, where it can still be edited."""

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Leave empty to offer it for every category."),
    )
    action = models.CharField(_("step"), max_length=20, choices=Action.choices)
    text = models.CharField(_("text"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ReplyTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["action", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="replytemplate_text_not_empty"),
            models.UniqueConstraint(fields=["category", "action", "text"], name="replytemplate_unique_text"),
        ]

    def __str__(self):
        return self.text if len(self.text) <= 30 else self.text[:29] + "…"


class Assist(models.Model):
    """An organization assisting (协办) the one a report is dispatched to, which leads (主办).

    The assisting organization sees the report and adds internal notes; only the lead moves it
    (resolves, returns). Written only by issues.workflow (`assist`, `unassist`, and a dispatch to an
    organization that was assisting, which makes it the lead instead). The figures count a report for
    its lead; assists are shown beside them (issues.stats).
    """

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="assists")
    organization = models.ForeignKey(
        Organization, verbose_name=_("assisting organization"), on_delete=models.PROTECT, related_name="assists"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("assisting organization")
        verbose_name_plural = _("assisting organizations")
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "organization"], name="assist_once_per_report"),
        ]

    def __str__(self):
        return f"{self.report.reference} · {self.organization}"
