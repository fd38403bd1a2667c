"""Balie: debtor page and search latency on a large database (issue 7).

1. Makes sure the database holds --debiteuren benchmark debtors and --vorderingen claims
   (default 200,000 and 1,000,000), plus one debtor with --groot claims (default 200), loading
   only what is missing with set-based SQL (INSERT ... SELECT generate_series): per claim a
   status VRW with history, the OPGELEGD boeking, and for one in three a (part) payment.
   Names come from lists with diacritics and letters without a decomposition (ø, ı, ł, ß, the
   IJ); one debtor in ten is a company ("Bakkerij IJzerman & Zn. B.V."). Every combination of
   names is folded in Python (zoeknaam, zoekwoorden: the same functions as Debiteur.save()) and
   the SQL picks one per row, so the columns are exactly what the application would store; a
   sample is checked after the load. Re-running skips what exists.
2. Renders the debtor page through the Django test Client (full stack: middleware, session,
   permissions, selectors, template, verwerkingenlogging) for the big debtor and for ordinary
   ones, and runs a mix of searches (name prefix, BSN, postcode + huisnummer, vorderingnummer,
   factuurnummer, and since #19 name words: "ozturk", "Hüseyin Öztürk", "Öztürk, H", a word in
   the middle of a company name, a rare word, a common word); prints p50/p95 and the number of
   queries.

Targets (issue 7): debtor page with 200 claims p95 < 150 ms and at most 20 queries (independent
of the number of claims); search p95 < 300 ms. Issue #19: p95 < 100 ms per search kind.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/inningen_bench .venv/bin/python benchmarks/balie.py
    ... benchmarks/balie.py --debiteuren 20000 --vorderingen 100000     # smaller machine
"""

from __future__ import annotations

import argparse
import random
import time

import _setup

PREFIX = "BB"  # debiteurnummers BB0000001..., vorderingnummers BBV0000001...
GROOT = "BB-GROOT"
OMSCHRIJVINGEN = (
    "(ARRAY['Naheffing parkeren', 'Leges omgevingsvergunning', 'Huur sportzaal', "
    "'Aanslag gemeentelijke belastingen'])"
)
ACHTERNAMEN = [
    "Öztürk", "Çelik", "Yılmaz", "Şahin", "Doğan", "Müller", "Schröder", "Jäger", "Gómez",
    "Núñez", "Dvořák", "Sørensen", "Lefèvre", "Bénard", "de Jong", "Jansen", "de Vries",
    "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer", "de Boer",
    "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
    "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden",
    "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek",
    "de Bruijn", "de Bruin", "van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet",
    "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal",
    "Prins", "Blom", "Huisman", "Peeters", "de Jonge", "Kuipers", "van Veen", "Post",
    "Kuiper", "Veenstra", "Kramer", "van den Brink", "Scholten", "van Wijk", "Postma",
    "Martens", "Vink", "de Ruiter", "Timmermans", "Groen", "Gerritsen", "Jonker", "van Loon",
    "Boer", "van der Velde", "Willemsen", "Smeets", "de Lange", "de Vos", "Bosch",
    "van Dongen", "Schipper", "de Koning", "van der Laan", "Koning", "van der Velden",
    "Driessen", "van Doorn", "Hermans", "Evers", "van den Bosch", "van der Meulen",
    "Hofman", "Bosman", "Wolters", "Sanders", "van der Horst", "Mol", "Kuijpers", "Molenaar",
    "IJzerman", "Strauß", "Wałęsa", "Østergaard", "Łukasiewicz",
]  # fmt: skip
VOORNAMEN = [
    "Hüseyin", "Ayşe", "Mehmet", "Fatma", "Jan", "Johanna", "Pieter", "Maria", "Kees", "Anna",
    "Sjoerd", "Ilse", "Thijs", "Ingrid", "Søren", "Zoë", "Chloé", "Noël", "Björn", "Jürgen",
    "Małgorzata", "Dorota", "Kåre", "Ægir", "Øyvind", "Iñaki", "François", "Mohamed", "Fatima",
    "Youssef", "Sanne", "Daan", "Lotte", "Bram", "Eva", "Sem", "Femke", "Ruben", "Lisa", "Tim",
]  # fmt: skip
# Companies: <voor> <achternaam> <na>; one debtor in ten.
BEDRIJF_VOOR = [
    "Bakkerij",
    "Garage",
    "Schildersbedrijf",
    "Stichting",
    "",
    "Café",
    "Hoveniersbedrijf",
]
BEDRIJF_NA = ["& Zn. B.V.", "Transport B.V.", "V.O.F.", "Installatietechniek", "Holding B.V."]
ZELDZAAM = "BB-ZELDZAAM"  # one debtor with a name nobody else has (the rare-word search)


def _splits(naam: str) -> tuple[str, str]:
    delen = naam.split(" ")
    return " ".join(delen[:-1]), delen[-1]


def _waarden(model, overrides: dict[str, str]) -> tuple[str, str]:
    """(column list, select list) for an INSERT ... SELECT of every concrete column: the given
    SQL expressions, NULL for nullable columns, else an empty value of the column's type.
    Robust to columns other features add later."""
    from django.db import models

    kolommen, expressies = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        kolommen.append(f'"{f.column}"')
        if f.name in overrides:
            expressies.append(overrides[f.name])
        elif f.null:
            expressies.append("NULL")
        elif isinstance(f, models.BooleanField):
            expressies.append("false")
        elif isinstance(f, models.JSONField):
            expressies.append("'[]'::jsonb")
        elif isinstance(f, models.DateTimeField):
            expressies.append("now()")
        elif isinstance(f, models.DateField):
            expressies.append("current_date")
        elif isinstance(f, models.UUIDField):
            expressies.append("gen_random_uuid()")  # unique: Vordering.uuid (#17)
        elif isinstance(f, (models.IntegerField, models.BigIntegerField, models.DecimalField)):
            expressies.append("0")
        else:
            expressies.append("''")
    return ", ".join(kolommen), ", ".join(expressies)


def organisaties():
    from inningen.organisaties.models import Organisatie

    rsins = ["002220647", "001770366", "008174325"]
    namen = ["Benchmark Rivierstad", "Benchmark Polderdam", "Benchmark Belastingen"]
    return [
        Organisatie.objects.get_or_create(rsin=r, defaults={"naam": n})[0]
        for r, n in zip(rsins, namen, strict=True)
    ]


def laad(n_deb: int, n_vrd: int, n_groot: int) -> None:
    from django.db import connection, transaction

    from inningen.debiteuren.models import Debiteur
    from inningen.grootboek.models import Boeking, Vordering, Vorderingstatus

    orgs = organisaties()
    org_ids = "ARRAY[" + ",".join(str(o.pk) for o in orgs) + "]"
    personen, bedrijven = _namen()

    def array(waarden):
        return "ARRAY[" + ",".join("'" + w.replace("'", "''") + "'" for w in waarden) + "]"

    def kolom(rijen, index):
        return array(r[index] for r in rijen)

    n_p, n_b = len(personen), len(bedrijven)
    # One debtor in ten (i % 10 = 0) is a company; the others pick a combination of names.
    bedrijf = "i % 10 = 0"
    p_i, b_i = f"1 + i % {n_p}", f"1 + (i / 10) % {n_b}"

    def per_soort(p_index: int, b_index: int | None) -> str:
        b = f"({kolom(bedrijven, b_index)})[{b_i}]" if b_index is not None else "''"
        return f"CASE WHEN {bedrijf} THEN {b} ELSE ({kolom(personen, p_index)})[{p_i}] END"

    with connection.cursor() as c:
        c.execute(
            "SELECT count(*) FROM inningen_debiteur WHERE debiteurnummer LIKE %s", [PREFIX + "0%"]
        )
        bestaand = c.fetchone()[0]
    if bestaand < n_deb:
        t = time.perf_counter()
        # BSN: 8-digit base 6xxxxxxx + 11-proef check digit; NULL when no digit fits.
        basis = "lpad((60000000 + i)::text, 8, '0')"
        som = " + ".join(f"substr({basis}, {p}, 1)::int * {9 - p + 1}" for p in range(1, 9))
        kolommen, select = _waarden(Debiteur, {
            "soort": f"CASE WHEN {bedrijf} THEN 'NNP' ELSE 'NPS' END",
            "debiteurnummer": f"'{PREFIX}' || lpad(i::text, 7, '0')",
            "bsn": f"CASE WHEN NOT ({bedrijf}) AND ({som}) % 11 < 10 THEN {basis} || (({som}) % 11)::text END",
            "voornamen": per_soort(0, None),
            "voorletters": per_soort(1, None),
            "voorvoegsel_geslachtsnaam": per_soort(2, None),
            "geslachtsnaam": per_soort(3, None),
            "statutaire_naam": f"CASE WHEN {bedrijf} THEN ({kolom(bedrijven, 0)})[{b_i}] ELSE '' END",
            "zoeknaam": per_soort(4, 1),
            "zoekwoorden": per_soort(5, 2),
            "straatnaam": "'Dijkweg'",
            "huisnummer": "1 + (i / 997) % 300",
            "postcode": "(1000 + i % 8999)::text || chr(65 + (i / 7) % 26) || chr(65 + (i / 181) % 26)",
            "woonplaats": "'Rivierstad'",
            "created_at": "now()",
            "updated_at": "now()",
        })  # fmt: skip
        with transaction.atomic(), connection.cursor() as c:
            c.execute(  # no parameters: the SQL's % operators stay as they are
                f"INSERT INTO inningen_debiteur ({kolommen}) SELECT {select} "
                f"FROM generate_series({int(bestaand) + 1}, {int(n_deb)}) AS i"
            )
        print(f"Load: {n_deb - bestaand:,} debtors in {time.perf_counter() - t:.1f} s")
    _controleer_zoekvelden()
    groot = Debiteur.objects.filter(debiteurnummer=GROOT).first()
    if groot is None:
        groot = Debiteur(soort="NPS", debiteurnummer=GROOT, bsn="999990019", geslachtsnaam="Öztürk",
                         voornamen="Hüseyin", voorletters="H.", postcode="4101AB", huisnummer=12,
                         straatnaam="Dijkweg", woonplaats="Rivierstad")  # fmt: skip
        groot.save()
    zeldzaam = Debiteur.objects.filter(debiteurnummer=ZELDZAAM).first()
    if zeldzaam is None:
        zeldzaam = Debiteur(soort="NPS", debiteurnummer=ZELDZAAM, bsn="999990020", voorletters="G.",
                            voornamen="Guðrún", geslachtsnaam="Þórsdóttir", postcode="4101AB",
                            huisnummer=14, woonplaats="Rivierstad")  # fmt: skip
        zeldzaam.save()

    def vorderingen(van: int, tot: int, debiteur_sql: str, nummer_prefix: str) -> None:
        t = time.perf_counter()
        kolommen, select = _waarden(Vordering, {
            "organisatie": f"({org_ids})[1 + i % {len(orgs)}]",
            "tsa": "'BENCH'",
            "vorderingnummer": f"'{nummer_prefix}' || lpad(i::text, 7, '0')",
            "factuurnummer": f"'F{nummer_prefix}' || lpad(i::text, 7, '0')",
            "creatiedatum": "current_date - (i % 700)",
            "factuurdatum": "current_date - (i % 700)",
            "vervaldatum": "current_date - (i % 700) + 30",
            "indicator_factuur_uitgestuurd": "true",
            "algemene_factuuromschrijving": f"{OMSCHRIJVINGEN}[1 + i % 4]",
            "totaalbedrag_excl_btw": "10000", "totaalbedrag_btw": "2100",
            "totaalbedrag_incl_btw": "12100",
            "debiteur": debiteur_sql,
            "status": "CASE WHEN i % 3 = 0 THEN 'BET' ELSE 'VRW' END",
            "status_datum": "now()",
            # 0 first: the saldo triggers (migration 0012) let the balance follow the boekingen only.
            "openstaand_bedrag": "0",
            "created_at": "now()", "updated_at": "now()",
        })  # fmt: skip
        with transaction.atomic(), connection.cursor() as c:
            c.execute("SELECT coalesce(max(id), 0) FROM inningen_vordering")
            vorige = c.fetchone()[0]
            c.execute(
                f"INSERT INTO inningen_vordering ({kolommen}) SELECT {select} "
                f"FROM generate_series({int(van)}, {int(tot)}) AS i"
            )
            c.execute(
                "CREATE TEMP TABLE bench_nieuw ON COMMIT DROP AS SELECT id, organisatie_id, status, "
                "openstaand_bedrag, creatiedatum FROM inningen_vordering WHERE tsa = 'BENCH' AND "
                "id > %s",
                [vorige],
            )
            kol_s, sel_s = _waarden(Vorderingstatus, {
                "vordering": "id", "status": "'VRW'", "datum_en_tijd": "creatiedatum::timestamptz",
                "door": "'benchmark'",
            })  # fmt: skip
            c.execute(
                f"INSERT INTO inningen_vorderingstatus ({kol_s}) SELECT {sel_s} FROM bench_nieuw"
            )
            kol_b, sel_b = _waarden(Boeking, {
                "organisatie": "organisatie_id", "vordering": "id", "soort": "'opgelegd'",
                "boekdatum": "creatiedatum", "bedrag_incl_btw": "12100", "bedrag_excl_btw": "10000",
                "bedrag_btw": "2100", "boekingssleutel": "'OMZ-001'", "door": "'benchmark'",
                "created_at": "now()",
            })  # fmt: skip
            c.execute(f"INSERT INTO inningen_boeking ({kol_b}) SELECT {sel_b} FROM bench_nieuw")
            kol_p, sel_p = _waarden(Boeking, {
                "organisatie": "organisatie_id", "vordering": "id", "soort": "'betaling'",
                "boekdatum": "creatiedatum + 20", "bedrag_incl_btw": "-12100",
                "bedrag_excl_btw": "-10000", "bedrag_btw": "-2100", "boekingssleutel": "'OMZ-001'",
                "deel": "'hoofdsom'", "omschrijving": "'Betaling via bank'", "door": "'bankafschrift'",
                "created_at": "now()",
            })  # fmt: skip
            c.execute(
                f"INSERT INTO inningen_boeking ({kol_p}) SELECT {sel_p} FROM bench_nieuw "
                "WHERE status = 'BET'"
            )
            kol_s2, sel_s2 = _waarden(Vorderingstatus, {
                "vordering": "id", "status": "'BET'", "datum_en_tijd": "(creatiedatum + 20)::timestamptz",
                "door": "'bankafschrift'", "opmerkingen": "'Betaald'",
            })  # fmt: skip
            c.execute(
                f"INSERT INTO inningen_vorderingstatus ({kol_s2}) SELECT {sel_s2} FROM bench_nieuw "
                "WHERE status = 'BET'"
            )
            c.execute(
                "UPDATE inningen_vordering v SET openstaand_bedrag = 12100 FROM bench_nieuw n "
                "WHERE v.id = n.id AND n.status = 'VRW'"
            )
        print(
            f"Load: {tot - van + 1:,} claims ({nummer_prefix}) in {time.perf_counter() - t:.1f} s"
        )

    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM inningen_vordering WHERE tsa = 'BENCH' AND vorderingnummer LIKE %s",
                  [PREFIX + "V%"])  # fmt: skip
        n_bestaand = c.fetchone()[0]
        c.execute("SELECT count(*) FROM inningen_vordering WHERE debiteur_id = %s", [groot.pk])
        n_groot_bestaand = c.fetchone()[0]
    if n_bestaand < n_vrd:
        deb = (f"(SELECT d.id FROM inningen_debiteur d WHERE d.debiteurnummer = "
               f"'{PREFIX}' || lpad((1 + i % {n_deb})::text, 7, '0'))")  # fmt: skip
        for van in range(n_bestaand + 1, n_vrd + 1, 100_000):
            vorderingen(van, min(n_vrd, van + 99_999), deb, PREFIX + "V")
    if n_groot_bestaand < n_groot:
        vorderingen(n_groot_bestaand + 1, n_groot, str(groot.pk), PREFIX + "G")
    if not Vordering.objects.filter(debiteur=zeldzaam).exists():
        vorderingen(1, 1, str(zeldzaam.pk), PREFIX + "Z")
    with connection.cursor() as c:
        # VACUUM, not only ANALYZE: rows inserted after the pg_trgm index was built sit in its
        # GIN pending list, which made the planner read the whole table instead (#19).
        # Autovacuum does the same in production; one statement each (no VACUUM in a batch).
        c.execute("VACUUM ANALYZE inningen_debiteur")
        c.execute("ANALYZE inningen_vordering; ANALYZE inningen_boeking;"
                  " ANALYZE inningen_vorderingstatus")  # fmt: skip


def _namen() -> tuple[list[tuple], list[tuple]]:
    """Every combination of names, folded by the application's own functions. Persons:
    (voornamen, voorletters, voorvoegsel, geslachtsnaam, zoeknaam, zoekwoorden); companies:
    (statutaire naam, zoeknaam, zoekwoorden)."""
    from inningen.debiteuren.models import Debiteur

    personen, bedrijven = [], []
    for achternaam in ACHTERNAMEN:
        voorvoegsel, geslachtsnaam = _splits(achternaam)
        for voornaam in VOORNAMEN:
            d = Debiteur(soort="NPS", voornamen=voornaam, voorletters=voornaam[0] + ".",
                         voorvoegsel_geslachtsnaam=voorvoegsel, geslachtsnaam=geslachtsnaam)  # fmt: skip
            personen.append((d.voornamen, d.voorletters, voorvoegsel, geslachtsnaam,
                             d.compute_zoeknaam(), d.compute_zoekwoorden()))  # fmt: skip
        for voor in BEDRIJF_VOOR:
            for na in BEDRIJF_NA:
                naam = " ".join(p for p in (voor, achternaam, na) if p)
                d = Debiteur(soort="NNP", statutaire_naam=naam)
                bedrijven.append((naam, d.compute_zoeknaam(), d.compute_zoekwoorden()))
    # Interleave, so that consecutive debtors differ in every part of the name.
    random.Random(19).shuffle(personen)
    random.Random(19).shuffle(bedrijven)
    return personen, bedrijven


def _controleer_zoekvelden() -> None:
    """The set-based load must store what Debiteur.save() would: check a sample."""
    from inningen.debiteuren.models import Debiteur

    for d in Debiteur.objects.filter(debiteurnummer__startswith=PREFIX + "0").order_by("?")[:300]:
        verwacht = (d.compute_zoeknaam(), d.compute_zoekwoorden())
        assert (d.zoeknaam, d.zoekwoorden) == verwacht, (d.pk, d.zoeknaam, d.zoekwoorden, verwacht)


def gebruiker(orgs):
    from django.contrib.auth.models import Group, User

    from inningen.organisaties.models import Medewerker
    from inningen.organisaties.services.rollen import roles_ensure

    roles_ensure()
    user, _ = User.objects.get_or_create(username="balie-benchmark")
    user.groups.add(Group.objects.get(name="baliemedewerker"))
    medewerker, _ = Medewerker.objects.get_or_create(user=user)
    medewerker.organisaties.add(*orgs)
    return user


def meet(client, url, n, params=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tijden, queries = [], set()
    for i in range(n):
        p = params(i) if callable(params) else params
        # Django keeps the last 9,000 queries only; past that, the captured slice comes out
        # empty (counted as 0 queries). Start every request with an empty log.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            r = client.get(url(i) if callable(url) else url, p or {})
            tijden.append(time.perf_counter() - start)
        assert r.status_code in (200, 302), (r.status_code, url, p)
        queries.add(len(ctx.captured_queries))
    return tijden, queries


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--debiteuren", type=int, default=200_000)
    parser.add_argument("--vorderingen", type=int, default=1_000_000)
    parser.add_argument("--groot", type=int, default=200, help="claims of the big debtor")
    parser.add_argument("--aanroepen", type=int, default=200)
    parser.add_argument(
        "--alleen-zoeken", action="store_true", help="measure the searches only (#19)"
    )
    args = parser.parse_args()
    _setup.setup_django()
    from django.conf import settings
    from django.test import Client
    from django.urls import NoReverseMatch, clear_url_caches, reverse

    settings.DEBUG = False
    try:
        reverse("balie:debiteur", args=[1])
    except NoReverseMatch:  # config/urls.py does not include the balie yet
        settings.ROOT_URLCONF = "tests.ui.urls"
        clear_url_caches()
    from inningen.debiteuren.models import Debiteur

    print(f"Database: {_setup.database_beschrijving()}")
    laad(args.debiteuren, args.vorderingen, args.groot)
    orgs = organisaties()
    client = Client()
    gebruiker_ = gebruiker(orgs)
    client.force_login(gebruiker_)
    from inningen.balie.selectors.zoeken import zoek

    groot = Debiteur.objects.get(debiteurnummer=GROOT)
    rng = random.Random(7)
    gewoon = list(
        Debiteur.objects.filter(debiteurnummer__startswith=PREFIX + "0")
        .order_by("?").values_list("pk", flat=True)[:500]
    )  # fmt: skip
    n_groot = groot.vorderingen.count()
    from inningen.grootboek.models import Vordering

    print(f"Data: {Debiteur.objects.count():,} debtors, {Vordering.objects.count():,} claims; "
          f"big debtor has {n_groot} claims")  # fmt: skip
    if not args.alleen_zoeken:
        meet(client, f"/debiteuren/{groot.pk}/", 5)  # warm-up
        t, q = meet(client, f"/debiteuren/{groot.pk}/", args.aanroepen)
        print(f"Debtor page, {n_groot} claims:  {_setup.samenvatting_ms(t)}  queries {sorted(q)}")
        t, q = meet(client, lambda i: f"/debiteuren/{gewoon[i % len(gewoon)]}/", args.aanroepen)
        print(f"Debtor page, ordinary:     {_setup.samenvatting_ms(t)}  queries {sorted(q)}")

    from inningen.debiteuren.models.debiteur import fold

    prefixen = [fold(_splits(n)[1])[:4] for n in ACHTERNAMEN]
    monsters = list(
        Debiteur.objects.filter(pk__in=gewoon[:200]).values_list("bsn", "postcode", "huisnummer")
    )
    vnrs = list(Vordering.objects.filter(tsa="BENCH").order_by("?").values_list(
        "vorderingnummer", "factuurnummer")[:200])  # fmt: skip
    soorten = {
        "naam (prefix)": lambda i: rng.choice(prefixen),
        "BSN": lambda i: monsters[i % len(monsters)][0] or "999990019",
        "postcode + huisnummer": lambda i: (
            f"{monsters[i % len(monsters)][1][:4]} "
            f"{monsters[i % len(monsters)][1][4:]} {monsters[i % len(monsters)][2]}"
        ),
        "vorderingnummer": lambda i: vnrs[i % len(vnrs)][0],
        "factuurnummer": lambda i: vnrs[i % len(vnrs)][1],
        # #19: words of the name.
        "naam: ozturk": lambda i: "ozturk",
        "naam: Hüseyin Öztürk": lambda i: "Hüseyin Öztürk",
        "naam: Öztürk, H": lambda i: "Öztürk, H",
        "naam: midden bedrijf": lambda i: rng.choice(["IJzerman", "transport", "zn"]),
        "naam: zeldzaam": lambda i: "Þórsdóttir",
        "naam: veelvoorkomend": lambda i: rng.choice(["van", "jan", "b.v."]),
    }
    alle = []
    for naam, q_fn in soorten.items():
        meet(client, "/", 3, lambda i, f=q_fn: {"q": f(i)})  # warm-up
        t, q = meet(client, "/", max(20, args.aanroepen // 5), lambda i, f=q_fn: {"q": f(i)})
        alle += t
        print(f"Search {naam:26s} {_setup.samenvatting_ms(t)}  queries {sorted(q)}")
        # The selector alone (its queries, no session, template or logging): what the search
        # itself costs, less sensitive to a busy machine than the whole request.
        sel = []
        for i in range(max(20, args.aanroepen // 5)):
            start = time.perf_counter()
            zoek(gebruiker_, q_fn(i))
            sel.append(time.perf_counter() - start)
        print(f"  selector only {'':19s} {_setup.samenvatting_ms(sel)}")
    print(f"Search, all kinds:         {_setup.samenvatting_ms(alle)}")


if __name__ == "__main__":
    main()
