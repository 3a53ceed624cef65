from django.db import migrations

from beefeed.roles import grant_app


def grant_volunteer_permissions(apps, schema_editor):
    grant_app(apps, "volunteers")


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial"), ("beefeed", "0002_roles")]

    operations = [migrations.RunPython(grant_volunteer_permissions, migrations.RunPython.noop)]
