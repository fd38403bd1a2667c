"""Peak memory of a worker that receives one large Di01-verstrekVordering (issue 14).

Three processes. The parent imports neither Django nor lxml and only starts the other two, so
nothing of its own memory reaches them (Linux carries a process's ru_maxrss across fork and
exec). The first child builds one message of --vorderingen max-variant claims exactly as
stuf_ingest.py does (_setup.Di01Maker) and writes it to a temporary file. The second, fresh child
sets up Django, receives a 10-claim warm-up message (schemas loaded, connection open, as in a
worker that has served a request), reads the body from the file as bytes (a worker holds the
request body too) and calls the Di01 receive service once: the path behind the SOAP endpoint
without HTTP and authentication, as stuf_ingest.py (b) does. It prints its RSS (VmRSS) and peak
RSS (getrusage(RUSAGE_SELF).ru_maxrss over all its threads, and the kernel's VmHWM) after Django
set-up, after the warm-up, after reading the body, and after the receive.
PostgreSQL's own processes are not in these figures.

--alleen-parse: the second child only parses and schema-validates the body (stuf_ingest.py's
(a)) instead of receiving it: lxml's share of the peak.

Target (issue 14): a Di01 of 10,000 claims received with a peak worker RSS under 500 MB.
The HTTP view refuses bodies above settings.STUF_MAX_BODY_BYTES before this service is called;
the script prints that limit next to the message size and does not go through the view.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/inningen_bench
    .venv/bin/python benchmarks/di01_geheugen.py [--vorderingen 10000] [--alleen-parse]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import _setup


def _status_mb(veld: str) -> float:
    """A field of /proc/self/status in MB (VmRSS: resident now, VmHWM: peak resident)."""
    with open("/proc/self/status") as f:
        for regel in f:
            if regel.startswith(veld + ":"):
                return int(regel.split()[1]) / 1024
    return float("nan")


def _geheugen() -> str:
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    return (
        f"RSS {_status_mb('VmRSS'):7.1f} MB, peak: ru_maxrss {maxrss:7.1f} MB, "
        f"VmHWM {_status_mb('VmHWM'):7.1f} MB"
    )


def _ontvanger():
    """The Di01 receive service of this tree (renamed in the inningen sub-package change)."""
    from stuffin.services import ontvangst

    for naam in ("verstrek_vordering_receive", "receive_di01_verstrek_vordering"):
        if hasattr(ontvangst, naam):
            return naam, getattr(ontvangst, naam)
    raise SystemExit("No Di01 receive service found in stuffin.services.ontvangst.")


def bouw(pad: str, n: int, variant: str) -> None:
    """First child: the message to `pad`, its numbers and facts to `pad`.json."""
    _setup.setup_django()
    from django.conf import settings

    _setup.bench_koppeling()
    maker = _setup.Di01Maker(variant=variant)
    body, nummers = maker.bericht(n)
    with open(pad, "wb") as f:
        f.write(body)
    limiet = settings.STUF_MAX_BODY_BYTES
    print(
        f"Database: {_setup.database_beschrijving()}, {_setup.database_grootte()}; "
        f"load average {_setup.laadgemiddelde()}"
    )
    print(
        f"Message: {n:,} {variant}-variant vorderingen, {len(body):,} bytes = {len(body) / 1e6:.1f} MB "
        f"({len(body) / 2**20:.1f} MiB); STUF_MAX_BODY_BYTES {limiet:,} "
        f"({'within' if len(body) <= limiet else 'ABOVE'} the limit of the HTTP view)",
        flush=True,
    )
    with open(pad + ".json", "w") as f:
        # The warm-up's debtors get BSNs above the big message's (not stored yet).
        json.dump(
            {"nummers": [nummers[0], nummers[-1]], "warmup_bsn": maker.bsn_start + 2 * n + 100}, f
        )


def ontvang(pad: str, n: int, alleen_parse: bool) -> None:
    """Second child: one receive (or parse + validation) in a fresh process."""
    with open(pad + ".json") as f:
        feiten = json.load(f)
    print(f"fresh process:        {_geheugen()}", flush=True)
    _setup.setup_django()
    print(f"after Django set-up:  {_geheugen()}", flush=True)
    from django.conf import settings

    from stuffin.stuf import soap
    from stuffin.stuf.xml import parse_xml, proces_schema, schema_fouten

    settings.DEBUG = False
    naam, receive = _ontvanger()
    koppeling = _setup.bench_koppeling()
    klein, _ = _setup.Di01Maker(bsn_start=feiten["warmup_bsn"]).bericht(10)
    antwoord = receive(
        body=klein, soapaction=soap.SOAPACTION_DI01_VERSTREK_VORDERING, koppeling=koppeling
    )
    assert antwoord.status == 200, antwoord.inhoud[:2000]
    del klein, antwoord
    print(f"after warm-up:        {_geheugen()}", flush=True)
    with open(pad, "rb") as f:
        body = f.read()
    print(f"body read ({len(body) / 1e6:5.1f} MB): {_geheugen()}", flush=True)
    start = time.perf_counter()
    if alleen_parse:
        naam = "parse_xml + schema_fouten"
        element = soap.unwrap_envelope(parse_xml(body))
        if schema_fouten(element, proces_schema()):
            raise SystemExit("Schema errors in the generated message.")
    else:
        antwoord = receive(
            body=body, soapaction=soap.SOAPACTION_DI01_VERSTREK_VORDERING, koppeling=koppeling
        )
        if antwoord.status != 200:
            raise SystemExit(f"Unexpected answer {antwoord.status}: {antwoord.inhoud[:2000]!r}")
    duur = time.perf_counter() - start
    print(f"after {naam} of {n:,} vorderingen ({duur:.2f} s): {_geheugen()}", flush=True)
    if not alleen_parse:
        from django.apps import apps

        nummers = feiten["nummers"]
        Vordering = apps.get_model("inningen", "Vordering")
        if Vordering.objects.filter(vorderingnummer__in=nummers).count() != len(set(nummers)):
            raise SystemExit("The claims of the message were not stored.")
    print(f"load average {_setup.laadgemiddelde()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vorderingen", type=int, default=10_000, help="claims in the message")
    parser.add_argument(
        "--alleen-parse", action="store_true", help="only parse + validate the message (lxml)"
    )
    parser.add_argument(
        "--variant",
        choices=("max", "min"),
        default="max",
        help="claims like the official max message (~10.7 kB each) or min message (~1.9 kB each)",
    )
    parser.add_argument("--bouw", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--ontvang", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bouw:
        bouw(args.bouw, args.vorderingen, args.variant)
        return
    if args.ontvang:
        ontvang(args.ontvang, args.vorderingen, args.alleen_parse)
        return

    zelf = [sys.executable, os.path.abspath(__file__), "--vorderingen", str(args.vorderingen)]
    zelf += ["--variant", args.variant]
    fd, pad = tempfile.mkstemp(suffix=".xml")
    os.close(fd)
    try:
        subprocess.run([*zelf, "--bouw", pad], check=True)
        subprocess.run(
            [*zelf, "--ontvang", pad, *(["--alleen-parse"] if args.alleen_parse else [])],
            check=True,
        )
    finally:
        for p in (pad, pad + ".json"):
            if os.path.exists(p):
                os.unlink(p)


if __name__ == "__main__":
    main()
