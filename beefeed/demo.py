"""Demo organizations and staff logins (see load_demo)."""

from django.contrib.auth.models import Group

from beefeed.models import Organization, User
from beefeed.roles import COORDINATORS, HANDLERS

DEMO_PASSWORD = "beefeed2026"
DEMO_VOLUNTEER_PHONE = "13800000001"

# name, kind, latitude, longitude (community offices around the district seat)
ORGANIZATIONS = [
    ("龙西社区", Organization.Kind.COMMUNITY, 30.2745, 118.1322),
    ("龙北社区", Organization.Kind.COMMUNITY, 30.2828, 118.1431),
    ("芙蓉社区", Organization.Kind.COMMUNITY, 30.2668, 118.1485),
    ("平东社区", Organization.Kind.COMMUNITY, 30.2702, 118.1560),
    ("新华乡", Organization.Kind.TOWNSHIP, 30.2420, 118.1205),
    ("区住建局", Organization.Kind.DEPARTMENT, None, None),
    ("区城管局", Organization.Kind.DEPARTMENT, None, None),
    ("区文明办", Organization.Kind.DEPARTMENT, None, None),
    ("交警大队", Organization.Kind.DEPARTMENT, None, None),
    ("区委组织部", Organization.Kind.OFFICE, None, None),
]

EMAIL_SLUG = {
    "龙西社区": "longxi",
    "龙北社区": "longbei",
    "芙蓉社区": "furong",
    "平东社区": "pingdong",
    "新华乡": "xinhua",
    "区住建局": "zhujian",
    "区城管局": "chengguan",
    "区文明办": "wenming",
    "交警大队": "jiaojing",
    "区委组织部": "zuzhibu",
}


def load(log):
    for name, kind, lat, lng in ORGANIZATIONS:
        slug = EMAIL_SLUG[name]
        Organization.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "latitude": lat,
                "longitude": lng,
                "contact_email": f"{slug}@example.org",
                "head_email": f"{slug}-head@example.org",
            },
        )
    office = Organization.objects.get(name="区委组织部")
    longxi = Organization.objects.get(name="龙西社区")
    coordinator = _staff("coordinator", "王", "协调", office, COORDINATORS)
    handler = _staff("longxi", "李", "社区", longxi, HANDLERS)
    log(f"Organizations: {Organization.objects.count()}")
    return [
        ("coordinator", coordinator.username, DEMO_PASSWORD),
        ("handler", handler.username, DEMO_PASSWORD),
        ("volunteer", DEMO_VOLUNTEER_PHONE, DEMO_PASSWORD),
    ]


def _staff(username, last_name, first_name, organization, group_name):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "last_name": last_name,
            "first_name": first_name,
            "organization": organization,
            "is_staff": True,
            "email": f"{username}@example.org",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=group_name))
    return user
