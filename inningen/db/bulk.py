"""Set-based writes for batches of thousands of rows: COPY on PostgreSQL, bulk_create elsewhere.

Generic plumbing without domain rules, shared by the domain's services and by stuffin (the
berichtenlog's claim links). Ledger rules (Boekingen and the balance) live in
inningen.grootboek.services.boekingen, which writes through these functions.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

import psycopg
from django.db import connection, models, transaction
from django.utils import timezone

# Rows per UPDATE statement (two parameters each; SQLite allows 32,766 per statement).
_UPDATE_CHUNK = 5000

# The table's sequence, looked up once per statement (an InitPlan): as the argument of the
# volatile nextval() a plain pg_get_serial_sequence() call is evaluated again for every key
# drawn (1,000 keys: 6 ms instead of 1 ms).
_SEQUENCE = "(SELECT pg_get_serial_sequence(%s, %s))::regclass"


def rijen_insert(
    model: type[models.Model], velden: tuple[str, ...], rijen: list[tuple], *, met_pks=False
) -> list[int]:
    """Insert plain rows (values in the order of ``velden``, attnames) of one model: one COPY
    on PostgreSQL (:class:`CopyRows`), ``bulk_create`` elsewhere. Returns the new primary keys,
    in row order, when ``met_pks``; other fields get what an instance would get."""
    if not rijen:
        return []
    if CopyRows.supported(model):
        if met_pks:
            pks = pks_reserve({model: len(rijen)})[model]
            copy = CopyRows(model, (model._meta.pk.attname, *velden))
            for pk, rij in zip(pks, rijen, strict=True):
                copy.add(pk, *rij)
        else:
            pks = []
            copy = CopyRows(model, velden)
            for rij in rijen:
                copy.add(*rij)
        copy.write()
        return pks
    objs = model.objects.bulk_create(model(**dict(zip(velden, rij, strict=True))) for rij in rijen)
    return [o.pk for o in objs] if met_pks else []


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
            f"SELECT nextval({_SEQUENCE}) FROM generate_series(1, %s)",
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
    """Set (or with ``optellen`` increase) one column to a value per primary key, set-based.
    Django's bulk_update and Case/When build one expression branch per row, which costs more
    than the rows themselves for large batches. Like QuerySet.update() it sends no signals and
    leaves auto_now alone.

    PostgreSQL: one statement with the keys and values as two arrays
    (``UPDATE ... FROM unnest(%s::bigint[], %s::<type>[])``): two parameters whatever the number
    of rows. Elsewhere ``UPDATE ... FROM (VALUES (pk, value), ...)`` per chunk (SQLite >= 3.33;
    both name the columns column1, column2)."""
    if not waarden:
        return
    qn = connection.ops.quote_name
    tabel = qn(model._meta.db_table)
    field = model._meta.get_field(veld)
    kolom = qn(field.column)
    pk = qn(model._meta.pk.column)
    nieuw = f"{tabel}.{kolom} + d.column2" if optellen else "d.column2"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {tabel} SET {kolom} = {nieuw} "
                f"FROM unnest(%s::{model._meta.pk.rel_db_type(connection)}[], "
                f"%s::{field.db_type(connection)}[]) AS d(column1, column2) "
                f"WHERE {tabel}.{pk} = d.column1",
                [
                    [p for p, _ in waarden],
                    [field.get_db_prep_save(w, connection) for _, w in waarden],
                ],
            )
            return
        for start in range(0, len(waarden), _UPDATE_CHUNK):
            chunk = waarden[start : start + _UPDATE_CHUNK]
            cursor.execute(
                f"UPDATE {tabel} SET {kolom} = {nieuw} "
                f"FROM (VALUES {', '.join(['(%s, %s)'] * len(chunk))}) AS d WHERE {tabel}.{pk} = d.column1",
                [v for paar in chunk for v in paar],
            )


# --- rows without model instances (PostgreSQL) -------------------------------------------------


def pks_reserve(aantallen: dict[type[models.Model], int]) -> dict[type[models.Model], list[int]]:
    """Draw ``aantal`` new primary keys per model from the tables' sequences, all models in one
    round trip; ascending per model. PostgreSQL only (for :class:`CopyRows`)."""
    modellen = [m for m, n in aantallen.items() if n]
    result: dict[type[models.Model], list[int]] = {m: [] for m in aantallen}
    if not modellen:
        return result
    delen, params = [], []
    for model in modellen:
        delen.append(f"ARRAY(SELECT nextval({_SEQUENCE}) FROM generate_series(1, %s))")
        params += [model._meta.db_table, model._meta.pk.column, aantallen[model]]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(delen)}", params)
        for model, pks in zip(modellen, cursor.fetchone(), strict=True):
            result[model] = sorted(pks)
    return result


class CopyRows:
    """New rows of one model as plain tuples, written with one COPY: for batches of thousands of
    rows whose caller needs no model instances (those cost more than the rows themselves).

    ``velden`` are the attnames the caller gives: with the primary key (see :func:`pks_reserve`)
    when the caller needs it, else the database draws it (cheaper: no round trip, no keys to
    transfer) and there are no :meth:`instances`. Every other field gets what an instance would
    get on insert: auto_now(_add) the moment of :meth:`write`, else its default (callables
    called per row; "" for text fields, NULL where allowed); a required field without a default
    must be given (a model change then fails loudly here instead of writing wrong rows).
    Values of plain types (str, int, bool, date, aware datetime, None) go to COPY as they are,
    as in :func:`bulk_insert`; fields of other types go through ``get_db_prep_save``.
    """

    @staticmethod
    def supported(*modellen: type[models.Model]) -> bool:
        """PostgreSQL, and plain tables: no values the database computes (as for bulk_insert)."""
        return connection.vendor == "postgresql" and all(
            not m._meta.parents
            and isinstance(m._meta.pk, models.AutoField)
            and not any(f.generated or f.has_db_default() for f in m._meta.concrete_fields)
            for m in modellen
        )

    def __init__(self, model: type[models.Model], velden: tuple[str, ...]):
        self.model = model
        opts = model._meta
        per_attname = {f.attname: f for f in opts.concrete_fields}
        onbekend = [v for v in velden if v not in per_attname]
        if onbekend:
            raise ValueError(f"{model.__name__} heeft geen veld(en) {', '.join(onbekend)}")
        self._rijen: list[tuple] = []
        self._vast: list[tuple[models.Field, object]] = []  # (field, constant default)
        self._per_rij: list[models.Field] = []  # callable defaults
        self._nu: list[models.Field] = []  # auto_now(_add)
        self._met_pk = opts.pk.attname in velden
        if not self._met_pk and not isinstance(opts.pk, models.AutoField):
            raise ValueError(f"{model.__name__}: de primaire sleutel moet worden opgegeven")
        for f in opts.concrete_fields:
            if f.attname in velden or f.primary_key:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self._nu.append(f)
            elif f.has_default() and callable(f.default):
                self._per_rij.append(f)
            else:
                # What Model.__init__ would set: the default, "" for a text field, else None.
                waarde = f.get_default()
                if waarde is None and not f.null:
                    raise ValueError(
                        f"{model.__name__}.{f.name} heeft geen default en is niet opgegeven"
                    )
                self._vast.append((f, waarde))
        volgorde = [*velden, *(f.attname for f, _ in self._vast)]
        volgorde += [f.attname for f in self._per_rij] + [f.attname for f in self._nu]
        self._constant = tuple(w for _, w in self._vast)
        self._velden_op_volgorde = [per_attname[a] for a in volgorde]
        self._voor_instance = (
            [volgorde.index(f.attname) for f in opts.concrete_fields] if self._met_pk else None
        )

    def add(self, *waarden) -> None:
        # The order of the column list: given fields, constant defaults, callable defaults
        # (auto_now values are appended in write()).
        rij = waarden + self._constant
        if self._per_rij:
            rij += tuple(f.get_default() for f in self._per_rij)
        self._rijen.append(rij)

    def __len__(self) -> int:
        return len(self._rijen)

    def write(self) -> datetime.datetime:
        """COPY every row added; returns the moment auto_now(_add) fields got."""
        nu = timezone.now()
        if not self._rijen:
            return nu
        tijd = (nu,) * len(self._nu)
        prep = [
            (i, f)
            for i, f in enumerate(self._velden_op_volgorde)
            if _AS_IS.get((f.target_field if f.is_relation else f).get_internal_type()) is None
        ]
        qn = connection.ops.quote_name
        opts = self.model._meta
        kolommen = ", ".join(qn(f.column) for f in self._velden_op_volgorde)
        with (
            transaction.atomic(savepoint=False),
            connection.wrap_database_errors,
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {qn(opts.db_table)} ({kolommen}) FROM STDIN") as copy,
        ):
            for rij in self._rijen:
                rij += tijd
                if prep:
                    rij = list(rij)
                    for i, f in prep:
                        if rij[i] is not None:
                            rij[i] = f.get_db_prep_save(rij[i], connection)
                copy.write_row(rij)
        return nu

    def instances(self, nu: datetime.datetime) -> list[models.Model]:
        """Saved model instances of the rows written (as a query would load them)."""
        if self._voor_instance is None:
            raise ValueError("Zonder opgegeven primaire sleutels zijn er geen instances.")
        model, db = self.model, connection.alias
        tijd = (nu,) * len(self._nu)
        volgorde = self._voor_instance
        result = []
        for rij in self._rijen:
            rij += tijd
            obj = model(*[rij[i] for i in volgorde])
            obj._state.adding = False
            obj._state.db = db
            result.append(obj)
        return result


def insert_bound(obj: models.Model) -> None:
    """``obj.save()`` for a new instance of a plain table, with its values bound server-side on
    PostgreSQL: a psycopg cursor of its own sends them as parameters. Django's cursor binds
    client-side, quoting every value into the SQL text, which for a row with megabytes of text
    (a StUF message in the berichtenlog) costs tens of milliseconds to quote and for PostgreSQL
    to parse again. No signals, as with bulk_insert. Elsewhere plain ``save()``."""
    if not CopyRows.supported(type(obj)) or obj.pk is not None:
        obj.save()
        return
    opts = obj._meta
    velden = [f for f in opts.concrete_fields if not f.primary_key]
    waarden = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in velden]
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(f.column) for f in velden)}) "
        f"VALUES ({', '.join(['%s'] * len(velden))}) RETURNING {qn(opts.pk.column)}"
    )
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, waarden)
        (obj.pk,) = cursor.fetchone()
    obj._state.adding = False
    obj._state.db = connection.alias
