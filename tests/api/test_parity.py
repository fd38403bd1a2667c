"""Parity: the same claim sent as a StUF Di01 and as JSON stores identical rows.

The Di01 is the official test message Di01-verstrekVordering-max.xml (StUF-FIN test set, made
current as the StUF tests do, its first claim only); the JSON is the same first claim written by hand as a REST client
would. Both go over real HTTP to a live server: the SOAP endpoint with HTTP Basic, the API with a
Bearer token. The API client belongs to another organisation with the same TSA code (allowed:
one TSA code may be held by a koppeling and by API clients), so both claims can exist side by
side and be compared field by field.
"""

import datetime

import pytest
import requests
from django.forms.models import model_to_dict
from django.utils import timezone
from lxml import etree

from api.services.clients import apiclient_save
from inningen.grootboek.models import Vordering
from stuffin.services.koppelingen import koppeling_upsert
from stuffin.stuf import soap
from tests.factories import OrganisatieFactory
from tests.stuffin.conftest import NS, TSA_CODE, WACHTWOORD, officieel_bericht

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def stuf_identiteit(settings):
    settings.STUF_APPLICATIE = "TTA"
    settings.STUF_ORGANISATIE = ""
    settings.STUF_ADMINISTRATIE = ""


def json_van_het_max_bericht(datum: datetime.date, rsin: str) -> dict:
    """The first claim (KING00009999) of Di01-verstrekVordering-max.xml, as JSON."""
    d = datum.isoformat()
    regel = {
        "omschrijving": "test",
        "bedragExclBtw": 100,
        "btwBedrag": 21,
        "bedragInclBtw": 121,
        "btwCategorie": "LAA",
        "btwPercentage": 0.21,  # the message's 21 hundredths of a percent
        "vorderingtype": "AAN",
        "vorderingcode": "1234",
        "toelichting": "test",
        "aantal": 1,
        "eenheid": "test",
        "stuksprijsExclBtw": 1,
    }
    return {
        "vorderingnummer": "KING00009999",
        "factuurnummer": "0987654321",
        "creatiedatum": d,
        "factuurdatum": d,
        "vervaldatum": d,
        "tsaCode": TSA_CODE,
        "vorderendeOrganisatie": rsin,
        "indicatorFactuurUitgestuurd": True,
        "omschrijving": "test",
        "valutacode": "EUR",
        "totaalbedragExclBtw": 200,
        "totaalbedragBtw": 42,
        "totaalbedragInclBtw": 242,
        "taaknummer": "1234",
        "indicatorPubliekrechtelijk": True,
        "regels": [regel, dict(regel)],
        "btwTotaalregels": [{"totaalbedragBtw": 42, "btwCategorie": "VER"}],
        "automatischeIncasso": {
            "machtigingskenmerk": "test",
            "afgiftedatum": d,
            "rekeningnummer": "NL847309983",
            "bic": "RABONLAM",
        },
        "invorderingsregime": "TV",
        "termijnen": [{"datum": d, "termijnbedrag": 20, "vervaldatum": d}],
        "vorderingstatus": {
            "totaalBetaald": 60,
            "deelBedragBetaald": 20,
            "opmerkingen": "test",
            "status": "VRW",
            "datumEnTijd": "2001-12-17T09:30:47Z",
        },
        "debiteur": {
            "debiteurnummer": "String",
            "bsn": "555555112",
            "aNummer": "1000000000",
            "geslachtsnaam": "tester",
            "voorvoegselGeslachtsnaam": "t",
            "voorletters": "t",
            "voornamen": "test",
            "aanduidingNaamgebruik": "V",
            "geslachtsnaamPartner": "test",
            "voorvoegselGeslachtsnaamPartner": "t",
            "aanhefAanschrijving": "t",
            "voornamenAanschrijving": "test",
            "geslachtsnaamAanschrijving": "t",
            "adellijkeTitelPredikaat": "Barones",
            "geslachtsaanduiding": "M",
            "adres": {
                "adresseerbaarObjectIdentificatie": "aaaaaaaaaaaaaaaa",
                "straatnaam": "a",
                "huisnummer": 1,
                "huisletter": "A",
                "postcode": "1000",
                "woonplaats": "a",
                "locatiebeschrijving": "a",
            },
            "telefoonnummer": "a",
            "emailadres": "a",
            "rekeningnummer": "1",
        },
        "zaak": {"identificatie": "aaaaa", "omschrijving": "a"},
        "heeftBetrekkingOp": "a",
        "organisatorischeEenheid": {"identificatie": "a", "naam": "a"},
    }


def alleen_de_eerste_vordering(envelope: bytes) -> bytes:
    """The max message carries two claims for the same person with different addresses; keep
    the first, so the debtor's data after the Di01 is exactly what the JSON carries too."""
    root = etree.fromstring(envelope)
    _eerste, *rest = root.iter(f"{{{NS['FIN']}}}vrdLk01")
    for element in rest:
        element.getparent().remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


_ANDERS_PER_VORDERING = {"id", "uuid", "organisatie", "created_at", "updated_at", "status_datum"}


def _rijen(vordering: Vordering) -> dict:
    """Everything stored for a claim, without what differs by nature (ids, time, organisation,
    who delivered it)."""

    def zonder(obj, *velden):
        return {
            k: v
            for k, v in model_to_dict(obj).items()
            if k not in {"id", "vordering", "organisatie", *velden}
        }

    v = model_to_dict(vordering)
    for veld in _ANDERS_PER_VORDERING | {"organisatorische_eenheid", "machtiging"}:
        v.pop(veld, None)
    eenheid = vordering.organisatorische_eenheid
    machtiging = vordering.machtiging
    return {
        "vordering": v,
        "eenheid": (eenheid.identificatie, eenheid.naam) if eenheid else None,
        "machtiging": zonder(machtiging, "debiteur") if machtiging else None,
        "regels": [zonder(r) for r in vordering.regels.order_by("volgnummer")],
        "termijnen": [zonder(t) for t in vordering.termijnen.order_by("volgnummer")],
        "btw": [zonder(b) for b in vordering.btw_totaalregels.order_by("pk")],
        "boekingen": [
            zonder(b, "termijn", "tegenboeking_van", "door")
            for b in vordering.boekingen.order_by("pk")
        ],
        "statussen": [
            zonder(s, "datum_en_tijd", "door") for s in vordering.statussen.order_by("pk")
        ],
    }


def test_di01_and_json_store_identical_rows(live_server):
    stuf_organisatie = OrganisatieFactory(rsin="002220647", naam="Gemeente Teststad")
    api_organisatie = OrganisatieFactory(naam="Gemeente Elders")
    koppeling_upsert(
        applicatie="STP",
        rol="tsa",
        gebruikersnaam="stp",
        wachtwoord=WACHTWOORD,
        tsa_codes=[TSA_CODE],
        vorderende_organisaties=[stuf_organisatie.rsin],
    )
    token = apiclient_save(
        naam="tsa-rest",
        organisatie=api_organisatie,
        scopes=["vorderingen.aanmaken", "vorderingen.lezen"],
        tsa_codes=[TSA_CODE],
    ).token
    datum = timezone.localdate() + datetime.timedelta(days=30)

    stuf_antwoord = requests.post(
        f"{live_server.url}/stuf/fin0310/VerstrekVorderingOfVerantwoording",
        data=alleen_de_eerste_vordering(
            officieel_bericht("Di01-verstrekVordering-max.xml", vervaldatum=datum)
        ),
        headers={
            "Content-Type": soap.SOAP_CONTENT_TYPE,
            "SOAPAction": f'"{soap.SOAPACTION_DI01_VERSTREK_VORDERING}"',
        },
        auth=("stp", WACHTWOORD),
        timeout=30,
    )
    assert stuf_antwoord.status_code == 200, stuf_antwoord.text[:1000]
    debiteur_na_stuf = model_to_dict(
        Vordering.objects.get(organisatie=stuf_organisatie, vorderingnummer="KING00009999").debiteur
    )

    api_antwoord = requests.post(
        f"{live_server.url}/api/v1/vorderingen",
        json=json_van_het_max_bericht(datum, api_organisatie.rsin),
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert api_antwoord.status_code == 201, api_antwoord.text

    via_stuf = Vordering.objects.get(organisatie=stuf_organisatie, vorderingnummer="KING00009999")
    via_api = Vordering.objects.get(organisatie=api_organisatie, vorderingnummer="KING00009999")
    assert str(via_api.uuid) == api_antwoord.json()["uuid"]
    assert _rijen(via_api) == _rijen(via_stuf)
    # The same person: one debtor, unchanged by the second delivery of the same data.
    assert via_api.debiteur_id == via_stuf.debiteur_id
    via_api.debiteur.refresh_from_db()
    assert model_to_dict(via_api.debiteur) == debiteur_na_stuf
    # The rows hold the message's content, not merely two equal empties.
    rijen = _rijen(via_api)
    assert rijen["vordering"]["totaalbedrag_incl_btw"] == 242
    assert [r["btw_percentage"] for r in rijen["regels"]] == [21, 21]
    assert rijen["termijnen"][0]["bedrag"] == 20
    assert rijen["eenheid"] == ("a", "a")
    assert rijen["machtiging"]["kenmerk"] == "test"
    assert len(rijen["vordering"]["waarschuwingen"]) >= 2
