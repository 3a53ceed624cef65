"""The two staff roles and what each may do: the one home of role permissions.

Data migrations create the groups and grant these permissions, and a
post_migrate hook re-applies them (so a flushed test database, or a model
added later, gets them too). Nobody sets them by hand in the admin.
"""

COORDINATORS = "Coordinators"
HANDLERS = "Handlers"

PERMISSIONS = {
    COORDINATORS: {
        "beefeed": ["view_organization", "add_organization", "change_organization", "view_user", "change_user"],
        "stations": [
            "view_station",
            "add_station",
            "change_station",
            "view_amenity",
            "add_amenity",
            "change_amenity",
            "view_openingspan",
            "add_openingspan",
            "change_openingspan",
            "delete_openingspan",
            "view_stationphoto",
            "add_stationphoto",
            "change_stationphoto",
            "delete_stationphoto",
            "view_donation",
            "add_donation",
            "change_donation",
            "view_visit",
            "add_visit",
            "view_wishitem",
            "add_wishitem",
            "change_wishitem",
            "delete_wishitem",
            "view_pledge",
            "change_pledge",
            "view_partypost",
            "add_partypost",
            "change_partypost",
            "delete_partypost",
        ],
        "volunteers": [
            "view_volunteer",
            "change_volunteer",
            "view_serviceitem",
            "add_serviceitem",
            "change_serviceitem",
            "view_claim",
            "view_activity",
            "add_activity",
            "change_activity",
            "view_pointsentry",
            "add_pointsentry",
            "view_quarter",
            "add_quarter",
            "view_quartertally",
            "view_rewarditem",
            "add_rewarditem",
            "change_rewarditem",
            "view_redemptionwindow",
            "add_redemptionwindow",
            "change_redemptionwindow",
            "view_redemption",
            "change_redemption",
        ],
        "issues": [
            "view_report",
            "view_reportphoto",
            "view_reportevent",
            "change_report",
            "view_triagereport",
            "change_triagereport",
            "view_category",
            "add_category",
            "change_category",
            "view_campaign",
            "add_campaign",
            "change_campaign",
            "view_extensionrequest",
            "view_rating",
            "change_rating",
            "view_supervisionnotice",
            "view_apiclient",
            "add_apiclient",
            "change_apiclient",
            "view_clientreport",
            "view_replytemplate",
            "add_replytemplate",
            "change_replytemplate",
            "delete_replytemplate",
        ],
    },
    HANDLERS: {
        "beefeed": ["view_organization"],
        "stations": [
            "view_station",
            "view_amenity",
            "view_openingspan",
            "view_stationphoto",
            "view_donation",
            "view_visit",
            "add_visit",
            "view_wishitem",
        ],
        "volunteers": ["view_volunteer", "view_serviceitem", "view_activity", "view_pointsentry", "view_quarter"],
        "issues": [
            "view_report",
            "view_reportphoto",
            "view_reportevent",
            "view_category",
            "view_campaign",
            "view_extensionrequest",
            "add_extensionrequest",
            "view_rating",
            "view_replytemplate",
        ],
    },
}


def grant_app(apps, app_label, *, strict=False):
    """Give both roles their permissions on `app_label`'s models (idempotent).

    A data migration sees the models of its time only, so it grants what
    exists then; the post_migrate hook (strict) grants the rest and fails
    loudly on a codename that no model has.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    if getattr(app_config, "models_module", None) is None:
        app_config.models_module = True  # a migration-state stub: create_permissions skips it otherwise
    create_permissions(app_config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, by_app in PERMISSIONS.items():
        codenames = by_app.get(app_label, [])
        group, _ = Group.objects.get_or_create(name=group_name)
        perms = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
        missing = set(codenames) - {p.codename for p in perms}
        if missing and strict:
            raise LookupError(f"unknown permissions in {app_label}: {sorted(missing)}")
        group.permissions.add(*perms)


def sync_roles(sender=None, apps=None, **kwargs):
    """post_migrate: make sure both roles exist with all their permissions."""
    from django.apps import apps as global_apps

    apps = apps or global_apps
    for app_label in PERMISSIONS[COORDINATORS]:
        try:
            apps.get_app_config(app_label)
        except LookupError:
            continue
        grant_app(apps, app_label, strict=True)
