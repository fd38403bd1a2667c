"""Operations the migrations share."""

from django.db import migrations


def drop_fk_index(alter_field, tabel: str, kolom: str, index: str):
    """db_index=False on a foreign key: Django would drop and re-add the constraint, which
    re-checks every row of a large table under lock. Only the index goes; the foreign key
    stays (its lookups use another index that serves the same column)."""
    return migrations.SeparateDatabaseAndState(
        state_operations=[alter_field],
        database_operations=[
            migrations.RunSQL(
                f'DROP INDEX IF EXISTS "{index}"',
                reverse_sql=f'CREATE INDEX "{index}" ON "{tabel}" ("{kolom}")',
            )
        ],
    )
