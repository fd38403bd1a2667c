"""Drain N pending status messages from the outbox to a local test TSA with real Celery workers.

Target (issue: status changes to TSAs): 2,000 messages with two worker processes at ≥ 200/s.

    createdb -h 127.0.0.1 -U postgres inningen_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/inningen_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/inningen_bench \\
        CELERY_BROKER_URL=redis://127.0.0.1:6379/12 .venv/bin/python benchmarks/outbox_drain.py

The TSA is an HTTP server in this process (threads) that answers Bv03 to every message.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid

from _setup import ROOT, database_beschrijving, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--berichten", type=int, default=2000)
    parser.add_argument(
        "--processen", type=int, default=2, help="worker processes (prefork concurrency)"
    )
    args = parser.parse_args()
    if not os.environ.get("CELERY_BROKER_URL"):
        sys.exit(
            "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/12): this measures real workers."
        )
    setup_django()

    import redis
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from inningen.grootboek.models import Vorderingstatus
    from inningen.grootboek.services.vorderingen import vorderingen_register
    from stuffin.models import TsaCode, UitgaandBericht, UitgaandSoort, UitgaandStatus
    from stuffin.services.koppelingen import koppeling_upsert
    from tests.factories import OrganisatieFactory, vordering_invoer
    from tests.stuffin.tsa_server import TestTsa

    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    tsa = TestTsa().start()
    organisatie = OrganisatieFactory()
    code = f"bench-{uuid.uuid4().hex[:8]}"
    # Claims first, without a URL on the koppeling (so nothing is queued yet) ...
    koppeling = koppeling_upsert(
        applicatie=code[:20].upper(),
        rol="tsa",
        gebruikersnaam=code,
        wachtwoord="benchmark-wachtwoord",
        tsa_codes=[code],
        vorderende_organisaties=[organisatie.rsin],
    )[0]
    vorderingen = vorderingen_register(
        invoer=[
            vordering_invoer(organisatie, tsa=code, vorderingnummer=f"{code}-{i}")
            for i in range(args.berichten)
        ],
        door="benchmark",
    )
    statussen = Vorderingstatus.objects.filter(vordering__in=vorderingen)
    # ... then the koppeling gets its URL and the outbox is filled with pending messages.
    koppeling.url = tsa.url
    koppeling.save()
    nu = timezone.now()
    UitgaandBericht.objects.bulk_create(
        UitgaandBericht(
            soort=UitgaandSoort.STATUSWIJZIGING,
            koppeling=koppeling,
            vordering_id=s.vordering_id,
            vorderingstatus=s,
            referentienummer=uuid.uuid4().hex,
            volgende_poging=nu,
        )
        for s in statussen
    )
    pending = UitgaandBericht.objects.filter(koppeling=koppeling)
    print(
        f"{database_beschrijving()}; {pending.count()} berichten wachtend, {args.processen} workerprocessen"
    )

    connection.close()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel=WARNING",
            "--pool=prefork",
            f"--concurrency={args.processen}",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        time.sleep(3)  # worker start-up is not part of the drain
        from stuffin.services.uitgaand import uitgaand_sweep

        start = time.perf_counter()
        uitgaand_sweep()
        while pending.filter(status=UitgaandStatus.AFGELEVERD).count() < args.berichten:
            if time.perf_counter() - start > 600:
                sys.exit("Niet alles afgeleverd binnen 600 s")
            time.sleep(0.1)
        duur = time.perf_counter() - start
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        tsa.stop()
    print(
        f"{args.berichten} statusberichten afgeleverd in {duur:.2f} s = {args.berichten / duur:.0f} berichten/s "
        f"(doel ≥ 200/s); TSA ontving {len(tsa.received)} verzoeken"
    )
    TsaCode.objects.filter(code=code).delete()


if __name__ == "__main__":
    main()
