"""Di01-verstrekVordering ingest throughput on PostgreSQL.

Builds messages of max-variant claims (see _setup.Di01Maker) and measures, in one run:

(a) lxml parse + schema validation of one message alone (parse_xml, schema_fouten against
    proces_schema(), schemas already loaded; best of N);
(b) the full verstrek_vordering_receive path behind the SOAP endpoint, without HTTP and
    authentication: parse, stuurgegevens checks, idempotency look-up, validation, mapping,
    debtor upsert, storage, Bv03 answer and berichtenlog; fresh numbers every repetition;
(c) sustained throughput: consecutive messages into a growing database, per batch and overall.

Targets (issue): (b) >= 1,000 vorderingen/s on one process and (b)/(a) <= 4x.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/inningen_bench .venv/bin/python benchmarks/stuf_ingest.py
"""

from __future__ import annotations

import argparse
import statistics
import time

import _setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--vorderingen", type=int, default=1000, help="claims in the message of (a) and (b)"
    )
    parser.add_argument(
        "--herhalingen", type=int, default=5, help="repetitions of (b), each with fresh numbers"
    )
    parser.add_argument(
        "--parse-herhalingen", type=int, default=10, help="repetitions of (a); best counts"
    )
    parser.add_argument(
        "--batches", type=int, default=20, help="messages in the sustained run (0: skip)"
    )
    parser.add_argument(
        "--batch-grootte", type=int, default=1000, help="claims per message in the sustained run"
    )
    parser.add_argument(
        "--vorderingen-per-debiteur",
        type=int,
        default=1,
        help="consecutive claims sharing one debtor (1: every claim its own BSN)",
    )
    parser.add_argument(
        "--bekende-debiteuren",
        action="store_true",
        help="sustained run: every message names the same (known) debtors again",
    )
    parser.add_argument(
        "--profiel", action="store_true", help="cProfile one extra (b) run and print the top"
    )
    parser.add_argument(
        "--allow-sqlite", action="store_true", help="run on SQLite anyway (figures not comparable)"
    )
    args = parser.parse_args()

    _setup.setup_django(allow_sqlite=args.allow_sqlite)
    from django.conf import settings

    from inningen.grootboek.models import Vordering
    from stuffin.services.ontvangst import verstrek_vordering_receive
    from stuffin.stuf import soap
    from stuffin.stuf.xml import parse_xml, proces_schema, schema_fouten

    # Production runs with DEBUG off; with it on Django keeps every SQL statement in memory.
    settings.DEBUG = False
    koppeling = _setup.bench_koppeling()
    maker = _setup.Di01Maker(vorderingen_per_debiteur=args.vorderingen_per_debiteur)
    schema = proces_schema()  # loaded once per process, as in the server

    def ontvang(body: bytes, nummers: list[str]) -> float:
        """Seconds for the full receive path; checks the answer and that the claims are there."""
        start = time.perf_counter()
        antwoord = verstrek_vordering_receive(
            body=body, soapaction=soap.SOAPACTION_DI01_VERSTREK_VORDERING, koppeling=koppeling
        )
        duur = time.perf_counter() - start
        if antwoord.status != 200:
            raise SystemExit(f"Unexpected answer {antwoord.status}: {antwoord.inhoud[:2000]!r}")
        if Vordering.objects.filter(vorderingnummer__in=[nummers[0], nummers[-1]]).count() != min(
            2, len(nummers)
        ):
            raise SystemExit("The claims of the message were not stored.")
        return duur

    print(
        f"Database: {_setup.database_beschrijving()}, {_setup.database_grootte()}; claims already "
        f"stored: {Vordering.objects.count():,}; load average {_setup.laadgemiddelde()}"
    )

    # Warm-up: imports, lazily compiled validators, the connection.
    ontvang(*maker.bericht(10))

    # (a) parse + schema validation of the message alone.
    body, nummers = maker.bericht(args.vorderingen)

    def parse_en_valideer():
        element = soap.unwrap_envelope(parse_xml(body))
        fouten = schema_fouten(element, schema)
        if fouten:
            raise SystemExit(f"Schema errors in the generated message: {fouten[:3]}")

    a = _setup.best_of(parse_en_valideer, args.parse_herhalingen)
    print(f"\nMessage: {args.vorderingen:,} vorderingen, {len(body) / 1e6:.1f} MB")
    print(
        f"(a) parse + schema validation: best of {args.parse_herhalingen}: {a * 1000:8.1f} ms "
        f"({args.vorderingen / a:,.0f} vorderingen/s)"
    )

    # (b) full receive path, fresh numbers each repetition (the first message is the one of (a)).
    # (a) is measured again right before every run: on a shared machine the speed drifts over
    # a run, and the ratio compares the two under the same conditions.
    tijden, parse_tijden = [], []
    for i in range(args.herhalingen):
        if i:
            body, nummers = maker.bericht(args.vorderingen)
        parse_tijden.append(_setup.best_of(parse_en_valideer, 3))
        tijden.append(ontvang(body, nummers))
        print(
            f"    run {i + 1}: {tijden[-1] * 1000:8.1f} ms = {args.vorderingen / tijden[-1]:7,.0f} "
            f"vorderingen/s; (a) just before {parse_tijden[-1] * 1000:6.1f} ms, "
            f"ratio {tijden[-1] / parse_tijden[-1]:.2f}x"
        )
    best, median = min(tijden), statistics.median(tijden)
    a = min(a, *parse_tijden)
    verhoudingen = [b / p for b, p in zip(tijden, parse_tijden, strict=True)]
    print(
        f"(b) verstrek_vordering_receive: best {best * 1000:.1f} ms = {args.vorderingen / best:,.0f} "
        f"vorderingen/s; median {median * 1000:.1f} ms = {args.vorderingen / median:,.0f} vorderingen/s"
    )
    print(
        f"    ratio (b)/(a): best {best / a:.2f}x (best (b) over best (a) of the whole run), "
        f"per run best {min(verhoudingen):.2f}x / median {statistics.median(verhoudingen):.2f}x "
        f"[targets: >= 1,000 vorderingen/s, <= 4x]; load average {_setup.laadgemiddelde()}"
    )

    if args.profiel:
        import cProfile
        import pstats

        body, nummers = maker.bericht(args.vorderingen)
        profiel = cProfile.Profile()
        profiel.runcall(ontvang, body, nummers)
        pstats.Stats(profiel).sort_stats("cumulative").print_stats(40)
        pstats.Stats(profiel).sort_stats("tottime").print_stats(25)

    # (c) sustained: consecutive messages into a growing database.
    if args.batches:
        print(
            f"\n(c) sustained: {args.batches} messages of {args.batch_grootte:,} vorderingen, "
            f"{'the same known' if args.bekende_debiteuren else 'new'} debtors in every message "
            f"(start: {Vordering.objects.count():,} stored)"
        )
        totaal = 0.0
        per_batch = []
        if args.bekende_debiteuren:
            maker = _setup.Di01Maker(vorderingen_per_debiteur=args.vorderingen_per_debiteur)
        for i in range(args.batches):
            if args.bekende_debiteuren:
                maker.zelfde_debiteuren()
            body, nummers = maker.bericht(args.batch_grootte)
            duur = ontvang(body, nummers)
            totaal += duur
            per_batch.append(args.batch_grootte / duur)
            print(
                f"    batch {i + 1:3d}: {duur * 1000:8.1f} ms = {per_batch[-1]:7,.0f} vorderingen/s"
            )
        n = args.batches * args.batch_grootte
        helft = len(per_batch) // 2 or 1
        print(
            f"(c) overall: {n:,} vorderingen in {totaal:.2f} s receive time = {n / totaal:,.0f} vorderingen/s; "
            f"per batch min {min(per_batch):,.0f} / median {statistics.median(per_batch):,.0f} / "
            f"max {max(per_batch):,.0f}; first half median {statistics.median(per_batch[:helft]):,.0f}, "
            f"second half median {statistics.median(per_batch[helft:] or per_batch):,.0f}"
        )
        print(
            f"    stored now: {Vordering.objects.count():,}; load average {_setup.laadgemiddelde()}"
        )


if __name__ == "__main__":
    main()
