"""The database itself refuses to change a points entry (deleting is refused by the
model and, on PostgreSQL, by a trigger; SQLite's test flush deletes rows, so
there only UPDATE is refused)."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER volunteers_pointsentry_no_update BEFORE UPDATE ON volunteers_pointsentry
    BEGIN SELECT RAISE(ABORT, 'points entries are append-only'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS volunteers_pointsentry_no_update;"]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION volunteers_pointsentry_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'points entries are append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER volunteers_pointsentry_append_only BEFORE UPDATE OR DELETE ON volunteers_pointsentry
    FOR EACH ROW EXECUTE FUNCTION volunteers_pointsentry_append_only();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS volunteers_pointsentry_append_only ON volunteers_pointsentry;",
    "DROP FUNCTION IF EXISTS volunteers_pointsentry_append_only();",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0004_card_token_unique")]

    operations = [migrations.RunPython(forwards, backwards)]
