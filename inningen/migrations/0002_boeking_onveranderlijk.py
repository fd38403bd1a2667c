"""On PostgreSQL the database itself refuses UPDATE and DELETE of ledger rows, so no code path
(raw SQL, a shell, a bug) can rewrite financial history. On SQLite the model guard suffices."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION inningen_boeking_onveranderlijk() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Boekingen zijn onveranderlijk; boek een correctie (%%)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER inningen_boeking_onveranderlijk
    BEFORE UPDATE OR DELETE ON inningen_boeking
    FOR EACH ROW EXECUTE FUNCTION inningen_boeking_onveranderlijk();
"""
DROP = """
DROP TRIGGER IF EXISTS inningen_boeking_onveranderlijk ON inningen_boeking;
DROP FUNCTION IF EXISTS inningen_boeking_onveranderlijk();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("inningen", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
