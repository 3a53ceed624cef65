from django.db import migrations

from beefeed.roles import COORDINATORS, HANDLERS, grant


def grant_issue_permissions(apps, schema_editor):
    grant(
        apps,
        COORDINATORS,
        "issues",
        [
            "view_report",
            "change_report",
            "view_triagereport",
            "change_triagereport",
            "view_category",
            "add_category",
            "change_category",
            "view_campaign",
            "add_campaign",
            "change_campaign",
        ],
    )
    grant(apps, HANDLERS, "issues", ["view_report", "view_category", "view_campaign"])


class Migration(migrations.Migration):
    dependencies = [("issues", "0001_initial"), ("beefeed", "0002_roles")]

    operations = [migrations.RunPython(grant_issue_permissions, migrations.RunPython.noop)]
