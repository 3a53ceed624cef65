"""Signed-out visitors get the public pages whole from the cache (beefeed.pagecache): the same page for
everyone in one language, never one visitor's, never stale, with the headers a browser and the proxy
reuse it by. Signed-in users get the live page."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse

from beefeed import pagecache
from issues import moderation, workflow
from issues.models import Campaign, Report
from stations.tests.conftest import make_station
from volunteers import tallies

pytestmark = pytest.mark.django_db

NGINX_SNIPPET = Path(settings.BASE_DIR) / "deploy" / "nginx" / "page-cache.conf"


@pytest.fixture
def published(make_report, coordinator, handler_a):
    return make_report("published", by_coordinator=coordinator, handler=handler_a)


@pytest.fixture
def campaign(db):
    return Campaign.objects.create(name="垃圾桶专项整治", starts_on=datetime.date(2026, 1, 1))


@pytest.fixture
def public_urls(published, campaign, community_a):
    make_station("龙西驿站", community_a, 30.2745, 118.1322)
    return [
        "/",
        reverse("issues:board"),
        reverse("issues:board") + "?page=1",
        reverse("issues:board_detail", args=[published.pk]),
        reverse("issues:stats"),
        reverse("issues:campaign", args=[campaign.pk]),
        reverse("volunteers:points"),
        reverse("stations:map"),
    ]


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def vary(response):
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


def test_every_public_page_is_the_same_for_every_signed_out_visitor(client, public_urls):
    for url in public_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.cookies == {}, url  # no Set-Cookie: nothing of this visitor in the page
        assert "csrfmiddlewaretoken" not in response.content.decode(), url
        assert {"public", "max-age=0", "must-revalidate", "s-maxage=1"} <= cache_control(response), url
        assert {"accept-language", "cookie"} <= vary(response), url
        assert re.fullmatch(r'W/"[0-9a-f]{32}"', response["ETag"]), url
    assert Session.objects.count() == 0


def test_the_second_visitor_gets_the_same_page_without_a_query(client, public_urls, django_assert_num_queries):
    first = {url: client.get(url) for url in public_urls}
    for url in public_urls:
        with django_assert_num_queries(0):
            again = client.get(url)
        assert again.content == first[url].content, url
        assert again["ETag"] == first[url]["ETag"], url


def test_a_browser_holding_the_page_gets_304(client, published):
    url = reverse("issues:board_detail", args=[published.pk])
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": 'W/"someone-elses"'}).status_code == 200
    assert client.head(url, headers={"If-None-Match": etag}).status_code == 304


def test_a_published_report_is_on_the_next_page_at_once(client, published, make_report, coordinator, handler_a):
    board, home = reverse("issues:board"), reverse("home")
    before = {url: client.get(url) for url in (board, home)}
    newer = make_report("resolved", by_coordinator=coordinator, handler=handler_a, description="龙西小区12栋窨井盖破损")
    assert client.get(board, headers={"If-None-Match": before[board]["ETag"]}).status_code == 304  # not yet public
    workflow.publish(Report.objects.get(pk=newer.pk), by=coordinator, notify=False)
    after = client.get(board, headers={"If-None-Match": before[board]["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != before[board]["ETag"]
    assert "龙西小区12栋窨井盖破损" in after.content.decode()
    assert client.get(home)["ETag"] != before[home]["ETag"]


def test_a_moderated_text_shows_on_the_next_detail_page(client, published, coordinator):
    url = reverse("issues:board_detail", args=[published.pk])
    client.get(url)
    moderation.moderate(published, by=coordinator, public_description="小区门口的垃圾桶已更换")
    assert "小区门口的垃圾桶已更换" in client.get(url).content.decode()


def test_an_edited_station_shows_on_the_next_map_page(client, community_a):
    station = make_station("龙西驿站", community_a, 30.2745, 118.1322)
    url = reverse("stations:map")
    etag = client.get(url)["ETag"]
    station.name = "龙西社区服务中心驿站"
    station.save()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "龙西社区服务中心驿站" in response.content.decode()


def test_one_phones_position_is_not_kept_for_others(client, community_a):
    make_station("龙西驿站", community_a, 30.2745, 118.1322)
    response = client.get(reverse("stations:map"), {"lat": "30.27", "lng": "118.13"})
    assert response.status_code == 200
    assert "private" in cache_control(response)
    assert response.cookies == {}


def test_a_closed_quarter_shows_on_the_next_points_page(client, coordinator):
    url = reverse("volunteers:points")
    etag = client.get(url)["ETag"]
    tallies.close_quarter(2025, 1, by=coordinator)
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "2025" in response.content.decode()


def test_each_language_has_its_own_page(client, published):
    url = reverse("issues:board")
    chinese = client.get(url, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    english = client.get(url, headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="zh-Hans">' in chinese.content.decode()
    assert '<html lang="en">' in english.content.decode()
    assert chinese["ETag"] != english["ETag"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    chosen = client.get(url, headers={"Accept-Language": "zh-CN", "If-None-Match": chinese["ETag"]})
    assert chosen.status_code == 200
    assert '<html lang="en">' in chosen.content.decode()


def test_a_signed_in_courier_gets_the_live_page_and_it_is_never_kept(client, courier, published):
    url = reverse("issues:board")
    mine = courier.get(url)
    assert {"private", "no-store"} <= cache_control(mine)
    assert "data-signout" in mine.content.decode()
    courier.logout()
    public = client.get(url)
    assert "data-signout" not in public.content.decode()
    assert "public" in cache_control(public)


def test_a_signed_in_courier_never_gets_the_kept_page(client, volunteer, published):
    url = reverse("issues:board_detail", args=[published.pk])
    etag = client.get(url)["ETag"]
    client.force_login(volunteer.user)
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "data-signout" in response.content.decode()
    assert {"private", "no-store"} <= cache_control(response)


def test_a_visitor_with_a_message_waiting_gets_it_on_a_live_page(client, published):
    client.get(reverse("issues:board"))  # kept
    client.cookies["messages"] = "forged-or-real"  # a pending message (cookie storage) is the visitor's own
    response = client.get(reverse("issues:board"))
    assert {"private", "no-store"} <= cache_control(response)


def test_a_page_that_is_not_public_is_not_kept(client, make_report, coordinator):
    unpublished = make_report("dispatched", by_coordinator=coordinator)
    response = client.get(reverse("issues:board_detail", args=[unpublished.pk]))
    assert response.status_code == 404
    assert "public" not in cache_control(response)


def test_the_nginx_snippet_bypasses_the_cache_for_exactly_the_cookies_the_app_serves_live():
    """deploy/nginx/page-cache.conf: the proxy keeps what the app marks public (s-maxage, Vary) and
    never answers a request that carries one of the private cookies from its cache."""
    snippet = NGINX_SNIPPET.read_text()
    bypass = re.search(r"proxy_cache_bypass ([^;]+);", snippet).group(1).split()
    no_cache = re.search(r"proxy_no_cache ([^;]+);", snippet).group(1).split()
    cookies = {f"$cookie_{name}" for name in pagecache.PRIVATE_COOKIES}
    assert set(bypass) == cookies == set(no_cache)
    assert "proxy_ignore_headers" not in snippet  # it honours Cache-Control, Vary and Set-Cookie
    assert re.search(r"proxy_cache_revalidate on;", snippet)


def test_a_page_answered_at_the_front_door_has_every_header_the_whole_stack_gave_it(client, public_urls, rf):
    """The second visitor is answered before the session, locale, CSRF and CSP middleware run: the page,
    its security headers, its language and its caching headers are those of the page first built."""
    for url in public_urls:
        for accept in ({}, {"Accept-Encoding": "br, gzip"}, {"Accept-Encoding": "gzip"}):
            built = client.get(url, headers=accept)
            again = client.get(url, headers=accept)
            assert again.status_code == 200, url
            assert again.content == built.content, (url, accept)
            assert {k: v for k, v in again.items() if k != "Date"} == {k: v for k, v in built.items() if k != "Date"}, (
                url,
                accept,
            )
            assert {"Content-Security-Policy", "X-Frame-Options", "Content-Language"} <= set(again.headers), url
    # Every page but the stations' (whose "open now" varies apart) is kept at the door, per encoding.
    front = [url for url in public_urls if url != reverse("stations:map")]
    for url in front:
        for encoding in ("", "br", "gzip"):
            assert cache.get(pagecache._front_key(rf.get(url), encoding)) is not None, (url, encoding)
    assert cache.get(pagecache._front_key(rf.get(reverse("stations:map")), "")) is None


def test_a_page_past_its_time_is_rebuilt_by_one_request_while_the_others_still_get_it(
    client, published, rf, monkeypatch, django_assert_num_queries, make_report, coordinator, handler_a
):
    url = reverse("issues:board")
    first = client.get(url)
    later = pagecache._clock() + 61  # past the page's minute: what moves with the clock may have moved
    monkeypatch.setattr(pagecache, "_clock", lambda: later)
    rebuilding = pagecache._front_key(rf.get(url), "")
    assert pagecache._claim_rebuild(rebuilding)  # another visitor's request is rebuilding it now
    with django_assert_num_queries(0):
        meanwhile = client.get(url)
    assert (meanwhile.status_code, meanwhile["ETag"]) == (200, first["ETag"])
    cache.delete("rebuilding:" + rebuilding)  # that rebuild died: the next request rebuilds
    rebuilt = client.get(url)
    assert rebuilt.status_code == 200 and rebuilt.content == first.content
    assert cache.get(rebuilding)["made"] == later  # kept anew, with the clock's time
    with django_assert_num_queries(0):
        assert client.get(url)["ETag"] == first["ETag"]  # fresh again

    # Data that changed is never answered from the old page, rebuild or not.
    newer = make_report("resolved", by_coordinator=coordinator, handler=handler_a, description="龙西小区12栋窨井盖破损")
    assert pagecache._claim_rebuild(rebuilding)
    workflow.publish(Report.objects.get(pk=newer.pk), by=coordinator, notify=False)
    assert "龙西小区12栋窨井盖破损" in client.get(url).content.decode()
