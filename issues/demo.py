"""Demo categories, campaigns and about 125 reports of the last two months.

Reports go through the real workflow, back-dated, so their timelines,
deadlines and states are what the product itself would have produced.
Photos are drawn here with Pillow (no files copied from anywhere).
"""

import io
import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Case, F, When
from django.utils import timezone
from PIL import Image, ImageDraw

from beefeed import photos
from beefeed.models import Organization
from issues import workflow
from issues.models import IN_HAND, Action, Campaign, Category, RejectReason, ReplyTemplate, Report
from stations.models import Station
from volunteers.models import Volunteer

# name, code, short label, limit, unit, default organization (None: the report's community)
CATEGORIES = [
    ("环境卫生", "sanitation", "环境", 2, "working_days", None),
    ("管网破损", "pipes", "管网", 24, "hours", "区住建局"),
    ("车辆违停", "parking", "违停", 1, "working_days", "交警大队"),
    ("社情民意", "opinion", "民意", 5, "working_days", None),
    ("道路设施", "roads", "道路", 3, "working_days", "区住建局"),
    ("市容秩序", "cityscape", "市容", 2, "working_days", "区城管局"),
    ("安全隐患", "safety", "安全", 24, "hours", "区住建局"),
    ("文明创建", "civility", "文明", 5, "working_days", "区文明办"),
]

# (name, started days ago, goal, organizations taking part)
CAMPAIGNS = [
    (
        "背街小巷环境整治",
        58,
        "清理背街小巷卫生死角，两周内整改到位。",
        ["区城管局", "龙西社区", "龙北社区", "区文明办"],
    ),
    ("窨井盖安全排查", 52, "排查破损、缺失窨井盖，发现一处、整改一处。", ["区住建局", "区城管局", "芙蓉社区"]),
    ("电动车违停劝导", 45, "劝导电动车规范停放，畅通消防通道。", ["交警大队", "区城管局", "平东社区"]),
    ("文明城市创建宣传", 38, "小蜜蜂随手拍，助力文明城市创建。", ["区文明办", "新华乡", "龙西社区"]),
    ("夏季送清凉", 30, "为户外劳动者和小蜜蜂送清凉、解难题。", ["区委组织部", "区文明办"]),
    ("防汛安全隐患排查", 21, "汛前排查积水点和排水设施隐患。", ["区住建局", "新华乡", "龙北社区"]),
    (
        "老旧小区设施体检",
        10,
        "老旧小区路灯、管网、楼道设施全面体检。",
        ["区住建局", "龙西社区", "芙蓉社区", "平东社区"],
    ),
]

PLACES = {
    "龙西社区": ["龙西小区", "广场花苑小区", "仙源路", "龙西菜市场"],
    "龙北社区": ["龙北路", "甘棠路", "龙北新村", "北门广场"],
    "芙蓉社区": ["芙蓉路", "太平湖路", "芙蓉苑", "物流园"],
    "平东社区": ["平东路", "汽车站", "平东工业路", "平东小学"],
    "新华乡": ["新华村", "新华乡政府", "新华集镇", "新华桥"],
}

PROBLEMS = {
    "sanitation": ["{p}{n}栋的垃圾桶坏了", "{p}门口垃圾堆积无人清运", "{p}绿化带里有建筑垃圾"],
    "pipes": ["{p}{n}栋窨井盖破损", "{p}路面下水道堵塞冒水", "{p}自来水管漏水"],
    "parking": ["{p}消防通道被车辆占用", "{p}人行道上电动车乱停", "{p}公交站台前有车违停"],
    "opinion": ["{p}居民反映夜间施工噪音大", "{p}居民希望增设休息座椅", "{p}老人反映缺少无障碍通道"],
    "roads": ["{p}路灯不亮", "{p}路面有大坑", "{p}护栏倒伏"],
    "cityscape": ["{p}占道经营", "{p}小广告乱贴", "{p}店招破损"],
    "safety": ["{p}{n}栋楼道堆放杂物堵塞通道", "{p}电线私拉乱接给电动车充电", "{p}围墙开裂有倒塌危险"],
    "civility": ["{p}公益广告牌破损", "{p}宣传栏内容过期", "{p}文明劝导点无人值守"],
}

RESOLUTIONS = {
    "sanitation": "已安排保洁人员清理，并更换新垃圾桶。",
    "pipes": "已更换窨井盖并做好警示，管道已疏通。",
    "parking": "已联系车主挪车，并在该处设置禁停提示。",
    "opinion": "已与居民沟通，相关诉求已落实。",
    "roads": "已完成维修，恢复正常使用。",
    "cityscape": "已劝离占道经营并清理小广告。",
    "safety": "已清理杂物，排除隐患，并开展安全宣传。",
    "civility": "已更新宣传内容并修复破损设施。",
}

# Reply templates (回复模板) the coordinators keep: (move, category code or None for every category, text).
REPLY_TEMPLATES = [
    (Action.REJECT, None, "该问题已有其他小蜜蜂上报，正在处理中，感谢您的反馈。"),
    (Action.REJECT, None, "该问题不属于本区受理范围，已转告相关单位。"),
    (Action.REJECT, None, "照片和描述不足以确定位置，请补充具体地址后重新上报。"),
    (Action.DISPATCH, None, "请尽快到现场核实处理，办结时上传整改后照片。"),
    (Action.START, None, "已安排人员前往现场处理。"),
    (Action.RESOLVE, None, "已到现场处理完毕，恢复正常。"),
    *((Action.RESOLVE, code, text) for code, text in RESOLUTIONS.items()),
    (Action.RETURN, None, "不属于本单位职责范围，请改派。"),
    (Action.RETURN, None, "现场未发现所述问题，请核实位置。"),
    (Action.PUBLISH, None, "经核实已整改到位，予以公示。"),
    (Action.REOPEN, None, "现场核查问题仍未解决，请重新处理。"),
]

# how many reports end in each state (125 in all, 83 solved and published)
PLAN = (
    ["published"] * 83
    + ["rejected"] * 8
    + ["returned"] * 4
    + ["submitted"] * 10
    + ["dispatched"] * 9
    + ["in_progress"] * 6
    + ["resolved"] * 5
)


def load(log):
    orgs = {o.name: o for o in Organization.objects.all()}
    for position, (name, code, label, limit, unit, org) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "short_label": label,
                "time_limit": limit,
                "time_limit_unit": unit,
                "default_organization": orgs.get(org),
                "position": position,
            },
        )
    _reply_templates()
    today = timezone.localdate()
    for name, days_ago, goal, taking_part in CAMPAIGNS:
        campaign, created = Campaign.objects.get_or_create(
            name=name,
            defaults={
                "starts_on": today - timedelta(days=days_ago),
                "ends_on": today - timedelta(days=days_ago - 14),
                "goal": goal,
            },
        )
        if created:
            campaign.organizations.set([orgs[n] for n in taking_part if n in orgs])
    if not Report.objects.exists():
        _reports(orgs)
    categories, campaigns = Category.objects.count(), Campaign.objects.count()
    log(f"Categories: {categories}, campaigns: {campaigns}, reports: {Report.objects.count()}")
    return []


def _reply_templates():
    categories = {c.code: c for c in Category.objects.all()}
    for position, (action, code, text) in enumerate(REPLY_TEMPLATES):
        ReplyTemplate.objects.get_or_create(
            action=action, category=categories.get(code), text=text, defaults={"position": position}
        )


def _reports(orgs):
    User = get_user_model()
    rng = random.Random(125)
    coordinator = User.objects.get(username="coordinator")
    volunteers = list(Volunteer.objects.approved().select_related("user").order_by("pk"))
    categories = list(Category.objects.all())
    campaigns = list(Campaign.objects.all())
    stations = list(Station.objects.all())
    handlers = _handlers(orgs)
    now = timezone.now()
    plan = PLAN[:]
    rng.shuffle(plan)
    published = []
    for i, outcome in enumerate(plan):
        category = categories[i % len(categories)]
        community_name = rng.choice(list(PLACES))
        place = rng.choice(PLACES[community_name])
        community = orgs[community_name]
        text = rng.choice(PROBLEMS[category.code]).format(p=place, n=rng.randint(1, 20))
        if i == 0:
            category, community, text = (
                _category(categories, "sanitation"),
                orgs["龙西社区"],
                "广场花苑小区3栋的垃圾桶坏了",
            )
        elif i == 1:
            category, community, text = _category(categories, "pipes"), orgs["龙西社区"], "龙西小区12栋窨井盖破损"
        # recent reports are the ones still open
        if outcome in ("submitted",):
            age = timedelta(hours=rng.uniform(1, 40))
        elif outcome in ("dispatched", "in_progress", "returned", "resolved"):
            age = timedelta(days=rng.uniform(1, 9))
        else:
            age = timedelta(days=rng.uniform(3, 150))  # published ones reach back into closed quarters
        created = now - age
        reporter = volunteers[0] if i < 6 else rng.choice(volunteers)
        lat = (community.latitude or 30.27) + rng.uniform(-0.004, 0.004)
        lng = (community.longitude or 118.14) + rng.uniform(-0.004, 0.004)
        report = workflow.submit_report(
            volunteer=reporter,
            category=category,
            description=text,
            community=community,
            latitude=round(lat, 6),
            longitude=round(lng, 6),
            address=f"{community_name}{place}",
            station=rng.choice(stations) if stations and rng.random() < 0.15 else None,
            campaign=rng.choice(campaigns) if rng.random() < 0.4 else None,
            photos=[_photo(rng, category.position, before=True)],
            now=created,
            notify=False,
        )
        if outcome == "submitted":
            continue
        t = created + timedelta(hours=rng.uniform(0.3, min(6, age.total_seconds() / 3600 * 0.3)))
        if outcome == "rejected":
            if published and rng.random() < 0.6:
                workflow.reject(
                    report,
                    by=coordinator,
                    reason=RejectReason.DUPLICATE,
                    duplicate_of=rng.choice(published),
                    now=t,
                    notify=False,
                )
            else:
                reason = rng.choice([RejectReason.OUT_OF_SCOPE, RejectReason.NOT_ENOUGH_INFO])
                workflow.reject(report, by=coordinator, reason=reason, now=t, notify=False)
            continue
        workflow.dispatch(report, by=coordinator, now=t, notify=False)
        handler = handlers[report.assignee_id]
        if outcome == "dispatched":
            continue
        if outcome == "returned":
            workflow.return_report(
                report, by=handler, reason="不属于本单位职责范围，请改派。", now=t + timedelta(hours=2), notify=False
            )
            continue
        limit = report.deadline - t
        workflow.start(report, by=handler, now=t + limit * 0.1, notify=False)
        if rng.random() < 0.08:
            # The handler asks for more time (延期); most requests are granted, some wait or are refused.
            asked = t + limit * 0.5
            extension = workflow.request_extension(
                report,
                by=handler,
                deadline=report.deadline + timedelta(days=2),
                reason="需要协调相关部门和采购材料，申请延期两天。",
                now=asked,
            )
            if outcome != "in_progress" or rng.random() < 0.5:
                workflow.decide_extension(
                    extension, by=coordinator, grant=rng.random() < 0.8, now=asked + timedelta(hours=2)
                )
            report.refresh_from_db()
            limit = report.deadline - t
        if outcome == "in_progress":
            continue
        late = rng.random() < 0.12
        done_at = t + limit * (rng.uniform(1.05, 1.6) if late else rng.uniform(0.2, 0.9))
        done_at = min(done_at, now - timedelta(minutes=30))
        workflow.resolve(
            report,
            by=handler,
            note=RESOLUTIONS[category.code],
            photos=[_photo(rng, category.position, before=False)],
            now=done_at,
            notify=False,
        )
        if outcome == "resolved":
            continue
        if rng.random() < 0.8:  # the reporter went back and rated it; the others were published unrated
            score = rng.choices(["satisfied", "fairly", "dissatisfied"], weights=[75, 20, 5])[0]
            comment = {
                "satisfied": "已经处理好了，谢谢！",
                "fairly": "基本处理好了。",
                "dissatisfied": "还没有彻底解决。",
            }[score]
            workflow.rate(
                report,
                volunteer=report.reporter,
                score=score,
                comment=comment,
                now=min(done_at + timedelta(hours=rng.uniform(1, 24)), now),
            )
        workflow.publish(
            report, by=coordinator, now=min(done_at + timedelta(hours=rng.uniform(1, 12)), now), notify=False
        )
        published.append(report)
    _joint_handling(coordinator, handlers, now)


def _joint_handling(coordinator, handlers, now):
    """A few reports in hand at a department, with the community where they happen asked to assist
    (协办), and the community's note on what it found."""
    led_elsewhere = (
        Report.objects.filter(state__in=IN_HAND, assignee__kind=Organization.Kind.DEPARTMENT)
        .exclude(assignee=F("community"))
        .select_related("assignee", "community")
        # 龙西社区's first, so that the demo's community login (longxi) has one to assist with.
        .order_by(Case(When(community__name="龙西社区", then=0), default=1), "pk")[:3]
    )
    for report in led_elsewhere:
        asked = max(report.dispatched_at + timedelta(hours=1), now - timedelta(hours=20))
        workflow.assist(
            report,
            by=handlers[report.assignee_id],
            organization=report.community,
            note="请社区协助联系物业、入户核实。",
            now=asked,
            notify=False,
        )
        workflow.add_note(
            report,
            by=handlers[report.community_id],
            note="已联系物业，明天上午陪同到现场。",
            now=min(asked + timedelta(hours=3), now),
        )


def _category(categories, code):
    return next(c for c in categories if c.code == code)


def _handlers(orgs):
    """A handler account for every organization that may receive work."""
    from django.contrib.auth.models import Group

    from beefeed.demo import DEMO_PASSWORD, EMAIL_SLUG
    from beefeed.roles import HANDLERS

    User = get_user_model()
    group = Group.objects.get(name=HANDLERS)
    handlers = {}
    for org in orgs.values():
        username = "longxi" if org.name == "龙西社区" else f"{EMAIL_SLUG[org.name]}"
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"organization": org, "is_staff": True, "email": f"{username}@example.org", "last_name": org.name},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(group)
        handlers[org.pk] = user
    return handlers


PALETTE = [
    (120, 144, 156),
    (96, 125, 139),
    (141, 110, 99),
    (104, 159, 56),
    (158, 158, 158),
    (121, 85, 72),
    (230, 81, 0),
    (25, 118, 210),
]


def _photo(rng, seed, *, before):
    """A drawn street scene: grey and worn before, clean and green after."""
    image = Image.new("RGB", (1024, 768), (200, 200, 195) if before else (220, 235, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 520, 1024, 768], fill=(110, 110, 110) if before else (150, 150, 150))
    colour = PALETTE[seed % len(PALETTE)]
    x = rng.randint(150, 650)
    draw.rectangle([x, 260, x + 220, 560], fill=colour, outline=(40, 40, 40), width=6)
    if before:
        for _ in range(6):
            cx, cy = rng.randint(x - 80, x + 300), rng.randint(480, 700)
            draw.ellipse([cx, cy, cx + 60, cy + 30], fill=(80, 70, 60))
        draw.line([x + 20, 280, x + 200, 540], fill=(30, 30, 30), width=10)
    else:
        draw.ellipse([820, 60, 940, 180], fill=(250, 200, 60))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return photos.process_bytes(buffer.getvalue())
