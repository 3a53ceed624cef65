"""Erasing a volunteer (PIPL): the parts that live in volunteers (the whole-database check is in issues' tests)."""

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry

from beefeed.models import User
from conftest import make_volunteer
from volunteers import personal_data
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def test_every_relation_to_a_user_or_a_volunteer_has_an_erasure_rule():
    relations = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if not model._meta.proxy
        for field in model._meta.get_fields()
        if field.is_relation and not field.auto_created and field.related_model in (User, Volunteer)
    }
    assert relations == set(personal_data.ERASURE)


@pytest.mark.parametrize(
    "spelling",
    ["13912345678", "139 1234 5678", "139-1234-5678", "+86 139 1234 5678", "(139)1234-5678", "8613912345678"],
)
def test_it_takes_the_phone_number_out_in_every_spelling(volunteer, spelling):
    redact = personal_data.redactor(volunteer)
    assert redact(f"联系人叶小蜂，电话{spelling}。") == "联系人已注销的小蜜蜂，电话已注销的小蜜蜂。"


def test_it_takes_out_the_card_number_and_leaves_other_numbers(volunteer):
    redact = personal_data.redactor(volunteer)
    assert redact(f"卡号 {volunteer.card_number}，共 13 次") == "卡号 已注销的小蜜蜂，共 13 次"


def test_a_namesakes_admin_log_keeps_their_name(volunteer, coordinator, community_a):
    namesake = make_volunteer("13700000666", community_a, name=volunteer.name)
    for person in (volunteer, namesake):
        LogEntry.objects.log_actions(coordinator.pk, [person], CHANGE, "", single_object=True)
        LogEntry.objects.log_actions(coordinator.pk, [person.user], CHANGE, "", single_object=True)
    personal_data.erase(volunteer)
    about = {(entry.content_type.model, entry.object_id): entry.object_repr for entry in LogEntry.objects.all()}
    assert about["volunteer", str(volunteer.pk)] == about["user", str(volunteer.user.pk)] == "已注销的小蜜蜂"
    assert about["volunteer", str(namesake.pk)] == "叶小蜂" and about["user", str(namesake.user.pk)] == "13700000666"


def test_erasing_twice_changes_nothing_more(volunteer):
    first = personal_data.erase(volunteer)
    again = personal_data.erase(volunteer)
    assert (again.erased_at, again.card_token) == (first.erased_at, first.card_token)
