"""A station's own page, its wall poster, and the admin."""

import datetime
import io

import pytest
import zxingcpp
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from stations.models import Donation, Visit
from stations.tests.conftest import make_station

pytestmark = pytest.mark.django_db


def test_the_station_page_tells_hours_amenities_donors_and_how_many_were_served(client, longxi_station):
    Donation.objects.create(
        station=longxi_station, donor="黄山家电城", item="冰箱", quantity=1, date=timezone.localdate()
    )
    now = timezone.now()
    Visit.objects.create(station=longxi_station, count=480, at=now - datetime.timedelta(days=40))
    Visit.objects.create(station=longxi_station, count=25, at=now)
    body = client.get(reverse("stations:detail", args=[longxi_station.pk])).content.decode()
    assert "每天 08:00–20:00" in body and "图书" in body and "龙西社区服务中心驿站地址" in body
    assert "黄山家电城" in body and "冰箱" in body
    assert "<b>505</b>" in body
    assert "uri.amap.com/navigation" in body


def test_a_planned_station_has_no_public_page(client, community_a):
    planned = make_station("筹建中", community_a, 30.27, 118.13, status="planned")
    assert client.get(reverse("stations:detail", args=[planned.pk])).status_code == 404
    assert client.get(reverse("stations:detail", args=[999999])).status_code == 404


def test_the_poster_carries_a_check_in_code(client, longxi_station):
    response = client.get(reverse("stations:poster", args=[longxi_station.pk]))
    body = response.content.decode()
    assert body.count("<svg") >= 2 and "扫码签到" in body and "扫码在这里报告问题" in body
    checkin = f"http://testserver/stations/{longxi_station.pk}/checkin/"
    assert response.context["checkin_url"] == checkin


def test_the_poster_qr_code_reads_back_to_the_check_in_address(client, longxi_station):
    # Render the SVG path with Pillow (no browser needed) and read it with a real decoder.
    svg = str(client.get(reverse("stations:poster", args=[longxi_station.pk])).context["checkin_qr"])
    size = int(svg.split('viewBox="0 0 ')[1].split(" ")[0])
    image = Image.new("L", (size * 8, size * 8), 255)
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image)
    for cell in svg.split('d="')[1].split('"')[0].split("z"):
        if cell.startswith("M"):
            x, y = (float(v) for v in cell[1:].split("H")[0].split(","))
            draw.rectangle((x * 8, y * 8, x * 8 + 7, y * 8 + 7), fill=0)
    out = io.BytesIO()
    image.save(out, "PNG")
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(out.getvalue())))
    assert [code.text for code in decoded] == [f"http://testserver/stations/{longxi_station.pk}/checkin/"]


def test_a_handler_sees_only_their_communitys_stations(client, handler_a, longxi_station, night_station):
    client.force_login(handler_a)
    listing = client.get(reverse("admin:stations_station_changelist")).content.decode()
    assert "龙西社区服务中心驿站" in listing and "龙北社区夜宵驿站" not in listing


def test_a_coordinator_places_a_new_station_with_its_amenities(client, coordinator, community_a):
    from stations.models import Amenity, Station

    client.force_login(coordinator)
    page = client.get(reverse("admin:stations_station_add")).content.decode()
    assert "admin_station_map.js" in page and 'type="checkbox" name="amenities"' in page
    data = {
        "name": "新驿站",
        "community": community_a.pk,
        "status": "open",
        "tier": "pilot",
        "host_kind": "shop",
        "address": "龙西路1号",
        "latitude": "30.2750",
        "longitude": "118.1320",
        "amenities": [Amenity.objects.get(code="charger").pk],
        "spans-TOTAL_FORMS": "1",
        "spans-INITIAL_FORMS": "0",
        "spans-0-weekday": "4",
        "spans-0-opens": "18:00",
        "spans-0-closes": "02:00",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "wishes-TOTAL_FORMS": "1",
        "wishes-INITIAL_FORMS": "0",
        "wishes-0-name": "冰箱",
        "wishes-0-unit": "台",
        "wishes-0-wanted": "1",
        "wishes-0-position": "0",
        "party_post-TOTAL_FORMS": "0",
        "party_post-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:stations_station_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    station = Station.objects.get(name="新驿站")
    assert [a.code for a in station.amenities.all()] == ["charger"]
    assert [(w.name, w.wanted) for w in station.wishes.all()] == [("冰箱", 1)]
    assert station.spans.get().crosses_midnight


def test_visits_per_month_in_the_admin(client, coordinator, longxi_station):
    Visit.objects.create(station=longxi_station, count=12, at=timezone.now())
    client.force_login(coordinator)
    page = client.get(reverse("admin:stations_station_change", args=[longxi_station.pk])).content.decode()
    assert f"{timezone.localdate():%Y-%m}: 12" in page
