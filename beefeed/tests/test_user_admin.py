"""Who may change which account in the admin.

A superuser changes every account; a coordinator manages volunteers' accounts only (and may
reset a volunteer's forgotten password); a handler reaches no account. Tried for every acting
role against every kind of account, on the list, the change page, the password page and a POST.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from beefeed.roles import COORDINATORS
from conftest import PASSWORD, make_staff

NEW_PASSWORD = "taken-over-2026-!"

ACTORS = ["coordinator", "handler", "superuser"]
TARGETS = ["volunteer", "handler", "other_coordinator", "superuser"]

# (actor, target) pairs that may manage the account; every other pair must get nowhere.
ALLOWED = {("coordinator", "volunteer")} | {("superuser", target) for target in TARGETS}


@pytest.fixture
def cast(coordinator, handler_a, handler_b, volunteer, office):
    """The acting users, and a distinct account of each kind to act on."""
    User = get_user_model()
    return {
        "actors": {
            "coordinator": coordinator,
            "handler": handler_a,
            "superuser": User.objects.create_superuser("root", "root@example.org", PASSWORD),
        },
        "targets": {
            "volunteer": volunteer.user,
            "handler": handler_b,
            "other_coordinator": make_staff("coord2", office, COORDINATORS),
            "superuser": User.objects.create_superuser("root2", "root2@example.org", PASSWORD),
        },
    }


def _signed_in(client, cast, actor, target):
    client.force_login(cast["actors"][actor])
    return cast["targets"][target]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("target", TARGETS)
def test_the_user_list_shows_only_the_accounts_the_actor_may_manage(client, cast, actor, target):
    target_user = _signed_in(client, cast, actor, target)
    response = client.get(reverse("admin:beefeed_user_changelist"), {"q": target_user.username})
    if actor == "handler":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        change_url = reverse("admin:beefeed_user_change", args=[target_user.pk])
        assert (change_url in response.content.decode()) == ((actor, target) in ALLOWED)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("target", TARGETS)
def test_the_change_page_opens_only_for_an_account_the_actor_may_manage(client, cast, actor, target):
    target_user = _signed_in(client, cast, actor, target)
    response = client.get(reverse("admin:beefeed_user_change", args=[target_user.pk]))
    if (actor, target) in ALLOWED:
        assert response.status_code == 200
    else:
        # Not found (a redirect to the index with "does not exist") or forbidden: never the form.
        assert response.status_code in (302, 403, 404)
        assert b'name="username"' not in response.content


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("target", TARGETS)
def test_the_password_page_opens_only_for_an_account_the_actor_may_manage(client, cast, actor, target):
    target_user = _signed_in(client, cast, actor, target)
    response = client.get(reverse("admin:auth_user_password_change", args=[target_user.pk]))
    assert response.status_code == (200 if (actor, target) in ALLOWED else (403 if actor == "handler" else 404))


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("target", TARGETS)
def test_a_forged_password_post_changes_only_an_account_the_actor_may_manage(client, cast, actor, target):
    target_user = _signed_in(client, cast, actor, target)
    client.post(
        reverse("admin:auth_user_password_change", args=[target_user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    target_user.refresh_from_db()
    assert target_user.check_password(NEW_PASSWORD) == ((actor, target) in ALLOWED)


@pytest.mark.parametrize("target", ["handler", "other_coordinator", "superuser"])
def test_a_coordinator_cannot_promote_or_rename_a_staff_account(client, cast, target):
    target_user = _signed_in(client, cast, "coordinator", target)
    client.post(
        reverse("admin:beefeed_user_change", args=[target_user.pk]),
        {"username": "hijacked", "email": "attacker@example.org", "is_superuser": "on", "is_staff": "on"},
    )
    target_user.refresh_from_db()
    assert target_user.username != "hijacked"
    assert target_user.email != "attacker@example.org"


def test_a_coordinator_cannot_make_a_volunteer_staff(client, cast):
    user = _signed_in(client, cast, "coordinator", "volunteer")
    response = client.post(
        reverse("admin:beefeed_user_change", args=[user.pk]),
        {
            "username": user.username,
            "phone": user.phone,
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
        },
    )
    assert response.status_code in (200, 302)
    user.refresh_from_db()
    assert not user.is_staff and not user.is_superuser


def test_a_coordinator_resets_a_volunteers_forgotten_password(client, cast):
    user = _signed_in(client, cast, "coordinator", "volunteer")
    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
