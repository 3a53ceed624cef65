"""On /me/ the courier chooses what they also want by SMS: opt-in, their own choice only."""

import pytest
from django.urls import reverse

from volunteers.models import Moment

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_installed(settings):
    settings.NOTIFY_CHANNELS = ["console", "sms"]


def ticked(response):
    return sorted(response.context["sms_form"]["moments"].value())


def test_it_starts_with_the_re_check_request_only(client, volunteer, sms_installed):
    client.force_login(volunteer.user)
    response = client.get(reverse("volunteers:me"))
    assert ticked(response) == [Moment.RESOLVED]
    assert 'id="sms"' in response.content.decode()


def test_it_saves_the_couriers_choice(client, volunteer, sms_installed):
    client.force_login(volunteer.user)
    response = client.post(reverse("volunteers:sms"), {"moments": ["dispatched", "published"]})
    assert response.status_code == 302 and response.url.endswith("#sms")
    volunteer.refresh_from_db()
    assert volunteer.sms_choice == ["dispatched", "published"]
    assert ticked(client.get(reverse("volunteers:me"))) == ["dispatched", "published"]


def test_unticking_everything_means_no_sms(client, volunteer, sms_installed):
    client.force_login(volunteer.user)
    client.post(reverse("volunteers:sms"), {})
    volunteer.refresh_from_db()
    assert volunteer.sms_choice == []


def test_a_forged_moment_changes_nothing(client, volunteer, sms_installed):
    client.force_login(volunteer.user)
    response = client.post(reverse("volunteers:sms"), {"moments": ["resolved", "everything"]}, follow=True)
    volunteer.refresh_from_db()
    assert volunteer.sms_moments is None and volunteer.sms_choice == [Moment.RESOLVED]
    assert response.status_code == 200


def test_it_rejects_get(client, volunteer, sms_installed):
    client.force_login(volunteer.user)
    assert client.get(reverse("volunteers:sms")).status_code == 405


def test_the_public_cannot_choose(client, volunteer, sms_installed):
    response = client.post(reverse("volunteers:sms"), {"moments": ["dispatched"]})
    assert response.status_code == 302 and "login" in response.url
    volunteer.refresh_from_db()
    assert volunteer.sms_moments is None


def test_staff_without_a_volunteer_profile_are_refused(client, coordinator, sms_installed):
    client.force_login(coordinator)
    assert client.post(reverse("volunteers:sms"), {"moments": ["dispatched"]}).status_code == 403


def test_no_choice_is_offered_when_the_installation_sends_no_sms(client, volunteer):
    client.force_login(volunteer.user)
    response = client.get(reverse("volunteers:me"))
    assert response.context["sms_form"] is None
    assert 'id="sms"' not in response.content.decode()
