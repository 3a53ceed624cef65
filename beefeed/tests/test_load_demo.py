import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from beefeed.models import Organization, User

pytestmark = pytest.mark.django_db


def counts():
    return (Organization.objects.count(), User.objects.count(), Group.objects.count())


def test_it_creates_the_district_and_three_logins(capsys, settings):
    settings.DEBUG = True
    call_command("load_demo")
    out = capsys.readouterr().out
    names = set(Organization.objects.values_list("name", flat=True))
    assert {
        "龙西社区",
        "龙北社区",
        "芙蓉社区",
        "平东社区",
        "新华乡",
        "区住建局",
        "区城管局",
        "区文明办",
        "交警大队",
        "区委组织部",
    } <= names
    assert Organization.objects.get(name="新华乡").kind == Organization.Kind.TOWNSHIP
    for login in ["coordinator", "longxi", "13800000001"]:
        assert login in out
    assert User.objects.get(username="coordinator").is_coordinator
    assert User.objects.get(username="longxi").is_handler


def test_running_it_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))
    before = counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert counts() == before


def test_it_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo")
    assert Organization.objects.count() == 0
