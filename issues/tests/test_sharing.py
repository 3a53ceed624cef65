"""Pages worth sharing: every public page says what it is (meta description, Open Graph), and a solved
problem shared into WeChat shows its after photo — the public version of it, never the original."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from issues import moderation
from issues.models import Campaign
from stations.models import Station

pytestmark = pytest.mark.django_db


def meta(html, attribute, name):
    found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html)
    return found.group(1) if found else None


@pytest.fixture
def published(make_report, coordinator, handler_a):
    return make_report("published", by_coordinator=coordinator, handler=handler_a)


def public_pages(published, community_a):
    station = Station.objects.create(
        name="龙西驿站", community=community_a, address="龙西路1号", latitude=30.27, longitude=118.13
    )
    campaign = Campaign.objects.create(name="背街小巷整治", starts_on=timezone.localdate())
    return [
        reverse("home"),
        reverse("issues:board"),
        reverse("issues:board_detail", args=[published.pk]),
        reverse("issues:stats"),
        reverse("volunteers:points"),
        reverse("stations:map"),
        reverse("stations:detail", args=[station.pk]),
        reverse("issues:campaign", args=[campaign.pk]),
    ]


def test_every_public_page_says_what_it_is_to_search_and_to_a_shared_link(client, published, community_a):
    descriptions = set()
    for url in public_pages(published, community_a):
        html = client.get(url).content.decode()
        description = meta(html, "name", "description")
        assert description and len(description) >= 10, url
        descriptions.add(description)
        for name in ("og:title", "og:description", "og:image"):
            assert meta(html, "property", name), (url, name)
        # A shared link is fetched from outside: the picture's address is absolute.
        assert meta(html, "property", "og:image").startswith("http://testserver/"), url
    assert len(descriptions) >= 6  # pages describe themselves, not all with the site's one line


def test_a_shared_solved_problem_shows_its_after_photo(client, published):
    html = client.get(reverse("issues:board_detail", args=[published.pk])).content.decode()
    after = published.after_photos[0]
    assert meta(html, "property", "og:image") == f"http://testserver{after.public_url}"
    assert meta(html, "name", "description").startswith(published.public_text[:20])


def test_a_shared_link_carries_only_what_the_public_may_see(client, published, coordinator):
    before, after = published.before_photos[0], published.after_photos[0]
    moderation.moderate(
        published,
        by=coordinator,
        public_description="路口垃圾桶破损",
        photos={before.pk: {"areas": [[0.1, 0.1, 0.3, 0.3]]}, after.pk: {"hidden": True}},
    )
    before.refresh_from_db()
    html = client.get(reverse("issues:board_detail", args=[published.pk])).content.decode()
    # The hidden after photo is not offered; the covered before photo is, as its public copy.
    assert meta(html, "property", "og:image") == f"http://testserver{before.public_url}"
    assert before.image.url not in meta(html, "property", "og:image")
    assert meta(html, "name", "description") == "路口垃圾桶破损"
    assert "广场花苑小区3栋的垃圾桶坏了" not in meta(html, "property", "og:title")
