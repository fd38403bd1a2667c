"""The write-behind (inningen.writebehind): the COPYs of a transaction run in a second thread on
the same connection, in order, read back by the block's own statements, with failures reported
in the block's thread; and the key reserve that lets parts draw keys without waiting for it.

Everything here needs PostgreSQL (the ``postgresql`` fixture skips elsewhere), except the tests
that the write-behind does nothing outside a PostgreSQL transaction."""

import contextlib
import functools
import sys
import threading
import time

import psycopg
import pytest
from django.db import DatabaseError, DataError, IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from inningen import writebehind
from inningen.models import Debiteur, DebiteurRekening, Machtiging, Organisatie
from inningen.services.boekingen import CopyRows, KeyReserve, bulk_insert
from inningen.writebehind import active, independent_reads, write_behind
from tests.factories import DebiteurFactory, OrganisatieFactory, iban_nl

DEBITEUR = Debiteur._meta.db_table
REKENING = DebiteurRekening._meta.db_table


def _debiteur(**velden) -> Debiteur:
    """An unsaved debtor as the bulk paths build one (zoeknaam set, no save())."""
    deb = DebiteurFactory.build(**velden)
    deb.zoeknaam = deb.compute_zoeknaam()
    return deb


def _rekeningen_schrijven(*paren: tuple[int, str]) -> None:
    rijen = CopyRows(DebiteurRekening, ("debiteur_id", "iban"))
    for debiteur_id, iban in paren:
        rijen.add(debiteur_id, iban)
    rijen.write()


def _threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "write-behind"]


def _meeschrijven(wb, monkeypatch) -> list[tuple]:
    """Record (sql, tables) of every job queued on ``wb`` from here on."""
    ingediend = []
    origineel = wb.submit

    def submit(job, *, tables):
        sql = job.args[0] if isinstance(job, functools.partial) else job
        ingediend.append((sql, tuple(tables) if tables is not None else None))
        origineel(job, tables=tables)

    monkeypatch.setattr(wb, "submit", submit)
    return ingediend


class Poort:
    """A queued job that holds the queue until opened (for at most 10 s: a test that waits
    where it should not fails on its assertions instead of hanging)."""

    def __init__(self):
        self._open = threading.Event()
        self.klaar = threading.Event()

    def __call__(self, cursor):
        self._open.wait(timeout=10)
        self.klaar.set()

    def open(self, na: float = 0) -> None:
        if na:
            threading.Timer(na, self._open.set).start()
        else:
            self._open.set()


# --- read-your-writes and order -----------------------------------------------------------------


def test_queued_rows_are_read_back_in_the_block_and_after_it(postgresql, monkeypatch):
    """bulk_insert and CopyRows only queue their COPY; an ORM read of those tables in the same
    block waits for it and sees the rows, as does every read after the block."""
    deb = _debiteur(geslachtsnaam="Jansen")
    with write_behind() as wb:
        assert wb is not None and active() is wb
        ingediend = _meeschrijven(wb, monkeypatch)
        bulk_insert([deb])
        _rekeningen_schrijven((deb.pk, iban_nl(1)), (deb.pk, iban_nl(2)))
        assert [tables for _, tables in ingediend] == [(DEBITEUR,), (REKENING,)]
        assert Debiteur.objects.get(bsn=deb.bsn).geslachtsnaam == "Jansen"
        assert DebiteurRekening.objects.filter(debiteur_id=deb.pk).count() == 2
    assert active() is None
    assert Debiteur.objects.filter(pk=deb.pk, bsn=deb.bsn).exists()
    assert set(
        DebiteurRekening.objects.filter(debiteur_id=deb.pk).values_list("iban", flat=True)
    ) == {
        iban_nl(1),
        iban_nl(2),
    }


def test_large_copies_are_queued_in_jobs_of_copy_rows_per_job(postgresql, monkeypatch):
    """Rows beyond COPY_ROWS_PER_JOB go in several jobs (so a SELECT that need not wait only
    waits for a short one); every row arrives."""
    monkeypatch.setattr(writebehind, "COPY_ROWS_PER_JOB", 2)
    deb = DebiteurFactory()
    with write_behind() as wb:
        ingediend = _meeschrijven(wb, monkeypatch)
        _rekeningen_schrijven(*((deb.pk, iban_nl(n)) for n in range(5)))
        assert len(ingediend) == 3
    assert DebiteurRekening.objects.filter(debiteur=deb).count() == 5


def test_jobs_run_in_submission_order(postgresql):
    """The thread runs jobs in the order they were queued: a child row queued after its parent
    passes an immediate foreign-key check, and plain jobs run in their order."""
    volgorde = []
    deb = _debiteur()
    with write_behind() as wb:
        wb.execute("SET CONSTRAINTS ALL IMMEDIATE")
        bulk_insert([deb])
        _rekeningen_schrijven((deb.pk, iban_nl(3)))
        for i in range(20):
            wb.submit(lambda cursor, i=i: volgorde.append(i), tables=())
        wb.execute("SET CONSTRAINTS ALL DEFERRED")
    assert volgorde == list(range(20))
    assert DebiteurRekening.objects.filter(debiteur_id=deb.pk, iban=iban_nl(3)).exists()


# --- errors and cancellation ---------------------------------------------------------------------


def test_failed_job_raises_at_the_next_statement_and_skips_the_rest(postgresql):
    """A COPY that breaks an (immediate) foreign key fails in the thread; the block's next
    statement raises it as django.db.IntegrityError, the jobs queued after it never run, and
    the end of the block raises it again (the transaction is aborted)."""
    overgeslagen = []
    with pytest.raises(IntegrityError) as bij_einde, transaction.atomic(), write_behind() as wb:
        poort = Poort()
        wb.submit(poort, tables=())  # nothing fails before everything is queued
        wb.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _rekeningen_schrijven((-1, iban_nl(4)))  # no debtor -1
        wb.submit(lambda cursor: overgeslagen.append("gedraaid"), tables=())
        poort.open()
        with pytest.raises(IntegrityError) as bij_statement:
            DebiteurRekening.objects.count()
    assert isinstance(bij_statement.value.__cause__, psycopg.errors.ForeignKeyViolation)
    assert isinstance(bij_einde.value.__cause__, psycopg.errors.ForeignKeyViolation)
    assert overgeslagen == []
    assert _threads() == []
    # The savepoint around the block was rolled back: the transaction goes on.
    assert not DebiteurRekening.objects.filter(iban=iban_nl(4)).exists()


def test_failed_job_raises_at_the_end_of_the_block(postgresql):
    """A queued insert that breaks a unique constraint, with no statement after it in the
    block, is raised as IntegrityError when the block ends."""
    bestaand = DebiteurFactory()
    with pytest.raises(IntegrityError) as exc, transaction.atomic(), write_behind():
        bulk_insert([_debiteur(bsn=bestaand.bsn)])
    assert isinstance(exc.value.__cause__, psycopg.errors.UniqueViolation)
    assert _threads() == []
    assert list(Debiteur.objects.filter(bsn=bestaand.bsn)) == [bestaand]


def test_exception_in_the_block_cancels_the_queue(postgresql):
    """An exception leaving the block propagates; jobs that ran stay done, the ones still
    queued are skipped, the thread is gone and the switch interval is back."""
    deb = DebiteurFactory()
    interval = sys.getswitchinterval()
    bezig = threading.Event()

    with pytest.raises(ValueError, match="afgebroken"), write_behind() as wb:

        def tot_afgebroken(cursor):
            bezig.set()
            einde = time.monotonic() + 10
            while not wb._cancelled and time.monotonic() < einde:
                time.sleep(0.001)

        _rekeningen_schrijven((deb.pk, iban_nl(5)))
        wb.submit(tot_afgebroken, tables=())
        _rekeningen_schrijven((deb.pk, iban_nl(6)))
        assert bezig.wait(timeout=10)  # the first COPY is done, the second still queued
        raise ValueError("afgebroken")

    assert _threads() == []
    assert active() is None
    assert sys.getswitchinterval() == interval
    assert list(DebiteurRekening.objects.filter(debiteur=deb).values_list("iban", flat=True)) == [
        iban_nl(5)
    ]


# --- which statements wait -----------------------------------------------------------------------


def test_must_wait_rules(postgresql):
    """With jobs pending: a SELECT waits only when it names a table with queued jobs (as a
    whole word: not a table whose name starts the same) or when a job's tables are unknown;
    independent_reads() lifts the first; any other statement always waits. Without pending
    jobs nothing waits."""
    with write_behind() as wb:
        assert not wb._must_wait("UPDATE inningen_debiteur SET voorletters = ''")
        poort = Poort()
        wb.submit(poort, tables=(DEBITEUR,))

        assert not wb._must_wait("SELECT 1")
        assert not wb._must_wait('SELECT * FROM "inningen_organisatie"')
        assert not wb._must_wait('SELECT * FROM "inningen_debiteurrekening"')
        assert wb._must_wait("select * from inningen_debiteur where id = 1")
        assert wb._must_wait('  SELECT v.id FROM "inningen_vordering" v JOIN "inningen_debiteur" d')
        for sql in (
            'UPDATE "inningen_organisatie" SET naam = %s',
            'INSERT INTO "inningen_organisatie" (naam) VALUES (%s)',
            'DELETE FROM "inningen_organisatie"',
            "WITH x AS (SELECT 1) SELECT * FROM x",
            "SET CONSTRAINTS ALL DEFERRED",
        ):
            assert wb._must_wait(sql), sql

        with independent_reads():
            assert not wb._must_wait('SELECT * FROM "inningen_debiteur"')
            assert wb._must_wait('UPDATE "inningen_debiteur" SET voorletters = %s')
        assert wb._must_wait('SELECT * FROM "inningen_debiteur"')

        onbekend = Poort()
        wb.submit(onbekend, tables=None)  # as wb.execute(): writes to any table
        assert wb._must_wait("SELECT 1")
        with independent_reads():
            assert wb._must_wait('SELECT * FROM "inningen_organisatie"')

        poort.open()
        onbekend.open()
        wb.sync()
        assert not wb._must_wait('UPDATE "inningen_debiteur" SET voorletters = %s')


def test_selects_on_other_tables_do_not_wait_for_the_queue(postgresql):
    """While a job on the debtors is held: a SELECT of another table, a SELECT of the debtors
    in independent_reads() and drawing keys (the table is a parameter, not in the SQL) run at
    once; a SELECT of the debtors and an UPDATE of another table wait until it is done."""
    organisatie = OrganisatieFactory()
    with write_behind() as wb:
        poort = Poort()
        wb.submit(poort, tables=(DEBITEUR,))
        assert Organisatie.objects.filter(pk=organisatie.pk).count() == 1
        with independent_reads():
            Debiteur.objects.count()
        KeyReserve().take(Debiteur, 2)
        assert not poort.klaar.is_set()

        poort.open(na=0.2)
        Debiteur.objects.count()
        assert poort.klaar.is_set()

        tweede = Poort()
        wb.submit(tweede, tables=(DEBITEUR,))
        tweede.open(na=0.2)
        Organisatie.objects.filter(pk=organisatie.pk).update(naam="Gewijzigd")
        assert tweede.klaar.is_set()
    organisatie.refresh_from_db()
    assert organisatie.naam == "Gewijzigd"


# --- savepoints ------------------------------------------------------------------------------------


def test_savepoints_are_queued_and_a_nested_atomic_block_works(postgresql, monkeypatch):
    """SAVEPOINT and RELEASE SAVEPOINT of a nested atomic block go into the queue in their
    place between the COPYs (no table: they hold up no SELECT); the rows are stored."""
    deb = _debiteur()
    with write_behind() as wb:
        ingediend = _meeschrijven(wb, monkeypatch)
        with transaction.atomic():
            bulk_insert([deb])
        soorten = [(sql.split()[0], tables) for sql, tables in ingediend]
        assert soorten == [("SAVEPOINT", ()), ("COPY", (DEBITEUR,)), ("RELEASE", ())]
        assert Debiteur.objects.filter(pk=deb.pk).exists()
    assert Debiteur.objects.filter(pk=deb.pk).exists()


def test_inner_atomic_that_raises_rolls_back_only_its_own_rows(postgresql):
    """An exception caught outside an inner atomic block (not a database error) rolls back
    the rows queued in it and only those: ROLLBACK TO SAVEPOINT waits for the queue."""
    voor, binnen, na = _debiteur(), _debiteur(), _debiteur()
    with write_behind():
        bulk_insert([voor])
        with pytest.raises(ValueError), transaction.atomic():
            bulk_insert([binnen])
            raise ValueError("terug")
        bulk_insert([na])
    bsns = {voor.bsn, binnen.bsn, na.bsn}
    assert set(Debiteur.objects.filter(bsn__in=bsns).values_list("bsn", flat=True)) == {
        voor.bsn,
        na.bsn,
    }


def test_caught_error_of_a_statement_in_an_inner_atomic_block_is_as_in_django(postgresql):
    """A statement of the block's own thread that fails in an inner atomic block (a duplicate
    BSN, against a debtor still in the queue) is raised there, can be caught, and the block
    goes on as Django does without a write-behind."""
    eerste, later = _debiteur(), _debiteur()
    with write_behind():
        bulk_insert([eerste])
        with pytest.raises(IntegrityError), transaction.atomic():
            Debiteur.objects.create(soort=eerste.soort, bsn=eerste.bsn)
        bulk_insert([later])
    assert Debiteur.objects.filter(bsn=eerste.bsn).count() == 1
    assert Debiteur.objects.filter(bsn=later.bsn).exists()


def test_queued_write_failing_in_a_caught_inner_atomic_block_still_fails_the_block(postgresql):
    """What the module warns about: a queued COPY that fails in an inner atomic block is not
    reported in it (or, by timing, also in it, but then it marks the outer block for
    rollback); either way the write-behind block raises the IntegrityError at its end, so
    catching it to go on does not work."""
    bestaand = DebiteurFactory()
    with pytest.raises(IntegrityError) as exc, transaction.atomic(), write_behind():
        try:
            with transaction.atomic():
                bulk_insert([_debiteur(bsn=bestaand.bsn)])
        except IntegrityError:
            pass
    assert isinstance(exc.value.__cause__, psycopg.errors.UniqueViolation)
    assert list(Debiteur.objects.filter(bsn=bestaand.bsn)) == [bestaand]


# --- the block itself --------------------------------------------------------------------------


def test_switch_interval_is_lowered_in_the_block_and_restored(postgresql):
    """Inside the block the GIL switch interval is at most SWITCH_INTERVAL; a nested block
    shares the write-behind and the thread; the interval comes back after the outer one."""
    interval = sys.getswitchinterval()
    assert interval > writebehind.SWITCH_INTERVAL
    with write_behind() as buiten:
        assert sys.getswitchinterval() == pytest.approx(writebehind.SWITCH_INTERVAL)
        assert _threads() == ["write-behind"]
        with write_behind() as binnen:
            assert binnen is buiten
        assert active() is buiten
        assert sys.getswitchinterval() == pytest.approx(writebehind.SWITCH_INTERVAL)
    assert sys.getswitchinterval() == interval
    assert _threads() == []


def test_write_behind_does_nothing_on_other_databases(db, monkeypatch):
    """Outside PostgreSQL (here the database in use, or PostgreSQL hidden) the block yields
    None, starts no thread and writes at once."""
    if connection.vendor == "postgresql":
        monkeypatch.setattr(connection, "vendor", "anders")
    interval = sys.getswitchinterval()
    deb = _debiteur()
    with write_behind() as wb:
        assert wb is None and active() is None
        assert _threads() == []
        assert sys.getswitchinterval() == interval
        bulk_insert([deb])
        with independent_reads():
            pass
    monkeypatch.undo()
    assert Debiteur.objects.filter(pk=deb.pk, bsn=deb.bsn).exists()


@pytest.mark.django_db(transaction=True)
def test_write_behind_does_nothing_in_autocommit():
    """Outside a transaction (autocommit) there is nothing to write behind: the block yields
    None and every write is done when it returns, on any database."""
    assert transaction.get_autocommit()
    deb = _debiteur()
    with write_behind() as wb:
        assert wb is None
        bulk_insert([deb])
        _rekeningen_schrijven((deb.pk, iban_nl(7)))
        assert _threads() == []
    assert DebiteurRekening.objects.filter(debiteur_id=deb.pk, iban=iban_nl(7)).exists()


@pytest.mark.django_db(transaction=True)
def test_queued_rows_are_committed_with_the_transaction(postgresql):
    """In a real transaction (as a Di01 runs) the queued rows are written before the COMMIT
    and are there afterwards."""
    deb = _debiteur()
    with transaction.atomic(), write_behind() as wb:
        assert wb is not None
        bulk_insert([deb])
        _rekeningen_schrijven((deb.pk, iban_nl(8)))
    assert transaction.get_autocommit()
    assert DebiteurRekening.objects.filter(debiteur__bsn=deb.bsn, iban=iban_nl(8)).exists()


# --- the key reserve -----------------------------------------------------------------------------


def _sleuteltrekkingen(queries) -> int:
    return sum("nextval" in (q["sql"] or "") for q in queries.captured_queries)


def test_key_reserve_draws_every_expected_model_in_one_round_trip(postgresql):
    """The first take draws what was expected for every model in one statement; later takes
    within that are free; keys are unique, ascending and fresh."""
    reserve = KeyReserve()
    reserve.expect(Debiteur, 3)
    reserve.expect(DebiteurRekening, 2)
    reserve.expect(Debiteur, 1)
    with CaptureQueriesContext(connection) as queries:
        eerste = reserve.take(Debiteur, 2)
        rekeningen = reserve.take(DebiteurRekening, 2)
        tweede = reserve.take(Debiteur, 2)
        assert reserve.take(Debiteur, 0) == []
    assert len(queries) == 1
    debiteuren = eerste + tweede
    assert debiteuren == sorted(set(debiteuren)) and len(debiteuren) == 4
    assert rekeningen == sorted(set(rekeningen)) and len(rekeningen) == 2
    assert DebiteurFactory().pk > max(debiteuren)


def test_key_reserve_draws_more_when_short(postgresql):
    """A take beyond what was expected, or of a model not expected, draws what is missing in
    one more statement; the keys keep ascending."""
    reserve = KeyReserve()
    reserve.expect(Debiteur, 1)
    with CaptureQueriesContext(connection) as queries:
        eerste = reserve.take(Debiteur, 1)
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        meer = reserve.take(Debiteur, 3)
    assert len(queries) == 1
    alle = eerste + meer
    assert alle == sorted(set(alle)) and len(alle) == 4
    with CaptureQueriesContext(connection) as queries:
        machtigingen = reserve.take(Machtiging, 2)
    assert len(queries) == 1 and len(set(machtigingen)) == 2


def test_bulk_insert_uses_the_reserved_keys(postgresql):
    """bulk_insert(..., sleutels=reserve) takes the instances' keys from the reserve: one
    draw for two batches, the rows stored under those keys in list order."""
    reserve = KeyReserve()
    reserve.expect(Debiteur, 3)
    a, b, c = _debiteur(), _debiteur(), _debiteur()
    with CaptureQueriesContext(connection) as queries:
        bulk_insert([a, b], sleutels=reserve)
        bulk_insert([c], sleutels=reserve)
    assert _sleuteltrekkingen(queries) == 1
    assert a.pk < b.pk < c.pk
    with CaptureQueriesContext(connection) as queries:
        assert reserve.take(Debiteur, 1)[0] > c.pk  # the three expected keys are used up
    assert _sleuteltrekkingen(queries) == 1
    opgeslagen = dict(Debiteur.objects.filter(pk__in=[a.pk, b.pk, c.pk]).values_list("pk", "bsn"))
    assert opgeslagen == {a.pk: a.bsn, b.pk: b.bsn, c.pk: c.bsn}


# --- errors of statements that did not wait ---------------------------------------------------


def test_failing_select_that_did_not_wait_is_reported_as_itself(postgresql):
    """A SELECT that need not wait and fails (here a division by zero; in practice a
    statement timeout or a lock not available) is reported as its own error, not as the
    'transaction is aborted' error of the job queued behind it."""
    deb = DebiteurFactory()
    with pytest.raises(DataError), transaction.atomic(), write_behind() as wb:
        poort = Poort()
        wb.submit(poort, tables=(DEBITEUR,))
        _rekeningen_schrijven((deb.pk, iban_nl(9)))  # still queued behind the gate
        poort.open(na=0.2)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")


def test_caught_failing_select_in_an_inner_atomic_block_still_fails_the_block(postgresql):
    """The documented limit: a SELECT that did not wait runs before the SAVEPOINT queued
    ahead of it, so an inner atomic block cannot roll back to that savepoint when the SELECT
    fails. Catching the error does not let the block go on: it fails as a whole (all or
    nothing), nothing it queued is stored."""
    later = _debiteur()
    with pytest.raises(DatabaseError), transaction.atomic(), write_behind() as wb:
        poort = Poort()
        wb.submit(poort, tables=(DEBITEUR,))
        poort.open(na=0.2)
        with contextlib.suppress(DataError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")
        bulk_insert([later])
    assert not Debiteur.objects.filter(bsn=later.bsn).exists()
