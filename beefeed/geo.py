"""Distances on the WGS-84 sphere, good to well under 1 % at city scale."""

import math

from beefeed.parsing import parse_float, readable

EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1, lng1, lat2, lng2):
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def nearest(items, lat, lng, position=lambda item: (item.latitude, item.longitude)):
    """The item closest to (lat, lng) among those with a position, or None."""
    best, best_d = None, math.inf
    for item in items:
        ilat, ilng = position(item)
        if ilat is None or ilng is None:
            continue
        d = distance_m(lat, lng, ilat, ilng)
        if d < best_d:
            best, best_d = item, d
    return best


def parse_position(lat, lng):
    """(lat, lng) as floats; None when both are absent; False when unusable."""
    lat, lng = (lat or "").strip(), (lng or "").strip()
    if not lat and not lng:
        return None
    lat = readable(parse_float, lat, low=-90, high=90)
    lng = readable(parse_float, lng, low=-180, high=180)
    if lat is None or lng is None:
        return False
    return lat, lng
