"""Benchmark: a CAMT.053 of 50,000 entries matched against 500,000 open claims on PostgreSQL,
imported the way the product does it since #16: uploaded through the screen, imported by the
Celery task in another process.

1. Makes sure one benchmark organisation (its own RSIN and account) holds --vorderingen *open*
   claims (default 500,000) of 100,000 debtors with an IBAN each, loading only what is missing
   through the services (vorderingen_register, debiteuren_upsert) in batches. Idempotent.
2. Builds a generated statement of --posten entries (default 50,000) over claims still open:
   55% betalingskenmerk (structured reference), 15% vorderingnummer in the text, 10% IBAN plus
   exact amount, 10% partial payments by kenmerk, 10% unknown (work list).
3. Uploads it through the upload screen (Django test client, a logged-in invorderaar): the
   request stores the file and queues the task (queueing is recorded, not sent: no worker of
   its own may take it). Times the request.
4. Runs the task (``afschrift_importeren``: claim, ``afschrift_import`` in one transaction,
   progress through its own connection, "klaar") in a fresh subprocess, as a worker's child
   would, and reports its wall time, the phases and its peak RSS (``getrusage``), while this
   process reads the progress from the database as the status page does.
   ``--in-proces`` instead times ``afschrift_import`` in this process (the figure before #16).

Targets (issue 16): whole import <= 60 s, upload answered < 2 s, peak worker RSS < 500 MB.
Each run uses a new statement, so it can be repeated (the data grows).

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/betalingen_match.py
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
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
        origineel = getattr(module, naam, None)
        if origineel is None:  # renamed since: leave it out of the breakdown
            return

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
    if hasattr(betalingen, "_REGELS"):
        betalingen._REGELS.update(
            {
                regel: getattr(betalingen, f"_match_{regel}")
                for regel in ("kenmerk", "nummer", "iban")
                if regel in betalingen._REGELS and hasattr(betalingen, f"_match_{regel}")
            }
        )
    return tijden


def _rss_mb() -> float:
    """Peak RSS of this process (VmHWM). Not getrusage's ru_maxrss: Linux carries the parent's
    peak over fork and exec, so a child started by a big process would report the parent's."""
    for regel in Path("/proc/self/status").read_text().splitlines():
        if regel.startswith("VmHWM:"):
            return int(regel.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(import_id: int) -> None:
    """The subprocess: run the task as a worker's child does and print figures as JSON."""
    setup_django()
    from django.conf import settings

    settings.DEBUG = False
    from inningen.betalingen.models import Afschriftimport
    from inningen.betalingen.tasks import afschrift_importeren

    basis = _rss_mb()
    tijden = _meet_fasen()
    t0 = time.perf_counter()
    status = afschrift_importeren.apply(args=[import_id]).get()
    duur = time.perf_counter() - t0
    imp = Afschriftimport.objects.get(pk=import_id)
    print(
        "WORKER "
        + json.dumps(
            {
                "status": status,
                "duur": duur,
                "rss_basis_mb": basis,
                "rss_piek_mb": _rss_mb(),
                "fasen": tijden,
                "samenvatting": imp.samenvatting,
                "foutmelding": imp.foutmelding,
                "verwerking": imp.resultaat.get("verwerking", {}),
            }
        ),
        flush=True,
    )


def upload(org, inhoud: bytes) -> tuple[int, float, int]:
    """Upload through the screen; returns the import's id, the request's seconds and status."""
    from django.conf import settings
    from django.contrib.auth.models import Permission, User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    from config.celery import app
    from inningen.betalingen.models import Afschriftimport
    from inningen.betalingen.tasks import afschrift_importeren
    from inningen.organisaties.models import Medewerker

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user, nieuw = User.objects.get_or_create(username="bench-invorderaar")
    if nieuw:
        user.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="inningen", codename__in=["import_afschrift"]
            )
        )
        Medewerker.objects.get_or_create(user=user)[0].organisaties.add(org)
    # As with a broker: the task is queued after the commit, not run in the request. Recorded,
    # not sent: the subprocess below is the worker.
    app.conf.task_always_eager = False
    gequeued = []
    afschrift_importeren.delay = lambda pk: gequeued.append(pk)
    client = Client()
    client.force_login(user)
    # Encoded beforehand: the browser's work is not the request's.
    body = encode_multipart(BOUNDARY, {"bestand": SimpleUploadedFile("bench.xml", inhoud)})
    t0 = time.perf_counter()
    antwoord = client.generic(
        "POST", "/betalingen/afschrift/", data=body, content_type=MULTIPART_CONTENT
    )
    duur = time.perf_counter() - t0
    imp = Afschriftimport.objects.filter(geupload_door=user).order_by("-pk").first()
    assert imp and gequeued == [imp.pk], (antwoord.status_code, gequeued)
    return imp.pk, duur, antwoord.status_code


def draai_worker(import_id: int) -> tuple[dict, list[tuple[float, str, int, int]]]:
    """Run the task in a subprocess; meanwhile read its progress as the status page does."""
    from inningen.betalingen.models import Afschriftimport

    proces = subprocess.Popen(
        [sys.executable, __file__, "--worker", str(import_id)],
        stdout=subprocess.PIPE,
        text=True,
    )
    t0 = time.perf_counter()
    gezien = []
    while proces.poll() is None:
        rij = Afschriftimport.objects.filter(pk=import_id).values_list(
            "status", "verwerkt", "totaal"
        )[0]
        if not gezien or gezien[-1][1:] != rij:
            gezien.append((time.perf_counter() - t0, *rij))
        time.sleep(0.25)
    uit = proces.stdout.read()
    regel = next((r for r in uit.splitlines() if r.startswith("WORKER ")), None)
    if proces.returncode or regel is None:
        sys.exit(f"worker mislukt (exit {proces.returncode}):\n{uit}")
    return json.loads(regel[len("WORKER ") :]), gezien


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vorderingen", type=int, default=500_000)
    parser.add_argument("--posten", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--allow-sqlite", action="store_true")
    parser.add_argument(
        "--in-proces", action="store_true", help="afschrift_import in this process (before #16)"
    )
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
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
        f"({time.perf_counter() - t0:.1f} s, niet meegeteld)",
        flush=True,
    )
    verwacht = f"(verwacht {1 - soorten['onbekend'] / args.posten:.0%})"
    if args.in_proces:
        tijden = _meet_fasen()
        t0 = time.perf_counter()
        resultaat = afschrift_import(inhoud=inhoud, door="benchmark", bestandsnaam="bench.xml")
        duur = time.perf_counter() - t0
        v = resultaat.verwerking
        print(resultaat.samenvatting())
        print("fasen: " + ", ".join(f"{naam} {t:.1f} s" for naam, t in tijden.items()))
        print(
            f"RESULTAAT (in proces): {v.posten:,} posten tegen {open_:,} open vorderingen in "
            f"{duur:.1f} s ({v.posten / duur:,.0f} posten/s); gematcht {v.gematcht:,} = "
            f"{v.gematcht / v.posten:.1%} {verwacht}; doel <= 60 s: "
            f"{'GEHAALD' if duur <= 60 else 'NIET GEHAALD'}"
        )
        return
    import_id, upload_duur, http = upload(org, inhoud)
    del inhoud
    print(f"upload: HTTP {http} in {upload_duur:.2f} s (afschriftimport {import_id})", flush=True)
    w, gezien = draai_worker(import_id)
    if w["status"] != "klaar":
        sys.exit(f"import {w['status']}: {w['foutmelding']}")
    v = w["verwerking"]
    print(w["samenvatting"])
    print("fasen: " + ", ".join(f"{naam} {t:.1f} s" for naam, t in w["fasen"].items()))
    tussen = [g for g in gezien if g[1] == "bezig" and 0 < g[2] < g[3]]
    print(
        f"voortgang gezien door de statuspagina: {len(gezien)} standen, waarvan {len(tussen)} "
        "tussenstanden: " + ", ".join(f"{t:.0f} s {s} {d}/{n}" for t, s, d, n in gezien[:12])
    )
    duur, piek = w["duur"], w["rss_piek_mb"]
    print(
        f"RESULTAAT: {v['posten']:,} posten tegen {open_:,} open vorderingen; upload beantwoord "
        f"in {upload_duur:.2f} s (doel < 2 s: {'GEHAALD' if upload_duur < 2 else 'NIET GEHAALD'})"
        f"; import door de taak in {duur:.1f} s ({v['posten'] / duur:,.0f} posten/s; doel <= 60 "
        f"s: {'GEHAALD' if duur <= 60 else 'NIET GEHAALD'}); piek-RSS worker {piek:.0f} MB "
        f"(na opstart {w['rss_basis_mb']:.0f} MB; doel < 500 MB: "
        f"{'GEHAALD' if piek < 500 else 'NIET GEHAALD'}); gematcht {v['gematcht']:,} = "
        f"{v['gematcht'] / v['posten']:.1%} {verwacht}"
    )


if __name__ == "__main__":
    main()
