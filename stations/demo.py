"""Demo hive stations around the district seat (see load_demo): hosts, hours, amenities,
donations and two months of visits logged by the station keepers."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from beefeed.models import Organization
from stations import pledges
from stations.models import Amenity, Donation, OpeningSpan, PartyPost, Pledge, Station, Visit, WishItem

COMMON = ["water", "kettle", "charger", "first_aid", "umbrella"]

# name, community, address, lat, lng, host, host kind, tier, hours, extra amenities
STATIONS = [
    (
        "龙北社区夜宵驿站",
        "龙北社区",
        "黄山区龙北路18号（夜宵店内）",
        30.2839,
        118.1418,
        "龙北夜宵店",
        "restaurant",
        "model",
        "all-night",
        ["fridge", "microwave", "air_conditioning", "restroom", "wifi"],
    ),
    (
        "龙北社区党群服务中心驿站",
        "龙北社区",
        "黄山区龙北路66号",
        30.2818,
        118.1447,
        "龙北社区党群服务中心",
        "community",
        "model",
        "08:00-20:00",
        ["books", "toolbox", "air_conditioning", "restroom", "wifi", "microwave"],
    ),
    (
        "龙西社区服务中心驿站",
        "龙西社区",
        "黄山区龙西路12号",
        30.2751,
        118.1311,
        "龙西社区服务中心",
        "community",
        "pilot",
        "08:00-18:00",
        ["books", "toolbox", "restroom", "air_conditioning"],
    ),
    (
        "广场花苑驿站",
        "龙西社区",
        "黄山区广场花苑小区南门",
        30.2733,
        118.1349,
        "广场花苑物业",
        "other",
        "plaqued",
        "07:00-21:00",
        ["toolbox"],
    ),
    (
        "芙蓉社区邻里驿站",
        "芙蓉社区",
        "黄山区芙蓉路29号",
        30.2672,
        118.1478,
        "芙蓉社区邻里中心",
        "community",
        "pilot",
        "08:00-20:00",
        ["books", "restroom", "wifi", "air_conditioning"],
    ),
    (
        "芙蓉物流园驿站",
        "芙蓉社区",
        "黄山区芙蓉物流园3号库",
        30.2641,
        118.1522,
        "顺达物流",
        "logistics",
        "plaqued",
        "06:00-23:00",
        ["fridge", "toolbox", "restroom", "microwave"],
    ),
    (
        "平东社区驿站",
        "平东社区",
        "黄山区平东路5号",
        30.2709,
        118.1571,
        "平东社区居委会",
        "community",
        "plaqued",
        "08:30-17:30",
        ["books", "restroom"],
    ),
    (
        "平东快递分拣点驿站",
        "平东社区",
        "黄山区平东工业路88号",
        30.2688,
        118.1603,
        "中通快递平东分拣点",
        "logistics",
        "plaqued",
        "evening",
        ["toolbox", "fridge", "restroom"],
    ),
    (
        "新华乡便民驿站",
        "新华乡",
        "黄山区新华乡政府东侧",
        30.2425,
        118.1214,
        "新华乡便民服务中心",
        "community",
        "pilot",
        "08:00-17:00",
        ["books", "restroom"],
    ),
    (
        "太平湖路爱心驿站",
        "芙蓉社区",
        "黄山区太平湖路101号",
        30.2699,
        118.1455,
        "太平湖路便利店",
        "shop",
        "plaqued",
        "07:00-22:00",
        ["fridge", "wifi"],
    ),
    (
        "仙源路餐饮驿站",
        "龙西社区",
        "黄山区仙源路36号",
        30.2768,
        118.1382,
        "仙源路小面馆",
        "restaurant",
        "plaqued",
        "late",
        ["microwave", "air_conditioning", "wifi"],
    ),
    (
        "汽车站驿站",
        "平东社区",
        "黄山区汽车站候车厅旁",
        30.2655,
        118.1589,
        "黄山区汽车站",
        "other",
        "model",
        "05:30-22:30",
        ["restroom", "air_conditioning", "wifi", "books"],
    ),
    (
        "甘棠路环卫驿站",
        "龙北社区",
        "黄山区甘棠路2号",
        30.2861,
        118.1395,
        "区环卫所",
        "other",
        "pilot",
        "05:00-19:00",
        ["toolbox", "restroom", "microwave"],
    ),
]

DONATIONS = [
    ("龙北社区夜宵驿站", "黄山家电城", "双门冰箱", 1, 95),
    ("芙蓉物流园驿站", "顺达物流", "空调", 1, 80),
    ("龙北社区党群服务中心驿站", "区图书馆", "图书", 200, 70),
    ("汽车站驿站", "黄山供电公司", "多口充电桩", 2, 50),
    ("仙源路餐饮驿站", "仙源路商户联盟", "微波炉", 1, 30),
    ("广场花苑驿站", "区红十字会", "急救箱", 2, 20),
]


def _spans(kind):
    if kind == "all-night":
        return []
    if kind == "evening":  # the sorting shift: afternoon into the night, past midnight
        return [(day, datetime.time(14), datetime.time(2)) for day in range(7)]
    if kind == "late":  # a noodle shop: lunch and late supper, till 01:00 at the weekend
        weekdays = [(day, datetime.time(10), datetime.time(22)) for day in range(5)]
        return weekdays + [(day, datetime.time(10), datetime.time(1)) for day in (5, 6)]
    opens, closes = (datetime.time.fromisoformat(t) for t in kind.split("-"))
    return [(day, opens, closes) for day in range(7)]


def load(log):
    amenities = {a.code: a for a in Amenity.objects.all()}
    rng = random.Random(13)
    today = timezone.localdate()
    for position, row in enumerate(STATIONS):
        name, community, address, lat, lng, host, host_kind, tier, kind, extra = row
        station, created = Station.objects.get_or_create(
            name=name,
            defaults={
                "community": Organization.objects.get(name=community),
                "address": address,
                "latitude": lat,
                "longitude": lng,
            },
        )
        if not station.host:
            station.host, station.host_kind, station.tier = host, host_kind, tier
            station.all_night = kind == "all-night"
            station.established = today - datetime.timedelta(days=400 - position * 20)
            station.description = f"{host}为户外劳动者提供歇脚、喝水、充电、应急等服务。"
            station.save()
            station.amenities.set([amenities[code] for code in COMMON + extra if code in amenities])
            OpeningSpan.objects.bulk_create(
                OpeningSpan(station=station, weekday=day, opens=opens, closes=closes)
                for day, opens, closes in _spans(kind)
            )
            _visits(station, busy=position == 0, rng=rng, today=today)
    for name, donor, item, quantity, days_ago in DONATIONS:
        Donation.objects.get_or_create(
            station=Station.objects.get(name=name),
            donor=donor,
            item=item,
            defaults={"quantity": quantity, "date": today - datetime.timedelta(days=days_ago)},
        )
    log(f"Stations: {Station.objects.count()}, visits logged: {Visit.objects.count()}")
    _wishes()
    log(f"Wish lists: {WishItem.objects.count()} items, {Pledge.objects.count()} pledge waiting")
    return []


# (station, item, unit, wanted, the demo donation that already gave it)
WISHES = [
    ("龙北社区夜宵驿站", "冰箱", "台", 1, "双门冰箱"),
    ("龙北社区夜宵驿站", "急救包", "个", 2, None),
    ("龙北社区夜宵驿站", "折叠躺椅", "把", 4, None),
    ("龙西社区服务中心驿站", "空调", "台", 1, None),
    ("龙西社区服务中心驿站", "冰箱", "台", 1, None),
    ("龙西社区服务中心驿站", "急救包", "个", 3, None),
    ("芙蓉物流园驿站", "空调", "台", 2, "空调"),
]


def _wishes():
    for position, (name, item, unit, wanted, given) in enumerate(WISHES):
        station = Station.objects.get(name=name)
        wish, _created = WishItem.objects.get_or_create(
            station=station, name=item, defaults={"unit": unit, "wanted": wanted, "position": position}
        )
        if given:
            Donation.objects.filter(station=station, item=given, wish=None).update(wish=wish)
    if not Pledge.objects.exists():
        station = Station.objects.get(name="龙西社区服务中心驿站")
        pledges.submit(
            station=station,
            wish=station.wishes.get(name="空调"),
            offer="",
            quantity=1,
            organization="黄山区家电商会",
            public_as=Pledge.PublicAs.ORGANIZATION,
            contact="demo-pledge@example.org",
            message="下周可以送货上门并安装。",
        )


def finish(log):
    """The 党员先锋岗 at the community's party service centre, once the volunteers exist."""
    station = Station.objects.get(name="龙北社区党群服务中心驿站")
    post, created = PartyPost.objects.get_or_create(station=station, defaults={"name": "党员先锋岗"})
    if created:
        members = get_user_model().objects.filter(volunteer__party_member=True).order_by("pk")[:5]
        post.on_duty.set(members)
    log(f"Party members' post at {station.name}: {post.on_duty.count()} on duty")


def _visits(station, *, busy, rng, today):
    """What the keeper logged each evening of the last two months."""
    services = [s for s, _label in Visit.Service.choices]
    rows = []
    for days_ago in range(60, 0, -1):
        at = timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(21))
        )
        count = rng.randint(7, 12) if busy else rng.randint(0, 5)
        if count:
            rows.append(Visit(station=station, count=count, service=rng.choice(services), at=at))
    Visit.objects.bulk_create(rows)
