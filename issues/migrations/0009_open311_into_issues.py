"""The Open311 models move from the old `open311` app into `issues`, keeping every row.

A database made before the move holds the tables `open311_apiclient` and
`open311_clientreport`, content types with app label `open311` (which groups' permissions
point at), and a `django_migrations` row for `open311 0001_initial`. This migration renames
the tables to `issues_*`, relabels those content types (so permission ids, group grants and
admin log entries stay as they are) and drops the history rows of the app that no longer
exists. On a fresh database it creates the tables. Reversing it restores the old layout, so
the release before the move can run again.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.migrations.recorder import MigrationRecorder

OLD_APP = "open311"
MODELS = ["ApiClient", "ClientReport"]  # ApiClient first: ClientReport refers to it


def _tables(apps, schema_editor, old_prefix):
    existing = set(schema_editor.connection.introspection.table_names())
    for name in MODELS:
        model = apps.get_model("issues", name)
        yield model, f"{old_prefix}_{name.lower()}", existing


def move_tables_here(apps, schema_editor):
    for model, old_table, existing in _tables(apps, schema_editor, OLD_APP):
        if old_table in existing:
            schema_editor.alter_db_table(model, old_table, model._meta.db_table)
        else:
            schema_editor.create_model(model)
    MigrationRecorder(schema_editor.connection).migration_qs.filter(app=OLD_APP).delete()


def move_tables_back(apps, schema_editor):
    for model, old_table, _existing in _tables(apps, schema_editor, OLD_APP):
        schema_editor.alter_db_table(model, model._meta.db_table, old_table)
    MigrationRecorder(schema_editor.connection).record_applied(OLD_APP, "0001_initial")


def _relabel_content_types(apps, schema_editor, from_label, to_label):
    """Give `from_label`'s content types to `to_label`, keeping their ids and permissions.

    If `to_label` already has one (a post_migrate of the new code ran before this
    migration), its permissions' grants go over to the old one's and it is removed.
    """
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    for name in MODELS:
        kept = ContentType.objects.using(db).filter(app_label=from_label, model=name.lower()).first()
        if kept is None:
            continue
        duplicate = ContentType.objects.using(db).filter(app_label=to_label, model=name.lower()).first()
        if duplicate is not None:
            for perm in Permission.objects.using(db).filter(content_type=duplicate):
                twin = Permission.objects.using(db).filter(content_type=kept, codename=perm.codename).first()
                if twin is None:
                    perm.content_type = kept
                    perm.save(update_fields=["content_type"])
                    continue
                for group in Group.objects.using(db).filter(permissions=perm):
                    group.permissions.add(twin)
                for user in User.objects.using(db).filter(user_permissions=perm):
                    user.user_permissions.add(twin)
                perm.delete()
            duplicate.delete()
        kept.app_label = to_label
        kept.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()


def move_content_types_here(apps, schema_editor):
    _relabel_content_types(apps, schema_editor, OLD_APP, "issues")


def move_content_types_back(apps, schema_editor):
    _relabel_content_types(apps, schema_editor, "issues", OLD_APP)


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0008_event_action_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiClient",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                        (
                            "key_prefix",
                            models.CharField(editable=False, max_length=8, unique=True, verbose_name="key prefix"),
                        ),
                        ("key_hash", models.CharField(editable=False, max_length=64, verbose_name="key hash")),
                        (
                            "deferred_ids",
                            models.BooleanField(
                                default=False,
                                help_text="Answer a POST with a token instead of the request id.",
                                verbose_name="deferred ids",
                            ),
                        ),
                        (
                            "media_hosts",
                            models.TextField(
                                blank=True,
                                help_text="Host names from which this client's media_url photos may be fetched, "
                                "one per line.",
                                verbose_name="media hosts",
                            ),
                        ),
                        ("posts_per_hour", models.PositiveIntegerField(default=60, verbose_name="posts per hour")),
                        ("contact", models.CharField(blank=True, max_length=200, verbose_name="contact")),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="issued"),
                        ),
                        ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked")),
                    ],
                    options={
                        "verbose_name": "API client",
                        "verbose_name_plural": "API clients",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="ClientReport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("token", models.CharField(max_length=40, unique=True, verbose_name="token")),
                        ("account_id", models.CharField(blank=True, max_length=100, verbose_name="account id")),
                        ("device_id", models.CharField(blank=True, max_length=100, verbose_name="device id")),
                        ("email", models.CharField(blank=True, max_length=200, verbose_name="e-mail")),
                        ("first_name", models.CharField(blank=True, max_length=100, verbose_name="first name")),
                        ("last_name", models.CharField(blank=True, max_length=100, verbose_name="last name")),
                        ("phone", models.CharField(blank=True, max_length=40, verbose_name="phone")),
                        ("media_url", models.URLField(blank=True, max_length=500, verbose_name="media URL")),
                        (
                            "client",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="reports",
                                to="issues.apiclient",
                            ),
                        ),
                        (
                            "report",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="open311",
                                to="issues.report",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "report from an API client",
                        "verbose_name_plural": "reports from API clients",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("token", ""), _negated=True), name="client_report_has_token"
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_tables_here, move_tables_back),
        migrations.RunPython(move_content_types_here, move_content_types_back),
    ]
