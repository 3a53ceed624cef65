"""Read rules shared by the courier's form, the admin and the public pages."""

import datetime
import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import cached_property

from beefeed import generations
from beefeed.geo import distance_m
from beefeed.parsing import parse_id, parse_month
from issues.models import DUPLICATE_RADIUS_M, DUPLICATE_WINDOW, IN_HAND, ON_TIME, OPEN_STATES, Report, State


def possible_duplicates(*, among, category_id, latitude, longitude, exclude_pk=None, now=None):
    """Open reports of the same category within 50 m from the last 7 days, taken from `among` (the reports
    the asker may see: Report.objects.visible_to(user) for staff)."""
    if latitude is None or longitude is None:
        return []
    since = (now or timezone.now()) - DUPLICATE_WINDOW
    candidates = (
        among.near(latitude, longitude, DUPLICATE_RADIUS_M)
        .filter(category_id=category_id, state__in=OPEN_STATES, created_at__gte=since)
        .exclude(pk=exclude_pk)
        .order_by("-created_at")[:20]
    )
    return [r for r in candidates if distance_m(latitude, longitude, r.latitude, r.longitude) <= DUPLICATE_RADIUS_M]


@dataclass
class BoardFilters:
    category: int | None = None
    community: int | None = None
    month: str = ""
    params: dict = field(default_factory=dict)

    @property
    def querystring(self):
        return urlencode(self.params)


def board_filter(reports, query):
    """Apply the board's filters (category, community, month YYYY-MM); parsing.Unreadable (a 400) for nonsense."""
    filters = BoardFilters()
    filters.category = parse_id(query.get("category"))
    if filters.category is not None:
        reports = reports.filter(category_id=filters.category)
        filters.params["category"] = filters.category
    filters.community = parse_id(query.get("community"))
    if filters.community is not None:
        reports = reports.filter(community_id=filters.community)
        filters.params["community"] = filters.community
    month = parse_month(query.get("month"))
    if month is not None:
        year, mon = month
        tz = timezone.get_current_timezone()
        start = datetime.datetime(year, mon, 1, tzinfo=tz)
        end = datetime.datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=tz)
        reports = reports.filter(published_at__gte=start, published_at__lt=end)
        filters.month = f"{year:04d}-{mon:02d}"
        filters.params["month"] = filters.month
    return reports, filters


def live_figures(now=None):
    """The home page's figures, in one query."""
    now = now or timezone.now()
    solved = Q(state__in=[State.RESOLVED, State.PUBLISHED])
    return Report.objects.counted().aggregate(
        received=Count("id"),
        solved=Count("id", filter=solved),
        solved_on_time=Count("id", filter=solved & ON_TIME),
        in_hand=Count("id", filter=Q(state__in=IN_HAND)),
        overdue=Count("id", filter=Q(state__in=IN_HAND, deadline__lt=now)),
    )


def home_figures():
    """live_figures(), cached until a report changes (and for at most a minute: "overdue" moves with the clock)."""
    return generations.cached("reports", "home-figures", live_figures, timeout=60)


class CachedCountPaginator(Paginator):
    """A Paginator whose total (a COUNT over up to every public report) is cached until a report changes."""

    def __init__(self, object_list, per_page, *, count_key, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = "count:" + hashlib.sha256(count_key.encode()).hexdigest()[:32]

    @cached_property
    def count(self):
        return generations.cached("reports", self.count_key, lambda: Paginator.count.func(self))


def local_day_bounds(first_day, last_day):
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first_day, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


def quarter_counts(sender, *, first_day, last_day, **kwargs):
    """Receiver of beefeed.signals.count_quarter (closing a quarter): reports made and solved per volunteer."""
    return reports_per_volunteer(first_day, last_day)


def reports_per_volunteer(first_day, last_day):
    """For the quarterly tally: reports each volunteer made, and how many were solved, in the period.

    A report merged into another (the same problem) counts once among the reports its courier made, and
    never as solved: the original is solved, for its own reporter (its co-reporters earn their points)."""
    start, end = local_day_bounds(first_day, last_day)
    figures = {}
    made = Report.objects.filter(created_at__gte=start, created_at__lt=end, reporter__isnull=False).values(
        "reporter_id"
    )
    for row in made.annotate(n=Count("pk")):
        figures.setdefault(row["reporter_id"], {"reports": 0, "solved": 0})["reports"] = row["n"]
    solved = Report.objects.filter(
        resolved_at__gte=start, resolved_at__lt=end, state__in=[State.RESOLVED, State.PUBLISHED], reporter__isnull=False
    ).values("reporter_id")
    for row in solved.annotate(n=Count("pk")):
        figures.setdefault(row["reporter_id"], {"reports": 0, "solved": 0})["solved"] = row["n"]
    return figures
