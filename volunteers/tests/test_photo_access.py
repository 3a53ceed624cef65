"""A volunteer's own photo (volunteers.photo_access through beefeed.privatemedia)."""

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse

from beefeed.tests.images import jpeg_bytes
from conftest import make_volunteer

pytestmark = pytest.mark.django_db


def test_a_volunteers_photo_is_seen_by_the_volunteer_and_the_staff_of_their_community_only(
    client, volunteer, coordinator, handler_a, handler_b
):
    volunteer.photo.save("face.jpg", ContentFile(jpeg_bytes()))
    url = volunteer.photo.url
    assert url.startswith("/photos/volunteers/")
    people = {
        "anonymous": None,
        "volunteer": volunteer.user,
        "other_volunteer": make_volunteer("13700137000", volunteer.community, name="李邻居").user,
        "coordinator": coordinator,
        "handler_a": handler_a,
        "handler_b": handler_b,
    }
    seen = {}
    for role, user in people.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        seen[role] = client.get(url).status_code
        assert client.get(settings.MEDIA_URL + volunteer.photo.name).status_code == 404
    assert seen == {
        "anonymous": 404,
        "volunteer": 200,
        "other_volunteer": 404,
        "coordinator": 200,
        "handler_a": 200,
        "handler_b": 404,
    }


def test_the_points_card_shows_the_photo_by_its_checked_link(client, volunteer):
    volunteer.photo.save("face.jpg", ContentFile(jpeg_bytes()))
    client.force_login(volunteer.user)
    page = client.get(reverse("volunteers:card")).content.decode()
    assert volunteer.photo.url in page
    response = client.get(volunteer.photo.url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
