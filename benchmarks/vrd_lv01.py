"""vrdLv01 (Verstrek Vorderingstatus) latency with a large database.

1. Makes sure the database holds --vorderingen benchmark claims (default 500,000), loading only
   what is missing through the bulk services (debiteuren_upsert, vorderingen_register,
   boekingen_create) in large batches: the max variant of the official message (debtor with
   address, two regels with their OPGELEGD boekingen, btw-totaalregel, termijn, mandate, zaak,
   organisatorische eenheid, status VRW with history), two claims per debtor, every second claim
   related to the one before, one in five partly paid. Re-running skips the load.
2. Times --aanroepen vrd_lv01_receive calls (the full path behind the SOAP endpoint without HTTP
   and authentication: parse, checks, schema validation, selector, vrdLa01 answer, berichtenlog)
   for random existing vorderingnummers, once with the max scope and once with the min scope of
   the official vrdLv01 test messages, and prints p50/p95/p99/max.

Target (issue): p95 < 25 ms with 500,000 claims in the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/inningen_bench .venv/bin/python benchmarks/vrd_lv01.py
"""

from __future__ import annotations

import argparse
import datetime
import random
import time

import _setup

PREFIX = "LV"  # vorderingnummers of the loaded claims: LV0000001 ...
BSN_BASIS = 80_000_000  # debtors of the load: BSNs from here (the ingest uses 7xxxxxxxx)


def geladen_aantal() -> tuple[int, int]:
    """(number of loaded claims, highest sequence number) of earlier runs."""
    from inningen.grootboek.models import Vordering

    qs = Vordering.objects.filter(vorderingnummer__startswith=PREFIX, tsa=_setup.TSA_CODE)
    hoogste = qs.order_by("-vorderingnummer").values_list("vorderingnummer", flat=True).first()
    return qs.count(), int(hoogste[len(PREFIX) :]) if hoogste else 0


def laad(doel: int, batch: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from inningen.choices import Boekingsoort, Debiteursoort
    from inningen.debiteuren.services import DebiteurInvoer, debiteuren_upsert
    from inningen.grootboek.models import Boeking
    from inningen.grootboek.services.boekingen import boekingen_create
    from inningen.grootboek.services.vorderingen import (
        MachtigingInvoer,
        RegelInvoer,
        TermijnInvoer,
        VorderingInvoer,
        vordering_check,
        vorderingen_register,
    )
    from inningen.organisaties.models import Organisatie

    aantal, hoogste = geladen_aantal()
    if aantal >= doel:
        print(f"Load: {aantal:,} benchmark claims present (>= {doel:,}); skipped.")
        return
    organisatie = Organisatie.objects.get(rsin=_setup.RSIN)
    vandaag = timezone.localdate()
    verval = vandaag + datetime.timedelta(days=30)
    # BSN per debtor number, from one deterministic sequence (so a resumed load continues it).
    bsns = _setup.bsn_reeks(BSN_BASIS)
    bsn_per_debiteur: list[str] = []

    def bsn(debiteurnr: int) -> str:
        while len(bsn_per_debiteur) <= debiteurnr:
            bsn_per_debiteur.append(next(bsns))
        return bsn_per_debiteur[debiteurnr]

    def regel() -> RegelInvoer:
        return RegelInvoer(
            bedrag_excl_btw=100,
            bedrag_incl_btw=121,
            bedrag_btw=21,
            btw_categorie="LAA",
            btw_percentage=2100,
            vorderingtype="AAN",
            vorderingcode="1234",
            vorderingomschrijving="Afvalstoffenheffing",
            vorderingtoelichting="test",
            aantal=1,
            eenheid="stuk",
            stuksprijs_excl_btw=100,
        )

    print(f"Load: {aantal:,} present, loading {doel - aantal:,} in batches of {batch:,} ...")
    start = time.perf_counter()
    geladen = 0
    volgnummer = hoogste + 1
    while aantal + geladen < doel:
        n = min(batch, doel - aantal - geladen)
        nummers = range(volgnummer, volgnummer + n)
        with transaction.atomic():
            debiteurnrs = sorted({nr // 2 for nr in nummers})
            debiteuren = dict(
                zip(
                    debiteurnrs,
                    debiteuren_upsert(
                        invoer=[
                            DebiteurInvoer(
                                soort=Debiteursoort.NATUURLIJK_PERSOON,
                                bsn=bsn(d),
                                debiteurnummer=f"D{bsn(d)}",
                                gegevens={
                                    "geslachtsnaam": f"Tester{d}",
                                    "voorletters": "T.",
                                    "voornamen": "Test",
                                    "straatnaam": "Teststraat",
                                    "huisnummer": 1 + d % 200,
                                    "postcode": "1000AA",
                                    "woonplaats": "Testplaats",
                                    "emailadres": f"d{d}@example.nl",
                                    "geboortedatum": datetime.date(1964, 4, 24),
                                },
                            )
                            for d in debiteurnrs
                        ]
                    ),
                    strict=True,
                )
            )
            invoer = []
            for nr in nummers:
                item = VorderingInvoer(
                    organisatie=organisatie,
                    tsa=_setup.TSA_CODE,
                    vorderingnummer=f"{PREFIX}{nr:07d}",
                    creatiedatum=vandaag,
                    indicator_factuur_uitgestuurd=True,
                    algemene_factuuromschrijving="test",
                    totaalbedrag_excl_btw=200,
                    totaalbedrag_btw=42,
                    totaalbedrag_incl_btw=242,
                    publiekrechtelijk=True,
                    regels=[regel(), regel()],
                    factuurnummer=f"F{nr:07d}",
                    factuurdatum=vandaag,
                    vervaldatum=verval,
                    taaknummer="1234",
                    invorderingsregime="TV",
                    termijnen=[TermijnInvoer(datum=verval, bedrag=242, vervaldatum=verval)],
                    btw_totaalregels=[("LAA", 42)],
                    machtiging=MachtigingInvoer(
                        kenmerk=f"M{nr // 2}",
                        afgiftedatum=vandaag,
                        iban="NL91ABNA0417164300",
                        bic="ABNANL2A",
                    ),
                    debiteur=debiteuren[nr // 2],
                    organisatorische_eenheid=("test", "test"),
                    zaak_identificatie=f"Z{nr:07d}",
                    zaak_omschrijving="test",
                )
                if nr % 2 and invoer:
                    item.heeft_betrekking_op = invoer[-1]
                    item.heeft_betrekking_op_nummer = invoer[-1].vorderingnummer
                vordering_check(item, vandaag=vandaag)
                invoer.append(item)
            vorderingen = vorderingen_register(invoer=invoer, door="benchmark")
            # One in five partly paid, so totaalBetaald and deelBedragBetaald have something to say.
            boekingen_create(
                boekingen=[
                    Boeking(
                        organisatie=organisatie,
                        vordering=v,
                        soort=Boekingsoort.BETALING,
                        boekdatum=vandaag,
                        bedrag_incl_btw=-100,
                        bedrag_excl_btw=-100,
                        bedrag_btw=0,
                        boekingssleutel="betaling",
                        door="benchmark",
                    )
                    for v in vorderingen
                    if int(v.vorderingnummer[len(PREFIX) :]) % 5 == 0
                ]
            )
        geladen += n
        volgnummer += n
        if geladen % (batch * 10) == 0 or aantal + geladen >= doel:
            duur = time.perf_counter() - start
            print(f"    {aantal + geladen:9,} loaded ({geladen / duur:,.0f} claims/s)")
    print(f"Load: {geladen:,} claims in {time.perf_counter() - start:.0f} s; VACUUM ANALYZE ...")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--vorderingen", type=int, default=500_000, help="benchmark claims the database must hold"
    )
    parser.add_argument("--batch", type=int, default=5000, help="claims per load transaction")
    parser.add_argument("--aanroepen", type=int, default=500, help="timed vrdLv01 calls per scope")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print the query count and EXPLAIN ANALYZE of one call",
    )
    parser.add_argument(
        "--allow-sqlite", action="store_true", help="run on SQLite anyway (figures not comparable)"
    )
    args = parser.parse_args()

    _setup.setup_django(allow_sqlite=args.allow_sqlite)
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inningen.grootboek.models import Vordering
    from stuffin.services.ontvangst import vrd_lv01_receive
    from stuffin.stuf import soap

    settings.DEBUG = False  # as in production: no SQL kept in memory
    koppeling = _setup.bench_koppeling()
    laad(args.vorderingen, args.batch)

    aantal, hoogste = geladen_aantal()
    print(
        f"\nDatabase: {_setup.database_beschrijving()}; {Vordering.objects.count():,} claims in total, "
        f"{aantal:,} benchmark claims"
    )
    rnd = random.Random(args.seed)

    def vraag(naam: str, nummer: str) -> float:
        body = _setup.vrd_lv01(naam, nummer)
        start = time.perf_counter()
        antwoord = vrd_lv01_receive(
            body=body, soapaction=soap.SOAPACTION_VRD_LV01, koppeling=koppeling
        )
        duur = time.perf_counter() - start
        if antwoord.status != 200 or nummer.encode() not in antwoord.inhoud:
            raise SystemExit(f"Unexpected answer {antwoord.status}: {antwoord.inhoud[:2000]!r}")
        return duur

    if args.explain:
        nummer = f"{PREFIX}{rnd.randint(1, hoogste):07d}"
        with CaptureQueriesContext(connection) as q:
            vraag("vrdLv01-max.xml", nummer)
        print(f"\nOne max-scope call: {len(q.captured_queries)} queries")
        for query in q.captured_queries:
            print(f"  {query['time']}s  {query['sql'][:160]}")
        eerste = next(
            x["sql"] for x in q.captured_queries if 'FROM "inningen_vordering"' in x["sql"]
        )
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN ANALYZE " + eerste)
            print("\n".join(r[0] for r in cursor.fetchall()))

    # Not part of the figures (the endpoint authenticates before this path), but it bounds what
    # an HTTP client sees: HTTP Basic is checked against the koppeling's password hash.
    tijden = []
    for _ in range(3):
        start = time.perf_counter()
        koppeling.check_wachtwoord(_setup.WACHTWOORD)
        tijden.append(time.perf_counter() - start)
    print(
        f"(For reference, excluded: authentication per HTTP request, check_wachtwoord "
        f"{koppeling.wachtwoord.split('$')[0]}: {sorted(tijden)[1] * 1000:.0f} ms)"
    )

    for naam, scope in (("vrdLv01-max.xml", "max"), ("vrdLv01-min.xml", "min")):
        for _ in range(20):  # warm-up: imports, schema, connection, plans
            vraag(naam, f"{PREFIX}{rnd.randint(1, hoogste):07d}")
        tijden = [
            vraag(naam, f"{PREFIX}{rnd.randint(1, hoogste):07d}") for _ in range(args.aanroepen)
        ]
        p95 = _setup.percentiel(tijden, 95) * 1000
        print(
            f"vrdLv01 {scope} scope, {args.aanroepen} calls: {_setup.samenvatting_ms(tijden)}  "
            f"[target p95 < 25 ms: {'met' if p95 < 25 else 'MISSED'}]"
        )


if __name__ == "__main__":
    main()
