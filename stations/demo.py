"""Demo hive stations around the district seat (see load_demo)."""

from beefeed.models import Organization
from stations.models import Station

# name, community, address, latitude, longitude
STATIONS = [
    ("龙北社区夜宵驿站", "龙北社区", "黄山区龙北路18号（夜宵店内）", 30.2839, 118.1418),
    ("龙北社区党群服务中心驿站", "龙北社区", "黄山区龙北路66号", 30.2818, 118.1447),
    ("龙西社区服务中心驿站", "龙西社区", "黄山区龙西路12号", 30.2751, 118.1311),
    ("广场花苑驿站", "龙西社区", "黄山区广场花苑小区南门", 30.2733, 118.1349),
    ("芙蓉社区邻里驿站", "芙蓉社区", "黄山区芙蓉路29号", 30.2672, 118.1478),
    ("芙蓉物流园驿站", "芙蓉社区", "黄山区芙蓉物流园3号库", 30.2641, 118.1522),
    ("平东社区驿站", "平东社区", "黄山区平东路5号", 30.2709, 118.1571),
    ("平东快递分拣点驿站", "平东社区", "黄山区平东工业路88号", 30.2688, 118.1603),
    ("新华乡便民驿站", "新华乡", "黄山区新华乡政府东侧", 30.2425, 118.1214),
    ("太平湖路爱心驿站", "芙蓉社区", "黄山区太平湖路101号", 30.2699, 118.1455),
    ("仙源路餐饮驿站", "龙西社区", "黄山区仙源路36号", 30.2768, 118.1382),
    ("汽车站驿站", "平东社区", "黄山区汽车站候车厅旁", 30.2655, 118.1589),
    ("甘棠路环卫驿站", "龙北社区", "黄山区甘棠路2号", 30.2861, 118.1395),
]


def load(log):
    for name, community, address, lat, lng in STATIONS:
        Station.objects.get_or_create(
            name=name,
            defaults={
                "community": Organization.objects.get(name=community),
                "address": address,
                "latitude": lat,
                "longitude": lng,
            },
        )
    log(f"Stations: {Station.objects.count()}")
    return []
