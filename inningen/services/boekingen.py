"""Writing the ledger. Boekingen are only ever added; the cached open balance of every
affected claim moves by exactly the sum added, in the same transaction."""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, models, transaction

from ..models import Boeking, Vordering

# Rows per UPDATE statement (two parameters each; SQLite allows 32,766 per statement).
_UPDATE_CHUNK = 5000


@transaction.atomic
def boekingen_create(*, boekingen: Iterable[Boeking]) -> list[Boeking]:
    """Insert new Boekingen and move each claim's openstaand_bedrag by their sum."""
    boekingen = list(boekingen)
    for boeking in boekingen:
        if boeking.pk is not None:
            raise ValueError("boekingen_create takes new Boekingen only.")
        if boeking.bedrag_incl_btw != boeking.bedrag_excl_btw + boeking.bedrag_btw:
            raise ValueError(f"Boeking incl ≠ excl + btw: {boeking}")
    created = bulk_insert(boekingen)
    deltas: dict[int, int] = defaultdict(int)
    for boeking in created:
        if boeking.vordering_id is not None:
            deltas[boeking.vordering_id] += boeking.bedrag_incl_btw
    _apply_deltas(deltas)
    return created


def _apply_deltas(deltas: dict[int, int]) -> None:
    items = [(pk, delta) for pk, delta in deltas.items() if delta]
    update_per_pk(Vordering, "openstaand_bedrag", items, optellen=True)


# --- set-based writes shared by the registering services ----------------------------------------

# Per internal field type, the Python type whose values COPY can take as they are: Django's
# preparation of such a value on PostgreSQL is the identity (for datetimes: aware ones). Anything
# else (None aside) goes through the field's own get_db_prep_save(), exactly as in bulk_create.
_AS_IS = {
    "CharField": str,
    "TextField": str,
    "BooleanField": bool,
    "DateField": datetime.date,
    "DateTimeField": datetime.datetime,
    "AutoField": int,
    "BigAutoField": int,
    "SmallAutoField": int,
    "IntegerField": int,
    "BigIntegerField": int,
    "SmallIntegerField": int,
    "PositiveIntegerField": int,
    "PositiveBigIntegerField": int,
    "PositiveSmallIntegerField": int,
}


def bulk_insert(objs: Iterable[models.Model]) -> list:
    """``Model.objects.bulk_create(objs)`` for new instances of one model, through COPY on
    PostgreSQL; foreign keys may also point to (unsaved) instances of the same batch.

    For batches of thousands of rows most of bulk_create's time goes to preparing every value
    of every field and quoting them into one huge INSERT; COPY takes plain values as they are.
    The primary keys are drawn from the table's sequence first, so the instances get their pk
    (and can serve as foreign keys, also within the batch) just as with bulk_create. Like
    bulk_create: no save(), no signals. Other databases use bulk_create and set relations
    within the batch with one UPDATE afterwards.
    """
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    opts = model._meta
    fields = opts.concrete_fields
    if (
        connection.vendor != "postgresql"
        or opts.parents
        or not isinstance(opts.pk, models.AutoField)
        or any(f.generated or f.has_db_default() for f in fields)
    ):
        # Only plain tables with a sequence-backed key: COPY cannot ask for DB-side values.
        return _bulk_create(model, objs)
    if any(obj.pk is not None for obj in objs):
        raise ValueError("bulk_insert takes new instances only.")
    kolommen = []
    for f in fields:
        intern = (f.target_field if f.is_relation else f).get_internal_type()
        # auto_now(_add) and the like set their value in pre_save(); other fields just read it.
        eigen_pre_save = type(f).pre_save is not models.Field.pre_save
        kolommen.append((f, f.attname, _AS_IS.get(intern), eigen_pre_save))
    qn = connection.ops.quote_name
    copy_sql = f"COPY {qn(opts.db_table)} ({', '.join(qn(f.column) for f in fields)}) FROM STDIN"
    with (
        transaction.atomic(savepoint=False),
        connection.wrap_database_errors,
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, opts.pk.column, len(objs)],
        )
        # Sorted: keys ascend in list order, as with bulk_create's INSERT ... RETURNING.
        for obj, pk in zip(objs, sorted(pk for (pk,) in cursor.fetchall()), strict=True):
            obj.pk = pk
        with cursor.cursor.copy(copy_sql) as copy:
            for obj in objs:
                rij = []
                for f, attname, as_is, eigen_pre_save in kolommen:
                    waarde = f.pre_save(obj, True) if eigen_pre_save else getattr(obj, attname)
                    if waarde is None and f.is_relation:
                        waarde = _related_pk(obj, f)
                    if waarde is not None and (
                        type(waarde) is not as_is
                        or (as_is is datetime.datetime and waarde.tzinfo is None)
                    ):
                        waarde = f.get_db_prep_save(waarde, connection)
                    rij.append(waarde)
                copy.write_row(rij)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def _bulk_create(model, objs: list) -> list:
    """bulk_create, with foreign keys to instances of the same batch set right after it."""
    in_batch = {id(obj) for obj in objs}
    binnen_batch: dict[str, list] = defaultdict(list)
    for f in model._meta.concrete_fields:
        if f.is_relation:
            for obj in objs:
                gerelateerd = f.get_cached_value(obj, None)
                if gerelateerd is not None and id(gerelateerd) in in_batch:
                    binnen_batch[f.name].append((obj, gerelateerd))
                    setattr(obj, f.name, None)
    model.objects.bulk_create(objs)
    for naam, paren in binnen_batch.items():
        for obj, gerelateerd in paren:
            setattr(obj, naam, gerelateerd)
        update_per_pk(model, naam, [(obj.pk, gerelateerd.pk) for obj, gerelateerd in paren])
    return objs


def _related_pk(obj, field):
    """The key of a related object assigned before it had one (a batch member's is drawn by
    now), also set on the instance, as bulk_create does."""
    gerelateerd = field.get_cached_value(obj, None)
    if gerelateerd is None:
        return None
    waarde = getattr(gerelateerd, field.target_field.attname)
    if waarde is None:
        raise ValueError(
            f"bulk_insert() prohibited to prevent data loss due to unsaved related object "
            f"'{field.name}'."
        )
    setattr(obj, field.name, gerelateerd)  # sets the key and keeps the cached instance
    return waarde


def update_per_pk(
    model, veld: str, waarden: list[tuple[int, object]], *, optellen: bool = False
) -> None:
    """Set (or with ``optellen`` increase) one column to a value per primary key, in one statement
    per chunk: ``UPDATE ... FROM (VALUES (pk, value), ...)``. Django's bulk_update and
    Case/When build one expression branch per row, which costs more than the rows themselves
    for large batches. Like QuerySet.update() it sends no signals and leaves auto_now alone.
    (UPDATE ... FROM works on PostgreSQL and SQLite >= 3.33; both name the VALUES columns
    column1, column2.)"""
    qn = connection.ops.quote_name
    tabel = qn(model._meta.db_table)
    kolom = qn(model._meta.get_field(veld).column)
    pk = qn(model._meta.pk.column)
    nieuw = f"{tabel}.{kolom} + d.column2" if optellen else "d.column2"
    with connection.cursor() as cursor:
        for start in range(0, len(waarden), _UPDATE_CHUNK):
            chunk = waarden[start : start + _UPDATE_CHUNK]
            cursor.execute(
                f"UPDATE {tabel} SET {kolom} = {nieuw} "
                f"FROM (VALUES {', '.join(['(%s, %s)'] * len(chunk))}) AS d WHERE {tabel}.{pk} = d.column1",
                [v for paar in chunk for v in paar],
            )
