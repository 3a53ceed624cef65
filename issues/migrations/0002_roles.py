from django.db import migrations

from beefeed.roles import grant_app


def grant_issue_permissions(apps, schema_editor):
    grant_app(apps, "issues")


class Migration(migrations.Migration):
    dependencies = [("issues", "0001_initial"), ("beefeed", "0002_roles")]

    operations = [migrations.RunPython(grant_issue_permissions, migrations.RunPython.noop)]
