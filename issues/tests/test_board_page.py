"""The public board leads with the problem: the (moderated) description is the heading, the reference is
small, photos open full size, the detail page maps only the rounded place, and the month filter is readable."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from issues import moderation
from issues.models import Report

pytestmark = pytest.mark.django_db

PUBLIC_TEXT = "小区3栋门口的垃圾桶坏了"


@pytest.fixture
def published(make_report, coordinator, handler_a):
    report = make_report(
        "published", by_coordinator=coordinator, handler=handler_a, latitude=30.274_567, longitude=118.132_189
    )
    moderation.moderate(report, by=coordinator, public_description=PUBLIC_TEXT)
    return Report.objects.get(pk=report.pk)


def page(client, url, query=None):
    response = client.get(url, query or {})
    assert response.status_code == 200
    return response.content.decode()


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_board_heads_each_problem_with_its_public_description_and_a_small_reference(client, published):
    html = page(client, reverse("issues:board"))
    detail = reverse("issues:board_detail", args=[published.pk])
    assert re.search(rf'<h2><a href="{detail}">{PUBLIC_TEXT}</a></h2>', html)
    assert f'<small class="ref">{published.reference}</small>' in html
    assert published.description not in html


def test_the_detail_page_heads_with_the_public_description_and_a_small_reference(client, published):
    html = page(client, reverse("issues:board_detail", args=[published.pk]))
    assert f'<h1 class="board-title">{PUBLIC_TEXT}</h1>' in html
    assert f'<small class="ref">{published.reference}</small>' in html
    assert f"<h1>{published.reference}" not in html
    assert published.description not in html


def test_every_public_photo_is_a_link_to_its_public_full_size_picture(client, published):
    board = page(client, reverse("issues:board"))
    detail = page(client, reverse("issues:board_detail", args=[published.pk]))
    for photo in [*published.public_before_photos, *published.public_after_photos]:
        assert f'<a href="{photo.public_url}"><img src="{photo.public_thumbnail_url}"' in board
        assert f'<a href="{photo.public_url}"><img src="{photo.public_url}"' in detail
    assert detail.count("<figure><a href=") == len(published.photos.all())


def test_a_hidden_photo_is_neither_shown_nor_linked(client, published, coordinator):
    hidden = published.after_photos[0]
    moderation.moderate(published, by=coordinator, photos={hidden.pk: {"hidden": True}})
    for url in (reverse("issues:board"), reverse("issues:board_detail", args=[published.pk])):
        html = page(client, url)
        assert hidden.image.url not in html and hidden.thumbnail.url not in html


def test_the_detail_page_maps_the_rounded_place_only(client, published):
    html = page(client, reverse("issues:board_detail", args=[published.pk]))
    assert 'data-lat="30.2745" data-lng="118.1320"' in html  # the grid of about 50 m (issues.board.rounded_point)
    assert "30.27456" not in html and "118.13218" not in html
    assert 'src="/static/js/board_map.js"' in html and "leaflet/leaflet.js" in html
    assert 'id="map-tiles"' in html
    # The community and address stay as text, for when the map cannot load.
    assert published.community.name in text_of(html) and published.address in html


def test_a_report_without_a_position_has_no_map_and_the_board_loads_no_leaflet(
    client, make_report, coordinator, handler_a
):
    report = make_report("published", by_coordinator=coordinator, handler=handler_a)
    Report.objects.filter(pk=report.pk).update(latitude=None, longitude=None)
    html = page(client, reverse("issues:board_detail", args=[report.pk]))
    assert "board-map" not in html and "leaflet" not in html
    assert "leaflet" not in page(client, reverse("issues:board"))


def test_handled_by_reads_without_a_double_gap(client, published):
    html = page(client, reverse("issues:board"))
    assert f"承办：{published.assignee.name}" in html
    assert not re.search(r"：\s+" + re.escape(published.assignee.name), html)


def test_the_month_filter_offers_the_months_with_published_reports(
    client, published, make_report, coordinator, handler_a
):
    older = make_report("published", by_coordinator=coordinator, handler=handler_a)
    Report.objects.filter(pk=older.pk).update(published_at=timezone.make_aware(datetime.datetime(2025, 3, 10, 12)))
    url = reverse("issues:board")
    html = page(client, url)
    select = re.search(r'<select name="month">(.*?)</select>', html, re.S).group(1)
    this_month = timezone.localtime(published.published_at)
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    assert options == [
        ("", "全部月份"),
        (this_month.strftime("%Y-%m"), f"{this_month.year}年{this_month.month}月"),
        ("2025-03", "2025年3月"),
    ]
    assert 'type="month"' not in html
    chosen = client.get(url, {"month": "2025-03"})
    assert '<option value="2025-03" selected>' in chosen.content.decode()
    assert chosen.context["page"].paginator.count == 1
    # A month asked for by link with nothing published in it still shows as the choice.
    assert '<option value="1999-01" selected>1999年1月</option>' in page(client, url, {"month": "1999-01"})
