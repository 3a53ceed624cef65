"""The station map as a courier uses it: filters, nearest first, GeoJSON, navigation, no JavaScript."""

import datetime
import json
import subprocess
import sys
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from beefeed.geo import distance_m
from stations import finder, tiles
from stations.models import Station
from stations.tests.conftest import make_station

pytestmark = pytest.mark.django_db

TIANANMEN = (39.9087, 116.3975)
PEOPLES_SQUARE = (31.2304, 121.4737)
LONGXI = (30.2745, 118.1322)
NOON = datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
NINE_PM = NOON.replace(hour=21)


def test_distances_match_a_known_great_circle_within_one_percent():
    # Beijing Tiananmen to Shanghai People's Square: 1,067 km on the great circle.
    assert distance_m(*TIANANMEN, *PEOPLES_SQUARE) == pytest.approx(1_067_000, rel=0.01)
    # One degree of latitude: 111.2 km.
    assert distance_m(30.0, 118.0, 31.0, 118.0) == pytest.approx(111_195, rel=0.01)


def test_nearest_first_with_the_distance(community_a, community_b, longxi_station, night_station):
    far = make_station("新华乡便民驿站", community_a, 30.2425, 118.1214)
    found = finder.find(position=LONGXI, at=NOON)  # all three open: the order is the distance
    assert [f.station for f in found] == [longxi_station, night_station, far]
    assert found[0].distance_m == pytest.approx(distance_m(*LONGXI, 30.2751, 118.1311), rel=1e-6)
    assert found[0].distance_text == "120 米"
    assert found[2].distance_text.endswith(" 公里")


def test_the_box_prefilter_never_loses_a_nearer_station(community_a):
    # Many stations on a ring 2.5 km north, one 2.9 km east: the box search must still rank correctly.
    for i in range(60):
        make_station(f"北{i}", community_a, LONGXI[0] + 0.0225 + i * 0.0001, LONGXI[1])
    east = make_station("东", community_a, LONGXI[0], LONGXI[1] + 0.0301)
    found = finder.find(position=LONGXI, limit=61)
    ranked = sorted(Station.objects.all(), key=lambda s: distance_m(*LONGXI, s.latitude, s.longitude))
    assert [f.station for f in found] == ranked[:61]
    assert east in [f.station for f in found]


def test_every_chosen_amenity_must_be_there(longxi_station, night_station):
    assert {f.station for f in finder.find(amenities=["charger"])} == {longxi_station, night_station}
    assert [f.station for f in finder.find(amenities=["charger", "books"])] == [longxi_station]
    assert finder.find(amenities=["books", "fridge"]) == []
    assert len(finder.find(amenities=["no-such-thing"])) == 2  # an unknown code filters nothing


def test_planned_and_closed_stations_are_not_on_the_map(community_a, longxi_station):
    make_station("筹建中", community_a, 30.27, 118.13, status="planned")
    make_station("已关闭", community_a, 30.27, 118.13, status="closed")
    assert [f.station for f in finder.find()] == [longxi_station]


@pytest.mark.parametrize(
    "lat, lng", [("x", "1"), ("91", "0"), ("0", "181"), ("nan", "nan"), ("", ""), ("1e400", "0"), (None, None)]
)
def test_a_nonsense_position_is_ignored(lat, lng):
    assert finder.parse_position(lat, lng) is None


def test_the_list_works_without_javascript(client, longxi_station, night_station):
    body = client.get(reverse("stations:map"), {"lat": LONGXI[0], "lng": LONGXI[1]}).content.decode()
    assert "龙西社区服务中心驿站地址" in body and "每天 08:00–20:00" in body and "24小时开放" in body
    assert "充电" in body and "120 米" in body
    # The map's box and the button are in the page (their space is kept); the CSS hides them without scripting.
    assert 'id="map" class="station-map"' in body and 'id="nearest" disabled' in body


def test_at_nine_pm_the_nearest_open_station_comes_first(community_a, longxi_station, night_station):
    closes_at_six = make_station(
        "广场花苑驿站", community_a, 30.2746, 118.1323, hours=[(day, "08:00", "18:00") for day in range(7)]
    )
    # 21:00: the two nearest are closed (the list used to lead with them); the all-night one leads.
    found = finder.find(position=LONGXI, at=NINE_PM)
    assert [(f.station, f.open_now) for f in found] == [
        (night_station, True),
        (closes_at_six, False),
        (longxi_station, False),
    ]
    # 19:00: the one open until 20:00 joins the open ones, which are in distance order.
    found = finder.find(position=LONGXI, at=NINE_PM.replace(hour=19))
    assert [f.station for f in found] == [longxi_station, night_station, closes_at_six]


def test_without_a_position_open_now_first_then_by_name(community_a, longxi_station, night_station):
    never = make_station("阿里之门驿站", community_a, 30.27, 118.13, hours=[])  # sorts first by name, never open
    assert [f.station for f in finder.find(at=NOON)] == [night_station, longxi_station, never]
    assert [f.station for f in finder.find(at=NINE_PM)] == [night_station, never, longxi_station]  # closed: by name


def test_the_page_lists_open_now_first(client, community_a, community_b):
    # Open or closed whatever the clock says: no hours at all, or open all night.
    make_station("近而未开驿站", community_a, 30.2746, 118.1323, hours=[])
    make_station("远而通宵驿站", community_b, 30.2839, 118.1418, all_night=True)
    for query in ({}, {"lat": LONGXI[0], "lng": LONGXI[1]}):
        body = client.get(reverse("stations:map"), query).content.decode()
        assert body.index("远而通宵驿站") < body.index("近而未开驿站")


def test_open_now_and_amenity_filters_in_the_page(client, community_a, longxi_station, night_station):
    make_station("从不开门", community_a, 30.27, 118.13, hours=[])
    body = client.get(reverse("stations:map"), {"open": "1", "amenity": ["charger"]}).content.decode()
    assert "龙北社区夜宵驿站" in body and "从不开门" not in body


@pytest.mark.parametrize(
    "query", ["?lat=abc&lng=%00", "?amenity=" + "x" * 500, "?open=yes&page=-1", "?lat=1e999&lng=1"]
)
def test_odd_queries_still_give_the_list(client, longxi_station, query):
    response = client.get(reverse("stations:map") + query)
    assert response.status_code == 200
    assert "龙西社区服务中心驿站" in response.content.decode()


def test_geojson_is_rfc_7946_with_longitude_first(client, longxi_station, night_station):
    response = client.get(reverse("stations:geojson"))
    assert response["Content-Type"].startswith("application/geo+json")
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 2
    feature = next(f for f in data["features"] if f["properties"]["name"] == "龙西社区服务中心驿站")
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [118.1311, 30.2751]}
    assert {a["code"] for a in feature["properties"]["amenities"]} == {"water", "charger", "books"}
    assert "open_now" in feature["properties"] and feature["properties"]["hours"] == "每天 08:00–20:00"


def test_geojson_answers_304_when_nothing_changed(client, longxi_station, django_assert_num_queries):
    first = client.get(reverse("stations:geojson"))
    assert first["ETag"]
    with django_assert_num_queries(0):  # a map that has this minute's stations costs the database nothing
        again = client.get(reverse("stations:geojson"), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    longxi_station.name = "龙西驿站（新址）"
    longxi_station.save()
    changed = client.get(reverse("stations:geojson"), headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200 and "新址" in changed.content.decode()


def test_geojson_follows_changed_hours_amenities_and_removed_stations(client, longxi_station):
    def names_and_hours():
        features = json.loads(client.get(reverse("stations:geojson")).content)["features"]
        return {
            f["properties"]["name"]: (f["properties"]["hours"], len(f["properties"]["amenities"])) for f in features
        }

    before = names_and_hours()
    assert before["龙西社区服务中心驿站"] == ("每天 08:00–20:00", 3)
    longxi_station.spans.update(closes=datetime.time(21, 0))  # no signal: as a bulk edit would do it
    longxi_station.spans.first().save()
    longxi_station.amenities.remove(longxi_station.amenities.first())
    assert names_and_hours()["龙西社区服务中心驿站"] == ("每天 08:00–21:00", 2)
    longxi_station.delete()
    assert "龙西社区服务中心驿站" not in names_and_hours()


def test_navigation_hands_off_wgs84_to_amap_and_baidu(longxi_station):
    amap = urlparse(finder.amap_url(longxi_station))
    query = parse_qs(amap.query)
    assert (amap.scheme, amap.netloc, amap.path) == ("https", "uri.amap.com", "/navigation")
    assert query["to"] == ["118.131100,30.275100,龙西社区服务中心驿站"]
    assert query["coordinate"] == ["wgs84"] and query["mode"] == ["walk"] and query["callnative"] == ["1"]
    baidu = urlparse(finder.baidu_url(longxi_station))
    query = parse_qs(baidu.query)
    assert baidu.netloc == "api.map.baidu.com" and baidu.path == "/direction"
    assert query["coord_type"] == ["wgs84"]
    assert query["destination"] == ["latlng:30.275100,118.131100|name:龙西社区服务中心驿站"]


def test_the_csp_allows_exactly_the_osm_tile_host(client, longxi_station):
    policy = client.get(reverse("stations:map"))["Content-Security-Policy"]
    img = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert "https://tile.openstreetmap.org" in img and "tianditu" not in img
    script = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script


def test_the_page_connects_to_the_tile_host_before_its_script_asks_for_a_tile(client, longxi_station):
    body = client.get(reverse("stations:map")).content.decode()
    assert '<link rel="preconnect" href="https://tile.openstreetmap.org">' in body


def test_tianditu_hosts_picked_per_tile_are_not_preconnected(settings):
    settings.MAP_TILES, settings.TIANDITU_KEY = "tianditu", "k123"
    assert tiles.preconnect() == []


def test_with_a_tianditu_key_the_csp_names_its_hosts_and_the_map_its_layers():
    code = (
        "import django, json; django.setup();"
        "from django.conf import settings; from stations import tiles;"
        "print(json.dumps([settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'], tiles.config()]))"
    )
    env = {"MAP_TILES": "tianditu", "TIANDITU_KEY": "k123", "DJANGO_SETTINGS_MODULE": "beefeed.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], env={**_env(), **env}, capture_output=True, text=True, check=True
    )
    img, config = json.loads(out.stdout)
    assert "https://t0.tianditu.gov.cn" in img and "https://t7.tianditu.gov.cn" in img
    assert not any("openstreetmap" in host for host in img)
    urls = [layer["url"] for layer in config["layers"]]
    assert "/vec_w/wmts" in urls[0] and "/cva_w/wmts" in urls[1] and all("tk=k123" in u for u in urls)


def test_tianditu_without_a_key_refuses_to_start():
    env = {**_env(), "MAP_TILES": "tianditu", "TIANDITU_KEY": "", "DJANGO_SETTINGS_MODULE": "beefeed.settings"}
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert out.returncode != 0 and "TIANDITU_KEY" in out.stderr


def _env():
    import os

    return {k: v for k, v in os.environ.items() if k not in ("MAP_TILES", "TIANDITU_KEY")}
