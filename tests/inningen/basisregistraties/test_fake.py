"""The fake itself answers as the specification describes (raw HTTP, no product client)."""

import json

import pytest
import requests

from inningen.basisregistraties.fake import genereer_persoon


def _post(fake, body, *, key=True, **headers):
    kop = {"Content-Type": "application/json; charset=utf-8", **headers}
    if key:
        kop["X-API-KEY"] = fake.brp_api_key
    return requests.post(f"{fake.brp_url}/personen", data=json.dumps(body), headers=kop, timeout=5)


def _raadpleeg(bsns, fields, **extra):
    return {
        "type": "RaadpleegMetBurgerservicenummer",
        "burgerservicenummer": bsns,
        "fields": fields,
        **extra,
    }


def test_401_problem_without_key(basisregistraties_fake):
    antwoord = _post(basisregistraties_fake, _raadpleeg(["999990500"], ["naam"]), key=False)
    assert antwoord.status_code == 401
    assert antwoord.headers["Content-Type"] == "application/problem+json"
    assert antwoord.json()["code"] == "authentication"


def test_more_than_20_bsns_is_refused(basisregistraties_fake):
    antwoord = _post(basisregistraties_fake, _raadpleeg(["999990500"] * 21, ["naam"]))
    probleem = antwoord.json()
    assert antwoord.status_code == 400
    assert probleem["code"] == "paramsValidation"
    assert probleem["invalidParams"] == [
        {
            "name": "burgerservicenummer",
            "code": "maxItems",
            "reason": "Array bevat meer dan 20 items.",
        }
    ]


@pytest.mark.parametrize(
    ("body", "naam", "code"),
    [
        ({"burgerservicenummer": ["999990500"], "fields": ["naam"]}, "type", "required"),
        ({"type": "Bestaat", "fields": ["naam"]}, "type", "value"),
        (_raadpleeg(["999990500"], None), "fields", "required"),
        (_raadpleeg(["999990500"], []), "fields", "minItems"),
        (_raadpleeg(["999990500"], "naam,geslacht"), "fields", "array"),
        (_raadpleeg(["999990500"], ["a*nummer"]), "fields[0]", "pattern"),
        (_raadpleeg(["999990500"], ["anummer"]), "fields[0]", "fields"),
        (
            _raadpleeg(["999990500"], ["adressering.indicatieVastgesteldVerblijftNietOpAdres"]),
            "fields[0]",
            "fields",
        ),
        (_raadpleeg(["1234567890"], ["naam"]), "burgerservicenummer[0]", "pattern"),
        (_raadpleeg([], ["naam"]), "burgerservicenummer", "minItems"),
        (
            _raadpleeg(["999990500"], ["naam"], gemeenteVanInschrijving="123"),
            "gemeenteVanInschrijving",
            "pattern",
        ),
        (_raadpleeg(["999990500"], ["naam"], voornamen="Piet"), "voornamen", "unknownParam"),
    ],
)
def test_validation_like_the_specification(basisregistraties_fake, body, naam, code):
    if body.get("fields") is None and "fields" in body:
        del body["fields"]
    antwoord = _post(basisregistraties_fake, body)
    assert antwoord.status_code == 400
    assert [(p["name"], p["code"]) for p in antwoord.json()["invalidParams"]] == [(naam, code)]


def test_only_requested_fields_nested(basisregistraties_fake):
    antwoord = _post(
        basisregistraties_fake,
        _raadpleeg(["999990500"], ["naam.geslachtsnaam", "verblijfplaats.datumVan"]),
    )
    assert antwoord.status_code == 200
    assert antwoord.json() == {
        "type": "RaadpleegMetBurgerservicenummer",
        "personen": [
            {
                "naam": {"geslachtsnaam": "Prins"},
                "verblijfplaats": {
                    "type": "Adres",
                    "datumVan": {
                        "type": "Datum",
                        "datum": "1987-11-27",
                        "langFormaat": "27 november 1987",
                    },
                },
            }
        ],
    }


def test_group_field_returns_the_whole_group(basisregistraties_fake):
    antwoord = _post(basisregistraties_fake, _raadpleeg(["999990500"], ["geslacht"]))
    assert antwoord.json()["personen"] == [{"geslacht": {"code": "V", "omschrijving": "vrouw"}}]


def test_automatic_fields_come_unasked(basisregistraties_fake):
    antwoord = _post(
        basisregistraties_fake, _raadpleeg(["999994785", "999993926"], ["burgerservicenummer"])
    )
    geheim, overleden = antwoord.json()["personen"]
    assert geheim == {"burgerservicenummer": "999994785", "geheimhoudingPersoonsgegevens": True}
    assert overleden["opschortingBijhouding"]["reden"] == {
        "code": "O",
        "omschrijving": "overlijden",
    }


def test_gemeente_van_inschrijving_filters(basisregistraties_fake):
    antwoord = _post(
        basisregistraties_fake,
        _raadpleeg(
            ["999990500", "999991280"], ["burgerservicenummer"], gemeenteVanInschrijving="0441"
        ),
    )
    assert antwoord.json()["personen"] == [{"burgerservicenummer": "999991280"}]


def test_accept_and_content_type_are_checked(basisregistraties_fake):
    assert (
        _post(
            basisregistraties_fake, _raadpleeg(["999990500"], ["naam"]), Accept="application/xml"
        ).status_code
        == 406
    )
    assert (
        _post(
            basisregistraties_fake,
            _raadpleeg(["999990500"], ["naam"]),
            **{"Content-Type": "text/plain"},
        ).status_code
        == 415
    )


def test_generated_persons_only_when_asked_and_deterministic(basisregistraties_fake):
    body = _raadpleeg(["900000001"], ["adressering"])
    assert _post(basisregistraties_fake, body).json()["personen"] == []
    basisregistraties_fake.genereer_onbekende = True
    eerste = _post(basisregistraties_fake, body).json()["personen"]
    assert eerste == _post(basisregistraties_fake, body).json()["personen"]
    assert eerste[0]["adressering"] == genereer_persoon("900000001")["adressering"]


def test_latency_is_applied(basisregistraties_fake):
    basisregistraties_fake.vertraging_ms = 50
    antwoord = _post(basisregistraties_fake, _raadpleeg(["999990500"], ["naam"]))
    assert antwoord.elapsed.total_seconds() >= 0.05


def test_kvk_unknown_query_parameter_is_refused(basisregistraties_fake):
    antwoord = requests.get(
        f"{basisregistraties_fake.kvk_url}/basisprofielen/68750110?bestaatNiet=1",
        headers={"apikey": basisregistraties_fake.kvk_api_key},
        timeout=5,
    )
    assert antwoord.status_code == 400
    assert "fout" in antwoord.json()
