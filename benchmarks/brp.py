"""Benchmark: refreshing 100,000 debtors' addresses from the BRP (issue #18; target ≥ 500 persons/s).

1. Loads --debiteuren new natural-person debtors (every invocation its own, prefix
   BRPB<seed>-) with valid BSNs (11-proef, 7-digit bases from 5,000,000: never a RvIG test BSN),
   set-based (INSERT ... SELECT generate_series).
2. Starts the local fake (`manage.py basisregistraties_fake --genereer-onbekende`: an ordinary
   person for every unknown BSN) as a subprocess with --vertraging-ms of latency per call
   (default 20, as the issue asks), or in this process (`--fake-in-proces`, a thread: then the
   fake competes with the client for the GIL), and points BRP_API_URL/BRP_API_KEY at it.
3. Times `adressen_verversen(debiteur_ids=..., door="benchmark")`
   (inningen/invordering/services/adressen.py) over all of them twice: the first refresh (every
   address new) and again (nothing changed). Prints persons/s, BRP calls (counted on the
   client's side), the time inside the BRP client and the rest (database). `--rauw`, or without
   that service: the client alone over all BSNs and a bulk write of its own, apart.
4. With --run: a fresh organisation with --vorderingen overdue claims, each of a debtor of its
   own (100,000 claims = 100,000 persons to refresh, the worst case), a third at each point of
   the track; times the run preview `invordering_plan` without the BRP (BRP_API_URL empty) and
   with `adressen=True` (the refresh the preview and the run do first), for its share.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/inningen_bench18 \
        .venv/bin/python benchmarks/brp.py [--debiteuren 100000] [--vertraging-ms 20] [--run]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import socket
import subprocess
import sys
import time

import _setup
from balie import _waarden

PREFIX = "BRPB"  # debiteurnummers BRPB0000001...
FAKE_BRP_SLEUTEL = "fake-brp-sleutel"


# --- data ----------------------------------------------------------------------------------------


def debiteuren_laden(aantal: int, *, prefix: str = PREFIX, bsn_basis: int = 5_000_000) -> None:
    """`aantal` natural persons with valid BSNs, set-based; only what is missing."""
    from django.db import connection, transaction

    from inningen.debiteuren.models import Debiteur

    with connection.cursor() as c:
        c.execute(
            "SELECT count(*) FROM inningen_debiteur WHERE debiteurnummer LIKE %s", [prefix + "0%"]
        )
        bestaand = c.fetchone()[0]
    if bestaand >= aantal:
        return
    t = time.perf_counter()
    # A 7-digit base, then the 8th digit chosen so the 11-proef check digit is never 10 (only
    # one value of it would give 10), then the check digit: unique, valid, 9 digits.
    basis = f"lpad(({bsn_basis} + i)::text, 7, '0')"
    som = " + ".join(f"substr({basis}, {p}, 1)::int * {10 - p}" for p in range(1, 8))
    achtste = f"(CASE WHEN ({som}) % 11 = 10 THEN 1 ELSE 0 END)"
    bsn = f"{basis} || {achtste}::text || ((({som}) + 2 * {achtste}) % 11)::text"
    kolommen, select = _waarden(Debiteur, {
        "soort": "'NPS'",
        "debiteurnummer": f"'{prefix}' || lpad(i::text, 7, '0')",
        "bsn": bsn,
        "voorletters": "chr(65 + i % 26) || '.'",
        "geslachtsnaam": "'Proefpersoon'",
        "zoeknaam": "'proefpersoon'",
        "straatnaam": "'Oudeweg'",
        "huisnummer": "1 + i % 300",
        "postcode": "(1000 + i % 8999)::text || 'AB'",
        "woonplaats": "'Proefstad'",
        "created_at": "now()",
        "updated_at": "now()",
    })  # fmt: skip
    with transaction.atomic(), connection.cursor() as c:
        c.execute(  # no parameters: the SQL's % operators stay as they are
            f"INSERT INTO inningen_debiteur ({kolommen}) SELECT {select} "
            f"FROM generate_series({int(bestaand) + 1}, {int(aantal)}) AS i"
        )
        c.execute("ANALYZE inningen_debiteur")
    print(f"Load: {aantal - bestaand:,} debtors in {time.perf_counter() - t:.1f} s", flush=True)


def vorderingen_laden(aantal: int, seed: int):
    """A fresh organisation with `aantal` overdue claims, each of a debtor of its own (debtors
    prefix BRPR<seed>-), a third at each point of the track as benchmarks/invorderingsrun.py
    loads them; returns (organisatie, debiteur ids)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from inningen.betalingen.models import Afschrift
    from inningen.choices import BtwCategorie, Invorderingsstap, Vorderingtype
    from inningen.debiteuren.models import Debiteur
    from inningen.grootboek.models import Vordering
    from inningen.grootboek.services.vorderingen import (
        RegelInvoer,
        VorderingInvoer,
        vorderingen_register,
    )
    from inningen.organisaties.models import Bankrekening, Organisatie
    from tests.factories import elfproef_nummer

    rng = random.Random(seed)
    vandaag = timezone.localdate()
    rsin = elfproef_nummer(rng)
    while Organisatie.objects.filter(rsin=rsin).exists():
        rsin = elfproef_nummer(rng)
    org = Organisatie.objects.create(rsin=rsin, naam=f"Benchmarkgemeente BRP {seed}")
    rekening = Bankrekening.objects.create(
        organisatie=org, iban=f"NL{rng.randint(10, 99)}BANK{rng.randint(10**9, 10**10 - 1)}"
    )
    Afschrift.objects.create(
        organisatie=org, bankrekening=rekening, formaat="camt053", identificatie=f"BRP{seed}",
        datum=vandaag, sha256=f"{seed:064d}", ingelezen_door="benchmark",
    )  # fmt: skip
    prefix = f"BRPR{seed}-"
    # The run organisations' debtors take BSN bases from 1,000,000 up, one after the other.
    eerder = Debiteur.objects.filter(debiteurnummer__startswith="BRPR").count()
    debiteuren_laden(aantal, prefix=prefix, bsn_basis=1_000_000 + eerder)
    debiteuren = list(
        Debiteur.objects.filter(debiteurnummer__startswith=prefix).order_by("pk").only("pk")
    )
    t0 = time.perf_counter()
    for start in range(0, aantal, 5_000):
        invoer = []
        for i in range(start, min(start + 5_000, aantal)):
            publiek = i % 2 == 0
            bedrag = rng.randrange(2_000, 150_000)
            verval = vandaag - dt.timedelta(days=rng.randint(20, 120))
            invoer.append(
                VorderingInvoer(
                    organisatie=org, tsa="brp-bench", vorderingnummer=f"BR{seed}-{i:07d}",
                    creatiedatum=verval - dt.timedelta(days=60),
                    factuurdatum=verval - dt.timedelta(days=60), vervaldatum=verval,
                    indicator_factuur_uitgestuurd=True, algemene_factuuromschrijving="Benchmark",
                    totaalbedrag_excl_btw=bedrag, totaalbedrag_btw=0, totaalbedrag_incl_btw=bedrag,
                    publiekrechtelijk=publiek,
                    regels=[RegelInvoer(
                        bedrag_excl_btw=bedrag, bedrag_btw=0, bedrag_incl_btw=bedrag,
                        btw_categorie=BtwCategorie.NUL, btw_percentage=0,
                        vorderingtype=Vorderingtype.AANSLAG if publiek else Vorderingtype.FACTUUR,
                        vorderingcode="OZB" if publiek else "HUUR",
                        vorderingomschrijving="Benchmark",
                    )],
                    debiteur=debiteuren[i % len(debiteuren)],
                )
            )  # fmt: skip
        with transaction.atomic():
            vorderingen_register(invoer=invoer, door="benchmark")
        print(
            f"  claims {min(start + 5_000, aantal):,}/{aantal:,} ({time.perf_counter() - t0:.0f} s)",
            flush=True,
        )
    ids = list(
        Vordering.objects.filter(organisatie=org).order_by("pk").values_list("pk", flat=True)
    )
    stap_datum = vandaag - dt.timedelta(days=20)
    Vordering.objects.filter(pk__in=ids[1::3]).update(
        invorderingsstap=Invorderingsstap.HERINNERING, stap_datum=stap_datum
    )
    Vordering.objects.filter(pk__in=ids[2::3]).update(
        invorderingsstap=Invorderingsstap.AANMANING, stap_datum=stap_datum
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return org, [d.pk for d in debiteuren]


# --- the fake ------------------------------------------------------------------------------------


def _vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Fake:
    """The fake as a subprocess (default) or a thread; counts BRP calls from its own log
    (thread) or from the client side (subprocess: see TellendeSessie)."""

    def __init__(self, *, vertraging_ms: int, in_proces: bool):
        self.in_proces = in_proces
        self.proces = None
        self.fake = None
        if in_proces:
            import threading

            from inningen.basisregistraties.fake import BasisregistratiesFake

            self.fake = BasisregistratiesFake(vertraging_ms=vertraging_ms, genereer_onbekende=True)
            threading.Thread(target=self.fake.bind().serve_forever, daemon=True).start()
            self.brp_url = self.fake.brp_url
            return
        poort = _vrije_poort()
        self.proces = subprocess.Popen(
            [sys.executable, str(_setup.ROOT / "manage.py"), "basisregistraties_fake",
             "--port", str(poort), "--vertraging-ms", str(vertraging_ms), "--genereer-onbekende"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        self.brp_url = f"http://127.0.0.1:{poort}/haalcentraal/api/brp"
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", poort), timeout=0.2).close()
                break
            except OSError:
                if self.proces.poll() is not None:
                    sys.exit("The fake did not start (see its output above).")
                time.sleep(0.05)
        else:
            sys.exit("The fake did not accept connections within 10 s.")

    def stop(self) -> None:
        if self.fake is not None:
            self.fake.stop()
        if self.proces is not None:
            self.proces.terminate()
            self.proces.wait(timeout=10)


class Teller:
    """Counts the POSTs to the BRP on the client's side (the subprocess fake's log is not
    reachable) and the time spent in BrpClient.personen_raadplegen (the rest of a refresh is
    the database), by wrapping both for the measurement."""

    def __init__(self):
        import requests

        from inningen.basisregistraties.brp import BrpClient

        self.aantal = 0
        self.brp_tijd = 0.0
        self._post = requests.Session.post
        self._raadplegen = BrpClient.personen_raadplegen
        teller = self

        def post(session, url, *args, **kwargs):
            if url.endswith("/personen"):
                teller.aantal += 1
            return teller._post(session, url, *args, **kwargs)

        def raadplegen(client, *args, **kwargs):
            t = time.perf_counter()
            try:
                return teller._raadplegen(client, *args, **kwargs)
            finally:
                teller.brp_tijd += time.perf_counter() - t

        requests.Session.post = post
        BrpClient.personen_raadplegen = raadplegen

    def stop(self) -> None:
        import requests

        from inningen.basisregistraties.brp import BrpClient

        requests.Session.post = self._post
        BrpClient.personen_raadplegen = self._raadplegen


# --- measurements --------------------------------------------------------------------------------


def rauw_meten(debiteur_ids: list[int]) -> None:
    """Without the service: the client over all BSNs, then a bulk write of the result."""
    from django.db import connection, transaction
    from django.utils import timezone

    from inningen.basisregistraties.brp import brp_client_from_settings
    from inningen.debiteuren.models import Debiteur
    from inningen.debiteuren.models.adres import Adresbron, Adresstatus, DebiteurAdres

    paren = list(Debiteur.objects.filter(pk__in=debiteur_ids).values_list("pk", "bsn"))
    client = brp_client_from_settings()
    t0 = time.perf_counter()
    personen = client.personen_raadplegen([b for _, b in paren])
    brp_tijd = time.perf_counter() - t0
    print(
        f"BRP client: {len(personen):,} persons in {brp_tijd:.1f} s = "
        f"{len(personen) / brp_tijd:,.0f} persons/s",
        flush=True,
    )
    per_bsn = {p.bsn: p for p in personen}
    nu = timezone.now()
    t0 = time.perf_counter()
    with transaction.atomic():
        adressen = []
        for pk, bsn in paren:
            p = per_bsn.get(bsn)
            if p is None or p.adressering is None:
                continue
            adr = p.adressering
            regels = list(adr.adresregels)
            if adr.land_code not in ("", "6030") and adr.land:
                regels.append(adr.land)
            adressen.append(DebiteurAdres(
                debiteur_id=pk, bron=Adresbron.BRP, aanhef=adr.aanhef,
                aanschrijfwijze=adr.aanschrijfwijze, adresregels=regels, geheim=p.geheimhouding,
                opgehaald_op=nu, door="benchmark",
            ))  # fmt: skip
        DebiteurAdres.objects.bulk_create(adressen, batch_size=2_000)
        with connection.cursor() as c:
            c.execute(
                "UPDATE inningen_debiteur d SET brief_adres_id = a.id, adresstatus = %s, "
                "adresstatus_sinds = %s, adres_gecontroleerd_op = %s, geheimhouding = a.geheim "
                "FROM inningen_debiteuradres a WHERE a.debiteur_id = d.id AND a.opgehaald_op = %s "
                "AND a.door = 'benchmark'",
                [Adresstatus.IN_ORDE, nu, nu, nu],
            )
            bijgewerkt = c.rowcount
    db_tijd = time.perf_counter() - t0
    print(
        f"DB write (own bulk write, not the service): {len(adressen):,} DebiteurAdres rows + "
        f"{bijgewerkt:,} debtors in {db_tijd:.1f} s",
        flush=True,
    )
    totaal = brp_tijd + db_tijd
    print(f"Together: {totaal:.1f} s = {len(paren) / totaal:,.0f} persons/s")


def dienst():
    try:
        from inningen.invordering.services import adressen
    except ImportError:
        return None
    return getattr(adressen, "adressen_verversen", None)


def dienst_meten(verversen, debiteur_ids: list[int], wat: str) -> float:
    from inningen.debiteuren.models.adres import DebiteurAdres

    voor = DebiteurAdres.objects.count()
    teller = Teller()
    t0 = time.perf_counter()
    try:
        resultaat = verversen(debiteur_ids=debiteur_ids, door="benchmark")
    finally:
        teller.stop()
    tijd = time.perf_counter() - t0
    na = DebiteurAdres.objects.count()
    per_s = len(debiteur_ids) / tijd
    print(
        f"adressen_verversen, {wat}: {len(debiteur_ids):,} debtors in {tijd:.1f} s = "
        f"{per_s:,.0f} persons/s (target ≥ 500/s: {'MET' if per_s >= 500 else 'NOT MET'}); "
        f"BRP calls {teller.aantal:,}; new DebiteurAdres rows {na - voor:,}; "
        f"gecontroleerd {getattr(resultaat, 'gecontroleerd', '?'):,}, "
        f"gewijzigd {getattr(resultaat, 'gewijzigd', '?'):,}",
        flush=True,
    )
    print(
        f"  in the BRP client {teller.brp_tijd:.1f} s ({teller.brp_tijd / max(1, teller.aantal) * 1000:.1f} "
        f"ms per call of 20), database and the rest {tijd - teller.brp_tijd:.1f} s "
        f"({(tijd - teller.brp_tijd) / len(debiteur_ids) * 1000:.2f} ms per debtor)",
        flush=True,
    )
    return tijd


def run_meten(fake: Fake, aantal: int, seed: int) -> None:
    """A 100,000-claim run preview without and with the address refresh."""
    import inspect

    from django.conf import settings
    from django.utils import timezone

    from inningen.invordering.services.invordering import invordering_plan

    t0 = time.perf_counter()
    org, run_ids = vorderingen_laden(aantal, seed)
    print(f"Loaded the run's organisation in {time.perf_counter() - t0:.0f} s", flush=True)
    vandaag = timezone.localdate()
    settings.BRP_API_URL = ""
    t0 = time.perf_counter()
    plan = invordering_plan(organisatie=org, datum=vandaag)
    zonder = time.perf_counter() - t0
    s = plan.samenvatting(voorbeelden=0)
    print(
        f"invordering_plan without BRP: {zonder:.1f} s, {s['aantal']:,} steps, "
        f"{s['aantal_overgeslagen']:,} skipped",
        flush=True,
    )
    settings.BRP_API_URL = fake.brp_url
    kwargs = {}
    if "adressen" in inspect.signature(invordering_plan).parameters:
        kwargs = {"adressen": True, "door": "benchmark"}
    teller = Teller()
    t0 = time.perf_counter()
    try:
        plan = invordering_plan(organisatie=org, datum=vandaag, **kwargs)
    finally:
        teller.stop()
    met = time.perf_counter() - t0
    s = plan.samenvatting(voorbeelden=0)
    print(
        f"invordering_plan with BRP{' (adressen=True)' if kwargs else ''}: {met:.1f} s, "
        f"{s['aantal']:,} steps, {s['aantal_overgeslagen']:,} skipped, BRP calls "
        f"{teller.aantal:,} (client {teller.brp_tijd:.1f} s), {len(run_ids):,} debtors; "
        f"refresh ≈ {met - zonder:.1f} s = "
        f"{(met - zonder) / met:.0%} of the preview; melding {s.get('adres_melding', '')!r}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--debiteuren", type=int, default=100_000)
    parser.add_argument("--vertraging-ms", type=int, default=20)
    parser.add_argument("--fake-in-proces", action="store_true", help="the fake as a thread")
    parser.add_argument("--rauw", action="store_true", help="client and DB write separately")
    parser.add_argument("--run", action="store_true", help="also time invordering_plan")
    parser.add_argument("--vorderingen", type=int, default=100_000, help="claims of --run")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    _setup.setup_django()
    from django.conf import settings

    from inningen.debiteuren.models import Debiteur

    settings.DEBUG = False
    seed = args.seed if args.seed is not None else int(time.time()) % 100_000
    print(
        f"Database: {_setup.database_beschrijving()}, nproc {os.cpu_count()}, "
        f"load {_setup.laadgemiddelde()}",
        flush=True,
    )
    # Fresh debtors every invocation, so the first refresh always writes every address.
    prefix = f"{PREFIX}{seed}-"
    eerder = Debiteur.objects.filter(debiteurnummer__startswith=PREFIX).count()
    debiteuren_laden(args.debiteuren, prefix=prefix, bsn_basis=5_000_000 + eerder)
    ids = list(
        Debiteur.objects.filter(debiteurnummer__startswith=prefix)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    fake = Fake(vertraging_ms=args.vertraging_ms, in_proces=args.fake_in_proces)
    settings.BRP_API_URL, settings.BRP_API_KEY = fake.brp_url, FAKE_BRP_SLEUTEL
    print(
        f"Fake: {'thread' if args.fake_in_proces else 'subprocess'}, {args.vertraging_ms} ms per "
        f"call, {fake.brp_url}",
        flush=True,
    )
    try:
        verversen = None if args.rauw else dienst()
        if verversen is None:
            print("Service adressen_verversen not used: timing the client and a DB write apart.")
            rauw_meten(ids)
        else:
            dienst_meten(verversen, ids, "first refresh (every address new)")
            dienst_meten(verversen, ids, "again (nothing changed)")
        if args.run:
            run_meten(fake, args.vorderingen, seed)
    finally:
        fake.stop()
    print(f"load at the end {_setup.laadgemiddelde()}")


if __name__ == "__main__":
    main()
