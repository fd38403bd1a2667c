"""POST/GET /api/v1/vorderingen: the Di01's rules over JSON, idempotency, scope, problem+json."""

import datetime
import uuid

import pytest
from django.utils import timezone

from api.models import Idempotentie
from inningen.choices import Boekingsoort, VorderingStatus
from inningen.debiteuren.models import Debiteur
from inningen.grootboek.models import Boeking, Vordering
from inningen.grootboek.services.statussen import vordering_status_set
from tests.factories import OrganisatieFactory, vordering_maken

pytestmark = pytest.mark.django_db


def claim(organisatie, **overrides) -> dict:
    vandaag = timezone.localdate()
    body = {
        "vorderingnummer": "PRK-1",
        "tsaCode": "PARKEREN",
        "vorderendeOrganisatie": organisatie.rsin,
        "omschrijving": "Parkeervergunning 2027",
        "factuurdatum": str(vandaag),
        "vervaldatum": str(vandaag + datetime.timedelta(days=30)),
        "indicatorFactuurUitgestuurd": True,
        "vorderingcode": "PARKEERVERGUNNING",
        "debiteur": {
            "bsn": "999993653",
            "geslachtsnaam": "Vries",
            "voorvoegselGeslachtsnaam": "de",
            "voorletters": "J.",
            "adres": {
                "straatnaam": "Dorpsstraat",
                "huisnummer": 1,
                "postcode": "1234 ab",
                "woonplaats": "Ons Dorp",
            },
        },
        "regels": [
            {
                "omschrijving": "Vergunning bewoner",
                "bedragExclBtw": 10000,
                "btwBedrag": 2100,
                "bedragInclBtw": 12100,
                "btwPercentage": 21,
                "btwCategorie": "HOO",
            }
        ],
        "totaalbedragInclBtw": 12100,
    }
    body.update(overrides)
    return body


def test_create_stores_the_claim_and_answers_201(api, organisatie):
    response = api.post("/api/v1/vorderingen", claim(organisatie), format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    vordering = Vordering.objects.get(vorderingnummer="PRK-1")
    assert data["uuid"] == str(vordering.uuid)
    assert data["url"] == f"http://testserver/api/v1/vorderingen/{vordering.uuid}"
    assert response["Location"] == data["url"]
    assert response["API-Version"] == "1.0.0"
    assert (data["status"], data["openstaandBedrag"], data["tsaCode"]) == ("VRW", 12100, "PARKEREN")
    assert data["betalingskenmerk"] == vordering.betalingskenmerk
    # Stored as a Di01 would be: organisation, totals from the regels, ledger, debtor.
    assert vordering.organisatie == organisatie
    assert vordering.status == VorderingStatus.VERWERKT
    assert (
        vordering.totaalbedrag_excl_btw,
        vordering.totaalbedrag_btw,
        vordering.totaalbedrag_incl_btw,
    ) == (10000, 2100, 12100)
    regel = vordering.regels.get()
    assert (regel.btw_percentage, regel.vorderingcode) == (2100, "PARKEERVERGUNNING")
    assert Boeking.objects.get(vordering=vordering).soort == Boekingsoort.OPGELEGD
    assert vordering.openstaand_bedrag == 12100
    debiteur = vordering.debiteur
    assert (debiteur.bsn, debiteur.geslachtsnaam, debiteur.postcode) == (
        "999993653",
        "Vries",
        "1234AB",
    )
    assert vordering.statussen.get().door == f"API {api.client_obj.naam}"


def test_create_without_organisation_uses_the_clients(api, organisatie):
    body = claim(organisatie)
    del body["vorderendeOrganisatie"]
    assert api.post("/api/v1/vorderingen", body, format="json").status_code == 201
    assert Vordering.objects.get().organisatie == organisatie


def test_company_debtor_with_kvk_number(api, organisatie):
    body = claim(
        organisatie,
        debiteur={"rsin": "002220647", "kvkNummer": "12345678", "statutaireNaam": "Bakkerij B.V."},
    )
    assert api.post("/api/v1/vorderingen", body, format="json").status_code == 201
    debiteur = Vordering.objects.get().debiteur
    assert (debiteur.soort, debiteur.rsin, debiteur.kvk_nummer, debiteur.statutaire_naam) == (
        "NNP",
        "002220647",
        "12345678",
        "Bakkerij B.V.",
    )


@pytest.mark.parametrize(
    ("wijziging", "http_status", "code"),
    [
        ({"vervaldatum": "2000-01-01"}, 422, "FIN003"),
        ({"totaalbedragInclBtw": 999}, 422, "FIN005"),
        ({"valutacode": "USD"}, 422, "FIN007"),
        ({"tsaCode": "BELASTINGEN"}, 403, "FIN010"),
        ({"vorderendeOrganisatie": "111222333"}, 422, "FIN008"),
        ({"factuurdatum": None}, 422, "FIN004"),
        ({"debiteur": {"bsn": "123456789", "geslachtsnaam": "X"}}, 422, "FIN011"),
        ({"totaalbedragInclBtw": 10**12}, 422, "FIN015"),
    ],
)
def test_business_rules_give_the_fin_code(api, organisatie, wijziging, http_status, code):
    body = claim(organisatie)
    body.update(wijziging)
    if code == "FIN015":
        body["regels"][0].update(bedragExclBtw=10**12 - 2100, bedragInclBtw=10**12)

    response = api.post("/api/v1/vorderingen", body, format="json")

    assert response.status_code == http_status, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == code
    assert problem["status"] == http_status
    assert problem["title"] and problem["detail"]
    assert not Vordering.objects.exists()
    assert not Debiteur.objects.exists()


def test_regel_bedragen_rule(api, organisatie):
    body = claim(organisatie)
    body["regels"][0]["btwBedrag"] = 2000
    body["regels"][0]["bedragExclBtw"] = 10000
    body["regels"][0]["bedragInclBtw"] = 12100
    response = api.post("/api/v1/vorderingen", body, format="json")
    assert (response.status_code, response.json()["code"]) == (422, "FIN006")


def test_organisation_of_another_client_is_refused(api, organisatie):
    ander = OrganisatieFactory()
    response = api.post(
        "/api/v1/vorderingen", claim(organisatie, vorderendeOrganisatie=ander.rsin), format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "FIN009")


def test_known_number_is_a_conflict(api, organisatie):
    assert api.post("/api/v1/vorderingen", claim(organisatie), format="json").status_code == 201
    response = api.post("/api/v1/vorderingen", claim(organisatie), format="json")
    assert (response.status_code, response.json()["code"]) == (409, "FIN001")
    assert Vordering.objects.count() == 1


def test_field_errors_list_invalid_params(api, organisatie):
    body = claim(organisatie)
    body["regels"][0]["bedragInclBtw"] = "twaalf"
    del body["omschrijving"]
    body["regels"].append({"omschrijving": "zonder bedragen"})

    response = api.post("/api/v1/vorderingen", body, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    params = {p["name"]: p for p in response.json()["invalidParams"]}
    assert params["omschrijving"]["code"] == "required"
    assert params["regels.0.bedragInclBtw"]["code"] == "invalid"
    assert "regels.1.bedragExclBtw" in params
    assert all(p["reason"] for p in params.values())
    assert not Vordering.objects.exists()


def test_not_json_is_a_problem(api):
    response = api.post("/api/v1/vorderingen", "{niet json", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "Traceback" not in response.content.decode()


def test_nul_character_is_refused(api, organisatie):
    response = api.post(
        "/api/v1/vorderingen", claim(organisatie, omschrijving="a\x00b"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "omschrijving"


def test_idempotency_key_replays_without_a_second_claim(api, organisatie):
    body = claim(organisatie)
    eerste = api.post("/api/v1/vorderingen", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    herhaald = api.post(
        "/api/v1/vorderingen",
        dict(reversed(body.items())),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )

    assert eerste.status_code == herhaald.status_code == 201
    assert herhaald.json() == eerste.json()
    assert herhaald["Location"] == eerste["Location"]
    assert herhaald["Idempotent-Replayed"] == "true"
    assert Vordering.objects.count() == 1
    assert Idempotentie.objects.get().sleutel == "k-1"


def test_idempotency_key_with_another_body_is_a_conflict(api, organisatie):
    api.post("/api/v1/vorderingen", claim(organisatie), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    response = api.post(
        "/api/v1/vorderingen",
        claim(organisatie, vorderingnummer="PRK-2"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_hergebruikt"
    assert Vordering.objects.count() == 1


def test_idempotency_keys_are_per_client(api, organisatie, maak_client):
    from rest_framework.test import APIClient

    api.post("/api/v1/vorderingen", claim(organisatie), format="json", HTTP_IDEMPOTENCY_KEY="k")
    _, token = maak_client(organisatie, naam="ander")
    ander = APIClient()
    ander.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = ander.post(
        "/api/v1/vorderingen",
        claim(organisatie, vorderingnummer="PRK-9"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 201
    assert Vordering.objects.count() == 2


def test_a_failed_request_stores_no_idempotency_answer(api, organisatie):
    slecht = claim(organisatie, vervaldatum="2000-01-01")
    assert (
        api.post("/api/v1/vorderingen", slecht, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code
        == 422
    )
    assert not Idempotentie.objects.exists()
    goed = api.post(
        "/api/v1/vorderingen", claim(organisatie), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert goed.status_code == 201


# --- reading --------------------------------------------------------------------------------------


def test_detail_shows_status_history_payments_and_links(api, organisatie):
    vordering = vordering_maken(organisatie, tsa="PARKEREN", vorderingnummer="D-1")
    vordering_status_set(
        vordering=vordering, status=VorderingStatus.VERSTUURD, door="test", opmerkingen="per post"
    )

    response = api.get(f"/api/v1/vorderingen/{vordering.uuid}")

    assert response.status_code == 200
    data = response.json()
    assert data["vorderingnummer"] == "D-1"
    assert data["status"] == "VRS"
    assert data["openstaandBedrag"] == 12100
    assert [s["status"] for s in data["statussen"]] == ["VRW", "VRS"]
    assert data["statussen"][1]["opmerkingen"] == "per post"
    assert data["boekingen"][0] == {
        "soort": "opgelegd",
        "boekdatum": str(timezone.localdate()),
        "bedragInclBtw": 12100,
        "omschrijving": data["boekingen"][0]["omschrijving"],
    }
    assert data["regels"][0]["btwPercentage"] == 21
    assert data["_links"]["self"]["href"].endswith(f"/api/v1/vorderingen/{vordering.uuid}")
    assert data["betalingskenmerk"] == vordering.betalingskenmerk


def test_detail_queries_do_not_grow_with_history(api, organisatie, django_assert_max_num_queries):
    vordering = vordering_maken(organisatie, tsa="PARKEREN")
    for status in (VorderingStatus.VERSTUURD, VorderingStatus.INVORDERING) * 5:
        vordering_status_set(vordering=vordering, status=status, door="test")
    with django_assert_max_num_queries(10):
        assert api.get(f"/api/v1/vorderingen/{vordering.uuid}").status_code == 200


def test_other_organisation_or_tsa_is_not_found(api, organisatie):
    andere_org = vordering_maken(OrganisatieFactory(), tsa="PARKEREN")
    andere_tsa = vordering_maken(organisatie, tsa="BELASTINGEN")
    for vordering in (andere_org, andere_tsa):
        response = api.get(f"/api/v1/vorderingen/{vordering.uuid}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    assert api.get(f"/api/v1/vorderingen/{uuid.uuid4()}").status_code == 404
    assert api.get("/api/v1/vorderingen").json()["count"] == 0


def test_client_without_tsa_codes_reads_its_whole_organisation(organisatie, maak_client):
    from rest_framework.test import APIClient

    vordering_maken(organisatie, tsa="PARKEREN")
    vordering_maken(organisatie, tsa="BELASTINGEN")
    vordering_maken(OrganisatieFactory(), tsa="PARKEREN")
    _, token = maak_client(organisatie, tsa_codes=(), scopes=["vorderingen.lezen"])
    portaal = APIClient()
    portaal.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert portaal.get("/api/v1/vorderingen").json()["count"] == 2


def test_list_filters_and_pages(api, organisatie):
    vandaag = timezone.localdate()
    for i in range(5):
        vordering_maken(
            organisatie,
            tsa="PARKEREN",
            vorderingnummer=f"L-{i}",
            vervaldatum=vandaag + datetime.timedelta(days=10 * (i + 1)),
        )
    betaald = Vordering.objects.get(vorderingnummer="L-0")
    vordering_status_set(vordering=betaald, status=VorderingStatus.VERSTUURD, door="test")

    def nummers(query):
        response = api.get(f"/api/v1/vorderingen{query}")
        assert response.status_code == 200, response.content
        return sorted(v["vorderingnummer"] for v in response.json()["results"])

    assert nummers("?vorderingnummer=L-3") == ["L-3"]
    assert nummers("?status=VRS") == ["L-0"]
    assert nummers("?tsaCode=PARKEREN&pageSize=2") == ["L-3", "L-4"]  # newest first
    van, tot = vandaag + datetime.timedelta(days=20), vandaag + datetime.timedelta(days=40)
    assert nummers(f"?vervaldatumVanaf={van}&vervaldatumTot={tot}") == ["L-1", "L-2", "L-3"]
    pagina = api.get("/api/v1/vorderingen?pageSize=2&page=3").json()
    assert (pagina["count"], len(pagina["results"]), pagina["next"]) == (5, 1, None)


def test_list_bad_filter_is_a_problem(api):
    response = api.get("/api/v1/vorderingen?status=XYZ")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["invalidParams"][0]["name"] == "status"


def test_list_queries_do_not_grow_with_the_page(api, organisatie, django_assert_max_num_queries):
    for i in range(30):
        vordering_maken(organisatie, tsa="PARKEREN", vorderingnummer=f"Q-{i}")
    with django_assert_max_num_queries(4):
        assert len(api.get("/api/v1/vorderingen").json()["results"]) == 30


@pytest.mark.parametrize(
    "pad", ["/api/v1/vorderingen/geen-uuid", "/api/v1/bestaat-niet", "/api/v1/verantwoordingen/x"]
)
def test_unknown_path_or_malformed_id_is_a_problem(api, pad):
    response = api.get(pad)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response["API-Version"] == "1.0.0"
    assert response.json()["status"] == 404


def test_unknown_path_outside_the_api_is_still_a_page(client, db):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
