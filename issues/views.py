from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from beefeed import generations, photos, ratelimit, spreadsheets
from beefeed.display import about_distance_label
from beefeed.geo import distance_m, nearest, parse_position
from beefeed.models import Organization
from beefeed.pagecache import public_page
from beefeed.parsing import Unreadable, parse_id, parse_page, readable
from beefeed.views import too_many
from issues import campaigns, exports, maps, merging, periods, pin, stats, workflow
from issues.board import board_months, rounded_position
from issues.forms import MAX_PHOTOS, RatingForm, ReportForm, draft_key
from issues.models import DUPLICATE_RADIUS_M, Action, Category, CoReporter, Report, ReportEvent, ReportPhoto, State
from issues.queries import CachedCountPaginator, board_filter, home_figures, possible_duplicates
from stations import tiles
from stations.models import Station
from volunteers.access import approved_volunteer_required

NEARBY_ROUNDING_M = 10  # the duplicate hint's distances: "about 30 m", never to the metre


@approved_volunteer_required
def report_new(request):
    volunteer = request.volunteer
    photo_errors = []
    if request.method == "POST":
        # The same draft sent again (its answer was lost on the way): the report it made is the answer.
        first = workflow.already_sent(volunteer, key) if (key := draft_key(request.POST)) else None
        if first is not None:
            return redirect("issues:report_done", pk=first.pk)
        limit = settings.REPORTS_PER_VOLUNTEER_PER_HOUR
        if ratelimit.exceeded("report-volunteer", volunteer.pk, limit=limit):
            return too_many(
                request,
                _("You sent %(n)d reports within the hour, the most we take. Please try again later.") % {"n": limit},
            )
        form = ReportForm(request.POST)
        uploads = request.FILES.getlist("photos")
        processed = []
        if not uploads:
            photo_errors.append(_("Add at least one photo of the problem."))
        elif len(uploads) > MAX_PHOTOS:
            photo_errors.append(_("At most %(n)d photos.") % {"n": MAX_PHOTOS})
        else:
            for upload in uploads:
                try:
                    processed.append(photos.process(upload))
                except photos.PhotoError as error:
                    photo_errors.append(f"{upload.name[:60]}: {error}")
        if form.is_valid() and not photo_errors:
            data = form.cleaned_data
            try:
                report = workflow.submit_report(
                    volunteer=volunteer,
                    category=data["category"],
                    description=data["description"],
                    community=data["community"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    address=data["address"],
                    station=data["station"],
                    photos=processed,
                    client_key=data["client_key"],
                )
            except workflow.TransitionError as error:
                form.add_error(None, str(error))
            else:
                ratelimit.hit("report-volunteer", volunteer.pk, window=3600)
                return redirect("issues:report_done", pk=report.pk)
        if uploads and not photo_errors:
            photo_errors.append(_("Your photos were not kept: please add them again."))
        status = 400
    else:
        initial = {"community": volunteer.community_id}
        status = 200
        try:
            station = _open_station(parse_id(request.GET.get("station")))
        except Unreadable:  # a damaged poster link: the form still works, without the station
            station = None
            messages.error(request, _("The hive station in this link could not be read; send the report without it."))
            status = 400
        if station:
            initial.update(station=station.pk, community=station.community_id, address=station.address)
        form = ReportForm(initial=initial)
    return render(
        request,
        "issues/report_new.html",
        {
            "form": form,
            "photo_errors": photo_errors,
            "max_photos": range(MAX_PHOTOS),
            "categories": Category.objects.all(),
            "station": _open_station(readable(parse_id, form["station"].value())),
            "pin": pin.context(),
        },
        status=status,
    )


def _open_station(pk):
    return Station.objects.filter(pk=pk, status=Station.Status.OPEN).first() if pk else None


@approved_volunteer_required
def report_done(request, pk):
    report = get_object_or_404(Report.objects.select_related("category"), pk=pk, reporter=request.volunteer)
    return render(request, "issues/report_done.html", {"report": report})


@require_GET
@approved_volunteer_required
def nearby(request):
    """While the courier fills in the form: the suggested community and possible duplicates.

    Other people's open reports show only what the hint needs (reference, category, a distance
    rounded to 10 m, a thumbnail once published), and each volunteer and each address may ask
    only so often: scanning a grid to map everyone's reports is slow and shows little."""
    over = _nearby_limit_reached(request)
    if over:
        return JsonResponse({"error": over}, status=429, headers={"Retry-After": "3600"})
    try:
        category = parse_id(request.GET.get("category"))
    except Unreadable:
        return JsonResponse({"error": _("The category could not be read.")}, status=400)
    position = parse_position(request.GET.get("lat"), request.GET.get("lng"))
    if not position:
        return JsonResponse({"error": _("Position missing or out of range.")}, status=400)
    lat, lng = position
    community = nearest(Organization.objects.areas().exclude(latitude=None), lat, lng)
    duplicates = []
    if category is not None:
        among = Report.objects.select_related("category").prefetch_related("photos")
        found = possible_duplicates(among=among, category_id=category, latitude=lat, longitude=lng)
        duplicates = [_duplicate_hint(report, lat, lng) for report in found]
    return JsonResponse(
        {
            "community": {"id": community.pk, "name": community.name} if community else None,
            "duplicates": duplicates,
            "radius_m": DUPLICATE_RADIUS_M,
        }
    )


def _nearby_limit_reached(request):
    """Counts this lookup for the volunteer and for the address; the message when either is over its limit."""
    per_volunteer = ratelimit.hit("nearby-volunteer", request.volunteer.pk, window=3600)
    per_address = ratelimit.hit("nearby-address", ratelimit.client_ip(request), window=3600)
    if per_volunteer > settings.NEARBY_LOOKUPS_PER_HOUR or per_address > settings.NEARBY_LOOKUPS_PER_IP_PER_HOUR:
        return _("Too many look-ups of nearby reports within the hour; your report can still be sent.")
    return ""


def _duplicate_hint(report, lat, lng):
    """One possible duplicate as the courier's form shows it, to say "+1" to (issues.plusone): what the public
    may see of it — its state, a distance rounded to 10 m, a thumbnail once published; no text, no person."""
    metres = distance_m(lat, lng, report.latitude, report.longitude)
    metres = max(NEARBY_ROUNDING_M, round(metres / NEARBY_ROUNDING_M) * NEARBY_ROUNDING_M)
    photos_shown = report.public_before_photos if report.state == State.PUBLISHED else []
    return {
        "id": report.pk,
        "reference": report.reference,
        "category": report.category.name,
        "state": report.get_state_display(),
        "distance": about_distance_label(metres),
        "thumbnail": photos_shown[0].public_thumbnail_url if photos_shown else None,
    }


STAFF_ONLY_EVENTS = [Action.ENTER, Action.MODERATE, Action.NOTE]


@approved_volunteer_required
def my_reports(request):
    reports = (
        request.volunteer.reports.select_related("category", "community", "assignee", "rating", "duplicate_of")
        .prefetch_related(
            Prefetch("photos", queryset=ReportPhoto.objects.all()),
            # Staff's own events stay with the staff: a report a coordinator entered for the volunteer reads
            # as their own, and moderation and internal notes are not the courier's business.
            Prefetch(
                "events",
                queryset=ReportEvent.objects.exclude(action__in=STAFF_ONLY_EVENTS).order_by("created_at", "id"),
            ),
        )
        .order_by("-created_at")
    )
    page = Paginator(reports, 10).get_page(parse_page(request.GET.get("page")))
    # The open problems others reported first, which this courier's own report was merged into.
    co_reports = (
        CoReporter.objects.filter(volunteer=request.volunteer)
        .select_related("report__category", "report__community", "merged_report")
        .order_by("-created_at")
    )
    return render(request, "issues/my_reports.html", {"page": page, "co_reports": co_reports})


@public_page("reports")
def board(request):
    """The public board. Its content is cached per generation of the reports, filters and page: a cache
    hit costs no query (the page of reports and its total are only read on a miss)."""
    reports, filters = board_filter(Report.objects.public(), request.GET)
    reports = reports.select_related("category", "community", "assignee").prefetch_related("photos")
    number = parse_page(request.GET.get("page"))
    paginator = CachedCountPaginator(
        reports.order_by("-published_at", "-id"), 20, count_key=f"board:{filters.querystring}"
    )
    return render(
        request,
        "issues/board.html",
        {
            "page": SimpleLazyObject(lambda: paginator.get_page(number)),
            "filters": filters,
            "categories": Category.objects.all(),
            "communities": Organization.objects.areas(),
            # A callable: only asked (and cached per generation) when the cached fragment is rebuilt.
            "months": lambda: board_months(filters.month),
            "query": filters.querystring,
            "fragment_key": f"{generations.current('reports')}:{filters.querystring}:{number}",
        },
    )


@public_page("reports", "volunteers")
def board_detail(request, pk):
    report = (
        Report.objects.public()
        .select_related("category", "community", "assignee", "reporter")
        .prefetch_related("photos")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    events = report.events.filter(is_public=True).order_by("created_at", "id")
    context = {
        "report": report,
        "events": events,
        "now": timezone.now(),
        "couriers": merging.couriers_count(report),
        "place": rounded_position(report),
        "map_tiles": tiles.config(),
    }
    return render(request, "issues/board_detail.html", context)


@public_page("reports")
def home(request):
    return render(request, "beefeed/home.html", {"figures": home_figures()})


@approved_volunteer_required
def rate(request, pk):
    """The reporter goes back, re-checks the place, and rates the result (回访)."""
    report = get_object_or_404(
        Report.objects.select_related("category", "community"), pk=pk, reporter=request.volunteer
    )
    already = report.current_rating  # reopened and resolved again since: the reporter rates the new result
    open_for_rating = report.state in (State.RESOLVED, State.PUBLISHED) and already is None
    photo_errors = []
    if request.method == "POST" and open_for_rating:
        form = RatingForm(request.POST)
        upload = request.FILES.get("photo")
        processed = None
        if upload:
            try:
                processed = photos.process(upload)
            except photos.PhotoError as error:
                photo_errors.append(str(error))
        if form.is_valid() and not photo_errors:
            try:
                workflow.rate(
                    report,
                    volunteer=request.volunteer,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                    photo=processed,
                )
            except workflow.TransitionError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request, _("Thank you! Your rating of %(ref)s is recorded.") % {"ref": report.reference}
                )
            return redirect("issues:my_reports")
    else:
        form = RatingForm()
    context = {
        "report": report,
        "form": form,
        "photo_errors": photo_errors,
        "already": already,
        "open_for_rating": open_for_rating,
    }
    return render(request, "issues/rate.html", context, status=400 if form.errors or photo_errors else 200)


@public_page("reports")
def stats_page(request):
    """Public statistics for a period: the district's own account, the three rates, charts with tables beside them."""
    period, error = periods.read(request.GET)
    context = {**_period_context(period), **periods.chooser(request.GET, period, error)}
    return render(request, "issues/stats.html", context, status=400 if error else 200)


def stats_report(request):
    """/stats/report/: the period's figures on two A4 pages, for the district meeting."""
    period, error = periods.read(request.GET)
    context = {**_period_context(period), **periods.chooser(request.GET, period, error)}
    busiest = sorted(context["by_organization"], key=lambda row: (-row.received, row.label))
    context.update(
        top_problems=context["top_problems"][: stats.REPORT_ROWS],
        more_communities=max(0, len(context["top_problems"]) - stats.REPORT_ROWS),
        organizations=busiest[: stats.REPORT_ROWS],
        more_organizations=max(0, len(busiest) - stats.REPORT_ROWS),
        now_day=timezone.localdate(),
    )
    return render(request, "issues/stats_report.html", context, status=400 if error else 200)


def _period_context(period):
    figures = stats.period_figures(period)
    by_category, by_community, by_timeline = figures["category"], figures["community"], figures["month"]
    timeline_title = stats.TIMELINE_TITLES[figures["unit"]]
    return {
        "overall": figures["overall"],
        "counts": {"categories": figures["categories"], "campaigns": len(figures["campaigns"])},
        "by_category": stats.bars(by_category),
        "by_community": stats.bars(by_community),
        "by_timeline": stats.bars(by_timeline),
        "timeline_title": timeline_title,
        "by_organization": figures["organization"],
        "assists": figures["assists"],
        "rates": [
            (_("By category"), _("Category"), by_category),
            (_("By community"), _("Community"), by_community),
            (timeline_title, _("Period"), by_timeline),
        ],
        "campaigns": figures["campaigns"],
        "top_problems": figures["top_problems"],
        "fragment_key": f"{generations.current('reports')}:{period.key}",
    }


@public_page("reports")
def campaign_page(request, pk):
    """A campaign as a joint action: its goal and organizations, each one's reports, solved and on
    time, and its published results with their before and after photos (issues.campaigns)."""
    campaign = get_object_or_404(stats.campaigns(), pk=pk)
    page = Paginator(campaigns.results(campaign), 20).get_page(parse_page(request.GET.get("page")))
    context = {
        "campaign": campaign,
        "page": page,
        "overall": stats.overall(Report.objects.counted().filter(campaign=campaign)),
        "by_organization": campaigns.by_organization(campaign),
    }
    return render(request, "issues/campaign.html", context)


def stats_export(request, fmt):
    """/stats.xlsx (a sheet per dimension) and /stats.csv (one table): a period's figures, for the
    office's own spreadsheets. A period that cannot be read is answered with its message."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    try:
        period = periods.from_query(request.GET)
    except periods.BadPeriod as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    name = f"beefeed-stats-{period.first or 'all'}-{period.last or timezone.localdate()}"
    if fmt == "csv":
        headers, rows = exports.rates_table(period)
        return spreadsheets.response(headers, rows, fmt=fmt, filename=name)
    return spreadsheets.workbook_response(exports.period_sheets(period), filename=name)


def board_geojson(request):
    """RFC 7946 FeatureCollection of the published reports (the board's filters apply): where, about 50 m
    near; what, by whom it was solved; no person."""
    reports, filters = board_filter(Report.objects.public(), request.GET)
    # Built once per generation of the reports, filters and host (the links are absolute).
    features = generations.cached(
        "reports",
        f"board-geojson:{request.get_host()}:{filters.querystring}",
        lambda: maps.public_features(reports, absolute=request.build_absolute_uri),
    )
    return maps.geojson_response(features)


def board_map(request):
    """The public map of solved problems: the board's filters, the counts per community beside the map,
    and the newest of them listed under it (the page itself when the map's tiles cannot load)."""
    reports, filters = board_filter(Report.objects.public(), request.GET)
    counts = maps.counts_by_community(reports)
    listed = reports.select_related("category", "community").order_by("-published_at", "-id")[: maps.LIST_LIMIT]
    geojson = reverse("issues:board_geojson")
    context = {
        "filters": filters,
        "categories": Category.objects.all(),
        "communities": Organization.objects.areas(),
        "months": board_months(filters.month),
        "counts": counts,
        "total": sum(row["n"] for row in counts),
        "listed": listed,
        "list_limit": maps.LIST_LIMIT,
        "geojson_url": f"{geojson}?{filters.querystring}" if filters.querystring else geojson,
        "map_tiles": tiles.config(),
    }
    return render(request, "issues/board_map.html", context)
