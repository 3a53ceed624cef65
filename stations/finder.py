"""Finding stations for a courier: filters, nearest first, the navigation hand-off.

The one home of the map's rules, used by the page, the no-JavaScript list and
the GeoJSON alike.
"""

from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from beefeed import generations, geo
from beefeed.display import distance_label
from beefeed.geo import distance_m
from stations import hours
from stations.models import Amenity, OpeningSpan, Station

SEARCH_RADII_M = (3_000, 15_000, 60_000)  # widen the box until enough stations are inside
NEAREST_LIMIT = 50


@dataclass
class Found:
    station: object
    spans: list
    open_now: bool
    distance_m: float | None = None
    amenities: list = field(default_factory=list)

    @property
    def hours_text(self):
        return hours.describe(self.station, self.spans)

    @property
    def distance_text(self):
        return distance_label(self.distance_m)

    @property
    def amap_url(self):
        return amap_url(self.station)

    @property
    def baidu_url(self):
        return baidu_url(self.station)


def parse_position(lat, lng):
    """(lat, lng) if both are sensible WGS-84 numbers, else None (the map then lists by name)."""
    return geo.parse_position(lat, lng) or None


@dataclass(frozen=True)
class Span:
    """An opening span, read as plain values (a map page may show fifty stations)."""

    weekday: int
    opens: object
    closes: object

    @property
    def crosses_midnight(self):
        return self.closes < self.opens


def _plain(amenities):
    return Station.objects.open().with_amenities(amenities)


def _load(pks):
    """The stations `pks` with their spans and amenities, in three light queries, in the given order."""
    fields = ["name", "address", "latitude", "longitude", "all_night", "status", "community__name"]
    stations = {s.pk: s for s in Station.objects.filter(pk__in=pks).select_related("community").only(*fields)}
    spans, amenities_of = {}, {}
    for station_id, weekday, opens, closes in (
        OpeningSpan.objects.filter(station_id__in=pks)
        .order_by("weekday", "opens")
        .values_list("station_id", "weekday", "opens", "closes")
    ):
        spans.setdefault(station_id, []).append(Span(weekday, opens, closes))
    every = {a.pk: a for a in Amenity.objects.all()}
    links = Station.amenities.through.objects.filter(station_id__in=pks).values_list("station_id", "amenity_id")
    for station_id, amenity_id in links:
        amenities_of.setdefault(station_id, []).append(every[amenity_id])
    order = {a: i for i, a in enumerate(every)}
    return [
        (stations[pk], spans.get(pk, []), sorted(amenities_of.get(pk, []), key=lambda a: order[a.pk]))
        for pk in pks
        if pk in stations
    ]


def open_set_since(at=None):
    """When the set of open stations last changed (see hours.unchanged_since); the week's opening and
    closing moments are cached until a station changes."""

    def moments():
        spans = OpeningSpan.objects.filter(station__in=Station.objects.open()).values_list("weekday", "opens", "closes")
        return hours.boundaries(spans)

    return hours.unchanged_since(generations.cached("stations", "boundaries", moments, timeout=24 * 3600), at)


def find(*, amenities=(), open_now=False, position=None, at=None, limit=None):
    """Open stations with every amenity asked for: those open now (at `at`) first, then nearest first
    when a position is given, else by name. A courier at 21:00 wants the nearest station that lets
    them in, not the nearest door."""
    if amenities:
        known = set(Amenity.objects.values_list("code", flat=True))
        amenities = [code for code in dict.fromkeys(amenities) if code in known]
    if position is not None:
        ranked = _nearest(_plain(amenities), position, limit or NEAREST_LIMIT)
    else:
        ranked = [(pk, None) for pk in _plain(amenities).order_by("name").values_list("pk", flat=True)]
    distances = dict(ranked)
    results = []
    for station, spans, station_amenities in _load([pk for pk, _d in ranked]):
        found = Found(
            station=station,
            spans=spans,
            open_now=hours.is_open(station, spans, at),
            distance_m=distances[station.pk],
            amenities=station_amenities,
        )
        if open_now and not found.open_now:
            continue
        results.append(found)
    results.sort(key=lambda found: not found.open_now)  # stable: distance (or name) order within each group
    return results


def _nearest(queryset, position, limit):
    """[(pk, metres)] of the `limit` nearest, looking in a growing box first (an indexed range scan)."""
    lat, lng = position
    for radius in SEARCH_RADII_M:
        candidates = list(queryset.within(lat, lng, radius).values_list("pk", "latitude", "longitude"))
        if len(candidates) >= limit:
            break
    else:
        candidates = list(queryset.values_list("pk", "latitude", "longitude"))
    ranked = sorted((distance_m(lat, lng, s_lat, s_lng), pk) for pk, s_lat, s_lng in candidates)
    if len(candidates) >= limit and ranked[limit - 1][0] > radius:
        # The box's corners reach further than its sides: the true nearest may lie just outside.
        candidates = list(queryset.within(lat, lng, ranked[limit - 1][0]).values_list("pk", "latitude", "longitude"))
        ranked = sorted((distance_m(lat, lng, s_lat, s_lng), pk) for pk, s_lat, s_lng in candidates)
    return [(pk, d) for d, pk in ranked[:limit]]


def amap_url(station):
    """Amap's navigation hand-off; it takes WGS-84 itself (coordinate=wgs84), opens the app when present."""
    to = f"{station.longitude:.6f},{station.latitude:.6f},{station.name}"
    return "https://uri.amap.com/navigation?" + urlencode(
        {"to": to, "mode": "walk", "coordinate": "wgs84", "callnative": "1"}, quote_via=quote, safe=","
    )


def baidu_url(station):
    """Baidu Maps' direction hand-off, told the point is WGS-84 (coord_type=wgs84)."""
    destination = f"latlng:{station.latitude:.6f},{station.longitude:.6f}|name:{station.name}"
    return "https://api.map.baidu.com/direction?" + urlencode(
        {
            "destination": destination,
            "mode": "walking",
            "coord_type": "wgs84",
            "region": station.community.name if station.community_id else "",
            "output": "html",
            "src": "webapp.beefeed.stations",
        },
        quote_via=quote,
        safe=",:|",
    )
