import datetime
import hashlib
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from beefeed import generations, ratelimit, signals
from beefeed.pagecache import public_page
from beefeed.parsing import Unreadable, parse_id
from beefeed.qr import qr_svg
from beefeed.views import too_many
from stations import finder, hours, pledges, tiles
from stations.forms import PledgeForm
from stations.models import Amenity, OpeningSpan, PartyPost, Station, Visit

CHECKIN_INTERVAL = datetime.timedelta(hours=1)


@public_page(
    "stations",
    # "Open now" moves when a station opens or closes; one phone's position is nobody else's page.
    variant=lambda request: finder.open_set_since(),
    keep_if=lambda request: "lat" not in request.GET and "lng" not in request.GET,
)
def station_map(request):
    """The map and, under it (or instead of it, without JavaScript or tiles), the sorted list."""
    position = finder.parse_position(request.GET.get("lat"), request.GET.get("lng"))
    chosen = [code[:30] for code in request.GET.getlist("amenity")[:20]]
    open_now = request.GET.get("open") == "1"
    found = finder.find(amenities=chosen, open_now=open_now, position=position)
    context = {
        "found": found,
        "amenities": Amenity.objects.all(),
        "chosen": chosen,
        "open_now": open_now,
        "position": position,
        "tiles": tiles.config(),
        "tile_hosts": tiles.preconnect(),
        "bounds": _bounds([(item.station.latitude, item.station.longitude) for item in found] + [position or ()]),
    }
    return render(request, "stations/map.html", context)


def _bounds(points):
    """ "south,west,north,east" of the points, as the GeoJSON rounds them: the map opens on them at once,
    so its tiles are fetched once, not a second time when the markers arrive."""
    points = [(round(lat, 6), round(lng, 6)) for lat, lng in (p for p in points if p)]
    if not points:
        return ""
    lats, lngs = [lat for lat, _ in points], [lng for _, lng in points]
    return f"{min(lats)},{min(lngs)},{max(lats)},{max(lngs)}"


def _feature(request, item):
    station = item.station
    return {
        "type": "Feature",
        "id": station.pk,
        "geometry": {"type": "Point", "coordinates": [round(station.longitude, 6), round(station.latitude, 6)]},
        "properties": {
            "name": station.name,
            "address": station.address,
            "community": station.community.name,
            "hours": item.hours_text,
            "open_now": item.open_now,
            "all_night": station.all_night,
            "amenities": [{"code": a.code, "name": a.name} for a in item.amenities],
            "url": request.build_absolute_uri(reverse("stations:detail", args=[station.pk])),
            "amap_url": finder.amap_url(station),
            "baidu_url": finder.baidu_url(station),
        },
    }


def geojson(request):
    """RFC 7946 FeatureCollection of the open stations (longitude, latitude), for the map and anyone else.

    The ETag names the stations' generation (any saved or deleted station, span, photo or amenity
    bumps it) and the moment the set of open stations last changed ("open now" moves only when a
    station opens or closes), so a client that has the current collection gets its 304 without a
    query; the body itself is built once per change.
    """
    since = finder.open_set_since()
    variant = "|".join(
        [str(generations.current("stations")), str(since), get_language(), request.build_absolute_uri("/")]
    )
    etag = '"' + hashlib.sha256(variant.encode()).hexdigest()[:32] + '"'
    conditional = get_conditional_response(request, etag=etag)
    if conditional is None:

        def build():
            found = finder.find()
            return json.dumps(
                {"type": "FeatureCollection", "features": [_feature(request, item) for item in found]},
                ensure_ascii=False,
                separators=(",", ":"),
            ).encode()

        body = generations.cached("stations", "geojson:" + etag, build, timeout=3600)
        conditional = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
    conditional["ETag"] = etag
    conditional["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(conditional, public=True, max_age=60)
    return conditional


def _station_or_404(pk):
    return get_object_or_404(
        Station.objects.exclude(status=Station.Status.PLANNED)
        .select_related("community")
        .prefetch_related(
            Prefetch("spans", queryset=OpeningSpan.objects.order_by("weekday", "opens")), "amenities", "photos"
        ),
        pk=pk,
    )


def detail(request, pk):
    station = _station_or_404(pk)
    spans = list(station.spans.all())
    visits = station.visits.all()
    since = timezone.localdate().replace(day=1) - datetime.timedelta(days=365)
    per_month = (
        visits.filter(at__date__gte=since)
        .annotate(month=TruncMonth("at"))
        .values("month")
        .annotate(people=Sum("count"))
        .order_by("-month")
    )
    context = {
        "station": station,
        "hours_text": hours.describe(station, spans),
        "spans": spans,
        "open_now": hours.is_open(station, spans),
        "served": visits.aggregate(total=Sum("count"))["total"] or 0,
        "per_month": per_month,
        "donations": station.donations.all(),
        "wishes": station.wishes.with_received(),
        "party_post": PartyPost.objects.filter(station=station).prefetch_related("on_duty").first(),
        "amap_url": finder.amap_url(station),
        "baidu_url": finder.baidu_url(station),
    }
    return render(request, "stations/detail.html", context)


def pledge(request, pk):
    """The public's offer to an open station; the coordinators see it (with the contact) in the admin."""
    station = get_object_or_404(Station.objects.open(), pk=pk)
    if request.method == "POST":
        ip = ratelimit.client_ip(request)
        if ratelimit.exceeded("pledge-ip", ip, limit=settings.PLEDGES_PER_IP_PER_HOUR):
            return too_many(request, _("Too many pledges from this network. Please try again in an hour."))
        ratelimit.hit("pledge-ip", ip, window=3600)
        form = PledgeForm(request.POST, station=station)
        if form.is_valid():
            pledges.submit(station=station, **form.cleaned_data)
            messages.success(
                request, _("Thank you! The station's coordinators will contact you to arrange the handover.")
            )
            return redirect(reverse("stations:detail", args=[station.pk]) + "#wishes")
    else:
        try:
            chosen = parse_id(request.GET.get("wish"))
        except Unreadable:
            chosen = None
        form = PledgeForm(station=station, initial={"wish": chosen} if chosen else {})
    context = {"station": station, "form": form, "wishes": station.wishes.with_received()}
    return render(request, "stations/pledge.html", context)


def poster(request, pk):
    """A printable A4 poster for the station's wall, with its two QR codes."""
    station = _station_or_404(pk)
    checkin_url = request.build_absolute_uri(reverse("stations:checkin", args=[station.pk]))
    context = {
        "station": station,
        "hours_text": hours.describe(station, list(station.spans.all())),
        "checkin_url": checkin_url,
        "checkin_qr": qr_svg(checkin_url),
    }
    return render(request, "stations/poster.html", context)


@login_required
def checkin(request, pk):
    """A worker scans the station's poster: one visit per person per station per hour."""
    station = get_object_or_404(Station.objects.open(), pk=pk)
    refusal = signals.first_answer(signals.checking_in, Station, user=request.user)
    if refusal:
        return render(request, "stations/checkin.html", {"station": station, "refusal": refusal}, status=403)
    if request.method == "POST":
        service = request.POST.get("service", "")
        if service not in Visit.Service.values:
            messages.error(request, _("Choose what you used at the station."))
            return redirect("stations:checkin", pk=station.pk)
        with transaction.atomic():
            Station.objects.select_for_update().filter(pk=station.pk).first()  # one check-in at a time per station
            now = timezone.now()
            recent = Visit.objects.filter(station=station, user=request.user, at__gt=now - CHECKIN_INTERVAL)
            if recent.exists():
                messages.info(request, _("You already checked in here within the last hour. Thank you!"))
            else:
                Visit.objects.create(station=station, user=request.user, service=service, at=now)
                messages.success(request, _("Checked in at %(name)s. Take a rest!") % {"name": station.name})
        return redirect("stations:detail", pk=station.pk)
    return render(request, "stations/checkin.html", {"station": station, "services": Visit.Service.choices})
