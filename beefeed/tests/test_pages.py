import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_is_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "蜂巢" in html


def test_home_switches_to_english(client):
    response = client.get(reverse("switch_language", args=["en"]), {"next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "BeeFeed: the district" in html


def test_every_page_offers_the_language_switch(client):
    for url in ["/", reverse("login")]:
        html = client.get(url).content.decode()
        assert f'href="{reverse("switch_language", args=["en"])}?next={url}"' in html
        assert f'href="{reverse("switch_language", args=["zh-hans"])}?next={url}"' in html


def test_demo_coordinator_signs_in_to_the_admin(client, demo):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "coordinator", "password": "beefeed2026"},
        follow=True,
    )
    assert response.status_code == 200
    assert response.wsgi_request.user.username == "coordinator"
    assert response.request["PATH_INFO"] == "/admin/"


def test_volunteer_signs_in_with_phone_number(client, demo):
    response = client.post(reverse("login"), {"username": "13800000001", "password": "beefeed2026"})
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user.phone == "13800000001"


def test_wrong_password_is_refused_with_a_message(client, demo):
    response = client.post(reverse("login"), {"username": "13800000001", "password": "nope"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_robots_txt_lets_crawlers_index_the_public_pages_only(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    disallowed = [line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow:")]
    assert {"/admin/", "/me/", "/report/"} <= set(disallowed)
    # A rule matches the paths it is a prefix of, "*" standing for any characters.
    rules = [re.compile(".*".join(re.escape(part) for part in rule.split("*"))) for rule in disallowed]
    assert any(rule.match("/stations/7/checkin/") for rule in rules)
    for public in ["/", "/board/", "/board/7/", "/stats/", "/points/", "/stations/", "/stations/7/", "/campaigns/7/"]:
        assert not any(rule.match(public) for rule in rules), public
