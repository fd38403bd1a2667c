"""A verantwoording over N boekingen on PostgreSQL (target: 1,000,000 in under 10 s).

    createdb -h 127.0.0.1 -U postgres inningen_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/inningen_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/inningen_bench \
        .venv/bin/python benchmarks/financiele_verantwoording.py

Loads the boekingen with one INSERT … SELECT generate_series for a fresh organisation (50
vorderingcodes, five kinds of boeking, dates over a month), then times verantwoording_create
(claim + condense + outbox row) and checks the totals against the ledger.
"""

from __future__ import annotations

import argparse
import datetime
import time

from _setup import database_beschrijving, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--boekingen", type=int, default=1_000_000)
    args = parser.parse_args()
    setup_django()

    from django.db import connection
    from django.db.models import Sum

    from inningen.grootboek.models import Boeking
    from tests.factories import OrganisatieFactory
    from verantwoording.services.verantwoordingen import verantwoording_create

    organisatie = OrganisatieFactory()
    einde = datetime.date(2026, 10, 31)
    start = time.perf_counter()
    # Expressions per column; any other column gets its model default, so the statement keeps
    # working as Boeking gains fields.
    teken = "CASE WHEN g % 5 IN (1, 4) THEN -1 ELSE 1 END"
    expressies = {
        "organisatie_id": "%s",
        "soort": "(ARRAY['opgelegd','betaling','kosten','rente','creditering'])[1 + g % 5]",
        "boekdatum": "%s::date - (g % 31)",
        "bedrag_excl_btw": f"(g % 9973) * {teken}",
        "bedrag_btw": f"(g % 211) * {teken}",
        "bedrag_incl_btw": f"(g % 9973 + g % 211) * {teken}",
        "boekingssleutel": "'CODE-' || (g % 50)",
        "door": "'benchmark'",
        "created_at": "now()",
    }
    kolommen, waarden, params = [], [], []
    for veld in Boeking._meta.concrete_fields:
        if veld.primary_key:
            continue
        kolommen.append(veld.column)
        if veld.column in expressies:
            waarden.append(expressies[veld.column])
        elif veld.null:
            waarden.append("NULL")
        else:
            waarden.append("%s")
            params.append(veld.get_default())
    sql = (
        f"INSERT INTO inningen_boeking ({', '.join(kolommen)}) SELECT {', '.join(waarden)} "
        f"FROM generate_series(1, %s) AS g"
    )
    vaste = [organisatie.pk, einde]
    with connection.cursor() as cursor:
        # Parameters in column order: organisatie, boekdatum, then defaults, then the count.
        geordend, i = [], 0
        for kolom in kolommen:
            if kolom == "organisatie_id":
                geordend.append(vaste[0])
            elif kolom == "boekdatum":
                geordend.append(vaste[1])
            elif kolom not in expressies and waarden[kolommen.index(kolom)] == "%s":
                geordend.append(params[i])
                i += 1
        cursor.execute(sql.replace("%", "%%").replace("%%s", "%s"), [*geordend, args.boekingen])
        cursor.execute("ANALYZE inningen_boeking")
    print(
        f"{database_beschrijving()}; {args.boekingen:,} boekingen geladen in {time.perf_counter() - start:.1f} s"
    )

    start = time.perf_counter()
    fvw = verantwoording_create(organisatie=organisatie, tot=einde, door="benchmark")
    duur = time.perf_counter() - start
    regels = list(fvw.regels.all())
    totaal = sum(r.bedrag_incl_btw for r in regels)
    grootboek = Boeking.objects.filter(organisatie=organisatie).aggregate(s=Sum("bedrag_incl_btw"))[
        "s"
    ]
    assert fvw.aantal_boekingen == args.boekingen and totaal == grootboek, (
        fvw.aantal_boekingen,
        totaal,
        grootboek,
    )
    print(
        f"verantwoording {fvw.verantwoordingsnummer}: {fvw.aantal_boekingen:,} boekingen → {len(regels)} "
        f"boekingssleutels in {duur:.2f} s (doel < 10 s); saldo {totaal} cent = grootboek"
    )


if __name__ == "__main__":
    main()
