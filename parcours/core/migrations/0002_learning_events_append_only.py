"""Make the learning event record append-only in the database itself.

The record is evidence (Qualiopi audits, certificates, progress disputes): no code
path, admin action or hand-written SQL may rewrite what happened. Only the actor may
be cleared, which is what erasing a person does (ON DELETE SET NULL).
"""

from django.db import migrations

CONTENT_COLUMNS = "occurred_at, verb, object_type, object_id, object_name, organisation_id, result, context"

SQLITE_UP = [
    f"""
    CREATE TRIGGER core_learningevent_append_only
    BEFORE UPDATE OF {CONTENT_COLUMNS} ON core_learningevent
    BEGIN
        SELECT RAISE(ABORT, 'learning events are append-only');
    END;
    """,
    """
    CREATE TRIGGER core_learningevent_actor_only_cleared
    BEFORE UPDATE OF actor_id ON core_learningevent
    WHEN NEW.actor_id IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, 'learning events are append-only');
    END;
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_learningevent_append_only",
    "DROP TRIGGER IF EXISTS core_learningevent_actor_only_cleared",
]

POSTGRES_UP = """
CREATE FUNCTION core_learningevent_refuse_update() RETURNS trigger AS $$
BEGIN
    IF (NEW.occurred_at, NEW.verb, NEW.object_type, NEW.object_id, NEW.object_name,
        NEW.organisation_id, NEW.result::text, NEW.context::text)
       IS DISTINCT FROM
       (OLD.occurred_at, OLD.verb, OLD.object_type, OLD.object_id, OLD.object_name,
        OLD.organisation_id, OLD.result::text, OLD.context::text)
       OR (NEW.actor_id IS DISTINCT FROM OLD.actor_id AND NEW.actor_id IS NOT NULL) THEN
        RAISE EXCEPTION 'learning events are append-only';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_learningevent_append_only
BEFORE UPDATE ON core_learningevent
FOR EACH ROW EXECUTE FUNCTION core_learningevent_refuse_update();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS core_learningevent_append_only ON core_learningevent;
DROP FUNCTION IF EXISTS core_learningevent_refuse_update();
"""


def forwards(apps, schema_editor):
    _run(schema_editor, SQLITE_UP if schema_editor.connection.vendor == "sqlite" else POSTGRES_UP)


def backwards(apps, schema_editor):
    _run(schema_editor,
         SQLITE_DOWN if schema_editor.connection.vendor == "sqlite" else POSTGRES_DOWN)


def _run(schema_editor, sql):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        # SQLite runs one statement per call.
        for statement in sql:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
