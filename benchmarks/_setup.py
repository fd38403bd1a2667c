"""Shared set-up of the benchmark scripts: Django, the StUF identity, a TSA koppeling and
official test messages made current (the same way tests/stuffin/conftest.py does it)."""

from __future__ import annotations

import copy
import datetime
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTBERICHTEN = ROOT / "tests" / "fixtures" / "testberichten"

# The official messages use this 200-character TSA code and address application "TTA".
TSA_CODE = "test" * 50
RSIN = "002220647"  # a valid RSIN the test platform's tester registered
WACHTWOORD = "benchmark-wachtwoord-2026"

NS = {
    "StUF": "http://www.egem.nl/StUF/StUF0301",
    "FIN": "http://www.egem.nl/StUF/sector/fin/0310",
    "BG": "http://www.egem.nl/StUF/sector/bg/0310",
    "ZKN": "http://www.egem.nl/StUF/sector/zkn/0310",
}
FIN = f"{{{NS['FIN']}}}"


def setup_django(*, allow_sqlite: bool = False) -> None:
    """django.setup() with config.settings; refuse SQLite unless asked (figures are for PostgreSQL)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    django.setup()
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine and not allow_sqlite:
        sys.exit(
            f"Database engine is {engine}: set DATABASE_URL=postgres://... (or pass --allow-sqlite)."
        )
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        sys.exit(
            "The database is not migrated: run `.venv/bin/python manage.py migrate` with the same DATABASE_URL."
        )
    # The official messages are addressed to application TTA, organisation and administration any.
    settings.STUF_APPLICATIE = "TTA"
    settings.STUF_ORGANISATIE = ""
    settings.STUF_ADMINISTRATIE = ""


def database_beschrijving() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("select version()")
            return f"{cursor.fetchone()[0].split(' on ')[0]} ({connection.settings_dict['NAME']})"
        cursor.execute("select sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def database_grootte() -> str:
    """Size of the database on disk (PostgreSQL), e.g. "1702 MB"."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return "n/a"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        return cursor.fetchone()[0]


def laadgemiddelde() -> str:
    """The load average (1, 5, 15 minutes): other work on the same cores shows in every figure."""
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "n/a"


def bench_koppeling():
    """The TSA koppeling of the official messages (zender STP), created once, reused after."""
    from stuffin.models import Koppeling
    from stuffin.services.koppelingen import koppeling_upsert

    bestaand = Koppeling.objects.filter(organisatie="", applicatie="STP", administratie="").first()
    if (
        bestaand is not None
        and bestaand.tsa_codes.filter(code=TSA_CODE).exists()
        and bestaand.vorderende_organisaties.filter(rsin=RSIN).exists()
    ):
        return bestaand
    return koppeling_upsert(
        applicatie="STP",
        rol="tsa",
        gebruikersnaam="stp-benchmark",
        wachtwoord=WACHTWOORD,
        tsa_codes=[TSA_CODE],
        vorderende_organisaties=[RSIN],
    )[0]


# --- messages ----------------------------------------------------------------------------------


def _actueel(naam: str, *, vervaldatum: datetime.date | None = None) -> str:
    from django.utils import timezone

    datum = vervaldatum or (timezone.localdate() + datetime.timedelta(days=30))
    tekst = (TESTBERICHTEN / naam).read_text(encoding="utf-8")
    return tekst.replace("1957-08-13", datum.isoformat()).replace(">000000000<", f">{RSIN}<")


def envelope(element) -> bytes:
    from stuffin.stuf import soap

    return soap.envelope(element)


def bsn_reeks(start: int):
    """Valid BSNs (11-proef) from an 8-digit base upwards: the check digit is the weighted sum
    of the first eight digits mod 11; bases whose check digit would be 10 are skipped."""
    basis = start
    while True:
        cijfers = f"{basis:08d}"
        rest = sum(int(c) * w for c, w in zip(cijfers, range(9, 1, -1), strict=True)) % 11
        if rest < 10:
            yield cijfers + str(rest)
        basis += 1


# Benchmark debtors get BSNs from this 8-digit base upwards (first digit 7: never a test BSN).
BSN_BASIS = 70_000_000


def volgende_bsn_basis() -> int:
    """First BSN base above every benchmark debtor already stored, so re-runs create new debtors."""
    from inningen.debiteuren.models import Debiteur

    hoogste = (
        Debiteur.objects.filter(bsn__startswith="7")
        .order_by("-bsn")
        .values_list("bsn", flat=True)
        .first()
    )
    return int(hoogste[:8]) + 1 if hoogste else BSN_BASIS


def run_id() -> str:
    """Short unique prefix for vorderingnummers, so a run never collides with an earlier one."""
    return uuid.uuid4().hex[:10]


class Di01Maker:
    """Builds Di01-verstrekVordering messages with n max-variant claims.

    The template is the second vrdLk01 of the official max message (full debtor with address,
    e-mail and bank account, two regels, btw-totaalregel, mandate, termijn, zaak, organisatorische
    eenheid, credit relation). Per claim: a unique vorderingnummer and factuurnummer; per debtor
    a distinct valid BSN and debiteurnummer; the credit relation points to the claim before it
    in the same message (the first claim of a message has none).
    """

    def __init__(
        self,
        *,
        bsn_start: int | None = None,
        vorderingen_per_debiteur: int = 1,
        variant: str = "max",
    ):
        from lxml import etree

        # "min": the official min message's one claim (no debtor, one regel): ~1.9 kB a claim,
        # so 10,000 of them come to about STUF_MAX_BODY_BYTES.
        self.variant = variant
        root = etree.fromstring(_actueel(f"Di01-verstrekVordering-{variant}.xml").encode())
        self.root = root
        self.template = root.findall(FIN + "vrdLk01")[1 if variant == "max" else 0]
        for lk in root.findall(FIN + "vrdLk01"):
            root.remove(lk)
        self.bsn_start = bsn_start if bsn_start is not None else volgende_bsn_basis()
        self.bsns = bsn_reeks(self.bsn_start)
        self.per_debiteur = max(1, vorderingen_per_debiteur)
        self.prefix = run_id()
        self.teller = 0

    def zelfde_debiteuren(self) -> None:
        """The next message names the debtors of the first one again (known debtors, same data)."""
        self.bsns = bsn_reeks(self.bsn_start)

    def bericht(self, n: int) -> tuple[bytes, list[str]]:
        """One enveloped message with n claims and a fresh referentienummer; returns the body
        and the vorderingnummers in it."""
        root = copy.deepcopy(self.root)
        root.find("FIN:stuurgegevens/StUF:referentienummer", NS).text = uuid.uuid4().hex[:20]
        nummers = []
        bsn = None
        vorige = None
        for _ in range(n):
            if self.teller % self.per_debiteur == 0 or bsn is None:
                bsn = next(self.bsns)
            nummer = f"B{self.prefix}-{self.teller:08d}"
            self.teller += 1
            lk = copy.deepcopy(self.template)
            obj = lk.find(FIN + "object")
            obj.find(FIN + "vorderingnummer").text = nummer
            if self.variant == "min":
                root.append(lk)
                nummers.append(nummer)
                continue
            obj.find(FIN + "factuurnummer").text = "F" + nummer
            deb = obj.find(FIN + "wordtBetaaldDoorNatuurlijkPersoonAlsDebiteur")
            deb.find("FIN:gerelateerde/BG:inp.bsn", NS).text = bsn
            deb.find(FIN + "debiteurnummer").text = f"D{bsn}"
            relatie = obj.find(FIN + "heeftBetrekkingOpVordering")
            if vorige is None:
                obj.remove(relatie)
            else:
                relatie.find("FIN:gerelateerde/FIN:vorderingnummer", NS).text = vorige
            vorige = nummer
            root.append(lk)
            nummers.append(nummer)
        return envelope(root), nummers


def vrd_lv01(naam: str, vorderingnummer: str) -> bytes:
    """An official vrdLv01 (max or min scope) asking for one vorderingnummer."""
    from lxml import etree

    root = etree.fromstring(_actueel(naam).encode())
    root.find("FIN:gelijk/FIN:vorderingnummer", NS).text = vorderingnummer
    return envelope(root)


# --- timing ------------------------------------------------------------------------------------


def best_of(functie, herhalingen: int) -> float:
    tijden = []
    for _ in range(herhalingen):
        start = time.perf_counter()
        functie()
        tijden.append(time.perf_counter() - start)
    return min(tijden)


def percentiel(waarden: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    geordend = sorted(waarden)
    k = max(0, min(len(geordend) - 1, -(-len(geordend) * p // 100) - 1))
    return geordend[int(k)]


def samenvatting_ms(tijden: list[float]) -> str:
    ms = [t * 1000 for t in tijden]
    return (
        f"p50 {percentiel(ms, 50):6.2f}  p95 {percentiel(ms, 95):6.2f}  p99 {percentiel(ms, 99):6.2f}  "
        f"max {max(ms):6.2f}  mean {statistics.fmean(ms):6.2f} ms"
    )
