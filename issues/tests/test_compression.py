"""HTML, JSON and GeoJSON go out compressed to clients that accept it (beefeed.compression), except an
answer that holds a secret beside what the visitor sent (BREACH): a form token, a signed-in user's page."""

import gzip
import json

import brotli
import pytest
from django.urls import reverse

from beefeed.compression import negotiate
from stations.tests.conftest import make_station

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(make_report, coordinator, handler_a):
    return make_report("published", by_coordinator=coordinator, handler=handler_a)


def decoded(response):
    body = response.content
    return {"br": brotli.decompress, "gzip": gzip.decompress}.get(response.get("Content-Encoding"), bytes)(body)


def vary(response):
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_public_page_is_compressed_for_a_client_that_accepts_it(client, published, encoding):
    url = reverse("issues:board_detail", args=[published.pk])
    plain = client.get(url)
    for _ in range(2):  # built, then from the page cache
        response = client.get(url, headers={"Accept-Encoding": f"{encoding}, deflate"})
        assert response["Content-Encoding"] == encoding
        assert len(response.content) < len(plain.content) / 2
        assert decoded(response) == plain.content
        assert "accept-encoding" in vary(response)
        assert response["ETag"] == plain["ETag"]


def test_a_client_that_accepts_nothing_gets_the_page_as_it_is(client, published):
    response = client.get(reverse("issues:board"))
    assert not response.has_header("Content-Encoding")
    assert "accept-encoding" in vary(response)
    assert "<html" in response.content.decode()


def test_the_json_and_geojson_apis_are_compressed(client, published, community_a):
    make_station("龙西驿站", community_a, 30.2745, 118.1322)
    for url in [
        reverse("stations:geojson"),
        reverse("issues:board_geojson"),
        reverse("open311:requests", args=["json"]),
    ]:
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response["Content-Encoding"] == "gzip", url
        json.loads(decoded(response))


def test_a_compressed_station_collection_keeps_its_304(client, community_a):
    make_station("龙西驿站", community_a, 30.2745, 118.1322)
    url = reverse("stations:geojson")
    first = client.get(url, headers={"Accept-Encoding": "br"})
    assert first["ETag"].startswith('W/"')  # other bytes than the uncompressed collection's
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": first["ETag"]})
    assert again.status_code == 304


def test_the_sign_in_page_with_its_form_token_is_never_compressed(client):
    response = client.get(reverse("login"), {"next": "/me/"}, headers={"Accept-Encoding": "br, gzip"})
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert not response.has_header("Content-Encoding")


def test_the_couriers_report_form_is_never_compressed(courier):
    response = courier.get(reverse("issues:report_new"), headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert not response.has_header("Content-Encoding")


def test_a_signed_in_users_page_that_echoes_the_query_is_never_compressed(courier, published):
    # The attacker's lever: their guess in the query string, beside the courier's own token and data.
    response = courier.get(reverse("issues:board"), {"q": "csrfmiddlewaretoken"}, headers={"Accept-Encoding": "gzip"})
    assert "data-signout" in response.content.decode()
    assert not response.has_header("Content-Encoding")


def test_a_signed_in_users_json_is_never_compressed(courier, category):
    response = courier.get(
        reverse("issues:nearby"),
        {"lat": "30.2745", "lng": "118.1322", "category": category.pk},
        headers={"Accept-Encoding": "gzip"},
    )
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("gzip, deflate, br", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip;q=0.5", "gzip"),
        ("gzip;q=0", ""),
        ("identity", ""),
        ("", ""),
        ("br;q=nonsense", ""),
        ("GZIP", "gzip"),
    ],
)
def test_it_picks_what_the_client_accepts(header, chosen):
    assert negotiate(header) == chosen
