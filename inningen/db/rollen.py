"""The PostgreSQL roles of a production installation: a migration role that owns the schema and
runs ``migrate``, and an application role that owns nothing.

Only an owner (or a superuser) can ALTER a table, DISABLE its triggers or TRUNCATE it without a
grant; the application role gets exactly the privileges it uses: read and write the product's
tables, but only read and insert the immutable ledger (no UPDATE, DELETE or TRUNCATE on
inningen_boeking), and draw keys from the sequences. Generated from the current schema, so it
is run again after every ``migrate`` that adds tables (README, "Databaserollen").
"""

from django.apps import apps
from django.db import connection

# Tables whose rows are never changed or removed once written.
ALLEEN_TOEVOEGEN = ("inningen_boeking",)
# Read-only for the application: only ``migrate`` (the migration role) writes it.
ALLEEN_LEZEN = ("django_migrations",)


def grant_statements(*, app_rol: str, migratie_rol: str | None = None) -> list[str]:
    """SQL that gives ``app_rol`` exactly what the product needs on the current schema:
    REVOKE everything first, so the statements can be run again after every migration."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema(), current_database()")
        schema, database = cursor.fetchone()
        cursor.execute(
            "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'S') "
            "ORDER BY c.relkind, c.relname",
            [schema],
        )
        relaties = cursor.fetchall()
    rol, s = qn(app_rol), qn(schema)
    tabellen = [naam for naam, soort in relaties if soort != "S"]
    sequenties = [naam for naam, soort in relaties if soort == "S"]
    bekend = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    sql = [f"-- Rechten van {app_rol} op schema {schema} van database {database}."]
    if migratie_rol:
        sql.append(f"-- Eigenaar van schema en tabellen: {migratie_rol} (draait migrate).")
    sql += [
        f"GRANT CONNECT ON DATABASE {qn(database)} TO {rol};",
        f"GRANT USAGE ON SCHEMA {s} TO {rol};",
        f"REVOKE CREATE ON SCHEMA {s} FROM {rol};",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {rol};",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {rol};",
    ]
    for tabel in tabellen:
        if tabel in ALLEEN_TOEVOEGEN:
            rechten = "SELECT, INSERT"
        elif tabel in ALLEEN_LEZEN or tabel not in bekend:
            rechten = "SELECT"
        else:
            rechten = "SELECT, INSERT, UPDATE, DELETE"
        sql.append(f"GRANT {rechten} ON {s}.{qn(tabel)} TO {rol};")
    # USAGE for nextval() (new keys, also those bulk inserts reserve); no UPDATE (setval).
    sql += [f"GRANT USAGE, SELECT ON SEQUENCE {s}.{qn(seq)} TO {rol};" for seq in sequenties]
    return sql
