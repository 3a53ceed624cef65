import datetime

import pytest

from stations.models import Amenity, OpeningSpan, Station


def make_station(name, community, lat, lng, *, amenities=(), hours=None, all_night=False, status="open", **extra):
    """A station; `hours` is a list of (weekday, "HH:MM", "HH:MM"), default 08:00–20:00 every day."""
    station = Station.objects.create(
        name=name,
        community=community,
        address=f"{name}地址",
        latitude=lat,
        longitude=lng,
        all_night=all_night,
        status=status,
        **extra,
    )
    station.amenities.set(Amenity.objects.filter(code__in=amenities))
    if hours is None and not all_night:
        hours = [(day, "08:00", "20:00") for day in range(7)]
    OpeningSpan.objects.bulk_create(
        OpeningSpan(
            station=station,
            weekday=day,
            opens=datetime.time.fromisoformat(opens),
            closes=datetime.time.fromisoformat(closes),
        )
        for day, opens, closes in hours or []
    )
    return station


@pytest.fixture
def longxi_station(community_a):
    return make_station("龙西社区服务中心驿站", community_a, 30.2751, 118.1311, amenities=["water", "charger", "books"])


@pytest.fixture
def night_station(community_b):
    return make_station(
        "龙北社区夜宵驿站", community_b, 30.2839, 118.1418, amenities=["water", "charger"], all_night=True
    )
