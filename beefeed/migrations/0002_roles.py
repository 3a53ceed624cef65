from django.db import migrations

from beefeed.roles import COORDINATORS, HANDLERS, grant


def create_roles(apps, schema_editor):
    grant(
        apps,
        COORDINATORS,
        "beefeed",
        ["view_organization", "add_organization", "change_organization", "view_user", "change_user"],
    )
    grant(apps, HANDLERS, "beefeed", ["view_organization"])


class Migration(migrations.Migration):
    dependencies = [
        ("beefeed", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
