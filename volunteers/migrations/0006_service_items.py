from django.db import migrations

from volunteers.service_items import seed


def seed_items(apps, schema_editor):
    seed(apps.get_model("volunteers", "ServiceItem"))


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0005_ledger_append_only")]

    operations = [migrations.RunPython(seed_items, migrations.RunPython.noop)]
