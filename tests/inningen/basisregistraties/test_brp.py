"""The BRP client over real HTTP against the local fake (conformant to BRP API Personen 2.7)."""

import json
import math
import time
from datetime import date

import pytest

from inningen.basisregistraties.brp import (
    MAX_BSNS_PER_VERZOEK,
    VELDEN_BALIE,
    VELDEN_BRIEF,
    BrpClient,
    BrpGeweigerd,
    BrpNietBereikbaar,
    BrpOngeldigAntwoord,
    brp_client_from_settings,
)

NORMAAL = "999990500"
VERHUISD = "999991280"
OVERLEDEN = "999993926"
NIET_OP_ADRES = "999992570"
EMIGRATIE_ZONDER_ADRES = "999994529"
GEHEIM = "999994785"
BUITENLAND = "999992909"
ONBEKEND = "999999011"


@pytest.fixture
def client(basisregistraties_fake):
    return BrpClient(
        basisregistraties_fake.brp_url,
        basisregistraties_fake.brp_api_key,
        timeout=(1.0, 1.0),
        wachttijd=0.01,
    )


def _per_bsn(personen):
    return {p.bsn: p for p in personen}


def test_normal_person_gets_letter_address_from_adressering(client):
    [persoon] = client.personen_raadplegen([NORMAAL])
    assert persoon.adressering.aanhef == "Geachte mevrouw Prins"
    assert persoon.adressering.aanschrijfwijze == "P. Prins"
    assert persoon.adressering.gebruik_in_lopende_tekst == "mevrouw Prins"
    assert persoon.adressering.adresregels == (
        "Jonkheer van Riemsdijkln 88",
        "2583 XL  'S-GRAVENHAGE",
    )
    assert (persoon.adres.postcode, persoon.adres.huisnummer) == ("2583XL", 88)
    assert persoon.verblijfplaats_type == "Adres"
    assert persoon.reden_geen_brief == ""
    assert not (persoon.overleden or persoon.geheimhouding or persoon.geemigreerd)


def test_moved_person_has_new_address_and_date(client):
    [persoon] = client.personen_raadplegen([VERHUISD])
    assert persoon.adres.postcode == "1628HJ"
    assert (persoon.adres.huisletter, persoon.adres.huisnummertoevoeging) == ("a", "2")
    assert persoon.verblijfplaats_sinds == date(2019, 5, 26)
    assert persoon.adressering.aanhef == "Geachte mevrouw Van der Burg"


def test_deceased_person_is_recognised(client):
    [persoon] = client.personen_raadplegen([OVERLEDEN])
    assert persoon.overleden
    assert persoon.overlijdensdatum == date(2008, 4, 6)
    assert persoon.opschorting_reden == "O"
    assert persoon.reden_geen_brief == "overleden"


def test_deceased_is_seen_even_without_asking_overlijden(client):
    # opschortingBijhouding is delivered automatically by the API.
    [persoon] = client.personen_raadplegen([OVERLEDEN], fields=["adressering.adresregel1"])
    assert persoon.overleden and persoon.overlijdensdatum is None


def test_verblijft_niet_op_adres(client):
    [persoon] = client.personen_raadplegen([NIET_OP_ADRES])
    assert persoon.verblijft_niet_op_adres
    assert persoon.adressering.in_onderzoek
    assert persoon.reden_geen_brief == "verblijft_niet_op_adres"


def test_emigrated_without_known_address(client):
    [persoon] = client.personen_raadplegen([EMIGRATIE_ZONDER_ADRES])
    assert persoon.verblijfplaats_type == "VerblijfplaatsOnbekend"
    assert persoon.opschorting_reden == "E"
    assert persoon.geemigreerd and not persoon.buitenlands_adres_bekend
    assert persoon.reden_geen_brief == "geemigreerd_zonder_adres"


def test_emigrated_with_foreign_address_can_get_a_letter(client):
    [persoon] = client.personen_raadplegen([BUITENLAND])
    assert persoon.verblijfplaats_type == "VerblijfplaatsBuitenland"
    assert persoon.adressering.adresregels == ("81000 Svetoq Petra Cetinjskoq 145", "Podgorica")
    assert (persoon.adressering.land_code, persoon.adressering.land) == ("5104", "Montenegro")
    assert persoon.buitenlands_adres_bekend
    assert persoon.reden_geen_brief == ""


def test_foreign_address_lines_with_balie_fields(client):
    [persoon] = client.personen_raadplegen([BUITENLAND], fields=VELDEN_BALIE)
    assert persoon.buitenland.regels == ("81000 Svetoq Petra Cetinjskoq 145", "Podgorica")
    assert persoon.buitenland.land_code == "5104"
    assert persoon.volledige_naam == "Antoinette Geertruida Maria Cock"


def test_geheimhouding_is_delivered_unasked(client):
    [persoon] = client.personen_raadplegen([GEHEIM])
    assert persoon.geheimhouding
    assert persoon.adressering.adresregels  # still usable for the letter
    assert persoon.reden_geen_brief == ""


def test_unknown_bsn_is_absent(client):
    personen = client.personen_raadplegen([NORMAAL, ONBEKEND])
    assert [p.bsn for p in personen] == [NORMAAL]


def test_bulk_is_chunked_to_max_items(client, basisregistraties_fake):
    basisregistraties_fake.genereer_onbekende = True
    bsns = [f"{900000000 + i:09d}" for i in range(25)]
    personen = client.personen_raadplegen(bsns)
    assert len(personen) == 25
    assert MAX_BSNS_PER_VERZOEK == 20
    aantallen = basisregistraties_fake.bsns_per_verzoek()
    assert len(aantallen) == math.ceil(25 / MAX_BSNS_PER_VERZOEK)
    assert aantallen == [20, 5]


def test_duplicates_are_asked_once(client, basisregistraties_fake):
    client.personen_raadplegen([NORMAAL, NORMAAL, GEHEIM])
    assert basisregistraties_fake.bsns_per_verzoek() == [2]


def test_bsns_only_in_body_never_in_url(client, basisregistraties_fake):
    client.personen_raadplegen([NORMAAL, OVERLEDEN])
    [verzoek] = basisregistraties_fake.brp_verzoeken()
    assert verzoek.methode == "POST"
    assert verzoek.pad == "/haalcentraal/api/brp/personen" and verzoek.query == ""
    assert NORMAAL not in verzoek.pad + verzoek.query
    body = json.loads(verzoek.body)
    assert body["type"] == "RaadpleegMetBurgerservicenummer"
    assert body["burgerservicenummer"] == [NORMAAL, OVERLEDEN]
    assert body["fields"] == list(VELDEN_BRIEF)
    assert verzoek.headers["X-API-KEY"] == basisregistraties_fake.brp_api_key


def test_only_requested_fields_come_back(client):
    [persoon] = client.personen_raadplegen([NORMAAL], fields=["adressering.aanhef"])
    assert persoon.adressering.aanhef == "Geachte mevrouw Prins"
    assert persoon.adressering.adresregels == ()
    assert persoon.adres is None and persoon.volledige_naam == ""


def test_missing_key_is_refused_with_401(basisregistraties_fake):
    client = BrpClient(basisregistraties_fake.brp_url, "", wachttijd=0.01)
    with pytest.raises(BrpGeweigerd) as fout:
        client.personen_raadplegen([NORMAAL])
    assert fout.value.status == 401
    assert "Niet correct geauthenticeerd" in str(fout.value)


def test_invalid_field_gives_problem_with_invalid_params(client):
    with pytest.raises(BrpGeweigerd) as fout:
        client.personen_raadplegen([NORMAAL], fields=["geheimhoudingPersoonsgegevens"])
    assert fout.value.status == 400
    assert fout.value.ongeldige_parameters == [
        {
            "name": "fields[1]",
            "code": "fields",
            "reason": "Parameter bevat een niet toegestane veldnaam.",
        }
    ]
    assert "fields[1]" in str(fout.value)
    assert NORMAAL not in str(fout.value)


def test_local_bsn_check_does_not_leak_the_value(client):
    with pytest.raises(ValueError) as fout:
        client.personen_raadplegen([NORMAAL, "12345"])
    assert "12345" not in str(fout.value)


def test_timeout_gives_brp_niet_bereikbaar_within_bounded_time(basisregistraties_fake):
    basisregistraties_fake.modus = "traag"
    client = BrpClient(
        basisregistraties_fake.brp_url,
        basisregistraties_fake.brp_api_key,
        timeout=(0.5, 0.2),
        max_pogingen=2,
        wachttijd=0.01,
    )
    begin = time.monotonic()
    with pytest.raises(BrpNietBereikbaar) as fout:
        client.personen_raadplegen([NORMAAL])
    assert time.monotonic() - begin < 1.5
    assert "time-out na 2 pogingen" in str(fout.value)
    assert basisregistraties_fake.brp_api_key not in str(fout.value)


def test_503_then_success_is_retried(client, basisregistraties_fake):
    basisregistraties_fake.storingen = 2
    [persoon] = client.personen_raadplegen([NORMAAL])
    assert persoon.bsn == NORMAAL
    assert len(basisregistraties_fake.brp_verzoeken()) == 3


def test_down_gives_brp_niet_bereikbaar_after_bounded_retries(client, basisregistraties_fake):
    basisregistraties_fake.modus = "down"
    with pytest.raises(BrpNietBereikbaar, match="HTTP 503 na 3 pogingen"):
        client.personen_raadplegen([NORMAAL])
    assert len(basisregistraties_fake.brp_verzoeken()) == 3


def test_500_is_not_retried_but_niet_bereikbaar(client, basisregistraties_fake):
    basisregistraties_fake.brp_antwoord = lambda headers, body: (
        500,
        "application/problem+json",
        b"{}",
    )
    with pytest.raises(BrpNietBereikbaar, match="HTTP 500"):
        client.personen_raadplegen([NORMAAL])
    assert len(basisregistraties_fake.brp_verzoeken()) == 1


def test_connection_refused_gives_brp_niet_bereikbaar(basisregistraties_fake):
    url = basisregistraties_fake.brp_url
    basisregistraties_fake.stop()
    client = BrpClient(url, "x", timeout=(0.2, 0.2), wachttijd=0.01)
    with pytest.raises(BrpNietBereikbaar, match="geen verbinding"):
        client.personen_raadplegen([NORMAAL])


def test_malformed_json_gives_ongeldig_antwoord(client, basisregistraties_fake):
    basisregistraties_fake.modus = "kapot"
    with pytest.raises(BrpOngeldigAntwoord):
        client.personen_raadplegen([NORMAAL])


def test_half_failed_bulk_returns_nothing(client, basisregistraties_fake):
    basisregistraties_fake.genereer_onbekende = True
    bsns = [f"{900000000 + i:09d}" for i in range(25)]

    original = basisregistraties_fake.brp_antwoord
    aanroepen = []

    def tweede_faalt(headers, body):
        aanroepen.append(1)
        if len(aanroepen) == 2:
            return 200, "application/json", b"{"
        return original(headers, body)

    basisregistraties_fake.brp_antwoord = tweede_faalt
    with pytest.raises(BrpOngeldigAntwoord):
        client.personen_raadplegen(bsns)


def test_mutual_tls_sets_cert_on_session():
    client = BrpClient(
        "https://brp.example.nl/haalcentraal/api/brp",
        "sleutel",
        cert=("/pad/client.crt", "/pad/client.key"),
        verify="/pad/ca.pem",
    )
    assert client.session.cert == ("/pad/client.crt", "/pad/client.key")
    assert client.session.verify == "/pad/ca.pem"


def test_from_settings_without_url_is_none(settings):
    settings.BRP_API_URL = ""
    assert brp_client_from_settings() is None


def test_from_settings_builds_client(settings):
    settings.BRP_API_URL = "https://brp.example.nl/haalcentraal/api/brp/"
    settings.BRP_API_KEY = "sleutel"
    settings.BRP_CLIENT_CERT = "/pad/client.crt"
    settings.BRP_CLIENT_KEY = "/pad/client.key"
    settings.BRP_TIMEOUT = 7
    client = brp_client_from_settings()
    assert client.url == "https://brp.example.nl/haalcentraal/api/brp/personen"
    assert client.session.cert == ("/pad/client.crt", "/pad/client.key")
    assert client.instellingen.timeout == (3.05, 7.0)
