"""A station's 党员先锋岗: named on its page only for the volunteers who chose 亮明身份, by short name."""

import pytest
from django.urls import reverse

from conftest import make_volunteer
from stations.models import PartyPost

pytestmark = pytest.mark.django_db


def party_member(phone, community, name, *, shows, approved=True):
    volunteer = make_volunteer(phone, community, name=name, approved=approved)
    volunteer.party_member = True
    volunteer.show_party_member = shows
    volunteer.save()
    return volunteer


@pytest.fixture
def post(longxi_station, community_a):
    post = PartyPost.objects.create(station=longxi_station, name="龙西党员先锋岗")
    shown = party_member("13900000001", community_a, "赵先锋", shows=True)
    hidden = party_member("13900000002", community_a, "钱低调", shows=False)
    pending = party_member("13900000003", community_a, "孙待审", shows=True, approved=False)
    post.on_duty.add(shown.user, hidden.user, pending.user)
    return post, shown, hidden, pending


def page(client, station):
    return client.get(reverse("stations:detail", args=[station.pk])).content.decode()


def test_the_post_names_only_those_who_chose_to_show_it_by_short_name(client, longxi_station, post):
    _post, shown, hidden, pending = post
    body = page(client, longxi_station)
    assert "龙西党员先锋岗" in body and "在岗党员志愿者" in body and "赵*" in body
    assert "钱*" not in body and "孙*" not in body  # hidden by choice; not yet approved
    for volunteer in (shown, hidden, pending):
        assert volunteer.name not in body and volunteer.user.phone not in body


def test_with_nobody_shown_the_post_is_named_without_people(client, longxi_station, post):
    _post, shown, _hidden, _pending = post
    shown.show_party_member = False
    shown.save()
    body = page(client, longxi_station)
    assert "龙西党员先锋岗" in body and "党员志愿者在这里轮流值守" in body and "赵*" not in body


def test_a_station_without_a_post_shows_none(client, longxi_station):
    assert "党员先锋岗" not in page(client, longxi_station)


def test_the_volunteer_chooses_on_their_own_page(client, longxi_station, post):
    _post, shown, _hidden, _pending = post
    client.force_login(shown.user)
    assert "亮明党员身份" in client.get(reverse("volunteers:me")).content.decode()
    response = client.post(reverse("volunteers:party"), {}, follow=True)  # unticked
    assert "已保存：不显示您的党员身份" in response.content.decode()
    shown.refresh_from_db()
    assert not shown.show_party_member
    client.logout()
    assert "赵*" not in page(client, longxi_station)
    client.force_login(shown.user)
    client.post(reverse("volunteers:party"), {"show_party_member": "on"})
    client.logout()
    assert "赵*" in page(client, longxi_station)


def test_only_a_party_member_can_show_it(client, volunteer):
    client.force_login(volunteer.user)
    assert "亮明党员身份" not in client.get(reverse("volunteers:me")).content.decode()
    client.post(reverse("volunteers:party"), {"show_party_member": "on"})
    volunteer.refresh_from_db()
    assert not volunteer.show_party_member


def test_the_choice_is_a_post_with_csrf_for_a_signed_in_volunteer(client, coordinator):
    from django.test import Client

    assert client.get(reverse("volunteers:party")).status_code == 405
    assert client.post(reverse("volunteers:party"), {}).status_code == 302  # to sign in
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(coordinator)
    assert strict.post(reverse("volunteers:party"), {"show_party_member": "on"}).status_code == 403


def test_a_deleted_account_leaves_the_roster_and_the_copy_names_the_post(client, longxi_station, post):
    from volunteers import personal_data

    roster, shown, _hidden, _pending = post
    client.force_login(shown.user)
    copy = client.get(reverse("volunteers:my_data_download", args=["json"])).content.decode()
    assert "龙西党员先锋岗" in copy
    personal_data.erase(shown)
    assert shown.user not in roster.on_duty.all()
    assert "赵*" not in page(client, longxi_station)


def test_the_admin_rosters_only_party_members(client, coordinator, longxi_station, post, volunteer):
    _post, shown, hidden, _pending = post
    client.force_login(coordinator)
    page = client.get(reverse("admin:stations_station_change", args=[longxi_station.pk])).content.decode()
    form = page.split('name="party_post-0-on_duty"')[1].split("</select>")[0]
    assert f'<option value="{shown.user.pk}"' in form and f'<option value="{hidden.user.pk}"' in form
    assert f'<option value="{volunteer.user.pk}"' not in form  # not a party member
