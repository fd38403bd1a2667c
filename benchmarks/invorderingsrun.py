"""Benchmark: the invorderingsrun over 100,000 overdue claims on PostgreSQL (target < 60 s).

Loads a fresh organisation per invocation (so every run starts from the same state): debtors
with addresses, N overdue claims (half public-law aanslagen, half private-law invoices; a third
at each point of their track: no step yet, after the herinnering, after the aanmaning or
14-dagenbrief), 2 % suspended. The TSA koppeling wants status messages, so the run also writes
one outbox row per claim. Then times the dry run (plan) and the real run, and checks the
ledger. Delivery of the outbox and PDF rendering are the workers' job after commit: they are
switched off here and the rendering rate is measured separately on a sample.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/inningen_bench \
        .venv/bin/python benchmarks/invorderingsrun.py [--aantal 100000] [--pdf 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _setup import database_beschrijving, setup_django

TSA = "belastingen-bench"


def _laad(aantal: int, seed: int):
    from django.db import connection, transaction
    from django.utils import timezone

    from inningen.betalingen.models import Afschrift
    from inningen.choices import BtwCategorie, Invorderingsstap, Opschortingsoort, Vorderingtype
    from inningen.debiteuren.services import debiteur_natuurlijk_persoon, debiteuren_upsert
    from inningen.grootboek.models import Vordering
    from inningen.grootboek.services.vorderingen import (
        RegelInvoer,
        VorderingInvoer,
        vorderingen_register,
    )
    from inningen.invordering.models import Opschorting
    from inningen.organisaties.models import Bankrekening, Organisatie
    from stuffin.services.koppelingen import koppeling_upsert
    from tests.factories import elfproef_nummer

    rng = random.Random(seed)
    vandaag = timezone.localdate()
    rsin = elfproef_nummer(rng)
    while Organisatie.objects.filter(rsin=rsin).exists():
        rsin = elfproef_nummer(rng)
    org = Organisatie.objects.create(rsin=rsin, naam=f"Benchmarkgemeente Invordering {seed}")
    rekening = Bankrekening.objects.create(
        organisatie=org, iban=f"NL{rng.randint(10, 99)}BANK{rng.randint(10**9, 10**10 - 1)}"
    )
    Afschrift.objects.create(
        organisatie=org,
        bankrekening=rekening,
        formaat="camt053",
        identificatie=f"B{seed}",
        datum=vandaag,
        sha256=f"{seed:064d}",
        ingelezen_door="benchmark",
    )
    koppeling_upsert(
        applicatie=f"BENCH{seed}",
        rol="tsa",
        gebruikersnaam=f"bench{seed}",
        wachtwoord="benchmark-wachtwoord-2026",
        tsa_codes=[f"{TSA}-{seed}"],
        vorderende_organisaties=[rsin],
        url="http://127.0.0.1:9/tsa",
    )
    t0 = time.perf_counter()
    n_debiteuren = aantal // 2
    for start in range(0, n_debiteuren, 10_000):
        debiteuren_upsert(
            invoer=[
                debiteur_natuurlijk_persoon(
                    bsn=elfproef_nummer(rng),
                    debiteurnummer=f"IB{seed}-{i:07d}",
                    gegevens={
                        "geslachtsnaam": f"Testpersoon{i}",
                        "voorletters": "T.",
                        "straatnaam": "Dorpsstraat",
                        "huisnummer": 1 + i % 200,
                        "postcode": f"{1000 + i % 8999}AB",
                        "woonplaats": "Proefstad",
                    },
                )
                for i in range(start, min(start + 10_000, n_debiteuren))
            ]
        )
    from inningen.debiteuren.models import Debiteur

    debiteuren = list(
        Debiteur.objects.filter(debiteurnummer__startswith=f"IB{seed}-").order_by("pk").only("pk")
    )
    print(f"debiteuren: {len(debiteuren):,} ({time.perf_counter() - t0:.0f} s)", flush=True)
    t0 = time.perf_counter()
    for start in range(0, aantal, 5_000):
        invoer = []
        for i in range(start, min(start + 5_000, aantal)):
            publiek = i % 2 == 0
            bedrag = rng.randrange(2_000, 150_000)
            verval = vandaag - dt.timedelta(days=rng.randint(20, 120))
            invoer.append(
                VorderingInvoer(
                    organisatie=org,
                    tsa=f"{TSA}-{seed}",
                    vorderingnummer=f"IV{seed}-{i:07d}",
                    creatiedatum=verval - dt.timedelta(days=60),
                    factuurdatum=verval - dt.timedelta(days=60),
                    vervaldatum=verval,
                    indicator_factuur_uitgestuurd=True,
                    algemene_factuuromschrijving="Benchmark",
                    totaalbedrag_excl_btw=bedrag,
                    totaalbedrag_btw=0,
                    totaalbedrag_incl_btw=bedrag,
                    publiekrechtelijk=publiek,
                    regels=[
                        RegelInvoer(
                            bedrag_excl_btw=bedrag,
                            bedrag_btw=0,
                            bedrag_incl_btw=bedrag,
                            btw_categorie=BtwCategorie.NUL,
                            btw_percentage=0,
                            vorderingtype=Vorderingtype.AANSLAG
                            if publiek
                            else Vorderingtype.FACTUUR,
                            vorderingcode="OZB" if publiek else "HUUR",
                            vorderingomschrijving="Benchmark",
                        )
                    ],
                    debiteur=debiteuren[i % len(debiteuren)],
                )
            )
        with transaction.atomic():
            vorderingen_register(invoer=invoer, door="benchmark")
        print(
            f"  vorderingen {min(start + 5_000, aantal):,}/{aantal:,} "
            f"({time.perf_counter() - t0:.0f} s)",
            flush=True,
        )
    # A third each: no step yet / after the herinnering / after the second step.
    ids = list(
        Vordering.objects.filter(organisatie=org).order_by("pk").values_list("pk", flat=True)
    )
    stap_datum = vandaag - dt.timedelta(days=20)
    Vordering.objects.filter(pk__in=ids[1::3]).update(
        invorderingsstap=Invorderingsstap.HERINNERING, stap_datum=stap_datum
    )
    tweede = ids[2::3]
    Vordering.objects.filter(pk__in=tweede[0::2]).update(
        invorderingsstap=Invorderingsstap.AANMANING, stap_datum=stap_datum
    )
    Vordering.objects.filter(pk__in=tweede[1::2]).update(
        invorderingsstap=Invorderingsstap.VEERTIENDAGENBRIEF, stap_datum=stap_datum
    )
    Opschorting.objects.bulk_create(
        Opschorting(
            vordering_id=pk,
            soort=Opschortingsoort.UITSTEL,
            reden="benchmark",
            vanaf=vandaag - dt.timedelta(days=5),
            tot=vandaag + dt.timedelta(days=30),
            door="benchmark",
        )
        for pk in ids[::50]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return org


def _load() -> list[str]:
    with open("/proc/loadavg") as f:
        return f.read().split()[:3]


def _kern(v) -> tuple:
    return (v.vordering_id, v.stap, v.kosten, v.rente)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--aantal", type=int, default=100_000)
    parser.add_argument("--pdf", type=int, default=20, help="letters to render for the PDF rate")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.db.models import Sum
    from django.utils import timezone

    import inningen.invordering.services.brieven as brieven
    import stuffin.services.uitgaand as uitgaand
    from inningen.grootboek.models import Boeking, Vordering
    from inningen.invordering.models import Brief, Invorderingsstap
    from inningen.invordering.services.invordering import invordering_plan, invorderingsrun_execute
    from stuffin.models import UitgaandBericht

    # Workers deliver and render after commit; not part of the run's own cost.
    uitgaand.queue_on_commit = lambda ids: None
    brieven.brieven_render_enqueue = lambda ids: None
    seed = args.seed if args.seed is not None else int(time.time()) % 100_000
    print(f"Database: {database_beschrijving()}, load {_load()}")
    totaal_db = Vordering.objects.count()
    t0 = time.perf_counter()
    org = _laad(args.aantal, seed)
    print(
        f"geladen in {time.perf_counter() - t0:.0f} s; vorderingen in de database: "
        f"{totaal_db + args.aantal:,}"
    )
    vandaag = timezone.localdate()

    t0 = time.perf_counter()
    plan = invordering_plan(organisatie=org, datum=vandaag)
    droog = time.perf_counter() - t0
    s = plan.samenvatting(voorbeelden=0)
    print(
        f"\nDroge run: {droog:.1f} s, {s['aantal']:,} stappen, {s['aantal_overgeslagen']:,} overgeslagen"
    )
    for stap, f in s["per_stap"].items():
        print(
            f"  {stap:<14} {f['aantal']:>7,}  kosten {f['kosten'] / 100:>12,.2f}  rente {f['rente'] / 100:>10,.2f}"
        )

    berichten_voor = UitgaandBericht.objects.count()
    load = _load()
    t0 = time.perf_counter()
    resultaat = invorderingsrun_execute(organisatie=org, datum=vandaag, door="benchmark")
    echt = time.perf_counter() - t0
    n = resultaat.aantal
    print(
        f"\nEchte run: {echt:.1f} s for {n:,} claims ({n / echt:,.0f} claims/s), load {load}; "
        f"target < 60 s for 100,000: {'MET' if echt < 60 and n >= 0.9 * args.aantal else 'see figures'}"
    )
    print(
        f"  stappen {Invorderingsstap.objects.filter(run=resultaat.run).count():,}, "
        f"brieven {Brief.objects.filter(organisatie=org).count():,}, "
        f"uitgaande berichten {UitgaandBericht.objects.count() - berichten_voor:,}"
    )
    gelijk = [_kern(v) for v in plan.voorstellen] == [_kern(v) for v in resultaat.plan.voorstellen]
    print(f"  dry run = real run: {gelijk}")
    # The ledger reconciles: every claim's cached balance equals its boekingen.
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM inningen_vordering v
               LEFT JOIN (SELECT vordering_id, sum(bedrag_incl_btw) s FROM inningen_boeking
                          GROUP BY vordering_id) b ON b.vordering_id = v.id
               WHERE v.organisatie_id = %s AND v.openstaand_bedrag <> coalesce(b.s, 0)""",
            [org.pk],
        )
        afwijkend = cursor.fetchone()[0]
    kosten = Boeking.objects.filter(organisatie=org, soort="kosten").aggregate(
        s=Sum("bedrag_incl_btw")
    )["s"]
    print(
        f"  claims whose balance differs from their boekingen: {afwijkend}; kosten geboekt {kosten / 100:,.2f}"
    )

    t0 = time.perf_counter()
    again = invorderingsrun_execute(organisatie=org, datum=vandaag, door="benchmark").aantal
    print(
        f"Tweede run dezelfde dag: {again} stappen in {time.perf_counter() - t0:.1f} s (idempotent)"
    )

    if args.pdf and hasattr(brieven, "brieven_render"):
        ids = list(
            Brief.objects.filter(organisatie=org)
            .order_by("pk")
            .values_list("pk", flat=True)[: args.pdf]
        )
        t0 = time.perf_counter()
        brieven.brieven_render(ids=ids)
        per = (time.perf_counter() - t0) / max(1, len(ids))
        print(
            f"PDF: {per * 1000:.0f} ms per letter on one process → {n * per / 3600:.1f} h for this run's "
            f"{n:,} letters on one worker process (rendered after commit, in parallel workers)"
        )


if __name__ == "__main__":
    main()
