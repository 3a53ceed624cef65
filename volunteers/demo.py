"""Demo volunteers, about fifty as in the district's first months, with claims,
activities, a redemption list and an open redemption window (see load_demo).

`finish()` runs after every app's demo data (the reports pay their points
first) and closes the two quarters before the current one.
"""

import datetime
import io
import math
import random

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from beefeed.demo import DEMO_PASSWORD, DEMO_VOLUNTEER_PHONE
from beefeed.models import Organization, User
from volunteers import activities, membership, quarters, service_items, tallies
from volunteers.models import Activity, Quarter, RedemptionWindow, RewardItem, ServiceItem, Volunteer

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程"
GIVEN = ["伟", "芳", "军", "磊", "洋", "勇", "杰", "涛", "明", "超", "强", "平", "刚", "辉", "鹏", "华", "飞", "斌"]
EMPLOYERS = {
    Volunteer.WorkType.COURIER: ["中通快递", "圆通速递", "韵达快递", "顺丰速运", "中国邮政", "极兔速递"],
    Volunteer.WorkType.FOOD: ["美团外卖", "饿了么"],
    Volunteer.WorkType.RIDE: ["滴滴出行", "曹操出行"],
    Volunteer.WorkType.FREIGHT: ["货拉拉", "满帮"],
}
COUNT = 50
JOINED_DAYS_AGO = 210

CARD_RULES = (
    "1. 报送问题经派遣得5分，办结公示再加3分；重复、不实报送不计分。\n"
    "2. 巡逻、值守等按小时计分，宣传、帮扶等按次计分。\n"
    "3. 积分一季度一统计、一公示，一年度一兑换。\n"
    "4. 积分卡请妥善保管，参加活动时出示，由社区盖章确认。"
)

# title, service item code, days before today, hours
ACTIVITIES = [
    ("汛期积水点巡查", "flood_watch", 170, "3.0"),
    ("夏季送清凉进驿站", "seasonal_care", 140, "2.0"),
    ("龙西社区夜间巡逻", "patrol", 110, "2.5"),
    ("反诈宣传进小区", "anti_fraud", 75, "1.5"),
    ("垃圾分类桶边督导", "waste_sorting", 40, "2.0"),
    ("蜂巢驿站周末值守", "station_duty", 12, "4.0"),
]

REWARDS = [
    ("电动车头盔", "3C认证安全头盔", 120, 20),
    ("骑行雨衣", "分体式加厚雨衣", 80, 30),
    ("手机支架", "电动车防震手机支架", 40, 50),
    ("保温杯", "500毫升不锈钢保温杯", 60, 25),
    ("充电宝", "10000毫安时", 150, 10),
    ("理发券", "社区理发店通用", 30, 40),
    ("健康体检", "社区卫生服务中心基础体检", 300, 5),
]


def load(log):
    communities = list(Organization.objects.areas().order_by("name"))
    coordinator = User.objects.filter(username="coordinator").first()
    rng = random.Random(2026)
    password = make_password(DEMO_PASSWORD)
    joined = timezone.now() - datetime.timedelta(days=JOINED_DAYS_AGO)
    items = list(ServiceItem.objects.filter(active=True).exclude(code=service_items.REPORT_ITEM))
    feedback = ServiceItem.objects.get(code=service_items.REPORT_ITEM)
    for i in range(COUNT):
        phone = DEMO_VOLUNTEER_PHONE if i == 0 else f"138{rng.randint(10000000, 99999999)}"
        name = "叶小蜂" if i == 0 else rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN])
        work_type = rng.choice(list(EMPLOYERS))
        party = rng.random() < 0.3
        user, _ = User.objects.get_or_create(username=phone, defaults={"phone": phone, "password": password})
        pending = i >= COUNT - 3
        volunteer, created = Volunteer.objects.get_or_create(
            user=user,
            defaults={
                "name": name,
                "work_type": work_type,
                "employer": rng.choice(EMPLOYERS[work_type]),
                "community": Organization.objects.get(name="龙西社区") if i == 0 else rng.choice(communities),
                "party_member": party,
                "show_party_member": party and rng.random() < 0.7,
                "privacy_consent_at": joined,
                "status": Volunteer.Status.PENDING if pending else Volunteer.Status.APPROVED,
                "approved_at": None if pending else joined,
                "approved_by": None if pending else coordinator,
            },
        )
        claimed = [feedback, *rng.sample(items, rng.randint(1, 3))]
        if created:
            membership.set_claims(volunteer, claimed)
    _community_cards(communities)
    _activities(coordinator, rng)
    _rewards()
    log(f"Volunteers: {Volunteer.objects.count()}, activities: {Activity.objects.count()}")
    return []


def finish(log):
    """After the reports: close the two quarters before this one (一季度一统计)."""
    coordinator = User.objects.get(username="coordinator")
    first_of_this = quarters.quarter_bounds(*quarters.quarter_of(quarters.today()))[0]
    previous = quarters.quarter_of(first_of_this - datetime.timedelta(days=1))
    before = quarters.quarter_of(quarters.quarter_bounds(*previous)[0] - datetime.timedelta(days=1))
    for year, number in (before, previous):
        if not Quarter.objects.filter(year=year, number=number).exists():
            tallies.close_quarter(year, number, by=coordinator)
    log(f"Closed quarters: {', '.join(q.key for q in Quarter.objects.all())}")


def _community_cards(communities):
    for org in communities:
        changed = []
        if not org.card_rules:
            org.card_rules = CARD_RULES
            changed.append("card_rules")
        if not org.seal:
            org.seal.save(f"seal-{org.pk}.png", ContentFile(_seal_png()), save=False)
            changed.append("seal")
        if changed:
            org.save(update_fields=changed)


def _seal_png(size=240):
    """A red community seal drawn with Pillow: a ring and a five-pointed star (no text, no font needed)."""
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    red = (200, 16, 46, 230)
    draw.ellipse((8, 8, size - 8, size - 8), outline=red, width=10)
    draw.ellipse((30, 30, size - 30, size - 30), outline=red, width=3)
    centre, outer, inner = size / 2, size * 0.22, size * 0.09
    star = []
    for k in range(10):
        radius = outer if k % 2 == 0 else inner
        angle = -math.pi / 2 + k * math.pi / 5
        star.append((centre + radius * math.cos(angle), centre + radius * math.sin(angle)))
    draw.polygon(star, fill=red)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _activities(coordinator, rng):
    today = quarters.today()
    approved = list(Volunteer.objects.approved().order_by("pk"))
    for title, code, days_ago, hours in ACTIVITIES:
        date = today - datetime.timedelta(days=days_ago)
        item = ServiceItem.objects.get(code=code)
        activity, created = Activity.objects.get_or_create(
            title=title,
            date=date,
            defaults={"item": item, "hours": hours, "recorded_by": coordinator},
        )
        if created and not quarters.is_closed(date):
            activity.participants.set([approved[0], *rng.sample(approved[1:], rng.randint(8, 15))])
            activities.settle_activity(activity, by=coordinator)


def _rewards():
    for position, (name, description, cost, stock) in enumerate(REWARDS):
        RewardItem.objects.get_or_create(
            name=name, defaults={"description": description, "points": cost, "stock": stock, "position": position}
        )
    today = quarters.today()
    RedemptionWindow.objects.get_or_create(
        year=today.year,
        defaults={
            "opens_on": today - datetime.timedelta(days=14),
            "closes_on": today + datetime.timedelta(days=30),
            "note": "请到所在社区领取兑换物品。",
        },
    )
