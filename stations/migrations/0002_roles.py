from django.db import migrations

from beefeed.roles import COORDINATORS, HANDLERS, grant


def grant_station_permissions(apps, schema_editor):
    grant(apps, COORDINATORS, "stations", ["view_station", "add_station", "change_station"])
    grant(apps, HANDLERS, "stations", ["view_station"])


class Migration(migrations.Migration):
    dependencies = [("stations", "0001_initial"), ("beefeed", "0002_roles")]

    operations = [migrations.RunPython(grant_station_permissions, migrations.RunPython.noop)]
