"""Benchmark: a CAMT.053 of 50,000 entries matched against 500,000 open claims on PostgreSQL.

1. Makes sure one benchmark organisation (its own RSIN and account) holds --vorderingen *open*
   claims (default 500,000) of 100,000 debtors with an IBAN each, loading only what is missing
   through the services (vorderingen_register, debiteuren_upsert) in batches. Idempotent.
2. Builds a generated statement of --posten entries (default 50,000) over claims still open:
   55% betalingskenmerk (structured reference), 15% vorderingnummer in the text, 10% IBAN plus
   exact amount, 10% partial payments by kenmerk, 10% unknown (work list).
3. Times ``afschrift_import`` (parse + match + book, one transaction) and prints the figure and
   the matched share. Each run uses a new statement id, so it can be repeated (the data grows).

Target (issue): under 60 s.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/betalingen_match.py
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._setup import database_beschrijving, setup_django

RSIN = "001871602"
TSA = "bench-betalingen"
ORG_IBAN = "NL27ABNA0123456789"
N_DEBITEUREN = 100_000


def _iban(n: int) -> str:
    from schwifty import IBAN

    return IBAN.generate("NL", bank_code="INGB", account_code=f"{n:010d}").compact


def _organisatie():
    from inningen.organisaties.models import Bankrekening
    from inningen.organisaties.services.organisaties import organisatie_upsert

    org, _ = organisatie_upsert(rsin=RSIN, naam="Benchmarkgemeente Betalingen")
    Bankrekening.objects.get_or_create(organisatie=org, iban=ORG_IBAN)
    return org


def laad(org, doel: int, batch: int) -> None:
    from django.db import transaction

    from inningen.choices import BtwCategorie, Vorderingtype
    from inningen.debiteuren.models import Debiteur
    from inningen.debiteuren.services import debiteur_natuurlijk_persoon, debiteuren_upsert
    from inningen.grootboek.models import Vordering
    from inningen.grootboek.services.vorderingen import (
        RegelInvoer,
        VorderingInvoer,
        vorderingen_register,
    )
    from tests.factories import elfproef_nummer

    prefix = "BB-"
    aanwezig = Debiteur.objects.filter(debiteurnummer__startswith=prefix).count()
    rng = random.Random(aanwezig)
    t0 = time.perf_counter()
    for start in range(aanwezig, N_DEBITEUREN, 10_000):
        invoer = [
            debiteur_natuurlijk_persoon(
                bsn=elfproef_nummer(rng),
                debiteurnummer=f"{prefix}{i:07d}",
                gegevens={"geslachtsnaam": f"Testpersoon{i}", "voorletters": "T."},
                ibans=[_iban(7_000_000 + i)],
            )
            for i in range(start, min(start + 10_000, N_DEBITEUREN))
        ]
        debiteuren_upsert(invoer=invoer)
    debiteuren = list(
        Debiteur.objects.filter(debiteurnummer__startswith=prefix)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    debiteur_objs = {d.pk: d for d in Debiteur.objects.filter(pk__in=debiteuren).only("pk")}
    print(f"debiteuren: {len(debiteuren):,} ({time.perf_counter() - t0:.0f} s)", flush=True)
    # Every run pays claims: top up to ``doel`` open ones, numbering on after all existing ones.
    bestaand = Vordering.objects.filter(organisatie=org, tsa=TSA).count()
    open_ = Vordering.objects.filter(organisatie=org, tsa=TSA).open().count()
    doel = bestaand + max(0, doel - open_)
    vandaag = __import__("django.utils.timezone", fromlist=["x"]).localdate()
    rng = random.Random(bestaand)
    t0 = time.perf_counter()
    for start in range(bestaand, doel, batch):
        invoer = []
        for i in range(start, min(start + batch, doel)):
            excl = rng.randrange(1_000, 90_000)
            btw = excl * 21 // 100
            regel = RegelInvoer(
                bedrag_excl_btw=excl,
                bedrag_btw=btw,
                bedrag_incl_btw=excl + btw,
                btw_categorie=BtwCategorie.HOOG,
                btw_percentage=2100,
                vorderingtype=Vorderingtype.FACTUUR,
                vorderingcode="BENCH",
                vorderingomschrijving="Benchmarkvordering",
            )
            invoer.append(
                VorderingInvoer(
                    organisatie=org,
                    tsa=TSA,
                    vorderingnummer=f"BV{i:08d}",
                    factuurnummer=f"BF{i:08d}",
                    creatiedatum=vandaag,
                    indicator_factuur_uitgestuurd=False,
                    algemene_factuuromschrijving="Bench",
                    totaalbedrag_excl_btw=excl,
                    totaalbedrag_btw=btw,
                    totaalbedrag_incl_btw=excl + btw,
                    publiekrechtelijk=False,
                    regels=[regel],
                    debiteur=debiteur_objs[debiteuren[i % len(debiteuren)]],
                )
            )
        with transaction.atomic():
            vorderingen_register(invoer=invoer, door="benchmark")
        klaar = min(start + batch, doel)
        print(f"  vorderingen {klaar:,}/{doel:,} ({time.perf_counter() - t0:.0f} s)", flush=True)


def afschrift(org, n: int, seed: int) -> tuple[bytes, dict]:
    from inningen.debiteuren.models import DebiteurRekening
    from inningen.grootboek.models import Vordering
    from tests.inningen.betalingen.afschriftbestanden import camt053

    rng = random.Random(seed)
    kandidaten = list(
        Vordering.objects.filter(organisatie=org, tsa=TSA, openstaand_bedrag__gt=0).values_list(
            "pk", "vorderingnummer", "openstaand_bedrag", "debiteur_id"
        )
    )
    gekozen = rng.sample(kandidaten, n)
    iban_van = dict(
        DebiteurRekening.objects.filter(debiteur_id__in={g[3] for g in gekozen}).values_list(
            "debiteur_id", "iban"
        )
    )
    from inningen.betalingskenmerk import betalingskenmerk

    posten, soorten = [], {"kenmerk": 0, "nummer": 0, "iban": 0, "deel": 0, "onbekend": 0}
    for i, (pk, nummer, open_, deb) in enumerate(gekozen):
        r = i % 20
        if r < 11:
            posten.append(
                {"bedrag": open_, "kenmerk": betalingskenmerk(pk), "iban": iban_van.get(deb, "")}
            )
            soorten["kenmerk"] += 1
        elif r < 14:
            posten.append(
                {
                    "bedrag": open_,
                    "tekst": f"betaling {nummer} dank u",
                    "iban": _iban(9_000_000 + i),
                }
            )
            soorten["nummer"] += 1
        elif r < 16:
            posten.append({"bedrag": open_, "iban": iban_van.get(deb, ""), "tekst": "termijn"})
            soorten["iban"] += 1
        elif r < 18:
            posten.append({"bedrag": max(1, open_ // 3), "kenmerk": betalingskenmerk(pk)})
            soorten["deel"] += 1
        else:
            posten.append(
                {
                    "bedrag": rng.randrange(100, 50_000),
                    "tekst": f"onbekend {uuid.uuid4().hex[:8]}",
                    "iban": _iban(9_500_000 + i),
                }
            )
            soorten["onbekend"] += 1
    return camt053(ORG_IBAN, posten, ident=f"BENCH-{uuid.uuid4().hex[:12]}"), soorten


def _meet_fasen() -> dict[str, float]:
    """Wrap the phases of the import with timers (benchmark only) to print where time goes."""
    import functools

    from inningen.betalingen.services import afschriften, betalingen

    tijden: dict[str, float] = {}

    def timer(module, naam):
        origineel = getattr(module, naam)

        @functools.wraps(origineel)
        def gemeten(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return origineel(*args, **kwargs)
            finally:
                tijden[naam] = tijden.get(naam, 0.0) + time.perf_counter() - t0

        setattr(module, naam, gemeten)

    timer(afschriften, "parse_afschrift")
    timer(afschriften, "betalingen_process")
    for naam in (
        "_match_kenmerk",
        "_match_nummer",
        "_match_iban",
        "_standen",
        "bulk_insert",
        "boekingen_create",
        "vorderingen_status_set",
    ):
        timer(betalingen, naam)
    betalingen._REGELS.update(
        kenmerk=betalingen._match_kenmerk,
        nummer=betalingen._match_nummer,
        iban=betalingen._match_iban,
    )
    return tijden


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vorderingen", type=int, default=500_000)
    parser.add_argument("--posten", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--allow-sqlite", action="store_true")
    args = parser.parse_args()
    setup_django(allow_sqlite=args.allow_sqlite)
    from django.conf import settings

    settings.DEBUG = False
    from inningen.betalingen.services.afschriften import afschrift_import
    from inningen.grootboek.models import Vordering

    print(database_beschrijving())
    org = _organisatie()
    laad(org, args.vorderingen, args.batch)
    # Loading and earlier runs leave dead row versions (every claim and payment updates its
    # claim); production has autovacuum for that. Vacuum first so runs measure the same thing.
    from django.db import connection

    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        for tabel in (
            "inningen_vordering",
            "inningen_boeking",
            "inningen_vorderingstatus",
            "inningen_termijn",
            "inningen_betaling",
            "inningen_debiteurrekening",
        ):
            cursor.execute(f"VACUUM (ANALYZE) {tabel}")
    print(f"vacuum analyze: {time.perf_counter() - t0:.0f} s (niet meegeteld)")
    open_ = Vordering.objects.filter(organisatie=org, tsa=TSA).open().count()
    print(f"open benchmarkvorderingen: {open_:,}")
    t0 = time.perf_counter()
    inhoud, soorten = afschrift(org, args.posten, seed=int(time.time()))
    print(
        f"afschrift gemaakt: {len(inhoud) / 1e6:.1f} MB, {args.posten:,} posten {soorten} "
        f"({time.perf_counter() - t0:.1f} s, niet meegeteld)"
    )
    tijden = _meet_fasen()
    t0 = time.perf_counter()
    resultaat = afschrift_import(inhoud=inhoud, door="benchmark", bestandsnaam="bench.xml")
    duur = time.perf_counter() - t0
    v = resultaat.verwerking
    print(resultaat.samenvatting())
    print("fasen: " + ", ".join(f"{naam} {t:.1f} s" for naam, t in tijden.items()))
    print(
        f"RESULTAAT: {v.posten:,} posten tegen {open_:,} open vorderingen in {duur:.1f} s "
        f"({v.posten / duur:,.0f} posten/s); gematcht {v.gematcht:,} = {v.gematcht / v.posten:.1%} "
        f"(verwacht {1 - soorten['onbekend'] / v.posten:.0%}); "
        f"doel < 60 s: {'GEHAALD' if duur < 60 else 'NIET GEHAALD'}"
    )


if __name__ == "__main__":
    main()
