"""Recording notifications for REST abonnementen (issue #17): who hears of which status change,
delivered over real HTTP to a callback URL in the shape of the VNG Notificaties API."""

import pytest
from django.utils import timezone

from api.services.abonnementen import abonnement_create
from api.services.clients import apiclient_revoke
from api.services.notificaties import notificaties_enqueue
from inningen.choices import VorderingStatus
from inningen.grootboek.models import Vordering, Vorderingstatus
from inningen.grootboek.services.statussen import (
    StatusWijziging,
    vordering_status_set,
    vorderingen_status_set,
)
from stuffin.models import UitgaandBericht, UitgaandSoort, UitgaandStatus
from tests.factories import OrganisatieFactory, vordering_maken
from tests.stuffin.notificatie_server import NotificatieOntvanger

KANAAL = ["vorderingstatussen"]


@pytest.fixture
def ontvanger():
    server = NotificatieOntvanger().start()
    yield server
    server.stop()


def _abonneer(client, url, *, auth="Bearer callback-geheim", kanalen=KANAAL):
    return abonnement_create(client=client, callback_url=url, auth=auth, kanalen=kanalen)


def _notificaties():
    return UitgaandBericht.objects.filter(soort=UitgaandSoort.NOTIFICATIE).order_by("pk")


@pytest.mark.django_db(transaction=True)
def test_status_changes_in_scope_are_posted_as_vng_notifications(
    ontvanger, organisatie, maak_client, settings
):
    settings.INNINGEN_BASIS_URL = "https://inningen.example.nl"
    client, _ = maak_client(organisatie, tsa_codes=["PARKEREN"])
    _abonneer(client, ontvanger.url)

    vordering = vordering_maken(organisatie, tsa="PARKEREN", vorderingnummer="P-1")
    assert len(ontvanger.received) == 1  # the registration (VRW) is the claim's first status
    vordering_status_set(vordering=vordering, status=VorderingStatus.BETAALD, door="test")

    assert len(ontvanger.received) == 2
    uuid = Vordering.objects.get(pk=vordering.pk).uuid
    url = f"https://inningen.example.nl/api/v1/vorderingen/{uuid}"
    vrw, bet = Vorderingstatus.objects.filter(vordering=vordering).order_by("pk")
    verwacht = [
        {
            "kanaal": "vorderingstatussen",
            "hoofdObject": url,
            "resource": "vordering",
            "resourceUrl": url,
            "actie": actie,
            "aanmaakdatum": timezone.localtime(status.datum_en_tijd).isoformat(),
            "kenmerken": {"status": code, "vorderingnummer": "P-1", "tsaCode": "PARKEREN"},
        }
        for actie, status, code in (("create", vrw, "VRW"), ("update", bet, "BET"))
    ]
    assert ontvanger.bodies() == verwacht
    for ontvangen in ontvanger.received:
        assert ontvangen["auth"] == "Bearer callback-geheim"
        assert ontvangen["content_type"] == "application/json"
        assert ontvangen["path"] == "/callbacks/notificaties"
    rijen = list(_notificaties())
    assert [(r.status, r.pogingen, r.vorderingstatus_id) for r in rijen] == [
        (UitgaandStatus.AFGELEVERD, 1, vrw.pk),
        (UitgaandStatus.AFGELEVERD, 1, bet.pk),
    ]
    assert all(r.koppeling_id is None and r.afgeleverd_op for r in rijen)


@pytest.mark.django_db(transaction=True)
def test_no_authorization_header_without_auth(ontvanger, organisatie, maak_client):
    client, _ = maak_client(organisatie, tsa_codes=["PARKEREN"])
    _abonneer(client, ontvanger.url, auth="")
    vordering_maken(organisatie, tsa="PARKEREN")
    assert [r["auth"] for r in ontvanger.received] == [None]


@pytest.mark.django_db(transaction=True)
def test_claims_outside_the_clients_scope_record_nothing(ontvanger, organisatie, maak_client):
    client, _ = maak_client(organisatie, tsa_codes=["PARKEREN"])
    _abonneer(client, ontvanger.url)

    vordering_maken(OrganisatieFactory(), tsa="PARKEREN")  # another organisation, same code
    vordering_maken(organisatie, tsa="BELASTINGEN")  # own organisation, another TSA code

    assert not _notificaties().exists() and ontvanger.received == []


@pytest.mark.django_db(transaction=True)
def test_client_without_the_read_scope_hears_nothing(ontvanger, organisatie, maak_client):
    client, _ = maak_client(organisatie, tsa_codes=["PARKEREN"], scopes=["vorderingen.lezen"])
    _abonneer(client, ontvanger.url)
    vordering = vordering_maken(organisatie, tsa="PARKEREN")
    assert len(ontvanger.received) == 1
    # The scope taken away: nothing more is recorded, and what waited is not sent.
    client.scopes = ["abonnementen.beheren"]
    client.save()
    vordering_status_set(vordering=vordering, status=VorderingStatus.BETAALD, door="test")
    assert len(ontvanger.received) == 1
    assert _notificaties().count() == 1


@pytest.mark.django_db(transaction=True)
def test_client_without_tsa_codes_hears_of_every_claim_of_its_organisation(
    ontvanger, organisatie, maak_client
):
    portaal, _ = maak_client(organisatie, tsa_codes=[])
    _abonneer(portaal, ontvanger.url)

    vordering_maken(organisatie, tsa="PARKEREN", vorderingnummer="A")
    vordering_maken(organisatie, tsa="BELASTINGEN", vorderingnummer="B")
    vordering_maken(OrganisatieFactory(), tsa="PARKEREN", vorderingnummer="C")

    assert [b["kenmerken"]["vorderingnummer"] for b in ontvanger.bodies()] == ["A", "B"]


@pytest.mark.django_db(transaction=True)
def test_every_subscribed_client_in_scope_gets_its_own_notification(organisatie, maak_client):
    """One TSA code held by two clients of the organisation and one of another: the two hear
    of it, each at its own URL; the other does not."""
    eerste, tweede = NotificatieOntvanger().start(), NotificatieOntvanger().start()
    derde = NotificatieOntvanger().start()
    try:
        _abonneer(maak_client(organisatie, tsa_codes=["PARKEREN"])[0], eerste.url, auth="A")
        _abonneer(maak_client(organisatie, tsa_codes=["PARKEREN"])[0], tweede.url, auth="B")
        _abonneer(maak_client(OrganisatieFactory(), tsa_codes=["PARKEREN"])[0], derde.url)

        vordering_maken(organisatie, tsa="PARKEREN")

        assert [r["auth"] for r in eerste.received] == ["A"]
        assert [r["auth"] for r in tweede.received] == ["B"]
        assert derde.received == []
        assert _notificaties().count() == 2
    finally:
        for server in (eerste, tweede, derde):
            server.stop()


@pytest.mark.django_db(transaction=True)
def test_ended_revoked_or_other_kanaal_records_nothing(ontvanger, organisatie, maak_client):
    beeindigd, _ = maak_client(organisatie, tsa_codes=["PARKEREN"])
    abonnement = _abonneer(beeindigd, ontvanger.url)
    abonnement.actief = False
    abonnement.save()
    ingetrokken, _ = maak_client(organisatie, tsa_codes=["PARKEREN"])
    _abonneer(ingetrokken, ontvanger.url)
    apiclient_revoke(client=ingetrokken)
    ander_kanaal, _ = maak_client(organisatie, tsa_codes=["PARKEREN"])
    _abonneer(ander_kanaal, ontvanger.url, kanalen=["zaken"])

    vordering_maken(organisatie, tsa="PARKEREN")

    assert not _notificaties().exists() and ontvanger.received == []


@pytest.mark.django_db(transaction=True)
def test_outbox_row_rolls_back_with_the_status_change(ontvanger, organisatie, maak_client):
    from django.db import transaction

    client, _ = maak_client(organisatie, tsa_codes=["PARKEREN"])
    _abonneer(client, ontvanger.url)
    with pytest.raises(RuntimeError), transaction.atomic():
        vordering_maken(organisatie, tsa="PARKEREN")
        assert _notificaties().count() == 1
        raise RuntimeError("rollback")
    assert not _notificaties().exists() and ontvanger.received == []


@pytest.mark.django_db
def test_without_abonnementen_the_receiver_costs_one_query(
    organisatie, django_assert_max_num_queries
):
    vordering = vordering_maken(organisatie, tsa="PARKEREN")
    statussen = list(
        Vorderingstatus.objects.select_related("vordering").filter(vordering=vordering)
    )
    with django_assert_max_num_queries(1):
        assert notificaties_enqueue(statussen=statussen) == 0
    assert notificaties_enqueue(statussen=[]) == 0


@pytest.mark.django_db
def test_a_large_batch_is_recorded_in_a_fixed_number_of_queries(
    organisatie, maak_client, django_assert_max_num_queries
):
    """An invorderingsrun changes many statuses at once: the abonnementen are read once and the
    rows go in together, however many changes (not one query per change)."""
    client, _ = maak_client(organisatie, tsa_codes=["PARKEREN"])
    _abonneer(client, "https://tsa.example.nl/n")
    _abonneer(maak_client(OrganisatieFactory(), tsa_codes=["PARKEREN"])[0], "https://x.nl/n")
    vorderingen = [vordering_maken(organisatie, tsa="PARKEREN") for _ in range(3)]
    vorderingen += [vordering_maken(organisatie, tsa="ANDERS") for _ in range(2)]
    UitgaandBericht.objects.all().delete()
    historie = vorderingen_status_set(
        wijzigingen=[StatusWijziging(v, VorderingStatus.INVORDERING) for v in vorderingen] * 40,
        door="test",
    )
    UitgaandBericht.objects.all().delete()  # the receiver already ran once (signal)

    with django_assert_max_num_queries(4):
        assert notificaties_enqueue(statussen=historie) == 3 * 40

    rijen = _notificaties()
    assert rijen.count() == 120
    assert set(rijen.values_list("abonnement__client", flat=True)) == {client.pk}
    assert set(rijen.values_list("status", "pogingen")) == {(UitgaandStatus.WACHTEND, 0)}
    assert len(set(rijen.values_list("referentienummer", flat=True))) == 120


@pytest.mark.django_db
def test_large_batch_on_postgresql_goes_in_with_copy(
    postgresql, organisatie, maak_client, django_assert_max_num_queries
):
    client, _ = maak_client(organisatie, tsa_codes=["PARKEREN"])
    _abonneer(client, "https://tsa.example.nl/n")
    vordering = vordering_maken(organisatie, tsa="PARKEREN")
    historie = vorderingen_status_set(
        wijzigingen=[StatusWijziging(vordering, VorderingStatus.INVORDERING)] * 1000,
        door="test",
    )
    UitgaandBericht.objects.all().delete()
    # The abonnementen, their clients' TSA codes, and one COPY (psycopg's own, not captured).
    with django_assert_max_num_queries(3):
        assert notificaties_enqueue(statussen=historie) == 1000
    assert _notificaties().count() == 1000
