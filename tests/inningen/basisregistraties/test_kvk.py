"""The KvK client over real HTTP against the local fake (conformant to API Basisprofiel 1.5)."""

import pytest

from inningen.basisregistraties.kvk import (
    KvkClient,
    KvkGeweigerd,
    KvkNietBereikbaar,
    KvkNietGevonden,
    KvkOngeldigAntwoord,
    kvk_client_from_settings,
)


@pytest.fixture
def client(basisregistraties_fake):
    return KvkClient(
        basisregistraties_fake.kvk_url,
        basisregistraties_fake.kvk_api_key,
        timeout=(1.0, 1.0),
        wachttijd=0.01,
    )


def test_correspondence_address_is_the_post_address(client, basisregistraties_fake):
    profiel = client.basisprofiel("68750110")
    assert (profiel.kvk_nummer, profiel.naam, profiel.statutaire_naam) == (
        "68750110",
        "Test BV Donald",
        "Test BV Donald",
    )
    assert profiel.rsin == "857587973"
    assert profiel.postadres.type == "correspondentieadres"
    assert profiel.postadres.postbusnummer == 200
    assert profiel.postadres.adresregels == ("Postbus 200", "1000 AE  ROMMELDAM")
    assert profiel.bezoekadres.adresregels == ("Hizzaarderlaan 3A", "8823 SJ  LOLLUM")
    [verzoek] = basisregistraties_fake.verzoeken
    assert verzoek.pad == "/kvk/api/v1/basisprofielen/68750110"
    assert verzoek.headers["apikey"] == basisregistraties_fake.kvk_api_key


def test_falls_back_to_bezoekadres(client):
    profiel = client.basisprofiel("69599084")
    assert profiel.correspondentieadres is None
    assert profiel.postadres.type == "bezoekadres"
    assert profiel.postadres.adresregels == ("Abebe Bikilalaan 17", "1034 WL  AMSTERDAM")
    assert profiel.rsin == ""


def test_without_hoofdvestiging_uses_eigenaar_addresses(client):
    profiel = client.basisprofiel("69599068")
    assert profiel.postadres.adresregels == ("Postbus 12", "7240 AA  LOCHEM")
    assert profiel.rsin == "857588230"


def test_unknown_number_is_niet_gevonden(client):
    with pytest.raises(KvkNietGevonden) as fout:
        client.basisprofiel("12345678")
    assert fout.value.status == 404
    assert "IPD0005" in str(fout.value)


def test_missing_key_is_refused(basisregistraties_fake):
    client = KvkClient(basisregistraties_fake.kvk_url, "", wachttijd=0.01)
    with pytest.raises(KvkGeweigerd) as fout:
        client.basisprofiel("68750110")
    assert fout.value.status == 401


def test_invalid_number_is_checked_locally(client, basisregistraties_fake):
    with pytest.raises(ValueError):
        client.basisprofiel("1234")
    assert basisregistraties_fake.verzoeken == []


def test_down_gives_niet_bereikbaar(client, basisregistraties_fake):
    basisregistraties_fake.modus = "down"
    with pytest.raises(KvkNietBereikbaar, match="HTTP 503 na 3 pogingen"):
        client.basisprofiel("68750110")


def test_503_then_success_is_retried(client, basisregistraties_fake):
    basisregistraties_fake.storingen = 1
    assert client.basisprofiel("68750110").naam == "Test BV Donald"


def test_malformed_json_gives_ongeldig_antwoord(client, basisregistraties_fake):
    basisregistraties_fake.modus = "kapot"
    with pytest.raises(KvkOngeldigAntwoord):
        client.basisprofiel("68750110")


def test_from_settings(settings):
    settings.KVK_API_URL = ""
    assert kvk_client_from_settings() is None
    settings.KVK_API_URL = "https://api.kvk.nl/test/api/v1"
    settings.KVK_API_KEY = "sleutel"
    settings.KVK_CA_BUNDLE = "/pad/pkio-private-root.pem"
    client = kvk_client_from_settings()
    assert client.base_url == "https://api.kvk.nl/test/api/v1"
    assert client.session.verify == "/pad/pkio-private-root.pem"
