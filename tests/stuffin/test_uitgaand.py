"""The outbox: Verstrek VorderingStatusWijziging to the owning TSA, nothing lost, in order."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from inningen.choices import VorderingStatus
from inningen.grootboek.services.statussen import vordering_status_set
from stuffin.models import Bericht, Richting, UitgaandBericht, UitgaandStatus
from stuffin.services.koppelingen import koppeling_upsert
from stuffin.services.uitgaand import uitgaand_cancel, uitgaand_resend, uitgaand_sweep
from stuffin.stuf.xml import proces_schema, schema_fouten
from tests.factories import OrganisatieFactory, vordering_maken

from .conftest import NS
from .tsa_server import TestTsa

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tsa():
    server = TestTsa().start()
    yield server
    server.stop()


@pytest.fixture
def setup(tsa, settings):
    settings.STUF_APPLICATIE = "INNINGEN"
    settings.STUF_UITGAAND_BACKOFF_BASIS = 0  # eager tests: a retry is due at once
    organisatie = OrganisatieFactory()
    koppeling = koppeling_upsert(
        applicatie="PARKEREN",
        rol="tsa",
        gebruikersnaam="parkeren",
        wachtwoord="parkeren-wachtwoord",
        tsa_codes=["parkeren"],
        url=tsa.url,
        uitgaand_gebruikersnaam="inningen",
        uitgaand_wachtwoord="naar-tsa-geheim",
        vorderende_organisaties=[organisatie.rsin],
    )[0]
    return organisatie, koppeling


def test_acceptance_and_status_change_are_delivered_valid(setup, tsa):
    organisatie, _ = setup
    vordering = vordering_maken(organisatie, tsa="parkeren", vorderingnummer="P-1")
    vordering_status_set(
        vordering=vordering,
        status=VorderingStatus.BETAALD,
        door="test",
        totaal_betaald=12100,
        deel_bedrag_betaald=12100,
        opmerkingen="Betaald per bank",
    )
    berichten = list(UitgaandBericht.objects.order_by("pk"))
    assert [b.status for b in berichten] == [UitgaandStatus.AFGELEVERD] * 2
    assert len(tsa.received) == 2
    assert (
        tsa.received[0]["soapaction"]
        == '"http://www.egem.nl/StUF/sector/fin/0310/Di01-verstrekVorderingStatusWijziging"'
    )
    assert tsa.received[0]["auth"].startswith("Basic ")
    vrw, bet = tsa.bodies()
    for element, bericht in zip((vrw, bet), berichten, strict=True):
        assert schema_fouten(element, proces_schema()) == []
        sg = element.find("FIN:stuurgegevens", NS)
        assert sg.findtext("StUF:referentienummer", namespaces=NS) == bericht.referentienummer
        assert sg.findtext("StUF:zender/StUF:applicatie", namespaces=NS) == "INNINGEN"
        assert sg.findtext("StUF:ontvanger/StUF:applicatie", namespaces=NS) == "PARKEREN"
    assert vrw.findtext(".//FIN:vorderingstatus/FIN:status", namespaces=NS) == "VRW"
    status = bet.find(".//FIN:vorderingstatus", NS)
    assert status.findtext("FIN:status", namespaces=NS) == "BET"
    assert status.findtext("FIN:totaalBetaald", namespaces=NS) == "12100"
    assert status.findtext("FIN:opmerkingen", namespaces=NS) == "Betaald per bank"
    assert bet.findtext(".//FIN:vorderingnummer", namespaces=NS) == "P-1"
    assert Bericht.objects.filter(richting=Richting.UIT, antwoordsoort="Bv03").count() == 2


def test_outbox_row_rolls_back_with_the_state_change(setup, tsa):
    organisatie, _ = setup
    with pytest.raises(RuntimeError), transaction.atomic():
        vordering_maken(organisatie, tsa="parkeren")
        assert UitgaandBericht.objects.count() == 1
        raise RuntimeError("rollback")
    assert not UitgaandBericht.objects.exists() and not tsa.received


def test_fo03_is_failed_not_retried_and_resendable(setup, tsa):
    organisatie, _ = setup
    tsa.script = ["fo03"]
    vordering_maken(organisatie, tsa="parkeren")
    bericht = UitgaandBericht.objects.get()
    assert (bericht.status, bericht.foutcode) == (UitgaandStatus.MISLUKT, "StUF058")
    assert "onbekend bij de TSA" in bericht.laatste_fout
    assert len(tsa.received) == 1
    assert uitgaand_sweep() == 0  # a refused message is not offered again by itself
    assert uitgaand_resend(berichten=UitgaandBericht.objects.all()) == 1
    bericht.refresh_from_db()
    assert bericht.status == UitgaandStatus.AFGELEVERD
    # The same message: same referentienummer, so a deduplicating TSA sees a replay.
    refs = {
        e.findtext("FIN:stuurgegevens/StUF:referentienummer", namespaces=NS) for e in tsa.bodies()
    }
    assert refs == {bericht.referentienummer}


def test_503_twice_then_bv03_is_delivered_once(setup, tsa):
    organisatie, _ = setup
    tsa.script = [503, 503]
    vordering_maken(organisatie, tsa="parkeren")
    bericht = UitgaandBericht.objects.get()
    assert bericht.status == UitgaandStatus.AFGELEVERD and bericht.pogingen == 3
    assert [r["actie"] for r in tsa.received] == [503, 503, "bv03"]


def test_later_change_waits_for_earlier_one(setup, tsa, settings):
    organisatie, _ = setup
    settings.STUF_UITGAAND_BACKOFF_BASIS = 3600
    tsa.script = [503]
    vordering = vordering_maken(organisatie, tsa="parkeren")
    vordering_status_set(vordering=vordering, status=VorderingStatus.VERSTUURD, door="test")
    eerste, tweede = UitgaandBericht.objects.order_by("pk")
    assert eerste.status == UitgaandStatus.WACHTEND and eerste.volgende_poging > timezone.now()
    assert tweede.status == UitgaandStatus.WACHTEND and tweede.pogingen == 0
    assert len(tsa.received) == 1
    # The first becomes due: the sweep sends it, and the second follows it, in order.
    UitgaandBericht.objects.filter(pk=eerste.pk).update(volgende_poging=timezone.now())
    uitgaand_sweep()
    statuses = [
        e.findtext(".//FIN:vorderingstatus/FIN:status", namespaces=NS) for e in tsa.bodies()
    ]
    assert statuses == ["VRW", "VRW", "VRS"]
    assert set(UitgaandBericht.objects.values_list("status", flat=True)) == {
        UitgaandStatus.AFGELEVERD
    }


def test_cancel_unblocks_later_messages(setup, tsa):
    organisatie, _ = setup
    tsa.script = ["fo03"]
    vordering = vordering_maken(organisatie, tsa="parkeren")
    vordering_status_set(vordering=vordering, status=VorderingStatus.VERSTUURD, door="test")
    eerste, tweede = UitgaandBericht.objects.order_by("pk")
    assert tweede.status == UitgaandStatus.WACHTEND and len(tsa.received) == 1
    assert uitgaand_cancel(berichten=UitgaandBericht.objects.filter(pk=eerste.pk)) == 1
    eerste.refresh_from_db()
    tweede.refresh_from_db()
    assert (eerste.status, tweede.status) == (UitgaandStatus.GEANNULEERD, UitgaandStatus.AFGELEVERD)
    statuses = [
        e.findtext(".//FIN:vorderingstatus/FIN:status", namespaces=NS) for e in tsa.bodies()
    ]
    assert statuses == ["VRW", "VRS"]  # the cancelled one not sent again


def test_too_old_becomes_dead(setup, tsa, settings):
    organisatie, _ = setup
    settings.STUF_UITGAAND_MAX_LEEFTIJD = 0
    tsa.script = [503]
    vordering_maken(organisatie, tsa="parkeren")
    bericht = UitgaandBericht.objects.get()
    assert bericht.status == UitgaandStatus.DOOD and "HTTP 503" in bericht.laatste_fout


def test_connection_refused_is_retried(setup, tsa, settings):
    organisatie, koppeling = setup
    settings.STUF_UITGAAND_BACKOFF_BASIS = 3600
    tsa.stop()
    vordering_maken(organisatie, tsa="parkeren")
    bericht = UitgaandBericht.objects.get()
    assert bericht.status == UitgaandStatus.WACHTEND and "ConnectionError" in bericht.laatste_fout
    tsa.start()  # back up (on a new port)
    koppeling.url = tsa.url
    koppeling.save()
    UitgaandBericht.objects.update(volgende_poging=timezone.now())
    uitgaand_sweep()
    bericht.refresh_from_db()
    assert bericht.status == UitgaandStatus.AFGELEVERD


def test_sweep_recovers_a_send_whose_worker_died(setup, tsa, settings):
    organisatie, _ = setup
    settings.STUF_UITGAAND_BACKOFF_BASIS = 3600
    tsa.script = [503]
    vordering_maken(organisatie, tsa="parkeren")
    # As if a worker claimed it and was killed mid-send.
    UitgaandBericht.objects.update(
        status=UitgaandStatus.BEZIG, bezig_sinds=timezone.now() - datetime.timedelta(hours=1)
    )
    assert uitgaand_sweep() == 1
    assert UitgaandBericht.objects.get().status == UitgaandStatus.AFGELEVERD


def test_koppeling_chooses_statuses_or_switches_off(setup, tsa):
    organisatie, koppeling = setup
    koppeling.statussen = ["BET"]
    koppeling.save()
    vordering = vordering_maken(organisatie, tsa="parkeren")
    assert not UitgaandBericht.objects.exists()
    vordering_status_set(vordering=vordering, status=VorderingStatus.BETAALD, door="test")
    assert UitgaandBericht.objects.get().vorderingstatus.status == "BET"
    koppeling.statuswijzigingen_versturen = False
    koppeling.save()
    vordering_status_set(vordering=vordering, status=VorderingStatus.OVERIG, door="test")
    assert UitgaandBericht.objects.get().vorderingstatus.status == "BET"


def test_claim_of_other_tsa_code_goes_nowhere(setup, tsa):
    organisatie, _ = setup
    vordering_maken(organisatie, tsa="onbekende-tsa")
    assert not UitgaandBericht.objects.exists() and not tsa.received


def test_undecryptable_outbound_password_fails_visibly_not_stuck(setup, tsa, settings):
    """A removed encryption key: the row is refused with why (not left "bezig" to be retried
    forever), nothing is sent, and it is resendable once the key is back."""
    from cryptography.fernet import Fernet

    organisatie, _ = setup
    oud = settings.VERSLEUTELING_SLEUTELS
    settings.VERSLEUTELING_SLEUTELS = [Fernet.generate_key().decode()]
    vordering_maken(organisatie, tsa="parkeren")
    bericht = UitgaandBericht.objects.get()
    assert (bericht.status, bericht.foutcode) == (UitgaandStatus.MISLUKT, "SLEUTEL")
    assert tsa.received == []
    assert uitgaand_sweep() == 0
    settings.VERSLEUTELING_SLEUTELS = oud
    assert uitgaand_resend(berichten=UitgaandBericht.objects.all()) == 1
    bericht.refresh_from_db()
    assert bericht.status == UitgaandStatus.AFGELEVERD
