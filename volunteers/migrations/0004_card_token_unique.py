import volunteers.models
from django.db import migrations, models


class Migration(migrations.Migration):
    # Separate from 0003 so that PostgreSQL alters the table in a fresh transaction.
    dependencies = [("volunteers", "0003_ledger")]

    operations = [
        migrations.AlterField(
            model_name='volunteer',
            name='card_token',
            field=models.CharField(default=volunteers.models.new_card_token, editable=False, max_length=32, unique=True, verbose_name='card token'),
        ),
    ]
