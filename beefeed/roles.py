"""The two staff roles and what each may do.

Groups are created and given their permissions by data migrations (each app
grants the permissions on its own models), never by hand in the admin.
"""

COORDINATORS = "Coordinators"
HANDLERS = "Handlers"


def grant(apps, group_name, app_label, codenames):
    """Give `group_name` the permissions `codenames` of `app_label`.

    For use inside a data migration: permissions are normally created after
    migrate by a signal, so they are created here first.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    perms = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    missing = set(codenames) - {p.codename for p in perms}
    if missing:
        raise LookupError(f"unknown permissions in {app_label}: {sorted(missing)}")
    group.permissions.add(*perms)
