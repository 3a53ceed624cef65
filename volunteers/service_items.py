"""The district's fifteen service items (服务项目) and their points rules.

Seeded by a data migration and again after every migrate (a flushed test
database keeps them); coordinators may change points later in the admin and
seeding never overwrites that.
"""

REPORT_ITEM = "city_feedback"  # 城市环境问题反馈: what a report earns its reporter (paid by issues.awards)

# code, name, unit, points, publication bonus, description
ITEMS = [
    (
        "city_feedback",
        "城市环境问题反馈",
        "report",
        5,
        3,
        "随手拍报送城市环境、设施、安全问题，派遣后得分，办结公示再加分。",
    ),
    ("public_opinion", "社情民意收集", "activity", 4, 0, "参加社情民意恳谈、入户走访，收集群众意见建议。"),
    ("civic_promotion", "文明城市宣传", "activity", 5, 0, "参加文明城市创建宣传活动。"),
    ("governance_watch", "基层治理监督", "activity", 5, 0, "参加社区议事、监督基层治理事项。"),
    ("patrol", "社区巡逻", "hour", 2, 0, "参加社区治安巡逻，按小时计分。"),
    ("hazard_check", "安全隐患排查", "hour", 3, 0, "随社区排查消防通道、电动车充电等安全隐患。"),
    ("traffic_persuasion", "交通文明劝导", "hour", 2, 0, "在路口劝导不戴头盔、闯红灯等不文明交通行为。"),
    ("flood_watch", "防汛防台巡查", "hour", 3, 0, "汛期、台风期间协助巡查积水点和危险区域。"),
    ("elder_care", "关爱独居老人", "activity", 5, 0, "结对探访独居、高龄老人，代购送药。"),
    ("emergency_help", "应急救援协助", "activity", 10, 0, "突发事件中协助疏导、转运物资。"),
    ("waste_sorting", "垃圾分类宣传", "activity", 4, 0, "在小区开展垃圾分类宣传和桶边督导。"),
    ("anti_fraud", "反诈宣传", "activity", 4, 0, "派送途中发放反诈宣传资料。"),
    ("seasonal_care", "送清凉送温暖", "activity", 5, 0, "参加夏季送清凉、冬季送温暖活动。"),
    ("station_duty", "驿站值守服务", "hour", 2, 0, "在蜂巢驿站值守、整理物资、接待户外劳动者。"),
    ("training", "志愿服务培训", "activity", 3, 0, "参加志愿服务、急救、消防等培训。"),
]


def seed(ServiceItem):
    for position, (code, name, unit, points, bonus, description) in enumerate(ITEMS):
        ServiceItem.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "points": points,
                "bonus_points": bonus,
                "description": description,
                "position": position,
            },
        )
