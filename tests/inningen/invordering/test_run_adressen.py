"""The invorderingsrun with addresses from the BRP (issue #18): refreshed before the letters,
persons a letter cannot reach skipped with the reason, a BRP that does not answer stops the run
unless forced, and an approved run refreshes block by block in chained tasks. Over real HTTP
against the local fake."""

import datetime as dt
import importlib
import json

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from inningen.betalingen.models import Afschrift
from inningen.choices import RunStatus
from inningen.debiteuren.models import Adresstatus, Debiteur
from inningen.invordering.models import Brief, Invorderingsrun
from inningen.invordering.services.invordering import (
    GoedkeuringFout,
    RunGeweigerd,
    invorderingsrun_adressen_refresh,
    invorderingsrun_approve,
    invorderingsrun_execute,
    invorderingsrun_propose,
)
from inningen.organisaties.models import Bankrekening
from inningen.organisaties.services.rollen import roles_ensure
from tests.factories import DebiteurFactory, OrganisatieFactory, gebruiker_maken, vordering_maken
from tests.inningen.basisregistraties.conftest import basisregistraties_fake  # noqa: F401

pytestmark = pytest.mark.django_db

GEWOON, VERHUISD = "999990500", "999991280"
OVERLEDEN, VERBLIJFT_NIET, GEEMIGREERD = "999993926", "999992570", "999994529"
ADRESSEN = "inningen.invordering.services.adressen"


@pytest.fixture
def brp(basisregistraties_fake, settings):  # noqa: F811
    settings.BRP_API_URL = basisregistraties_fake.brp_url
    settings.BRP_API_KEY = basisregistraties_fake.brp_api_key
    settings.KVK_API_URL = basisregistraties_fake.kvk_url
    settings.KVK_API_KEY = basisregistraties_fake.kvk_api_key
    return basisregistraties_fake


@pytest.fixture
def org(vandaag):
    organisatie = OrganisatieFactory(naam="Gemeente Proefstad")
    rekening = Bankrekening.objects.create(organisatie=organisatie, iban="NL91ABNA0417164300")
    Afschrift.objects.create(
        organisatie=organisatie, bankrekening=rekening, formaat="camt053", identificatie="A1",
        datum=vandaag, sha256="x" * 64, ingelezen_door="test",
    )  # fmt: skip
    return organisatie


@pytest.fixture
def invorderaar(org):
    roles_ensure()
    return gebruiker_maken("invorderaar", "invorderaar", org)


def achterstallig(org, vandaag, bsn=None, **debiteur):
    d = DebiteurFactory(bsn=bsn, straatnaam="Oudestraat", huisnummer=1, postcode="1234AB",
                        woonplaats="Oudeplaats", **debiteur)  # fmt: skip
    return vordering_maken(
        org, debiteur=d, vervaldatum=vandaag - dt.timedelta(days=30),
        factuurdatum=vandaag - dt.timedelta(days=60),
    )  # fmt: skip


@pytest.fixture
def personen(org, vandaag):
    bsns = (GEWOON, VERHUISD, OVERLEDEN, VERBLIJFT_NIET, GEEMIGREERD)
    return {bsn: achterstallig(org, vandaag, bsn) for bsn in bsns}


def _bevestigd(run, **extra) -> dict:
    """The confirmation form as the screen posts it (#19 finding 6)."""
    from inningen.invordering.services.invordering import run_kenmerk

    return {"kenmerk": run_kenmerk(run), "gecontroleerd": "on", **extra}


def _voorbeeld(client, org, vandaag) -> Invorderingsrun:
    """A preview made on the screen by a colleague; the logged-in invorderaar approves it (four
    eyes: who made a preview cannot approve it)."""
    ingelogd = User.objects.filter(pk=client.session.get("_auth_user_id")).first()
    client.force_login(
        User.objects.filter(username="collega").first()
        or gebruiker_maken("collega", "invorderaar", org)
    )
    client.post(reverse("balie:runs"), {"organisatie": org.pk, "datum": vandaag.isoformat()})
    if ingelogd is not None:
        client.force_login(ingelogd)
    return Invorderingsrun.objects.get(status=RunStatus.VOORSTEL)


# --- tests ------------------------------------------------------------------------------------


def test_voorbeeld_slaat_adres_in_onderzoek_over_met_reden(
    brp, client, invorderaar, org, personen, vandaag
):
    achterstallig(org, vandaag, "123456782")  # a valid BSN the BRP does not know
    client.force_login(invorderaar)
    run = _voorbeeld(client, org, vandaag)
    s = run.samenvatting
    assert s["aantal"] == 2 and not run.melding  # gewoon and verhuisd get a letter
    assert s["overgeslagen"] == {
        "adres in onderzoek: overleden": 1,
        "adres in onderzoek: vastgesteld verblijft niet op adres": 1,
        "adres in onderzoek: geëmigreerd zonder bekend adres": 1,
        "adres in onderzoek: niet gevonden in de BRP": 1,
    }
    pagina = client.get(reverse("balie:run", args=[run.pk])).content.decode()
    for reden in s["overgeslagen"]:
        assert f"1 × {reden}" in pagina
    assert '4 vorderingen met "adres in onderzoek"' in pagina
    assert personen[OVERLEDEN].vorderingnummer in pagina  # in the skipped list, with its reason
    # Showing what the BRP says about these persons is logged, with its purpose.
    from inningen.verwerkingen.models import Verwerking

    gelogd = Verwerking.objects.filter(doel="invordering: adres controleren")
    assert gelogd.count() == 4
    # Refreshed once for the preview, all six in one call (at most 20 BSNs per call).
    assert brp.bsns_per_verzoek() == [6]
    statussen = dict(Debiteur.objects.values_list("bsn", "adresstatus"))
    assert statussen[OVERLEDEN] == Adresstatus.OVERLEDEN
    assert statussen[VERBLIJFT_NIET] == Adresstatus.VERBLIJFT_NIET_OP_ADRES
    assert statussen[GEEMIGREERD] == Adresstatus.GEEMIGREERD


def test_verhuisde_krijgt_brief_op_brp_adres(
    brp, client, invorderaar, org, personen, vandaag, django_capture_on_commit_callbacks
):
    client.force_login(invorderaar)
    run = _voorbeeld(client, org, vandaag)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("balie:run_goedkeuren", args=[run.pk]), _bevestigd(run))
    run.refresh_from_db()
    assert run.status == RunStatus.UITGEVOERD and not run.geforceerd, run.melding
    brieven = {b.debiteur.bsn: b for b in Brief.objects.select_related("debiteur", "adres")}
    assert set(brieven) == {GEWOON, VERHUISD}  # the three others get no letter
    brief = brieven[VERHUISD]
    debiteur = brief.debiteur
    assert brief.adres is not None and brief.adres_id == debiteur.brief_adres_id
    assert brief.adres.bron == "brp"
    assert brief.gegevens["debiteur"]["adresregels"] == brief.adres.adresregels
    assert "Oudestraat 1" not in brief.gegevens["debiteur"]["adresregels"]
    assert brief.gegevens["debiteur"]["naam"] == (brief.adres.aanschrijfwijze or debiteur.naam)


def test_brp_weg_weigert_run_tenzij_geforceerd(
    brp, client, invorderaar, org, personen, vandaag, django_capture_on_commit_callbacks
):
    brp.modus = "down"
    client.force_login(invorderaar)
    run = _voorbeeld(client, org, vandaag)
    assert "adressen konden niet worden ververst" in run.melding
    assert run.samenvatting["adres_melding"] == run.melding
    pagina = client.get(reverse("balie:run", args=[run.pk])).content.decode()
    assert "adressen konden niet worden ververst" in pagina
    pagina = client.get(reverse("balie:run_bevestigen", args=[run.pk])).content.decode()
    assert "adressen konden niet worden ververst" in pagina and 'name="forceer"' in pagina
    with pytest.raises(GoedkeuringFout, match="forceren"):
        invorderingsrun_approve(run=run, door="invorderaar")
    response = client.post(
        reverse("balie:run_goedkeuren", args=[run.pk]), _bevestigd(run), follow=True
    )
    assert "forceren" in response.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.VOORSTEL and not Brief.objects.exists()

    # Forced: the letters go to the last known addresses, and the run says so.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("balie:run_goedkeuren", args=[run.pk]), _bevestigd(run, forceer="1"))
    run.refresh_from_db()
    assert run.status == RunStatus.UITGEVOERD and run.geforceerd
    assert "Geforceerd" in run.melding and "laatst bekende adressen" in run.melding
    assert Brief.objects.count() == 5  # nobody's status is known: all as before
    brief = Brief.objects.select_related("debiteur").get(debiteur__bsn=VERHUISD)
    assert brief.adres is None
    assert brief.gegevens["debiteur"]["adresregels"] == brief.debiteur.adres_regels


def test_echte_run_zonder_brp_geweigerd(brp, org, personen, vandaag):
    brp.modus = "down"
    with pytest.raises(RunGeweigerd, match="adressen konden niet"):
        invorderingsrun_execute(organisatie=org, datum=vandaag, door="t")
    run = Invorderingsrun.objects.get()
    assert run.status == RunStatus.GEWEIGERD and "BRP" in run.melding
    assert not Brief.objects.exists()
    resultaat = invorderingsrun_execute(organisatie=org, datum=vandaag, door="t", forceer=True)
    assert resultaat.run.geforceerd and resultaat.aantal == 5
    assert "Geforceerd" in resultaat.run.melding


def test_oud_afschrift_en_brp_weg_samen_in_de_melding(brp, org, personen, vandaag):
    Afschrift.objects.update(datum=vandaag - dt.timedelta(days=10))
    brp.modus = "down"
    run = invorderingsrun_propose(organisatie=org, datum=vandaag, door="t")
    assert "bankafschrift" in run.melding and "adressen konden niet" in run.melding
    # A real run refused for its statements does not ask the BRP first.
    brp.reset()
    with pytest.raises(RunGeweigerd, match="bankafschrift"):
        invorderingsrun_execute(organisatie=org, datum=vandaag, door="t")
    assert brp.brp_verzoeken() == []


def test_brp_weg_na_goedkeuring_weigert_run(
    brp, org, personen, vandaag, django_capture_on_commit_callbacks, settings
):
    settings.INVORDERING_ADRESSEN_ACTUEEL_UREN = 0  # the run checks again what the preview did
    run = invorderingsrun_propose(organisatie=org, datum=vandaag, door="t")
    assert not run.melding
    brp.modus = "down"
    with django_capture_on_commit_callbacks(execute=True):
        invorderingsrun_approve(run=run, door="invorderaar")
    run.refresh_from_db()
    assert run.status == RunStatus.GEWEIGERD and "adressen konden niet" in run.melding
    assert not Brief.objects.exists()


def test_zonder_instellingen_als_voorheen(
    basisregistraties_fake,  # noqa: F811
    settings, org, personen, vandaag, django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.BRP_API_URL = settings.KVK_API_URL = ""
    run = invorderingsrun_propose(organisatie=org, datum=vandaag, door="t")
    assert run.samenvatting["aantal"] == 5 and not run.melding
    with django_capture_on_commit_callbacks(execute=True):
        invorderingsrun_approve(run=run, door="collega")
    run.refresh_from_db()
    assert run.status == RunStatus.UITGEVOERD and "adressen" not in run.samenvatting
    assert Brief.objects.count() == 5 and not Brief.objects.filter(adres__isnull=False).exists()
    assert basisregistraties_fake.verzoeken == []


@pytest.fixture
def blokken(brp, settings, monkeypatch):
    """The debtor ids of each call of the address service, blocks of 2 per task."""
    settings.INVORDERING_ADRESSEN_PER_TAAK = 2
    settings.INVORDERING_ADRESSEN_ACTUEEL_UREN = 0  # the run checks again what the preview did
    module = importlib.import_module(ADRESSEN)
    origineel = module.adressen_verversen
    aanroepen = []

    def opnemen(*, debiteur_ids, door):
        aanroepen.append(list(debiteur_ids))
        return origineel(debiteur_ids=debiteur_ids, door=door)

    monkeypatch.setattr(module, "adressen_verversen", opnemen)
    return aanroepen


def test_goedgekeurde_run_ververst_in_blokken_van_taken(
    blokken, org, personen, vandaag, django_capture_on_commit_callbacks
):
    extra = [achterstallig(org, vandaag, bsn=None, voorletters="X.") for _ in range(2)]
    run = invorderingsrun_propose(organisatie=org, datum=vandaag, door="t")
    blokken.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invorderingsrun_approve(run=run, door="collega")  # eager: the chain runs here, as a loop
    run.refresh_from_db()
    alle = sorted(v.debiteur_id for v in [*personen.values(), *extra])
    assert [len(b) for b in blokken] == [2, 2, 2, 1]
    assert sorted(i for b in blokken for i in b) == alle
    assert run.status == RunStatus.UITGEVOERD
    # The execution did not refresh again after the chain.
    assert len(blokken) == 4


def test_taak_zet_volgend_blok_en_dan_uitvoering_in_de_wachtrij(
    blokken, org, personen, vandaag, monkeypatch
):
    """With a broker each task queues the next; a redelivered block does nothing twice."""
    from inningen.invordering import tasks

    run = invorderingsrun_propose(organisatie=org, datum=vandaag, door="t")
    Invorderingsrun.objects.filter(pk=run.pk).update(status=RunStatus.GOEDGEKEURD)
    gepland = []
    monkeypatch.setattr(tasks.invorderingsrun_adressen, "delay", lambda *a: gepland.append(a))
    monkeypatch.setattr(
        tasks.invorderingsrun_uitvoeren, "delay", lambda *a: gepland.append(("uitvoeren", *a))
    )
    blokken.clear()
    tasks.invorderingsrun_adressen(run.pk, 0)  # called directly: not eager
    assert len(blokken) == 1 and len(gepland) == 1
    volgende = gepland[-1][1]
    # Redelivered first block: continues from where the run is, never redoes block one.
    vervolg = invorderingsrun_adressen_refresh(run_id=run.pk, vanaf=0)
    assert blokken[1][0] >= volgende
    tasks.invorderingsrun_adressen(run.pk, vervolg.volgende)
    assert gepland[-1] == ("uitvoeren", run.pk)
    run.refresh_from_db()
    assert run.samenvatting["adressen"]["klaar"] and run.status == RunStatus.GOEDGEKEURD
    assert sorted(i for b in blokken for i in b) == sorted(d.debiteur_id for d in personen.values())
    # A late duplicate after the last block queues only the (once-only) execution.
    aantal = len(blokken)
    assert invorderingsrun_adressen_refresh(run_id=run.pk, vanaf=0).uitvoeren
    assert len(blokken) == aantal


def test_automatische_dagelijkse_run_via_de_takenketen(
    blokken, org, personen, vandaag, django_capture_on_commit_callbacks
):
    """An organisation that runs automatically: the daily task leaves the addresses and the run
    to the chain (here eager, so done on return), not to its own time limit."""
    from inningen.invordering.models import Invorderingsinstelling
    from inningen.invordering.services.invordering import invordering_run_daily

    Invorderingsinstelling.objects.update_or_create(
        organisatie=org, defaults={"automatisch_uitvoeren": True}
    )
    with django_capture_on_commit_callbacks(execute=True):
        [run] = invordering_run_daily(datum=vandaag, organisaties=[org])
    run.refresh_from_db()
    assert run.status == RunStatus.UITGEVOERD, run.melding
    assert [len(b) for b in blokken] == [2, 2, 1]
    assert set(Brief.objects.values_list("debiteur__bsn", flat=True)) == {GEWOON, VERHUISD}
    assert run.samenvatting["overgeslagen"]["adres in onderzoek: overleden"] == 1


def test_brieven_met_brp_adres_zonder_query_per_brief(brp, org, vandaag, settings):
    """The letter address comes with the debtors of the batch: as many queries for one letter
    as for three (a second run the same day sees only the new claims)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inningen.invordering.services.adressen import adressen_verversen

    def queries(bsns):
        vorderingen = [achterstallig(org, vandaag, bsn) for bsn in bsns]
        adressen_verversen(debiteur_ids=[v.debiteur_id for v in vorderingen], door="t")
        settings.BRP_API_URL = settings.KVK_API_URL = ""  # refreshed above: count the run
        with CaptureQueriesContext(connection) as ctx:
            resultaat = invorderingsrun_execute(organisatie=org, datum=vandaag, door="t")
        settings.BRP_API_URL = brp.brp_url
        assert resultaat.aantal == len(bsns)
        met_adres = Brief.objects.filter(vordering__in=vorderingen, adres__isnull=False)
        assert met_adres.count() == len(bsns)
        return len(ctx)

    een = queries([GEWOON])
    drie = queries([VERHUISD, "999994785", "999992909"])  # moved, geheimhouding, abroad
    assert drie == een


def test_run_na_voorbeeld_vraagt_alleen_wie_nog_niet_actueel_is(
    brp, org, personen, vandaag, django_capture_on_commit_callbacks
):
    """The morning's preview checked everyone: the approved run that day asks the BRP only for
    debtors who were not checked in the last INVORDERING_ADRESSEN_ACTUEEL_UREN hours."""
    run = invorderingsrun_propose(organisatie=org, datum=vandaag, door="t")
    assert brp.brp_verzoeken()
    nieuw = achterstallig(org, vandaag, bsn="999994785", voorletters="N.")  # geheimhouding
    aantal = len(brp.brp_verzoeken())
    with django_capture_on_commit_callbacks(execute=True):
        invorderingsrun_approve(run=run, door="collega")
    run.refresh_from_db()
    assert run.status == RunStatus.UITGEVOERD, run.melding
    nieuwe_verzoeken = brp.brp_verzoeken()[aantal:]
    assert [json.loads(v.body)["burgerservicenummer"] for v in nieuwe_verzoeken] == [["999994785"]]
    assert Brief.objects.filter(debiteur=nieuw.debiteur).exists()
