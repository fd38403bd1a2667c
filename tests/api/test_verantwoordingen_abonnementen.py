"""GET /api/v1/verantwoordingen (finance system) and the abonnementen resource."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import Abonnement
from stuffin.models import UitgaandBericht, UitgaandSoort, UitgaandStatus
from tests.factories import OrganisatieFactory, vordering_maken
from verantwoording.models import FinancieleVerantwoording, Verantwoordingsregel

pytestmark = pytest.mark.django_db


def verantwoording(organisatie, nummer):
    fvw = FinancieleVerantwoording.objects.create(
        organisatie=organisatie,
        verantwoordingsnummer=nummer,
        datum_en_tijd=timezone.now() + datetime.timedelta(minutes=nummer),
        begindatum=datetime.date(2026, 11, nummer),
        einddatum=datetime.date(2026, 11, nummer),
        aantal_boekingen=3,
        door="test",
    )
    Verantwoordingsregel.objects.create(
        verantwoording=fvw,
        boekingssleutel="8010.OPGELEGD",
        bedrag_incl_btw=12100,
        bedrag_excl_btw=10000,
        bedrag_btw=2100,
        aantal_boekingen=3,
    )
    return fvw


def test_verantwoordingen_of_the_organisation_only(api, organisatie):
    eerste, tweede = verantwoording(organisatie, 1), verantwoording(organisatie, 2)
    verantwoording(OrganisatieFactory(), 1)

    lijst = api.get("/api/v1/verantwoordingen")

    assert lijst.status_code == 200
    assert [v["verantwoordingsnummer"] for v in lijst.json()["results"]] == [2, 1]
    detail = api.get(f"/api/v1/verantwoordingen/{eerste.pk}").json()
    assert detail["boekingen"] == [
        {
            "boekingssleutel": "8010.OPGELEGD",
            "bedragInclBtw": 12100,
            "bedragExclBtw": 10000,
            "bedragBtw": 2100,
        }
    ]
    assert detail["url"].endswith(f"/api/v1/verantwoordingen/{eerste.pk}")
    assert (detail["begindatum"], detail["vorderendeOrganisatie"]) == (
        "2026-11-01",
        organisatie.rsin,
    )
    assert tweede.pk != eerste.pk


def test_verantwoording_of_another_organisation_is_not_found(api):
    ander = verantwoording(OrganisatieFactory(), 1)
    response = api.get(f"/api/v1/verantwoordingen/{ander.pk}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_finance_system_needs_only_its_scope(maak_client, organisatie):
    verantwoording(organisatie, 1)
    _, token = maak_client(organisatie, scopes=["verantwoordingen.lezen"], tsa_codes=())
    fin = APIClient()
    fin.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert fin.get("/api/v1/verantwoordingen").status_code == 200
    assert fin.get("/api/v1/vorderingen").status_code == 403


# --- abonnementen ---------------------------------------------------------------------------------


def test_abonnement_create_read_list_delete(api):
    response = api.post(
        "/api/v1/abonnementen",
        {
            "callbackUrl": "https://tsa.example.nl/notificaties",
            "auth": "Bearer geheim-123",
            "kanalen": ["vorderingstatussen"],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert "auth" not in data  # write-only
    abonnement = Abonnement.objects.get()
    assert abonnement.auth == "Bearer geheim-123"
    assert "geheim-123" not in abonnement.auth_versleuteld  # encrypted at rest
    assert response["Location"] == data["url"]
    assert api.get(data["url"]).json()["callbackUrl"] == "https://tsa.example.nl/notificaties"
    assert [a["uuid"] for a in api.get("/api/v1/abonnementen").json()["results"]] == [data["uuid"]]

    assert api.delete(data["url"]).status_code == 204
    abonnement.refresh_from_db()
    assert not abonnement.actief
    assert api.get(data["url"]).status_code == 404


def test_abonnement_delete_cancels_what_waits(api, organisatie):
    data = api.post(
        "/api/v1/abonnementen",
        {"callbackUrl": "https://tsa.example.nl/n", "kanalen": ["vorderingstatussen"]},
        format="json",
    ).json()
    abonnement = Abonnement.objects.get()
    wachtend = UitgaandBericht.objects.create(
        soort=UitgaandSoort.NOTIFICATIE,
        abonnement=abonnement,
        vordering=vordering_maken(organisatie, tsa="PARKEREN"),
        referentienummer="r1",
        volgende_poging=timezone.now() + datetime.timedelta(hours=1),
    )
    api.delete(data["url"])
    wachtend.refresh_from_db()
    assert wachtend.status == UitgaandStatus.GEANNULEERD


@pytest.mark.parametrize(
    "body",
    [
        {"callbackUrl": "geen url", "kanalen": ["vorderingstatussen"]},
        {"callbackUrl": "https://x.nl/n", "kanalen": ["zaken"]},
        {"callbackUrl": "https://x.nl/n", "kanalen": []},
    ],
)
def test_abonnement_bad_input(api, body):
    response = api.post("/api/v1/abonnementen", body, format="json")
    assert response.status_code == 400
    assert response.json()["invalidParams"]
    assert not Abonnement.objects.exists()


def test_abonnement_of_another_client_is_not_found(api, maak_client, organisatie):
    _, token = maak_client(organisatie, naam="ander")
    ander = APIClient()
    ander.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = ander.post(
        "/api/v1/abonnementen",
        {"callbackUrl": "https://x.nl/n", "kanalen": ["vorderingstatussen"]},
        format="json",
    ).json()["url"]
    assert api.get(url).status_code == 404
    assert api.delete(url).status_code == 404
    assert Abonnement.objects.get().actief


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/n",
        "https://localhost/n",
        "https://10.1.2.3/n",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/n",
        "http://tsa.example.nl/n",
        "https://bestaat-niet.invalid/n",
    ],
)
def test_callback_inside_our_network_is_refused_in_production(api, settings, url):
    settings.API_CALLBACK_INTERN_TOESTAAN = False
    response = api.post(
        "/api/v1/abonnementen",
        {"callbackUrl": url, "kanalen": ["vorderingstatussen"]},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["invalidParams"][0]["name"] == "callbackUrl"
    assert not Abonnement.objects.exists()


def test_abonnement_needs_the_read_scope_too(maak_client, organisatie):
    _, token = maak_client(organisatie, scopes=["abonnementen.beheren"])
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = http.post(
        "/api/v1/abonnementen",
        {"callbackUrl": "https://x.nl/n", "kanalen": ["vorderingstatussen"]},
        format="json",
    )
    assert response.status_code == 403
    assert "vorderingen.lezen" in response.json()["detail"]
