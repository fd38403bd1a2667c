"""The outbox delivers notifications to REST abonnementen (issue #17) as it delivers StUF status
pushes: retries with backoff, order per claim, operator resend/cancel and admin; over real HTTP
to a callback URL served in this process."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from api.models import Abonnement, ApiClientTsaCode
from api.services.abonnementen import abonnement_create
from api.services.clients import apiclient_revoke, apiclient_save
from inningen.choices import VorderingStatus
from inningen.grootboek.services.statussen import vordering_status_set
from inningen.organisaties.services.rollen import roles_ensure
from stuffin.models import Bericht, Richting, UitgaandBericht, UitgaandSoort, UitgaandStatus
from stuffin.services.koppelingen import koppeling_upsert
from stuffin.services.uitgaand import (
    uitgaand_cancel,
    uitgaand_deliver,
    uitgaand_resend,
    uitgaand_sweep,
)
from stuffin.tasks import notificaties_afleveren, uitgaand_afleveren
from tests.conftest import WorkerProcess, _drop_broker_pools, wait_for
from tests.factories import OrganisatieFactory, gebruiker_maken, vordering_maken

from .conftest import NS
from .notificatie_server import NotificatieOntvanger
from .tsa_server import TestTsa

pytestmark = pytest.mark.django_db(transaction=True)

NOTIFICATIE = UitgaandSoort.NOTIFICATIE
STATUSWIJZIGING = UitgaandSoort.STATUSWIJZIGING


@pytest.fixture
def ontvanger():
    server = NotificatieOntvanger().start()
    yield server
    server.stop()


@pytest.fixture
def tsa():
    server = TestTsa().start()
    yield server
    server.stop()


@pytest.fixture
def organisatie(settings):
    settings.STUF_APPLICATIE = "INNINGEN"
    settings.STUF_UITGAAND_BACKOFF_BASIS = 0  # eager tests: a retry is due at once
    return OrganisatieFactory()


@pytest.fixture
def abonnement(organisatie, ontvanger) -> Abonnement:
    client = apiclient_save(
        naam="parkeerapp",
        organisatie=organisatie,
        scopes=["abonnementen.beheren", "vorderingen.lezen"],
        tsa_codes=["parkeren"],
    ).client
    return abonnement_create(
        client=client,
        callback_url=ontvanger.url,
        auth="Token callback-geheim",
        kanalen=["vorderingstatussen"],
    )


@pytest.fixture
def koppeling(organisatie, tsa):
    """The StUF TSA of the same TSA code: the claim's changes also go there as Di01."""
    return koppeling_upsert(
        applicatie="PARKEREN",
        rol="tsa",
        gebruikersnaam="parkeren",
        wachtwoord="parkeren-wachtwoord",
        tsa_codes=["parkeren"],
        url=tsa.url,
        vorderende_organisaties=[organisatie.rsin],
    )[0]


def _rijen(soort=NOTIFICATIE):
    return list(UitgaandBericht.objects.filter(soort=soort).order_by("pk"))


def _statussen(ontvanger) -> list[str]:
    return [b["kenmerken"]["status"] for b in ontvanger.bodies()]


def _stuf_statussen(tsa) -> list[str]:
    return [e.findtext(".//FIN:vorderingstatus/FIN:status", namespaces=NS) for e in tsa.bodies()]


def test_500_then_204_is_retried_then_delivered(abonnement, organisatie, ontvanger):
    ontvanger.script = [500]
    vordering_maken(organisatie, tsa="parkeren")
    (rij,) = _rijen()
    assert (rij.status, rij.pogingen, rij.foutcode) == (UitgaandStatus.AFGELEVERD, 2, "")
    assert [r["status"] for r in ontvanger.received] == [500, 204]
    assert ontvanger.bodies()[0] == ontvanger.bodies()[1]  # the same notification again


@pytest.mark.parametrize("code", [408, 429, 502, 503])
def test_busy_or_down_is_retried_later(abonnement, organisatie, ontvanger, settings, code):
    settings.STUF_UITGAAND_BACKOFF_BASIS = 3600
    ontvanger.script = [code]
    vordering_maken(organisatie, tsa="parkeren")
    (rij,) = _rijen()
    assert rij.status == UitgaandStatus.WACHTEND and rij.volgende_poging > timezone.now()
    assert rij.laatste_fout == f"HTTP {code}" and rij.foutcode == ""


def test_400_fails_is_not_retried_and_resend_works(abonnement, organisatie, ontvanger):
    ontvanger.script = [400]
    vordering_maken(organisatie, tsa="parkeren")
    (rij,) = _rijen()
    assert (rij.status, rij.foutcode) == (UitgaandStatus.MISLUKT, "HTTP400")
    assert rij.laatste_fout.startswith("HTTP 400")
    assert uitgaand_sweep() == 0  # a refused notification is not offered again by itself

    assert uitgaand_resend(berichten=UitgaandBericht.objects.filter(pk=rij.pk)) == 1

    rij.refresh_from_db()
    assert rij.status == UitgaandStatus.AFGELEVERD
    assert [r["status"] for r in ontvanger.received] == [400, 204]


def test_two_changes_of_a_claim_arrive_in_order(abonnement, organisatie, ontvanger, settings):
    settings.STUF_UITGAAND_BACKOFF_BASIS = 3600
    ontvanger.script = [503]
    vordering = vordering_maken(organisatie, tsa="parkeren")
    vordering_status_set(vordering=vordering, status=VorderingStatus.VERSTUURD, door="test")
    eerste, tweede = _rijen()
    assert eerste.status == UitgaandStatus.WACHTEND and eerste.volgende_poging > timezone.now()
    assert (tweede.status, tweede.pogingen) == (UitgaandStatus.WACHTEND, 0)  # waits its turn
    assert len(ontvanger.received) == 1

    UitgaandBericht.objects.filter(pk=eerste.pk).update(volgende_poging=timezone.now())
    assert uitgaand_sweep() == 1  # the sweep queues the abonnement's delivery

    assert _statussen(ontvanger) == ["VRW", "VRW", "VRS"]
    assert [b["actie"] for b in ontvanger.bodies()] == ["create", "create", "update"]
    assert {r.status for r in _rijen()} == {UitgaandStatus.AFGELEVERD}


def test_changes_of_other_claims_do_not_wait(abonnement, organisatie, ontvanger, settings):
    settings.STUF_UITGAAND_BACKOFF_BASIS = 3600
    ontvanger.script = [400]
    vordering_maken(organisatie, tsa="parkeren", vorderingnummer="A")
    vordering_maken(organisatie, tsa="parkeren", vorderingnummer="B")
    assert [r.status for r in _rijen()] == [UitgaandStatus.MISLUKT, UitgaandStatus.AFGELEVERD]


def test_a_failed_stuf_message_does_not_block_the_notification(
    abonnement, koppeling, organisatie, ontvanger, tsa
):
    tsa.script = ["fo03"]
    vordering = vordering_maken(organisatie, tsa="parkeren")
    vordering_status_set(vordering=vordering, status=VorderingStatus.VERSTUURD, door="test")

    # StUF: the refused VRW holds up the VRS for the TSA (order per koppeling and claim)...
    assert [r.status for r in _rijen(STATUSWIJZIGING)] == [
        UitgaandStatus.MISLUKT,
        UitgaandStatus.WACHTEND,
    ]
    # ... but not the REST client's notifications of the same claim.
    assert [r.status for r in _rijen()] == [UitgaandStatus.AFGELEVERD] * 2
    assert _statussen(ontvanger) == ["VRW", "VRS"]

    # Cancelling the refused StUF message lets its VRS go; the notifications are not resent.
    geweigerd = _rijen(STATUSWIJZIGING)[0]
    assert uitgaand_cancel(berichten=UitgaandBericht.objects.filter(pk=geweigerd.pk)) == 1
    assert _stuf_statussen(tsa) == ["VRW", "VRS"]
    assert len(ontvanger.received) == 2


def test_a_failed_notification_does_not_block_the_stuf_message(
    abonnement, koppeling, organisatie, ontvanger, tsa
):
    ontvanger.script = [400]
    vordering = vordering_maken(organisatie, tsa="parkeren")
    vordering_status_set(vordering=vordering, status=VorderingStatus.VERSTUURD, door="test")

    assert [r.status for r in _rijen()] == [UitgaandStatus.MISLUKT, UitgaandStatus.WACHTEND]
    assert [r.status for r in _rijen(STATUSWIJZIGING)] == [UitgaandStatus.AFGELEVERD] * 2
    assert _stuf_statussen(tsa) == ["VRW", "VRS"]

    # Resending the refused notification sends it and then the one that waited for it.
    assert uitgaand_resend(berichten=UitgaandBericht.objects.filter(soort=NOTIFICATIE)) == 1
    assert _statussen(ontvanger) == ["VRW", "VRW", "VRS"]
    assert [r.status for r in _rijen()] == [UitgaandStatus.AFGELEVERD] * 2


def test_a_notification_goes_alone(abonnement, organisatie, ontvanger, settings):
    """No batching: one POST is one notification, also for a backlog."""
    settings.STUF_UITGAAND_BACKOFF_BASIS = 3600
    ontvanger.script = [503]
    vordering_maken(organisatie, tsa="parkeren")
    for i in range(3):
        vordering_maken(organisatie, tsa="parkeren", vorderingnummer=f"N-{i}")
    UitgaandBericht.objects.update(volgende_poging=timezone.now())
    uitgaand_sweep()
    rijen = _rijen()
    assert {r.status for r in rijen} == {UitgaandStatus.AFGELEVERD}
    assert len({r.zending for r in rijen}) == 4
    assert len(ontvanger.received) == 5


def test_sweep_recovers_a_notification_whose_worker_died(
    abonnement, organisatie, ontvanger, settings
):
    settings.STUF_UITGAAND_BACKOFF_BASIS = 3600
    ontvanger.script = [503]
    vordering_maken(organisatie, tsa="parkeren")
    UitgaandBericht.objects.update(
        status=UitgaandStatus.BEZIG, bezig_sinds=timezone.now() - datetime.timedelta(hours=1)
    )
    assert uitgaand_sweep() == 1
    assert _rijen()[0].status == UitgaandStatus.AFGELEVERD


@pytest.mark.parametrize("hoe", ["abonnement beëindigd", "client ingetrokken", "buiten scope"])
def test_receiver_no_longer_entitled_fails_without_sending(
    abonnement, organisatie, ontvanger, settings, hoe
):
    settings.STUF_UITGAAND_BACKOFF_BASIS = 3600
    ontvanger.script = [503]
    vordering_maken(organisatie, tsa="parkeren")
    if hoe == "abonnement beëindigd":
        Abonnement.objects.filter(pk=abonnement.pk).update(actief=False)
        foutcode, fout = "INACTIEF", "Abonnement is beëindigd"
    elif hoe == "client ingetrokken":
        apiclient_revoke(client=abonnement.client)
        foutcode, fout = "INACTIEF", "is ingetrokken"
    else:
        ApiClientTsaCode.objects.filter(client=abonnement.client).update(code="anders")
        foutcode, fout = "SCOPE", "niet (meer) in de scope"
    UitgaandBericht.objects.update(volgende_poging=timezone.now())

    uitgaand_sweep()

    (rij,) = _rijen()
    assert (rij.status, rij.foutcode) == (UitgaandStatus.MISLUKT, foutcode)
    assert fout in rij.laatste_fout
    assert len(ontvanger.received) == 1  # only the first attempt, before the change


def test_undecryptable_auth_fails_visibly_and_is_resendable(
    abonnement, organisatie, ontvanger, settings
):
    from cryptography.fernet import Fernet

    oud = settings.VERSLEUTELING_SLEUTELS
    settings.VERSLEUTELING_SLEUTELS = [Fernet.generate_key().decode()]
    vordering_maken(organisatie, tsa="parkeren")
    (rij,) = _rijen()
    assert (rij.status, rij.foutcode) == (UitgaandStatus.MISLUKT, "SLEUTEL")
    assert ontvanger.received == []
    settings.VERSLEUTELING_SLEUTELS = oud
    assert uitgaand_resend(berichten=UitgaandBericht.objects.all()) == 1
    assert _rijen()[0].status == UitgaandStatus.AFGELEVERD
    assert [r["auth"] for r in ontvanger.received] == ["Token callback-geheim"]


def test_unreachable_callback_is_retried(abonnement, organisatie, ontvanger, settings):
    settings.STUF_UITGAAND_BACKOFF_BASIS = 3600
    ontvanger.stop()
    vordering_maken(organisatie, tsa="parkeren")
    (rij,) = _rijen()
    assert rij.status == UitgaandStatus.WACHTEND and "ConnectionError" in rij.laatste_fout
    ontvanger.start()  # back (on a new port)
    Abonnement.objects.filter(pk=abonnement.pk).update(callback_url=ontvanger.url)
    UitgaandBericht.objects.update(volgende_poging=timezone.now())
    uitgaand_sweep()
    assert _rijen()[0].status == UitgaandStatus.AFGELEVERD


def test_too_old_becomes_dead(abonnement, organisatie, ontvanger, settings):
    settings.STUF_UITGAAND_MAX_LEEFTIJD = 0
    ontvanger.script = [503]
    vordering_maken(organisatie, tsa="parkeren")
    assert _rijen()[0].status == UitgaandStatus.DOOD


def test_a_send_is_logged_in_the_berichtenlog(abonnement, organisatie, ontvanger):
    vordering_maken(organisatie, tsa="parkeren")
    log = Bericht.objects.get(richting=Richting.UIT)
    (rij,) = _rijen()
    assert log.koppeling is None and log.berichtsoort == "Notificatie-vorderingstatussen"
    assert (log.http_status, log.antwoordsoort, log.referentienummer) == (
        204,
        "HTTP 204",
        rij.referentienummer,
    )
    assert '"kanaal": "vorderingstatussen"' in log.inhoud
    assert ontvanger.url in log.ontvanger
    assert "callback-geheim" not in log.inhoud + log.ontvanger  # the credential is not logged


def test_deliver_needs_exactly_one_receiver():
    with pytest.raises(ValueError):
        uitgaand_deliver()
    with pytest.raises(ValueError):
        uitgaand_deliver(koppeling_id=1, abonnement_id=1)


def test_notification_task_has_the_outbox_limits():
    assert notificaties_afleveren.time_limit == uitgaand_afleveren.time_limit
    assert notificaties_afleveren.soft_time_limit == uitgaand_afleveren.soft_time_limit
    assert notificaties_afleveren.acks_late and notificaties_afleveren.max_retries == 5


# --- admin -------------------------------------------------------------------------------------


def test_admin_shows_the_receiver_filters_and_resends_notifications(
    abonnement, koppeling, organisatie, ontvanger, client
):
    ontvanger.script = [400]
    vordering_maken(organisatie, tsa="parkeren")
    (rij,) = _rijen()
    root = User.objects.create_superuser("root", password="x")
    client.force_login(root)
    url = reverse("admin:stuffin_uitgaandbericht_changelist")

    pagina = client.get(url)
    assert pagina.status_code == 200
    assert str(abonnement) in pagina.content.decode() and str(koppeling) in pagina.content.decode()
    gefilterd = client.get(url, {"soort__exact": NOTIFICATIE})
    assert [o.pk for o in gefilterd.context["cl"].result_list] == [rij.pk]
    per_abonnement = client.get(url, {"abonnement__id__exact": abonnement.pk})
    assert [o.pk for o in per_abonnement.context["cl"].result_list] == [rij.pk]

    r = client.post(
        url, {"action": "alle_mislukte_van_koppeling_opnieuw", "_selected_action": [rij.pk]}
    )
    assert r.status_code == 302
    rij.refresh_from_db()
    assert rij.status == UitgaandStatus.AFGELEVERD

    ontvanger.script = [400]
    vordering_maken(organisatie, tsa="parkeren")
    nieuw = _rijen()[-1]
    assert nieuw.status == UitgaandStatus.MISLUKT
    client.post(url, {"action": "annuleren", "_selected_action": [nieuw.pk]})
    nieuw.refresh_from_db()
    assert nieuw.status == UitgaandStatus.GEANNULEERD
    client.post(url, {"action": "opnieuw_versturen", "_selected_action": [nieuw.pk]})
    nieuw.refresh_from_db()
    assert nieuw.status == UitgaandStatus.AFGELEVERD


def test_admin_scopes_notifications_by_the_claims_organisation(
    abonnement, organisatie, ontvanger, client
):
    roles_ensure()
    vordering_maken(organisatie, tsa="parkeren")
    (rij,) = _rijen()
    url = reverse("admin:stuffin_uitgaandbericht_changelist")
    for org, zichtbaar in ((organisatie, True), (OrganisatieFactory(), False)):
        beheerder = gebruiker_maken(f"beheer-{org.pk}", "beheerder", org)
        beheerder.is_staff = True
        beheerder.save()
        client.force_login(beheerder)
        lijst = client.get(url)
        assert lijst.status_code == 200
        assert ([o.pk for o in lijst.context["cl"].result_list] == [rij.pk]) is zichtbaar
        detail = reverse("admin:stuffin_uitgaandbericht_change", args=[rij.pk])
        assert client.get(detail).status_code == (200 if zichtbaar else 404)


# --- a real worker -------------------------------------------------------------------------------


@pytest.fixture
def worker(redis_url, postgresql):
    """A real Celery worker on this test's own Redis database (REDIS_URL), so parallel runs with
    other databases never hand each other tasks."""
    import redis

    from config.celery import app

    redis.Redis.from_url(redis_url).flushdb()
    vorige = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = redis_url, False
    _drop_broker_pools(app)
    env = {"STUF_APPLICATIE": "INNINGEN", "STUF_UITGAAND_BACKOFF_BASIS": "1"}
    env |= {"STUF_UITGAAND_BACKOFF_MAX": "2", "STUF_UITGAAND_VASTGELOPEN_NA": "3"}
    proces = WorkerProcess(redis_url, env).start(concurrency=2)
    yield proces
    proces.stop()
    app.conf.broker_url, app.conf.task_always_eager = vorige
    _drop_broker_pools(app)


@pytest.mark.services
def test_a_worker_delivers_notifications_of_a_claim_in_order(
    worker, abonnement, organisatie, ontvanger
):
    from stuffin.tasks import uitgaand_opruimen

    ontvanger.script = [503]
    vordering = vordering_maken(organisatie, tsa="parkeren")
    for status in (VorderingStatus.VERSTUURD, VorderingStatus.INVORDERING, VorderingStatus.BETAALD):
        vordering_status_set(vordering=vordering, status=status, door="test")

    def klaar():
        if UitgaandBericht.objects.filter(status=UitgaandStatus.AFGELEVERD).count() == 4:
            return True
        uitgaand_opruimen.delay()  # play beat
        return False

    assert wait_for(klaar, timeout=90, interval=1), ontvanger.received
    afgeleverd = [r["json"] for r in ontvanger.received if r["status"] == 204]
    assert [b["kenmerken"]["status"] for b in afgeleverd] == ["VRW", "VRS", "INV", "BET"]
    assert [r["status"] for r in ontvanger.received][:2] == [503, 204]
