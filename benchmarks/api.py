"""REST API (issue 17): latency of POST/GET /api/v1/vorderingen over real HTTP with a large database.

1. Makes sure one organisation holds --vorderingen claims (default 500,000) under the TSA code
   APIBENCH, loading only what is missing with set-based SQL (INSERT ... SELECT generate_series,
   as balie.py does): per claim a debtor (two claims per debtor), one regel, one termijn, the
   OPGELEGD boeking and status VRW with history; one in three paid (BET: payment boeking and a
   second status), one in ten in collection (INV: a third status). Re-running skips the load.
2. Creates (or renews) the API client "api-benchmark" of that organisation with every scope and
   TSA code APIBENCH, starts gunicorn (one sync worker, DEBUG off, as in production) on a free
   local port with the same DATABASE_URL, and times over HTTP (a new connection per request, as
   a sync gunicorn worker answers):
   - POST /api/v1/vorderingen: --posts claims with unique vorderingnummers and a debtor;
   - GET /api/v1/vorderingen/{uuid}: --gets random loaded claims;
   - GET /api/v1/vorderingen (first page, no filter), ?status=VRW (first page) and a filtered page
     (?status=VRW&vervaldatumVanaf=..&vervaldatumTot=.. and a random page number): --lijsten each.
   Prints p50/p95/p99/max per endpoint and the number of claims.

Targets (issue): POST p95 < 100 ms, GET of one claim p95 < 30 ms, a list page p95 < 150 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/inningen_bench .venv/bin/python benchmarks/api.py
    ... benchmarks/api.py --explain     # also: EXPLAIN ANALYZE of the list queries
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import re
import socket
import subprocess
import sys
import time

import _setup
from balie import _waarden

TSA = "APIBENCH"
PREFIX = "API"  # vorderingnummers API0000001 ..., debiteurnummers APD0000001 ...
RSIN = _setup.RSIN
CLIENT_NAAM = "api-benchmark"


def organisatie():
    from inningen.organisaties.models import Organisatie

    return Organisatie.objects.get_or_create(rsin=RSIN, defaults={"naam": "Benchmark API"})[0]


def geladen() -> int:
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "SELECT count(*) FROM inningen_vordering WHERE tsa = %s AND vorderingnummer LIKE %s",
            [TSA, PREFIX + "0%"],
        )
        return c.fetchone()[0]


def laad(org, doel: int, blok: int = 100_000) -> None:
    from django.db import connection, transaction

    from inningen.debiteuren.models import Debiteur
    from inningen.grootboek.models import (
        Boeking,
        Termijn,
        Vordering,
        Vorderingsregel,
        Vorderingstatus,
    )

    aantal = geladen()
    if aantal >= doel:
        print(f"Load: {aantal:,} claims of {TSA} present (>= {doel:,}); skipped.")
        return
    print(f"Load: {aantal:,} present, loading {doel - aantal:,} ...")
    t0 = time.perf_counter()
    n_deb = (doel + 1) // 2
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM inningen_debiteur WHERE debiteurnummer LIKE 'APD%%'")
        deb_bestaand = c.fetchone()[0]
    if deb_bestaand < n_deb:
        # BSN: 8-digit base 4xxxxxxx + 11-proef check digit; NULL when no digit fits.
        basis = "lpad((40000000 + i)::text, 8, '0')"
        som = " + ".join(f"substr({basis}, {p}, 1)::int * {9 - p + 1}" for p in range(1, 9))
        kolommen, select = _waarden(Debiteur, {
            "soort": "'NPS'",
            "debiteurnummer": "'APD' || lpad(i::text, 7, '0')",
            "bsn": f"CASE WHEN ({som}) % 11 < 10 THEN {basis} || (({som}) % 11)::text END",
            "voorletters": "chr(65 + i % 26) || '.'",
            "geslachtsnaam": "'Tester' || i",
            "zoeknaam": "'tester' || i",
            "straatnaam": "'Dijkweg'",
            "huisnummer": "1 + (i / 997) % 300",
            "postcode": "(1000 + i % 8999)::text || 'AB'",
            "woonplaats": "'Rivierstad'",
            "created_at": "now()",
            "updated_at": "now()",
        })  # fmt: skip
        with transaction.atomic(), connection.cursor() as c:
            c.execute(  # no parameters: the SQL's % operators stay as they are
                f"INSERT INTO inningen_debiteur ({kolommen}) SELECT {select} "
                f"FROM generate_series({deb_bestaand + 1}, {n_deb}) AS i"
            )
        print(f"    {n_deb - deb_bestaand:,} debtors in {time.perf_counter() - t0:.0f} s")

    for van in range(aantal + 1, doel + 1, blok):
        tot = min(doel, van + blok - 1)
        t = time.perf_counter()
        kolommen, select = _waarden(Vordering, {
            "organisatie": str(org.pk),
            "uuid": "gen_random_uuid()",
            "tsa": f"'{TSA}'",
            "vorderingnummer": f"'{PREFIX}' || lpad(i::text, 7, '0')",
            "factuurnummer": f"'F{PREFIX}' || lpad(i::text, 7, '0')",
            "creatiedatum": "current_date - (i % 700)",
            "factuurdatum": "current_date - (i % 700)",
            "vervaldatum": "current_date - (i % 700) + 30",
            "indicator_factuur_uitgestuurd": "true",
            "algemene_factuuromschrijving": "'Parkeervergunning'",
            "valutacode": "'EUR'",
            "totaalbedrag_excl_btw": "10000", "totaalbedrag_btw": "2100",
            "totaalbedrag_incl_btw": "12100",
            "publiekrechtelijk": "true",
            "debiteur": "d.id",
            "status": "CASE WHEN i % 3 = 0 THEN 'BET' WHEN i % 10 = 1 THEN 'INV' ELSE 'VRW' END",
            "status_datum": "now()",
            # 0 on insert (a trigger wants the balance to follow from the boekingen): set below.
            "openstaand_bedrag": "0",
            "waarschuwingen": "'[]'::jsonb",
            "created_at": "now()", "updated_at": "now()",
        })  # fmt: skip
        with transaction.atomic(), connection.cursor() as c:
            c.execute("SELECT coalesce(max(id), 0) FROM inningen_vordering")
            vorige = c.fetchone()[0]
            c.execute(
                f"INSERT INTO inningen_vordering ({kolommen}) SELECT {select} "
                f"FROM generate_series({van}, {tot}) AS i JOIN inningen_debiteur d "
                f"ON d.debiteurnummer = 'APD' || lpad(((i + 1) / 2)::text, 7, '0') ORDER BY i"
            )
            c.execute(
                "CREATE TEMP TABLE api_nieuw ON COMMIT DROP AS SELECT id, organisatie_id, status, "
                "creatiedatum, vervaldatum FROM inningen_vordering WHERE tsa = %s AND id > %s",
                [TSA, vorige],
            )

            def insert(model, waarden: dict, waar: str = "") -> None:
                kol, sel = _waarden(model, waarden)
                c.execute(
                    f"INSERT INTO {model._meta.db_table} ({kol}) SELECT {sel} FROM api_nieuw {waar}"
                )

            insert(Vorderingsregel, {
                "vordering": "id", "volgnummer": "1", "bedrag_excl_btw": "10000",
                "bedrag_incl_btw": "12100", "bedrag_btw": "2100", "btw_categorie": "'HOO'",
                "btw_percentage": "2100", "vorderingtype": "'AAN'",
                "vorderingcode": "'PARKEERVERGUNNING'", "vorderingomschrijving": "'Vergunning'",
            })  # fmt: skip
            insert(Termijn, {
                "vordering": "id", "volgnummer": "1", "datum": "vervaldatum", "bedrag": "12100",
                "vervaldatum": "vervaldatum",
            })  # fmt: skip
            insert(Vorderingstatus, {
                "vordering": "id", "status": "'VRW'", "datum_en_tijd": "creatiedatum::timestamptz",
                "door": "'benchmark'",
            })  # fmt: skip
            insert(Boeking, {
                "organisatie": "organisatie_id", "vordering": "id", "soort": "'opgelegd'",
                "boekdatum": "creatiedatum", "bedrag_incl_btw": "12100", "bedrag_excl_btw": "10000",
                "bedrag_btw": "2100", "boekingssleutel": "'OMZ-001'", "door": "'benchmark'",
                "created_at": "now()",
            })  # fmt: skip
            insert(Boeking, {
                "organisatie": "organisatie_id", "vordering": "id", "soort": "'betaling'",
                "boekdatum": "creatiedatum + 20", "bedrag_incl_btw": "-12100",
                "bedrag_excl_btw": "-10000", "bedrag_btw": "-2100", "boekingssleutel": "'OMZ-001'",
                "deel": "'hoofdsom'", "omschrijving": "'Betaling via bank'",
                "door": "'bankafschrift'", "created_at": "now()",
            }, "WHERE status = 'BET'")  # fmt: skip
            c.execute(
                "UPDATE inningen_vordering v SET openstaand_bedrag = 12100 FROM api_nieuw n "
                "WHERE v.id = n.id AND n.status <> 'BET'"
            )
            insert(Vorderingstatus, {
                "vordering": "id", "status": "status",
                "datum_en_tijd": "(creatiedatum + 20)::timestamptz", "door": "'benchmark'",
            }, "WHERE status <> 'VRW'")  # fmt: skip
        print(f"    claims {van:,}–{tot:,} in {time.perf_counter() - t:.0f} s")
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE")
    print(f"Load: done in {time.perf_counter() - t0:.0f} s (with VACUUM ANALYZE)")


# --- HTTP --------------------------------------------------------------------------------------


def vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(poort: int, log) -> subprocess.Popen:
    env = dict(os.environ, DEBUG="False", DJANGO_SETTINGS_MODULE="config.settings")
    proces = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{poort}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=_setup.ROOT,
        env=env,
        # The access log of every request goes to a file, not between the figures.
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", poort), timeout=0.2):
                return proces
        except OSError:
            if proces.poll() is not None:
                sys.exit(f"gunicorn stopped with exit code {proces.returncode}")
            time.sleep(0.1)
    proces.terminate()
    sys.exit("gunicorn did not start within 30 s")


class Http:
    def __init__(self, poort: int, token: str):
        self.poort = poort
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def __call__(self, method: str, pad: str, body: dict | None = None) -> tuple[float, int, bytes]:
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.poort, timeout=30)
        conn.request(method, pad, body=data, headers=headers)
        antwoord = conn.getresponse()
        inhoud = antwoord.read()
        duur = time.perf_counter() - start
        conn.close()
        return duur, antwoord.status, inhoud


def claim(nummer: str, bsn: str, vandaag: datetime.date) -> dict:
    return {
        "vorderingnummer": nummer,
        "tsaCode": TSA,
        "vorderendeOrganisatie": RSIN,
        "vorderingcode": "PARKEERVERGUNNING",
        "omschrijving": "Parkeervergunning 2027",
        "factuurdatum": str(vandaag),
        "vervaldatum": str(vandaag + datetime.timedelta(days=30)),
        "indicatorFactuurUitgestuurd": True,
        "debiteur": {
            "bsn": bsn,
            "geslachtsnaam": "Vries",
            "voorvoegselGeslachtsnaam": "de",
            "voorletters": "J.",
            "adres": {
                "straatnaam": "Dorpsstraat",
                "huisnummer": 1,
                "postcode": "1234AB",
                "woonplaats": "Ons Dorp",
            },
        },
        "regels": [
            {
                "omschrijving": "Vergunning bewoner",
                "bedragExclBtw": 10000,
                "btwBedrag": 2100,
                "bedragInclBtw": 12100,
                "btwPercentage": 21,
                "btwCategorie": "HOO",
            }
        ],
        "totaalbedragInclBtw": 12100,
    }


def server_tijden(logpad: str) -> None:
    """Server-side durations from gunicorn's access log (``duur_ms``, gunicorn.conf.py): what
    the worker spent, without the client's connect; the warm-up requests are included."""
    soorten = {}
    patroon = re.compile(r'"(GET|POST) (\S+) HTTP/[\d.]+".*duur_ms=(\d+)')
    with open(logpad) as f:
        for regel in f:
            m = patroon.search(regel)
            if not m:
                continue
            methode, pad, ms = m.groups()
            if re.fullmatch(r"/api/v1/vorderingen/[0-9a-f-]{36}", pad):
                soort = f"{methode} /api/v1/vorderingen/{{uuid}}"
            elif "vervaldatumVanaf" in pad:
                soort = f"{methode} ...?status=VRW&vervaldatum"
            else:
                soort = f"{methode} {pad}"
            soorten.setdefault(soort, []).append(int(ms) / 1000)
    if soorten:
        print("\nServer side (gunicorn access log, duur_ms):")
    for soort, tijden in soorten.items():
        print(f"  {soort:<44} n={len(tijden):4}  {_setup.samenvatting_ms(tijden)}")


def meet(naam: str, aanroepen, n: int, verwacht: int) -> list[float]:
    tijden = []
    for i in range(n):
        duur, status, inhoud = aanroepen(i)
        if status != verwacht:
            raise SystemExit(f"{naam}: HTTP {status} (expected {verwacht}): {inhoud[:1500]!r}")
        tijden.append(duur)
    print(f"  {naam:<44} n={n:4}  {_setup.samenvatting_ms(tijden)}")
    return tijden


def explain(org, client) -> None:
    """EXPLAIN ANALYZE of the queries of one list page, as the view builds them."""
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import force_authenticate

    from api.views import VorderingenView

    client._tsa_codes = frozenset(client.tsa_codes.values_list("code", flat=True))
    for query in (
        "",
        "status=VRW",
        "status=VRW&vervaldatumVanaf=2026-01-01&vervaldatumTot=2026-03-31",
    ):
        verzoek = RequestFactory().get(f"/api/v1/vorderingen?{query}")
        force_authenticate(verzoek, user=client, token=client)
        with CaptureQueriesContext(connection) as q:
            antwoord = VorderingenView.as_view()(verzoek)
            antwoord.render()
        print(f"\n?{query}: {len(q.captured_queries)} queries")
        for item in q.captured_queries:
            sql = item["sql"]
            print(f"  {item['time']}s  {sql[:200]}")
            if "inningen_vordering" in sql:
                with connection.cursor() as c:
                    c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    for (regel,) in c.fetchall():
                        print("      " + regel)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--vorderingen", type=int, default=500_000)
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--gets", type=int, default=500)
    parser.add_argument("--lijsten", type=int, default=200, help="timed requests per list query")
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--alleen-laden", action="store_true", help="load the claims, time nothing")
    parser.add_argument("--allow-sqlite", action="store_true")
    args = parser.parse_args()

    _setup.setup_django(allow_sqlite=args.allow_sqlite)
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from api.models import Scope
    from api.services.clients import apiclient_save
    from inningen.grootboek.models import Vordering

    settings.DEBUG = False
    org = organisatie()
    laad(org, args.vorderingen)
    if args.alleen_laden:
        return
    nieuw = apiclient_save(
        naam=CLIENT_NAAM, organisatie=org, scopes=list(Scope.values), tsa_codes=[TSA]
    )
    if args.explain:
        explain(org, nieuw.client)

    rnd = random.Random(args.seed)
    with connection.cursor() as c:
        c.execute("SELECT min(id), max(id) FROM inningen_vordering WHERE tsa = %s", [TSA])
        laagste, hoogste = c.fetchone()
    # Random loaded claims (ids are dense within the load); paid and in-collection ones have
    # two or three statuses, a payment, a regel and a termijn.
    ids = [rnd.randint(laagste, hoogste) for _ in range(args.gets)]
    uuids = dict(Vordering.objects.filter(pk__in=ids, tsa=TSA).values_list("pk", "uuid"))
    uuids = [uuids[i] for i in ids if i in uuids]
    totaal = Vordering.objects.count()
    in_scope = Vordering.objects.filter(organisatie=org, tsa=TSA).count()
    vrw = Vordering.objects.filter(organisatie=org, tsa=TSA, status="VRW").count()
    print(
        f"\nDatabase: {_setup.database_beschrijving()}, {_setup.database_grootte()}; "
        f"{totaal:,} claims in total, {in_scope:,} in the client's scope ({vrw:,} VRW); "
        f"nproc {os.cpu_count()}, load average {_setup.laadgemiddelde()}"
    )

    poort = vrije_poort()
    logpad = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"api-benchmark-{poort}.log")
    log = open(logpad, "w")  # noqa: SIM115 - open while gunicorn runs
    proces = start_gunicorn(poort, log)
    try:
        http_ = Http(poort, nieuw.token)
        vandaag = timezone.localdate()
        # Warm up the worker (imports, connection, first queries) before timing.
        for u in uuids[:20]:
            http_("GET", f"/api/v1/vorderingen/{u}")
        http_("GET", "/api/v1/vorderingen?status=VRW")
        print(f"\nOver HTTP: gunicorn, 1 sync worker, DEBUG off, 127.0.0.1:{poort}")
        run = _setup.run_id()
        bsns = _setup.bsn_reeks(_setup.volgende_bsn_basis())
        post_bsns = [next(bsns) for _ in range(args.posts)]
        meet(
            "POST /api/v1/vorderingen",
            lambda i: http_(
                "POST", "/api/v1/vorderingen", claim(f"P{run}-{i:05d}", post_bsns[i], vandaag)
            ),
            args.posts,
            201,
        )
        meet(
            "GET /api/v1/vorderingen/{uuid}",
            lambda i: http_("GET", f"/api/v1/vorderingen/{uuids[i % len(uuids)]}"),
            args.gets,
            200,
        )
        meet(
            "GET /api/v1/vorderingen (no filter)",
            lambda i: http_("GET", "/api/v1/vorderingen"),
            args.lijsten,
            200,
        )
        meet(
            "GET /api/v1/vorderingen?status=VRW",
            lambda i: http_("GET", "/api/v1/vorderingen?status=VRW"),
            args.lijsten,
            200,
        )

        def gefilterd(i: int):
            begin = vandaag - datetime.timedelta(days=rnd.randint(0, 600))
            eind = begin + datetime.timedelta(days=60)
            return http_(
                "GET",
                f"/api/v1/vorderingen?status=VRW&vervaldatumVanaf={begin}"
                f"&vervaldatumTot={eind}&page={rnd.randint(1, 3)}",
            )

        meet("GET ...?status=VRW&vervaldatum 60 d&page 1-3", gefilterd, args.lijsten, 200)
    finally:
        proces.terminate()
        proces.wait(timeout=30)
        log.close()
        server_tijden(logpad)
        print(f"gunicorn's log: {logpad}")


if __name__ == "__main__":
    main()
