from django.db import migrations

from beefeed.roles import COORDINATORS, HANDLERS, grant


def grant_volunteer_permissions(apps, schema_editor):
    grant(apps, COORDINATORS, "volunteers", ["view_volunteer", "change_volunteer"])
    grant(apps, HANDLERS, "volunteers", ["view_volunteer"])


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial"), ("beefeed", "0002_roles")]

    operations = [migrations.RunPython(grant_volunteer_permissions, migrations.RunPython.noop)]
