from django.db import migrations

from stations.amenities import seed


def seed_amenities(apps, schema_editor):
    seed(apps.get_model("stations", "Amenity"))


class Migration(migrations.Migration):
    dependencies = [("stations", "0003_station_details")]

    operations = [migrations.RunPython(seed_amenities, migrations.RunPython.noop)]
