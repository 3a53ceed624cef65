"""The append-only triggers let one change through: an erased volunteer's entry may have its
`reason` rewritten (to take the person's name out of a coordinator's text), and nothing else.
Every other UPDATE (and, on PostgreSQL, every DELETE) is still refused."""

from django.db import migrations

# Every column but `reason`: SQLite compares them one by one (a new column must be added here).
UNCHANGED = " AND ".join(
    f"NEW.{column} IS OLD.{column}"
    for column in (
        "id",
        "volunteer_id",
        "kind",
        "points",
        "hours",
        "item_id",
        "rule",
        "source",
        "reverses_id",
        "occurred_on",
        "created_at",
        "created_by_id",
    )
)
ERASED = "EXISTS (SELECT 1 FROM volunteers_volunteer v WHERE v.id = OLD.volunteer_id AND v.erased_at IS NOT NULL)"

SQLITE = [
    "DROP TRIGGER IF EXISTS volunteers_pointsentry_no_update;",
    f"""CREATE TRIGGER volunteers_pointsentry_no_update BEFORE UPDATE ON volunteers_pointsentry
    WHEN NOT ({UNCHANGED} AND {ERASED})
    BEGIN SELECT RAISE(ABORT, 'points entries are append-only'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS volunteers_pointsentry_no_update;",
    """CREATE TRIGGER volunteers_pointsentry_no_update BEFORE UPDATE ON volunteers_pointsentry
    BEGIN SELECT RAISE(ABORT, 'points entries are append-only'); END;""",
]

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION volunteers_pointsentry_append_only() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'reason') = (to_jsonb(OLD) - 'reason') AND {ERASED} THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'points entries are append-only';
    END; $$ LANGUAGE plpgsql;""",
]
POSTGRES_REVERSE = [
    """CREATE OR REPLACE FUNCTION volunteers_pointsentry_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'points entries are append-only'; END; $$ LANGUAGE plpgsql;""",
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
    dependencies = [("volunteers", "0007_erased_at")]

    operations = [migrations.RunPython(forwards, backwards)]
