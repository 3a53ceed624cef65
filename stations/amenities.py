"""The amenities a station can offer; each code has an icon in templates/stations/_icons.html.

Seeded by a data migration and after every migrate (like the service items);
coordinators may rename them in the admin.
"""

AMENITIES = [
    ("water", "饮用水"),
    ("kettle", "热水壶"),
    ("charger", "充电"),
    ("first_aid", "急救箱"),
    ("toolbox", "工具箱"),
    ("books", "图书"),
    ("fridge", "冰箱"),
    ("air_conditioning", "空调"),
    ("microwave", "微波炉"),
    ("restroom", "卫生间"),
    ("wifi", "无线网络"),
    ("umbrella", "爱心雨伞"),
]


def seed(Amenity):
    for position, (code, name) in enumerate(AMENITIES):
        Amenity.objects.get_or_create(code=code, defaults={"name": name, "position": position})
