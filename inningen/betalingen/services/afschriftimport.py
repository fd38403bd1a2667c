"""Importing a bank statement in the background (#16): store the upload, import it in a task,
show progress and the result; a sweep recovers what a lost worker or a lost queueing left.

The import itself stays one transaction (``afschrift_import``: all or nothing). Its status
"klaar" is written in that same transaction, so an import is done exactly when its bookings
are committed: a task that runs again (acks_late redelivery, retry, the sweep) finds it done.
Progress is written while that transaction runs, so it cannot be part of it: on PostgreSQL it
goes through a second, autocommitting connection of its own (visible at once, never rolled
back with a failed import). On SQLite (the embedded default, imports run in the request) a
second connection would wait for the import's write lock, so progress is only written at the
end there.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import time

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile, File
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    transaction,
)
from django.db.models import F
from django.utils import timezone

from inningen.betalingen.models import Afschriftimport, ImportStatus
from inningen.betalingen.models.afschriftimport import ACTIEF
from inningen.betalingen.services.afschriften import AfschriftFout, afschrift_import
from inningen.organisaties.selectors import organisaties_for_user
from inningen.wachtrij import na_commit, veilig_inplannen

logger = logging.getLogger(__name__)

# Time limits of the import task. The target for 50,000 entries is one minute; the margin is
# for a busy database. The sweep never takes over an import a worker still holds (PostgreSQL:
# advisory lock), so these only bound a hanging worker.
TAAK_ZACHT = 20 * 60
TAAK_HARD = TAAK_ZACHT + 60
# A 'bezig' row without a heartbeat for this long is a candidate for the sweep (a worker
# writes one at least every VOORTGANG_INTERVAL while it reports progress).
VASTGELOPEN_NA = 120
# A 'wachtrij' row queued this long ago is queued again (its message may be lost).
OPNIEUW_INPLANNEN_NA = 300
VOORTGANG_INTERVAL = 1.0
# First key of the PostgreSQL advisory lock (the second is the import's id): "#16, 0014".
_SLOT = 160014

MELDING_TECHNISCH = (
    "Het inlezen is door een technische fout niet gelukt; er is niets ingelezen. Probeer het "
    "later opnieuw of neem contact op met de beheerder."
)
MELDING_BESTAND_WEG = (
    "Het aangeboden bestand is niet meer te lezen; er is niets ingelezen. Bied het opnieuw aan."
)
MELDING_TE_LANG = (
    "Het inlezen duurde te lang en is afgebroken; er is niets ingelezen. Neem contact op met "
    "de beheerder."
)


class AlInWachtrij(Exception):
    """The same file is already queued or being imported."""

    def __init__(self, bestaand: Afschriftimport | None):
        super().__init__("Dit bestand wordt al ingelezen.")
        self.bestaand = bestaand


# --- upload --------------------------------------------------------------------------------------


def afschriftimport_create(*, bestand: File | bytes, bestandsnaam: str, user) -> Afschriftimport:
    """Store an uploaded file and queue its import; returns at once (the import runs in a
    task; without a broker in this process, before this returns). Raises AfschriftFout for an
    empty file and AlInWachtrij when the same file is already waiting or being imported."""
    if isinstance(bestand, bytes):
        bestand = ContentFile(bestand)
    sha = hashlib.sha256()
    iets = False
    for stuk in bestand.chunks():
        sha.update(stuk)
        iets = iets or bool(stuk.strip())
    if not iets:
        raise AfschriftFout("Het bestand is leeg.")
    sha = sha.hexdigest()
    if bestaand := _actieve_import(sha):
        raise AlInWachtrij(bestaand)
    bestand.seek(0)
    imp = Afschriftimport(
        geupload_door=user,
        door=user.get_username(),
        bestandsnaam=bestandsnaam[:255],
        grootte=bestand.size,
        sha256=sha,
        ingepland=timezone.now(),
    )
    imp.bestand.save("afschrift", bestand, save=False)
    try:
        with transaction.atomic():
            imp.save()
    except IntegrityError as exc:
        # Uploaded twice at the same moment: the unique constraint on active files decided.
        imp.bestand.delete(save=False)
        raise AlInWachtrij(_actieve_import(sha)) from exc
    _inplannen(imp.pk)
    return imp


def _actieve_import(sha: str) -> Afschriftimport | None:
    return Afschriftimport.objects.filter(sha256=sha, status__in=ACTIEF).first()


def _inplannen(import_id: int) -> None:
    from inningen.betalingen.tasks import afschrift_importeren

    def inplannen():
        afschrift_importeren.delay(import_id)

    wat = f"Afschriftimport {import_id}"
    if current_app.conf.task_always_eager:
        # No broker: the task runs here and now (on_commit would never fire inside an outer
        # transaction, and the row is committed already when the caller is in autocommit).
        veilig_inplannen(inplannen, wat=wat)
    else:
        na_commit(inplannen, wat=wat)


# --- the task ------------------------------------------------------------------------------------


def afschriftimport_run(*, import_id: int, laatste_poging: bool = True) -> str:
    """Import one queued file; returns its status afterwards. Idempotent: only a row in the
    queue is taken (claimed in its own statement); one that is done, failed or held by another
    worker is left alone. An unexpected error puts the row back in the queue and re-raises (the
    task retries), or on the last attempt marks it failed."""
    nu = timezone.now()
    genomen = Afschriftimport.objects.filter(pk=import_id, status=ImportStatus.WACHTRIJ).update(
        status=ImportStatus.BEZIG,
        gestart=nu,
        bijgewerkt=nu,
        foutmelding="",
        pogingen=F("pogingen") + 1,
    )
    if not genomen:
        return _status(import_id)
    imp = Afschriftimport.objects.select_related("geupload_door").get(pk=import_id)
    user = imp.geupload_door
    if user is None or not user.is_active or not user.has_perm("inningen.import_afschrift"):
        return _afsluiten(
            import_id,
            "De gebruiker die het bestand heeft aangeboden mag geen afschriften (meer) inlezen; "
            "er is niets ingelezen.",
        )
    organisaties = list(organisaties_for_user(user))
    try:
        with imp.bestand.open("rb") as f:
            inhoud = f.read()
    except (OSError, ValueError):
        logger.exception("Afschriftimport %s: bestand %s onleesbaar", import_id, imp.bestand.name)
        return _afsluiten(import_id, MELDING_BESTAND_WEG)
    voortgang = _Voortgang(import_id)
    try:
        with transaction.atomic():
            if not _vasthouden(import_id):
                # Another worker holds it (a redelivered message): leave it to that one.
                return _status(import_id)
            resultaat = afschrift_import(
                inhoud=inhoud,
                door=imp.door,
                bestandsnaam=imp.bestandsnaam,
                organisaties=organisaties,
                voortgang=voortgang,
            )
            del inhoud
            verwerking = dataclasses.asdict(resultaat.verwerking)
            posten = verwerking.get("posten", 0)
            klaar = Afschriftimport.objects.filter(pk=import_id, status=ImportStatus.BEZIG).update(
                status=ImportStatus.KLAAR,
                organisatie_id=(
                    resultaat.afschriften[0].organisatie_id if resultaat.afschriften else None
                ),
                verwerkt=posten,
                totaal=max(posten, voortgang.totaal),
                samenvatting=resultaat.samenvatting(),
                resultaat={
                    "afschriften": [a.pk for a in resultaat.afschriften],
                    "overgeslagen": list(resultaat.overgeslagen),
                    "al_ingelezen": resultaat.al_ingelezen,
                    "verwerking": verwerking,
                },
                bestand="",
                afgerond=timezone.now(),
                bijgewerkt=timezone.now(),
            )
            if not klaar:
                # Taken from us (the sweep) while we ran: undo, the other run decides.
                transaction.set_rollback(True)
                return _status(import_id)
    except AfschriftFout as exc:
        return _afsluiten(import_id, f"Geweigerd, niets ingelezen: {exc}")
    except SoftTimeLimitExceeded:
        return _afsluiten(import_id, MELDING_TE_LANG)
    except Exception:
        if laatste_poging:
            logger.exception("Afschriftimport %s mislukt", import_id)
            return _afsluiten(import_id, MELDING_TECHNISCH)
        Afschriftimport.objects.filter(pk=import_id, status=ImportStatus.BEZIG).update(
            status=ImportStatus.WACHTRIJ, bijgewerkt=timezone.now(), ingepland=timezone.now()
        )
        raise
    finally:
        voortgang.close()
    _bestand_wissen(imp.bestand.name)
    return ImportStatus.KLAAR


def _status(import_id: int) -> str:
    return Afschriftimport.objects.filter(pk=import_id).values_list("status", flat=True).first()


def _afsluiten(import_id: int, melding: str) -> str:
    """Mark a running import failed (nothing was imported: its transaction rolled back)."""
    naam = Afschriftimport.objects.filter(pk=import_id).values_list("bestand", flat=True).first()
    if Afschriftimport.objects.filter(pk=import_id, status=ImportStatus.BEZIG).update(
        status=ImportStatus.MISLUKT,
        foutmelding=melding,
        bestand="",
        afgerond=timezone.now(),
        bijgewerkt=timezone.now(),
    ):
        _bestand_wissen(naam)
    return _status(import_id)


def _bestand_wissen(naam: str | None) -> None:
    """Delete a finished import's file (bank files hold names and accounts of people: kept no
    longer than needed). A failure only leaves a file behind, so it is logged, not raised."""
    if not naam:
        return
    try:
        Afschriftimport._meta.get_field("bestand").storage.delete(naam)
    except OSError:
        logger.warning("Bestand %s van een afschriftimport niet gewist", naam)


def _vasthouden(import_id: int) -> bool:
    """Hold the import for this transaction (PostgreSQL advisory lock, released at commit,
    rollback or when the worker's connection dies): no second worker imports it meanwhile.
    Elsewhere the database serialises writers anyway."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [_SLOT, import_id])
        return cursor.fetchone()[0]


def _vrij(import_id: int) -> bool:
    """No worker holds this import (see _vasthouden)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
            "AND classid = %s AND objid = %s AND objsubid = 2 AND granted)",
            [_SLOT, import_id],
        )
        return cursor.fetchone()[0]


class _Voortgang:
    """The ``voortgang(done, total)`` callback: writes progress (and the heartbeat) at most
    once per VOORTGANG_INTERVAL through a second connection, outside the import's transaction
    (PostgreSQL only, see the module docstring). A failing write never fails the import."""

    def __init__(self, import_id: int):
        self.import_id = import_id
        self.interval = VOORTGANG_INTERVAL
        self.totaal = 0
        self.laatst = float("-inf")
        self.verbinding = None
        if connection.vendor == "postgresql":
            self.verbinding = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, done: int, totaal: int) -> None:
        nieuw_totaal = totaal != self.totaal
        self.totaal = totaal
        nu = time.monotonic()
        if self.verbinding is None or (not nieuw_totaal and nu - self.laatst < self.interval):
            return
        self.laatst = nu
        try:
            with self.verbinding.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Afschriftimport._meta.db_table} SET verwerkt = %s, totaal = %s, "
                    "bijgewerkt = %s WHERE id = %s AND status = %s",
                    [done, totaal, timezone.now(), self.import_id, ImportStatus.BEZIG],
                )
        except DatabaseError:
            logger.warning("Voortgang van afschriftimport %s niet bijgewerkt", self.import_id)

    def close(self) -> None:
        if self.verbinding is not None:
            self.verbinding.close()
            self.verbinding = None


# --- sweep ---------------------------------------------------------------------------------------


def afschriftimport_sweep() -> int:
    """Offer again what a lost worker left 'bezig' (nothing of it was committed: the import is
    one transaction) and queue again what waits too long (a queueing lost with the broker).
    Safe to run often and concurrently; returns how many imports were queued."""
    nu = timezone.now()
    grens = nu - timezone.timedelta(
        seconds=VASTGELOPEN_NA if connection.vendor == "postgresql" else TAAK_HARD + 60
    )
    for pk, bijgewerkt in Afschriftimport.objects.filter(
        status=ImportStatus.BEZIG, bijgewerkt__lt=grens
    ).values_list("pk", "bijgewerkt"):
        if _vrij(pk):
            Afschriftimport.objects.filter(
                pk=pk, status=ImportStatus.BEZIG, bijgewerkt=bijgewerkt
            ).update(status=ImportStatus.WACHTRIJ, ingepland=None, verwerkt=0)
            logger.warning("Afschriftimport %s vastgelopen (worker verdwenen): opnieuw", pk)
    opnieuw = nu - timezone.timedelta(seconds=OPNIEUW_INPLANNEN_NA)
    ids = list(
        Afschriftimport.objects.filter(status=ImportStatus.WACHTRIJ)
        .exclude(ingepland__gte=opnieuw)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if ids:
        Afschriftimport.objects.filter(pk__in=ids).update(ingepland=nu)
    for pk in ids:
        _inplannen_nu(pk)
    return len(ids)


def _inplannen_nu(import_id: int) -> None:
    from inningen.betalingen.tasks import afschrift_importeren

    veilig_inplannen(
        lambda: afschrift_importeren.delay(import_id), wat=f"Afschriftimport {import_id}"
    )
