"""Demo volunteers, about fifty as in the district's first months (see load_demo)."""

import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from beefeed.demo import DEMO_PASSWORD, DEMO_VOLUNTEER_PHONE
from beefeed.models import Organization, User
from volunteers.models import Volunteer

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程"
GIVEN = ["伟", "芳", "军", "磊", "洋", "勇", "杰", "涛", "明", "超", "强", "平", "刚", "辉", "鹏", "华", "飞", "斌"]
EMPLOYERS = {
    Volunteer.WorkType.COURIER: ["中通快递", "圆通速递", "韵达快递", "顺丰速运", "中国邮政", "极兔速递"],
    Volunteer.WorkType.FOOD: ["美团外卖", "饿了么"],
    Volunteer.WorkType.RIDE: ["滴滴出行", "曹操出行"],
    Volunteer.WorkType.FREIGHT: ["货拉拉", "满帮"],
}
COUNT = 50


def load(log):
    communities = list(Organization.objects.areas().order_by("name"))
    coordinator = User.objects.filter(username="coordinator").first()
    rng = random.Random(2026)
    password = make_password(DEMO_PASSWORD)
    joined = timezone.now() - timezone.timedelta(days=75)
    for i in range(COUNT):
        phone = DEMO_VOLUNTEER_PHONE if i == 0 else f"138{rng.randint(10000000, 99999999)}"
        name = "叶小蜂" if i == 0 else rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN])
        work_type = rng.choice(list(EMPLOYERS))
        user, _ = User.objects.get_or_create(username=phone, defaults={"phone": phone, "password": password})
        pending = i >= COUNT - 3
        Volunteer.objects.get_or_create(
            user=user,
            defaults={
                "name": name,
                "work_type": work_type,
                "employer": rng.choice(EMPLOYERS[work_type]),
                "community": Organization.objects.get(name="龙西社区") if i == 0 else rng.choice(communities),
                "status": Volunteer.Status.PENDING if pending else Volunteer.Status.APPROVED,
                "approved_at": None if pending else joined,
                "approved_by": None if pending else coordinator,
            },
        )
    log(f"Volunteers: {Volunteer.objects.count()}")
    return []
