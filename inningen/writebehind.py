"""Write-behind: the COPYs of one transaction run in a second thread while Python goes on.

A Di01 of 1,000 claims writes ~10,000 rows and has PostgreSQL check ~20,000 foreign keys:
~400 ms of database work. The ~250 ms of Python work before it (mapping, matching debtors,
building rows) is only needed chunk by chunk. In a :func:`write_behind` block, :class:`CopyRows`
and :func:`bulk_insert` (inningen.services.boekingen) hand their rows to a thread that runs the
COPYs in order on the same psycopg connection, so in the same transaction, and return at once:
the next chunk's Python runs while PostgreSQL stores and checks the previous one.

Order. The thread runs jobs in the order they were submitted. A statement of the block's own
thread first waits until every queued job is done (it reads what was written before it),
except a SELECT that names none of the tables with queued jobs (drawing keys from a sequence,
configuration) and a SELECT in :func:`independent_reads`: those only wait for the running job
(psycopg serialises the two threads on the connection's lock). SAVEPOINT and RELEASE SAVEPOINT
are queued in their place; ROLLBACK TO SAVEPOINT waits for the queue like any other statement.

Not for code that catches a database error to go on (in an inner atomic block): a queued write
that fails is reported later than it would be at once, and a SELECT that did not wait runs
before SAVEPOINTs queued ahead of it, so its failure cannot be rolled back to them. Such an
error still fails the block as a whole (all or nothing); it just cannot be recovered from.

Errors. A failed job aborts the transaction and the thread skips the rest of the queue; the
error is raised (as a ``django.db`` exception) in the block's thread at its next statement or
at the end of the block. Leaving the block, normally or by an exception, waits for the thread,
so the caller's COMMIT or ROLLBACK never runs beside it.

Outside a PostgreSQL transaction :func:`write_behind` does nothing and writes run at once.
"""

import collections
import contextlib
import functools
import queue
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator

import psycopg
from django.db import DatabaseError, connection
from psycopg.adapt import Transformer

# Rows per COPY job: a SELECT that need not wait for the queue still waits for the job running.
COPY_ROWS_PER_JOB = 500
# The GIL switch interval while a write-behind runs. With Python's default (5 ms) the thread,
# woken by the database, waits up to 5 ms for the GIL held by this thread's Python work, at
# every statement: the queue then runs at a fraction of the database's speed.
SWITCH_INTERVAL = 0.0002
_ANY_TABLE = ""

_local = threading.local()


class WriteBehind:
    def __init__(self, raw: psycopg.Connection):
        self._raw = raw
        self._jobs: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._pending: collections.Counter[str] = collections.Counter()  # table → queued jobs
        self._error: BaseException | None = None
        self._cancelled = False
        self._independent = 0
        self._thread = threading.Thread(target=self._run, name="write-behind", daemon=True)
        self._thread.start()

    def submit(
        self, job: Callable[[psycopg.Cursor], None], *, tables: Iterable[str] | None
    ) -> None:
        """Queue ``job(cursor)``; ``tables`` are the tables it writes (None: unknown, any)."""
        self._raise_error()
        keys = tuple(tables) if tables is not None else (_ANY_TABLE,)
        with self._lock:
            self._pending.update(keys)
        self._jobs.put((job, keys))

    def execute(self, sql: str, params=()) -> None:
        self.submit(functools.partial(_execute, sql, params), tables=None)

    def sync(self) -> None:
        """Wait until every queued job is done; raise the error of one that failed."""
        self._jobs.join()
        self._raise_error()

    def _raise_error(self) -> None:
        if self._error is not None:
            with connection.wrap_database_errors:
                raise self._error

    def _run(self) -> None:
        # A plain psycopg cursor: Django's connection object belongs to the other thread.
        with psycopg.Cursor(self._raw) as cursor:
            while (item := self._jobs.get()) is not None:
                job, keys = item
                try:
                    if self._error is None and not self._cancelled:
                        job(cursor)
                except BaseException as exc:  # handed to the block's thread
                    self._error = exc
                finally:
                    with self._lock:
                        self._pending.subtract(keys)
                    self._jobs.task_done()
            self._jobs.task_done()

    def _close(self, *, cancel: bool) -> None:
        self._cancelled = cancel
        self._jobs.put(None)
        self._thread.join()

    def _must_wait(self, sql: str) -> bool:
        if not self._jobs.unfinished_tasks:
            return False
        if sql.lstrip()[:6].upper() != "SELECT":
            return True
        with self._lock:
            tables = [t for t, n in self._pending.items() if n > 0]
        if _ANY_TABLE in tables:
            return True
        return not self._independent and any(_naming(t).search(sql) for t in tables)

    def _before_statement(self, execute, sql, params, many, context):
        if _SAVEPOINT.match(sql):
            # Nested atomic blocks (services are @transaction.atomic) set and release savepoints
            # all the time: queued, in their place between the writes, they need not wait.
            self.submit(functools.partial(_execute, sql, params), tables=())
            return None
        if self._must_wait(sql):
            self.sync()
        else:
            self._raise_error()
        try:
            return execute(sql, params, many, context)
        except DatabaseError as exc:
            # A job that failed meanwhile aborted the transaction: its error is the one to
            # report. (When this statement failed first, the job failed for that reason.)
            self._jobs.join()
            if isinstance(exc.__cause__, psycopg.errors.InFailedSqlTransaction):
                self._raise_error()
            raise


_SAVEPOINT = re.compile(r"\s*(RELEASE\s+)?SAVEPOINT\b", re.IGNORECASE)


@functools.cache
def _naming(table: str) -> re.Pattern:
    return re.compile(rf"\b{re.escape(table)}\b", re.IGNORECASE)


def _execute(sql: str, params, cursor: psycopg.Cursor) -> None:
    cursor.execute(sql, params)


def _copy(sql: str, rows: list, cursor: psycopg.Cursor) -> None:
    with cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _copy_data(sql: str, data: bytearray, cursor: psycopg.Cursor) -> None:
    with cursor.copy(sql) as copy:
        copy.write(data)


def _formatter(raw: psycopg.Connection):
    """A function rows → COPY text, by psycopg's own (C) row formatter with the connection's
    adapters; None when this psycopg has it elsewhere (it is not public API: the rows are then
    formatted in the thread)."""
    try:
        from psycopg._copy_base import format_row_text
    except ImportError:  # pragma: no cover - another psycopg layout
        return None
    transformer = Transformer(raw)

    def formatted(rows: list) -> bytearray:
        data = bytearray()
        for row in rows:
            format_row_text(row, transformer, data)
        return data

    return formatted


def active() -> WriteBehind | None:
    """The write-behind of the block this thread is in, if any."""
    return getattr(_local, "write_behind", None)


@contextlib.contextmanager
def write_behind() -> Iterator[WriteBehind | None]:
    """Queue this block's COPYs to a second thread on the same transaction (see the module).
    Yields the :class:`WriteBehind` (None where it does nothing); nested blocks share it."""
    if active() is not None:
        yield active()
        return
    if connection.vendor != "postgresql" or connection.get_autocommit():
        yield None
        return
    connection.ensure_connection()
    wb = WriteBehind(connection.connection)
    _local.write_behind = wb
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, SWITCH_INTERVAL))
    done = False
    try:
        with connection.execute_wrapper(wb._before_statement):
            yield wb
            wb.sync()
            done = True
    finally:
        _local.write_behind = None
        wb._close(cancel=not done)
        sys.setswitchinterval(interval)


@contextlib.contextmanager
def independent_reads() -> Iterator[None]:
    """SELECTs in this block need not wait for queued writes: the caller knows none of their
    rows can be among them (e.g. it keeps every row it queued in memory and only asks for
    others). Elsewhere a no-op."""
    wb = active()
    if wb is None:
        yield
        return
    wb._independent += 1
    try:
        yield
    finally:
        wb._independent -= 1


def copy_rows(sql: str, rows: list, *, table: str) -> None:
    """``COPY ... FROM STDIN`` of ``rows`` (lists or tuples of values ready for psycopg) on this
    transaction: queued in a :func:`write_behind` block, else at once."""
    wb = active()
    if wb is None:
        with connection.wrap_database_errors, connection.cursor() as cursor:
            _copy(sql, rows, cursor.cursor)
        return
    for start in range(0, len(rows), COPY_ROWS_PER_JOB):
        deel = rows[start : start + COPY_ROWS_PER_JOB]
        # Formatted here, by psycopg's C formatter: the thread then needs the GIL only to hand
        # the bytes to libpq, not once per row while this thread runs Python.
        formatted = _formatter(wb._raw)
        if formatted is None:
            job = functools.partial(_copy, sql, deel)
        else:
            job = functools.partial(_copy_data, sql, formatted(deel))
        wb.submit(job, tables=(table,))
