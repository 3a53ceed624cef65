"""One sign-in limit for both entries (/login/ and /admin/login/), keyed on the account the
backend resolves, and on the client's real address behind the proxy."""

import pytest
from django.test import RequestFactory

from beefeed import ratelimit
from conftest import PASSWORD

ADMIN_LOGIN = "/admin/login/"


def fail(client, url, username, **extra):
    return client.post(url, {"username": username, "password": "wrong-guess"}, **extra)


@pytest.mark.parametrize("url", [ADMIN_LOGIN, "/login/"])
def test_staff_sign_in_is_limited_on_both_entries(client, coordinator, settings, url):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    answers = [fail(client, url, "coord").status_code for _ in range(30)]
    assert answers[:5] == [200] * 5
    assert set(answers[5:]) == {429}
    # Even the right password waits now: a guesser learns nothing.
    response = client.post(url, {"username": "coord", "password": PASSWORD})
    assert response.status_code == 429
    assert "分钟" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_two_entries_share_one_count(client, coordinator, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 4
    for url in [ADMIN_LOGIN, "/login/", ADMIN_LOGIN, "/login/"]:
        assert fail(client, url, "coord").status_code == 200
    assert fail(client, ADMIN_LOGIN, "coord").status_code == 429
    assert fail(client, "/login/", "coord").status_code == 429


def test_a_staff_member_signs_in_at_the_admin_and_the_attempt_is_given_back(client, coordinator, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    fail(client, ADMIN_LOGIN, "coord")
    response = client.post(ADMIN_LOGIN, {"username": "coord", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    client.logout()
    # The success cleared the account's count from here: two fresh tries before the limit.
    assert fail(client, ADMIN_LOGIN, "coord").status_code == 200
    assert fail(client, ADMIN_LOGIN, "coord").status_code == 200
    assert fail(client, ADMIN_LOGIN, "coord").status_code == 429


def test_being_signed_in_already_does_not_hide_failed_guesses(client, volunteer, coordinator, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    client.force_login(volunteer.user)
    answers = [fail(client, ADMIN_LOGIN, "coord").status_code for _ in range(5)]
    assert answers[3:] == [429, 429]


def test_a_phone_number_counts_once_however_it_is_typed(client, volunteer, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    phone = volunteer.user.phone  # 13912345678
    spellings = [
        phone,
        f"{phone[:3]} {phone[3:7]} {phone[7:]}",
        f"+86-{phone[:3]}-{phone[3:7]}-{phone[7:]}",
        f"({phone[:3]}){phone[3:7]}-{phone[7:]}",
        f"0086{phone}",
    ]
    assert [fail(client, "/login/", typed).status_code for typed in spellings] == [200] * 5
    assert fail(client, "/login/", f"86 {phone}").status_code == 429
    response = client.post("/login/", {"username": phone, "password": PASSWORD})
    assert response.status_code == 429


def test_strangers_elsewhere_cannot_lock_a_courier_out(client, volunteer, settings):
    """Six bad tries from someone else's phone leave the courier's own sign-in working."""
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    settings.LOGIN_FAILURES_PER_ACCOUNT_TOTAL = 50
    for _ in range(6):
        fail(client, "/login/", volunteer.user.phone, REMOTE_ADDR="198.51.100.7")
    assert fail(client, "/login/", volunteer.user.phone, REMOTE_ADDR="198.51.100.7").status_code == 429
    response = client.post(
        "/login/", {"username": volunteer.user.phone, "password": PASSWORD}, REMOTE_ADDR="203.0.113.20"
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(volunteer.user.pk)


def test_a_guesser_spread_over_many_addresses_still_stops(client, volunteer, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    settings.LOGIN_FAILURES_PER_ACCOUNT_TOTAL = 12
    answers = [
        fail(client, "/login/", volunteer.user.phone, REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(15)
    ]
    assert answers[:12] == [200] * 12
    assert answers[12:] == [429] * 3


# The client's address behind the proxy.


def request_from(remote_addr, forwarded=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1", "10.0.0.0/8"]


def test_a_forwarded_header_from_a_client_that_is_no_proxy_is_ignored(behind_proxy):
    assert ratelimit.client_ip(request_from("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


def test_behind_the_proxy_the_client_is_the_right_most_untrusted_address(behind_proxy):
    # nginx appends the address it saw; whatever the client wrote itself stays on the left.
    assert ratelimit.client_ip(request_from("127.0.0.1", "6.6.6.6, 203.0.113.9")) == "203.0.113.9"
    # Two of our proxies in a row (a load balancer at 10.0.0.5, then nginx on loopback).
    assert ratelimit.client_ip(request_from("127.0.0.1", "6.6.6.6, 203.0.113.9, 10.0.0.5")) == "203.0.113.9"
    assert ratelimit.client_ip(request_from("::1", "2001:db8::7")) == "2001:db8::7"


def test_without_a_forwarded_header_the_proxy_itself_is_the_client(behind_proxy):
    assert ratelimit.client_ip(request_from("127.0.0.1")) == "127.0.0.1"
    assert ratelimit.client_ip(request_from("127.0.0.1", "garbage, 10.0.0.4")) == "garbage"


def test_when_not_behind_a_proxy_the_header_means_nothing(settings):
    settings.BEHIND_PROXY = False
    assert ratelimit.client_ip(request_from("127.0.0.1", "203.0.113.9")) == "127.0.0.1"


def test_a_client_cannot_escape_the_address_limit_by_writing_its_own_header(db, client, behind_proxy, settings):
    settings.LOGIN_FAILURES_PER_IP = 3
    answers = [
        fail(client, "/login/", f"1390000000{n}", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
        for n in range(5)
    ]
    assert [r.status_code for r in answers] == [200, 200, 200, 429, 429]
