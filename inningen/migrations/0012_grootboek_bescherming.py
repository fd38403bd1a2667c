"""Statement-level protection of the ledger on PostgreSQL (issue #15, finding 11).

- TRUNCATE of inningen_boeking is refused: the row trigger of 0002 never fires for it
  (a TRUNCATE ... CASCADE from the claims table truncates inningen_boeking too and is refused
  as well). Except for a superuser, who can disable any trigger anyway: Django's ``flush``
  (also the test database's teardown) truncates every table.
- A claim's ``openstaand_bedrag`` may only hold the sum of its Boekingen' bedrag_incl_btw
  (how the ledger defines the open balance, see inningen.grootboek.models.boeking): a new claim
  starts at 0 (its Boekingen cannot exist yet), and every UPDATE that changes the balance must
  leave it equal to that sum. boekingen_create inserts the Boekingen first and then moves the
  balance in one set-based UPDATE, so the check holds at the end of that statement. Both checks
  are statement-level AFTER triggers with transition tables: one set-based query per statement,
  whatever the number of rows (a run of 100,000 claims), not one call per row.

These triggers bind every role, the owner included, but the owner can disable them: production
runs the application under a role that owns nothing (README, "Databaserollen";
``manage.py databaserollen``). SQLite (the embedded development default) gets none of this: it
has no TRUNCATE and no statement-level triggers; the model guard, the single entry point and
``manage.py saldi_controleren`` cover it there.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION inningen_grootboek_niet_legen() RETURNS trigger AS $$
BEGIN
    -- A superuser can switch off any trigger anyway; letting it through keeps `flush` and the
    -- test database's teardown (TRUNCATE of every table) working. Owner and application role
    -- are no superusers in production.
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'Het grootboek (%%) mag niet worden geleegd; boekingen zijn onveranderlijk',
        TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER inningen_boeking_niet_legen
    BEFORE TRUNCATE ON inningen_boeking
    FOR EACH STATEMENT EXECUTE FUNCTION inningen_grootboek_niet_legen();

CREATE OR REPLACE FUNCTION inningen_vordering_saldo_nieuw() RETURNS trigger AS $$
DECLARE
    fout record;
BEGIN
    SELECT n.id, n.openstaand_bedrag INTO fout FROM nieuw n WHERE n.openstaand_bedrag <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'Vordering %%: openstaand bedrag %% zonder boekingen; het saldo volgt '
            'alleen uit boekingen', fout.id, fout.openstaand_bedrag
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER inningen_vordering_saldo_nieuw
    AFTER INSERT ON inningen_vordering
    REFERENCING NEW TABLE AS nieuw
    FOR EACH STATEMENT EXECUTE FUNCTION inningen_vordering_saldo_nieuw();

CREATE OR REPLACE FUNCTION inningen_vordering_saldo_gewijzigd() RETURNS trigger AS $$
DECLARE
    fout record;
BEGIN
    SELECT n.id, n.openstaand_bedrag, s.saldo INTO fout
    FROM nieuw n
    JOIN oud o ON o.id = n.id
    CROSS JOIN LATERAL (
        SELECT coalesce(sum(b.bedrag_incl_btw), 0) AS saldo
        FROM inningen_boeking b WHERE b.vordering_id = n.id
    ) s
    WHERE n.openstaand_bedrag <> o.openstaand_bedrag AND n.openstaand_bedrag <> s.saldo
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'Vordering %%: openstaand bedrag %% wijkt af van de boekingen (%%); het '
            'saldo verandert alleen met boekingen', fout.id, fout.openstaand_bedrag, fout.saldo
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER inningen_vordering_saldo_gewijzigd
    AFTER UPDATE ON inningen_vordering
    REFERENCING OLD TABLE AS oud NEW TABLE AS nieuw
    FOR EACH STATEMENT EXECUTE FUNCTION inningen_vordering_saldo_gewijzigd();
"""

DROP = """
DROP TRIGGER IF EXISTS inningen_vordering_saldo_gewijzigd ON inningen_vordering;
DROP FUNCTION IF EXISTS inningen_vordering_saldo_gewijzigd();
DROP TRIGGER IF EXISTS inningen_vordering_saldo_nieuw ON inningen_vordering;
DROP FUNCTION IF EXISTS inningen_vordering_saldo_nieuw();
DROP TRIGGER IF EXISTS inningen_boeking_niet_legen ON inningen_boeking;
DROP FUNCTION IF EXISTS inningen_grootboek_niet_legen();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("inningen", "0011_vordering_rente_rest")]
    operations = [migrations.RunPython(forwards, backwards)]
