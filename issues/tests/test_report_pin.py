"""The courier's form on a phone: camera or gallery, the pin on a map (loaded only when opened),
and the sign-in page's phone keyboard."""

import json
import re

import pytest
from django.urls import reverse

from conftest import PASSWORD
from issues.models import Report
from issues.pin import DISTRICT_CENTRE
from issues.tests.test_views import form_data, photo

pytestmark = pytest.mark.django_db

FILE_INPUT = re.compile(r"<input[^>]*type=\"file\"[^>]*>")


def pin_data(html):
    found = re.search(r'<script id="pin-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_no_photo_input_forces_the_camera(courier, category):
    html = courier.get(reverse("issues:report_new")).content.decode()
    inputs = FILE_INPUT.findall(html)
    assert len(inputs) == 3
    assert all('accept="image/*"' in tag and "capture" not in tag for tag in inputs)


def test_the_rating_photo_may_come_from_the_gallery(courier, make_report, coordinator, handler_a):
    report = make_report("resolved", by_coordinator=coordinator, handler=handler_a)
    html = courier.get(reverse("issues:rate", args=[report.pk])).content.decode()
    (tag,) = FILE_INPUT.findall(html)
    assert 'accept="image/*"' in tag and "capture" not in tag


def test_the_form_does_not_load_leaflet_up_front(courier, category):
    html = courier.get(reverse("issues:report_new")).content.decode()
    up_front = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html)
    assert up_front and not [url for url in up_front if "leaflet" in url]
    assert "/static/js/report_pin.js" in up_front
    # Leaflet is only named, for the map to load it when opened.
    data = pin_data(html)
    assert data["leaflet_js"].endswith("leaflet.js") and data["leaflet_css"].endswith("leaflet.css")


def test_the_map_starts_at_the_community_or_the_district(courier, category, community_a, office):
    data = pin_data(courier.get(reverse("issues:report_new")).content.decode())
    assert data["centres"] == {str(community_a.pk): [30.2745, 118.1322]}  # areas with a position only
    assert data["district"] == list(DISTRICT_CENTRE)
    assert "tile.openstreetmap.org" in data["tiles"]["layers"][0]["url"]


def test_the_map_button_is_hidden_until_the_script_shows_it(courier, category):
    html = courier.get(reverse("issues:report_new")).content.decode()
    assert re.search(r'<button[^>]*id="pin-open"[^>]*hidden', html)
    assert re.search(r'<div id="pin-map"[^>]*hidden', html)


def test_the_stored_position_is_the_posted_pin(courier, volunteer, category, community_a):
    pinned = {"latitude": "30.276123", "longitude": "118.135987"}
    response = courier.post(
        reverse("issues:report_new"), {**form_data(category, community_a, **pinned), "photos": [photo()]}
    )
    assert response.status_code == 302
    report = Report.objects.get(reporter=volunteer)
    assert (report.latitude, report.longitude) == pytest.approx((30.276123, 118.135987), abs=1e-6)


def test_the_sign_in_page_offers_the_phone_keypad(client):
    html = client.get(reverse("login")).content.decode()
    (tag,) = re.findall(r'<input[^>]*name="username"[^>]*>', html)
    assert 'inputmode="numeric"' in tag and 'autocomplete="tel"' in tag


def test_a_staff_user_name_still_signs_in(client, coordinator):
    """The numeric keypad is a hint to the phone: letters typed on a computer still sign in."""
    response = client.post(reverse("login"), {"username": coordinator.username, "password": PASSWORD})
    assert response.status_code == 302
