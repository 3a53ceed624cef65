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


def test_the_readme_tells_the_truth_about_the_demo(settings):
    """The figures the README gives for the demo district are what a fresh load makes."""
    import re
    from pathlib import Path

    from issues.models import Campaign, Category, Report
    from stations.models import Donation, Station
    from volunteers import points
    from volunteers.models import Activity, RewardItem, Volunteer

    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))
    readme = Path(__file__).resolve().parents[2].joinpath("README.md").read_text()
    paragraph = " ".join(readme[readme.index("The demo district has") :].split("\n\n")[0].split())
    said = {
        "organizations": r"has (\d+) organizations",
        "stations": r"(\d+) hive stations",
        "donations": r"amenities, (\w+) donations",
        "volunteers": r"(\d+) volunteers",
        "pending": r"\((\w+) still waiting",
        "categories": r"the (\d+) categories",
        "campaigns": r"(\d+) campaigns",
        "reports": r"(\d+) reports",
        "activities": r"; (\w+) activities",
        "rewards": r"list of (\w+) rewards",
    }
    words = {"two": 2, "three": 3, "six": 6, "seven": 7}
    told = {}
    for key, pattern in said.items():
        found = re.search(pattern, paragraph)
        assert found, f"the README no longer says how many {key}"
        told[key] = int(words.get(found.group(1), found.group(1)))
    made = {
        "organizations": Organization.objects.count(),
        "stations": Station.objects.count(),
        "donations": Donation.objects.count(),
        "volunteers": Volunteer.objects.count(),
        "pending": Volunteer.objects.filter(status=Volunteer.Status.PENDING).count(),
        "categories": Category.objects.count(),
        "campaigns": Campaign.objects.count(),
        "reports": Report.objects.count(),
        "activities": Activity.objects.count(),
        "rewards": RewardItem.objects.count(),
    }
    assert told == made
    demo = Volunteer.objects.get(user__phone="13800000001")
    cheapest = RewardItem.objects.order_by("points").first()
    assert points.balance(demo) >= cheapest.points  # "enough points for the cheaper ones"
