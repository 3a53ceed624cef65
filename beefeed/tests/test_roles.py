import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def test_roles_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Coordinators", "Handlers"}


def test_handlers_cannot_change_organizations(handler_a, coordinator):
    assert handler_a.has_perm("beefeed.view_organization")
    assert not handler_a.has_perm("beefeed.change_organization")
    assert coordinator.has_perm("beefeed.change_organization")


def test_coordinator_cannot_grant_staff_powers_in_the_admin(client, coordinator, volunteer):
    client.force_login(coordinator)
    html = client.get(f"/admin/beefeed/user/{volunteer.user.pk}/change/").content.decode()
    assert 'name="phone"' in html
    assert 'name="is_superuser"' not in html
