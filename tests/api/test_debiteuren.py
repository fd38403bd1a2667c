"""POST /api/v1/debiteuren/_zoek: a debtor's position within the client's scope, logged."""

import datetime

import pytest
from django.utils import timezone

from inningen.choices import Debiteursoort, VorderingStatus
from inningen.grootboek.services.statussen import vordering_status_set
from inningen.verwerkingen.models import Verwerking
from tests.factories import DebiteurFactory, OrganisatieFactory, vordering_maken

pytestmark = pytest.mark.django_db


@pytest.fixture
def debiteur():
    return DebiteurFactory(bsn="999993653", geslachtsnaam="Vries")


def test_search_by_bsn_shows_open_and_overdue_and_logs(api, organisatie, debiteur):
    vandaag = timezone.localdate()
    open_ = vordering_maken(organisatie, tsa="PARKEREN", debiteur=debiteur)
    achterstallig = vordering_maken(
        organisatie,
        tsa="PARKEREN",
        debiteur=debiteur,
        vervaldatum=vandaag + datetime.timedelta(days=1),
    )
    achterstallig.__class__.objects.filter(pk=achterstallig.pk).update(
        vervaldatum=vandaag - datetime.timedelta(days=10)
    )
    betaald = vordering_maken(organisatie, tsa="PARKEREN", debiteur=debiteur)
    vordering_status_set(vordering=betaald, status=VorderingStatus.BETAALD, door="test")
    vordering_maken(organisatie, tsa="BELASTINGEN", debiteur=debiteur)  # not this client's TSA
    vordering_maken(OrganisatieFactory(), tsa="PARKEREN", debiteur=debiteur)  # other organisation

    response = api.post("/api/v1/debiteuren/_zoek", {"bsn": "999993653"}, format="json")

    assert response.status_code == 200, response.content
    (gevonden,) = response.json()["debiteuren"]
    assert gevonden["bsn"] == "999993653"
    assert gevonden["soort"] == Debiteursoort.NATUURLIJK_PERSOON
    assert sorted(v["uuid"] for v in gevonden["vorderingen"]) == sorted(
        str(v.uuid) for v in (open_, achterstallig, betaald)
    )
    assert gevonden["openstaandBedrag"] == open_.openstaand_bedrag + achterstallig.openstaand_bedrag
    assert gevonden["achterstalligBedrag"] == achterstallig.openstaand_bedrag
    log = Verwerking.objects.get()
    assert log.debiteur == debiteur
    assert log.gebruiker is None
    assert log.gebruikersnaam == f"api:{api.client_obj.naam}"
    assert log.doel == "api"


def test_bsn_not_in_url_and_not_found_outside_scope(api, organisatie, debiteur):
    vordering_maken(OrganisatieFactory(), tsa="PARKEREN", debiteur=debiteur)

    response = api.post("/api/v1/debiteuren/_zoek", {"bsn": "999993653"}, format="json")

    assert response.json() == {"debiteuren": []}
    assert not Verwerking.objects.exists()
    # GET with the BSN in the query string is no way in.
    assert api.get("/api/v1/debiteuren/_zoek?bsn=999993653").status_code == 405


def test_search_company_by_kvk_is_not_logged(api, organisatie):
    bedrijf = DebiteurFactory(
        soort=Debiteursoort.NIET_NATUURLIJK_PERSOON,
        bsn=None,
        rsin="002220647",
        kvk_nummer="12345678",
        statutaire_naam="Bakkerij B.V.",
    )
    vordering_maken(organisatie, tsa="PARKEREN", debiteur=bedrijf)
    for zoek in ({"kvkNummer": "12345678"}, {"rsin": "002220647"}):
        (gevonden,) = api.post("/api/v1/debiteuren/_zoek", zoek, format="json").json()["debiteuren"]
        assert gevonden["naam"] == "Bakkerij B.V."
    assert not Verwerking.objects.exists()  # no natural person


@pytest.mark.parametrize("body", [{}, {"bsn": "999993653", "rsin": "002220647"}])
def test_exactly_one_identifier(api, body):
    response = api.post("/api/v1/debiteuren/_zoek", body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_scope_debiteuren_lezen_is_needed(maak_client, organisatie):
    from rest_framework.test import APIClient

    _, token = maak_client(organisatie, scopes=["vorderingen.lezen"])
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (
        http.post("/api/v1/debiteuren/_zoek", {"bsn": "999993653"}, format="json").status_code
        == 403
    )
