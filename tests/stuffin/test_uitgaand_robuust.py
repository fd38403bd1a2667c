"""The outbox under faults (issue #15): a broker that is down (finding 7), a worker that died
mid-send (finding 12), in-process delivery of a large backlog (finding 13)."""

import base64
import datetime
import logging
import sys

import pytest
from django.db import transaction
from django.utils import timezone
from lxml import etree

from inningen.grootboek.models import Vordering
from inningen.grootboek.services.vorderingen import vorderingen_register
from stuffin.models import Bericht, UitgaandBericht, UitgaandStatus
from stuffin.services.koppelingen import koppeling_upsert
from stuffin.services.uitgaand import (
    _budget,
    tijdslimieten,
    uitgaand_deliver,
    uitgaand_resend,
    uitgaand_sweep,
)
from stuffin.stuf import soap
from stuffin.tasks import uitgaand_afleveren
from tests.conftest import _drop_broker_pools
from tests.factories import OrganisatieFactory, vordering_invoer, vordering_maken

from .conftest import NS, TSA_CODE, WACHTWOORD, officieel_bericht
from .tsa_server import TestTsa

pytestmark = pytest.mark.django_db(transaction=True)

ONBEREIKBAAR = "http://127.0.0.1:1/stuf"  # nothing listens on port 1


@pytest.fixture
def broker_weg():
    """Tasks go to a real broker URL on which nothing listens (not eager)."""
    from config.celery import app

    vorige = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.task_always_eager = False
    _drop_broker_pools(app)
    yield
    app.conf.broker_url, app.conf.task_always_eager = vorige
    _drop_broker_pools(app)


@pytest.fixture
def tsa_koppeling(organisatie):
    return koppeling_upsert(
        applicatie="STP",
        rol="tsa",
        gebruikersnaam="stp",
        wachtwoord=WACHTWOORD,
        tsa_codes=[TSA_CODE],
        vorderende_organisaties=[organisatie.rsin],
        url=ONBEREIKBAAR,
    )[0]


# --- finding 7: broker down ----------------------------------------------------------------------


def test_broker_down_committed_di01_is_answered_bv03(client, tsa_koppeling, broker_weg, caplog):
    caplog.set_level(logging.INFO)
    auth = "Basic " + base64.b64encode(f"stp:{WACHTWOORD}".encode()).decode()

    response = client.generic(
        "POST",
        "/stuf/fin0310/VerstrekVorderingOfVerantwoording",
        data=officieel_bericht("Di01-verstrekVordering-min.xml", referentienummer="broker-weg"),
        content_type=soap.SOAP_CONTENT_TYPE,
        HTTP_SOAPACTION=f'"{soap.SOAPACTION_DI01_VERSTREK_VORDERING}"',
        HTTP_AUTHORIZATION=auth,
    )

    assert response.status_code == 200, response.content[:500]
    body = etree.fromstring(response.content).find("soapenv:Body", NS)[0]
    assert etree.QName(body).localname == "Bv03Bericht"
    assert Vordering.objects.count() == 1
    assert Bericht.objects.get().antwoordsoort == "Bv03"
    rij = UitgaandBericht.objects.get()
    assert (rij.status, rij.pogingen) == (UitgaandStatus.WACHTEND, 0)  # left to the sweep
    (waarschuwing,) = [r for r in caplog.records if r.name == "inningen.wachtrij"]
    assert waarschuwing.levelno == logging.WARNING
    assert "broker is onbereikbaar" in waarschuwing.getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_broker_down_operator_resend_still_commits(tsa_koppeling, broker_weg, organisatie):
    with transaction.atomic():
        vordering_maken(organisatie, tsa=TSA_CODE)
    UitgaandBericht.objects.update(status=UitgaandStatus.MISLUKT)

    assert uitgaand_resend(berichten=UitgaandBericht.objects.all()) == 1

    assert UitgaandBericht.objects.get().status == UitgaandStatus.WACHTEND


# --- finding 12: a worker that died mid-send ---------------------------------------------------


@pytest.fixture
def tsa():
    server = TestTsa().start()
    yield server
    server.stop()


@pytest.fixture
def bezig(tsa, settings):
    """One change whose send a killed worker left "bezig"; returns a function setting since when."""
    settings.STUF_APPLICATIE = "INNINGEN"
    organisatie = OrganisatieFactory()
    koppeling_upsert(
        applicatie="PARKEREN",
        rol="tsa",
        gebruikersnaam="parkeren",
        wachtwoord="parkeren-wachtwoord",
        tsa_codes=["parkeren"],
        url=tsa.url,
        vorderende_organisaties=[organisatie.rsin],
    )
    tsa.script = [503]
    settings.STUF_UITGAAND_BACKOFF_BASIS = 3600
    vordering_maken(organisatie, tsa="parkeren")
    assert len(tsa.received) == 1

    def sinds(seconden: float):
        UitgaandBericht.objects.update(
            status=UitgaandStatus.BEZIG,
            bezig_sinds=timezone.now() - datetime.timedelta(seconds=seconden),
            volgende_poging=timezone.now(),
        )

    return sinds


def test_default_window_is_twice_a_whole_send(settings):
    from config import settings as config_settings

    send = settings.STUF_UITGAAND_CONNECT_TIMEOUT + settings.STUF_UITGAAND_READ_TIMEOUT
    assert config_settings.STUF_UITGAAND_VASTGELOPEN_NA == 2 * send == 70


def test_task_time_limit_stays_below_the_bezig_window(settings):
    venster = settings.STUF_UITGAAND_VASTGELOPEN_NA
    zacht, hard = tijdslimieten()
    assert uitgaand_afleveren.time_limit == hard < venster
    assert uitgaand_afleveren.soft_time_limit == zacht < hard
    # The last zending a task starts still fits in a whole send before the soft limit.
    send = settings.STUF_UITGAAND_CONNECT_TIMEOUT + settings.STUF_UITGAAND_READ_TIMEOUT
    assert _budget() + send <= zacht


def test_row_bezig_longer_than_the_window_is_offered_again_and_delivered(bezig, settings, tsa):
    bezig(settings.STUF_UITGAAND_VASTGELOPEN_NA + 1)

    assert uitgaand_sweep() == 1

    rij = UitgaandBericht.objects.get()
    assert rij.status == UitgaandStatus.AFGELEVERD
    assert [r["actie"] for r in tsa.received] == [503, "bv03"]


def test_row_bezig_within_the_window_is_left_alone(bezig, settings, tsa):
    bezig(settings.STUF_UITGAAND_VASTGELOPEN_NA - 10)

    assert uitgaand_sweep() == 0

    assert UitgaandBericht.objects.get().status == UitgaandStatus.BEZIG
    assert len(tsa.received) == 1


# --- finding 13: in-process delivery of a large backlog ------------------------------------------


def _achterstand(organisatie, aantal: int) -> None:
    """Claims registered at once, as a Di01 does: one queued delivery for all their changes."""
    vorderingen_register(
        invoer=[
            vordering_invoer(organisatie, tsa=TSA_CODE, vorderingnummer=f"R-{i}")
            for i in range(aantal)
        ],
        door="test",
    )


def test_eager_delivery_of_a_large_backlog_to_an_unreachable_tsa_is_bounded(
    tsa_koppeling, organisatie, settings
):
    settings.STUF_UITGAAND_BATCH = 1  # one change per zending: one task call each before
    aantal = sys.getrecursionlimit() // 10 + 50

    _achterstand(organisatie, aantal)

    rijen = UitgaandBericht.objects.all()
    assert rijen.count() == aantal
    # Every zending tried once in the loop, none recursed, retries left to the sweep.
    assert set(rijen.values_list("status", "pogingen")) == {(UitgaandStatus.WACHTEND, 1)}
    assert all("ConnectionError" in f for f in rijen.values_list("laatste_fout", flat=True))


def test_eager_delivery_stops_at_its_budget(tsa_koppeling, organisatie, settings, monkeypatch):
    """The in-process loop ends at its time budget (after at least one zending); the rest waits
    for the sweep instead of the loop queueing itself."""
    settings.STUF_UITGAAND_BATCH = 1
    monkeypatch.setattr("stuffin.services.uitgaand._budget", lambda: 0.0)

    _achterstand(organisatie, 5)

    assert list(UitgaandBericht.objects.order_by("pk").values_list("pogingen", flat=True)) == [
        1,
        0,
        0,
        0,
        0,
    ]


def test_a_worker_task_still_queues_its_rest(tsa_koppeling, organisatie, settings, monkeypatch):
    settings.STUF_UITGAAND_BATCH = 1
    monkeypatch.setattr("stuffin.services.uitgaand._budget", lambda: 0.0)
    monkeypatch.setattr("stuffin.services.uitgaand.queue_on_commit", lambda ids: None)
    _achterstand(organisatie, 3)
    gequeued = []
    monkeypatch.setattr(
        "stuffin.services.uitgaand._queue", lambda ids, **kw: gequeued.append((list(ids), kw))
    )

    assert uitgaand_deliver(koppeling_id=tsa_koppeling.pk) == 1

    # The rest now, the failed zending's retry after its backoff.
    assert [ids for ids, _ in gequeued] == [[tsa_koppeling.pk], [tsa_koppeling.pk]]
