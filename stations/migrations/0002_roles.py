from django.db import migrations

from beefeed.roles import grant_app


def grant_station_permissions(apps, schema_editor):
    grant_app(apps, "stations")


class Migration(migrations.Migration):
    dependencies = [("stations", "0001_initial"), ("beefeed", "0002_roles")]

    operations = [migrations.RunPython(grant_station_permissions, migrations.RunPython.noop)]
