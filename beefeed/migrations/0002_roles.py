from django.db import migrations

from beefeed.roles import grant_app


def create_roles(apps, schema_editor):
    grant_app(apps, "beefeed")


class Migration(migrations.Migration):
    dependencies = [
        ("beefeed", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
