"""The footer's language links (beefeed.views.switch_language): a GET that sets the language cookie and
goes back to the page, on this site only; no form token, no session."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

pytestmark = pytest.mark.django_db


def switch(client, code, next_url, **extra):
    return client.get(reverse("switch_language", args=[code]), {"next": next_url}, **extra)


def test_it_sets_the_language_cookie_and_goes_back(client):
    response = switch(client, "en", "/board/?category=1&page=2")
    assert response.status_code == 302
    assert response["Location"] == "/board/?category=1&page=2"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "private" in response["Cache-Control"]
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert Session.objects.count() == 0
    assert '<html lang="en">' in client.get("/board/").content.decode()


def test_the_page_links_back_to_itself_in_every_language(client):
    html = client.get("/board/?page=1").content.decode()
    assert 'href="/language/en/?next=/board/%3Fpage%3D1"' in html
    assert 'href="/language/zh-hans/?next=/board/%3Fpage%3D1"' in html
    assert "csrfmiddlewaretoken" not in html


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/board/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
        "https:evil.example",
    ],
)
def test_it_never_sends_the_visitor_to_another_site(client, target):
    response = switch(client, "en", target)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_an_unknown_language_is_404_and_sets_nothing(client):
    response = switch(client, "xx", "/")
    assert response.status_code == 404
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_it_answers_only_get(client):
    assert client.post(reverse("switch_language", args=["en"]), {"next": "/"}).status_code == 405


def test_a_signed_in_courier_keeps_the_session_and_gets_the_language(client, volunteer):
    client.force_login(volunteer.user)
    response = switch(client, "en", "/me/", follow=True)
    assert response.wsgi_request.user == volunteer.user
    assert '<html lang="en">' in response.content.decode()
