"""Uitgaande berichten: elk bericht valideert tegen het officiële schema."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest
from lxml import etree

from stuffin.stuf.berichten import (
    Adres,
    Boeking,
    Debiteur,
    FinancieleVerantwoording,
    NatuurlijkPersoon,
    NietNatuurlijkPersoon,
    Systeem,
    VorderendeOrganisatie,
    Vordering,
    Vorderingstatus,
    VorderingStatusWijziging,
)
from stuffin.stuf.build import (
    MELDING_MEER_OBJECTEN,
    ONBEKENDE_APPLICATIE,
    build_bv03,
    build_di01_financiele_verantwoording,
    build_di01_statuswijziging,
    build_fo02,
    build_fo03,
    build_vrd_la01,
)
from stuffin.stuf.fouten import Foutcode, StufFout
from stuffin.stuf.parse import (
    parse_di01_financiele_verantwoording,
    parse_di01_statuswijziging,
    parse_di01_verstrek_vordering,
    parse_stuurgegevens,
    parse_vrd_lv01,
)
from stuffin.stuf.soap import envelope, unwrap_envelope
from stuffin.stuf.tijd import NL
from stuffin.stuf.xml import parse_xml, proces_schema, schema_fouten, vraag_antwoord_schema

from .hulp import NS, lees, tekst, xpath

NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
NOVALUE = "{http://www.egem.nl/StUF/StUF0301}noValue"


def assert_proces_geldig(el: etree._Element) -> None:
    assert schema_fouten(el, proces_schema()) == []


def assert_vraag_antwoord_geldig(el: etree._Element) -> None:
    assert schema_fouten(el, vraag_antwoord_schema()) == []


def _ontvangen(naam: str = "Di01-verstrekVordering-max.xml"):
    return parse_stuurgegevens(parse_xml(lees(naam)).find("FIN:stuurgegevens", NS))


def _vorderingen(naam: str) -> list[Vordering]:
    return parse_di01_verstrek_vordering(parse_xml(lees(naam))).vorderingen


def _vraag(naam: str):
    return parse_vrd_lv01(parse_xml(lees(naam)))


# --- Bv03 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "naam", ["Di01-verstrekVordering-min.xml", "Di01-verstrekVordering-max.xml"]
)
def test_bv03(naam, eigen, tijdstip):
    ontvangen = _ontvangen(naam)
    bv03 = build_bv03(
        ontvangen=ontvangen, eigen=eigen, referentienummer="bv03-1", tijdstip=tijdstip
    )
    assert_proces_geldig(bv03)
    assert bv03.tag == f"{{{NS['StUF']}}}Bv03Bericht"
    assert tekst(bv03, "StUF:stuurgegevens/StUF:berichtcode") == "Bv03"
    assert tekst(bv03, "StUF:stuurgegevens/StUF:zender/StUF:applicatie") == "Inningen"
    assert tekst(bv03, "StUF:stuurgegevens/StUF:zender/StUF:organisatie") == "Gemeente Teststad"
    ontvanger = parse_stuurgegevens(bv03.find("StUF:stuurgegevens", NS)).ontvanger
    assert ontvanger == ontvangen.zender
    assert tekst(bv03, "StUF:stuurgegevens/StUF:referentienummer") == "bv03-1"
    assert tekst(bv03, "StUF:stuurgegevens/StUF:crossRefnummer") == ontvangen.referentienummer
    assert tekst(bv03, "StUF:stuurgegevens/StUF:tijdstipBericht") == "20260314150926535"
    # Verpakt in een envelope blijft het geldig.
    assert_proces_geldig(unwrap_envelope(parse_xml(envelope(bv03))))


def test_bv03_controleert_refnummer_en_applicatie(eigen, tijdstip):
    with pytest.raises(ValueError, match="Refnummer"):
        build_bv03(
            ontvangen=_ontvangen(), eigen=eigen, referentienummer="x" * 41, tijdstip=tijdstip
        )
    with pytest.raises(ValueError, match="applicatie"):
        build_bv03(
            ontvangen=_ontvangen(),
            eigen=Systeem(applicatie="AB"),
            referentienummer="1",
            tijdstip=tijdstip,
        )


# --- Fo03 / Fo02 --------------------------------------------------------------------------------


def test_fo03(eigen, tijdstip):
    ontvangen = _ontvangen("Di01-verstrekVordering-min.xml")
    fout = StufFout(Foutcode.FIN001, "KING00009999 is al ontvangen op 2026-03-01")
    fo03 = build_fo03(
        fout=fout, ontvangen=ontvangen, eigen=eigen, referentienummer="fo-1", tijdstip=tijdstip
    )
    assert_proces_geldig(fo03)
    assert tekst(fo03, "StUF:stuurgegevens/StUF:berichtcode") == "Fo03"
    assert tekst(fo03, "StUF:stuurgegevens/StUF:ontvanger/StUF:applicatie") == "STP"
    assert tekst(fo03, "StUF:stuurgegevens/StUF:crossRefnummer") == "1234567890"
    assert tekst(fo03, "StUF:body/StUF:code") == "FIN001"
    assert tekst(fo03, "StUF:body/StUF:plek") == "client"
    assert tekst(fo03, "StUF:body/StUF:omschrijving") == Foutcode.FIN001.omschrijving
    assert tekst(fo03, "StUF:body/StUF:details") == "KING00009999 is al ontvangen op 2026-03-01"


def test_fo03_zonder_leesbare_stuurgegevens_en_met_lange_details(eigen, tijdstip):
    fout = StufFout(Foutcode.STUF055, "x" * 5000)
    fo03 = build_fo03(
        fout=fout, ontvangen=None, eigen=eigen, referentienummer="fo-2", tijdstip=tijdstip
    )
    assert_proces_geldig(fo03)
    assert tekst(fo03, "StUF:stuurgegevens/StUF:ontvanger/StUF:applicatie") == ONBEKENDE_APPLICATIE
    assert (
        tekst(fo03, "StUF:stuurgegevens/StUF:crossRefnummer") is None
        or tekst(fo03, "StUF:stuurgegevens/StUF:crossRefnummer") == ""
    )
    details = tekst(fo03, "StUF:body/StUF:details")
    assert details is not None and len(details) == 1000 and details.endswith("…")


def test_fo02(tijdstip):
    fo02 = build_fo02(fout=StufFout(Foutcode.FIN014, "vorderingnummer 1234567890"))
    assert_vraag_antwoord_geldig(fo02)
    assert_proces_geldig(fo02)
    assert [etree.QName(k).localname for k in fo02.find("StUF:stuurgegevens", NS)] == [
        "berichtcode"
    ]
    assert tekst(fo02, "StUF:stuurgegevens/StUF:berichtcode") == "Fo02"
    assert tekst(fo02, "StUF:body/StUF:code") == "FIN014"
    assert fo02.find("StUF:body/StUF:details", NS).text == "vorderingnummer 1234567890"
    zonder_details = build_fo02(fout=StufFout(Foutcode.STUF058))
    assert zonder_details.find("StUF:body/StUF:details", NS) is None
    assert_vraag_antwoord_geldig(zonder_details)


# --- Di01-verstrekVorderingStatusWijziging ------------------------------------------------------

TSA_ONTVANGER = Systeem(organisatie="KING", applicatie="STP", administratie="test")


def _wijziging_min() -> VorderingStatusWijziging:
    return VorderingStatusWijziging(
        vorderingnummer="KING00009999",
        tsa="test" * 50,
        status=Vorderingstatus(status="VRW", datum_en_tijd=datetime(2026, 3, 14, 9, 0, tzinfo=NL)),
    )


def _wijziging_max() -> VorderingStatusWijziging:
    return VorderingStatusWijziging(
        vorderingnummer="1234567890",
        tsa="belastingen",
        status=Vorderingstatus(
            status="BET",
            datum_en_tijd=datetime(2026, 3, 14, 9, 0, 12, tzinfo=UTC),
            totaal_betaald=24200,
            deel_bedrag_betaald=4200,
            opmerkingen="Volledig betaald via iDEAL",
        ),
        vorderende_organisatie=VorderendeOrganisatie(
            nnp_id="002220647",
            statutaire_naam="Gemeente Teststad",
            rechtsvorm="publiekrechtelijke rechtspersoon",
            adres=Adres(
                straatnaam="Raadhuisplein",
                openbare_ruimte_naam="Raadhuisplein",
                huisnummer=1,
                postcode="1234AB",
                woonplaats="Teststad",
            ),
        ),
    )


@pytest.mark.parametrize(
    "wijzigingen",
    [[_wijziging_min()], [_wijziging_max(), _wijziging_min()]],
    ids=["min", "max"],
)
def test_statuswijziging_valideert_en_is_terug_te_lezen(wijzigingen, eigen, tijdstip):
    di01 = build_di01_statuswijziging(
        eigen=eigen,
        ontvanger=TSA_ONTVANGER,
        referentienummer="sw-1",
        tijdstip=tijdstip,
        wijzigingen=wijzigingen,
    )
    assert_proces_geldig(di01)
    assert tekst(di01, "FIN:stuurgegevens/StUF:functie") == "verstrekVorderngStatusWijzigng"
    assert tekst(di01, "FIN:stuurgegevens/StUF:ontvanger/StUF:applicatie") == "STP"
    assert len(xpath(di01, "FIN:vrdLk01")) == len(wijzigingen)
    assert xpath(di01, "FIN:vrdLk01/FIN:object/@StUF:verwerkingssoort") == ["W"] * len(wijzigingen)
    terug = parse_di01_statuswijziging(di01)
    assert terug.stuurgegevens.referentienummer == "sw-1"
    assert terug.wijzigingen == wijzigingen


def test_statuswijziging_zonder_wijzigingen_of_status(eigen, tijdstip):
    kwargs = dict(eigen=eigen, ontvanger=TSA_ONTVANGER, referentienummer="x", tijdstip=tijdstip)
    with pytest.raises(ValueError):
        build_di01_statuswijziging(wijzigingen=[], **kwargs)
    zonder = dataclasses.replace(_wijziging_min(), status=Vorderingstatus(status="VRW"))
    with pytest.raises(ValueError, match="datum_en_tijd"):
        build_di01_statuswijziging(wijzigingen=[zonder], **kwargs)


# --- Di01-verstrekFinancieleVerantwoording ------------------------------------------------------

FINANCIEN = Systeem(organisatie="Gemeente Teststad", applicatie="Financien")


def _verantwoording_min() -> FinancieleVerantwoording:
    return FinancieleVerantwoording(
        verantwoordingsnummer="FVW-2026-03",
        datum_en_tijd=datetime(2026, 4, 1, 6, 0, tzinfo=NL),
        begindatum=date(2026, 3, 1),
        einddatum=date(2026, 3, 31),
        boekingen=[Boeking("8000", 12100, 10000, 2100)],
    )


def _verantwoording_max() -> FinancieleVerantwoording:
    return FinancieleVerantwoording(
        verantwoordingsnummer="FVW-2026-04",
        datum_en_tijd=datetime(2026, 5, 1, 6, 0, 30, tzinfo=UTC),
        begindatum=date(2026, 4, 1),
        einddatum=date(2026, 4, 30),
        omschrijving="April 2026",
        boekingen=[
            Boeking("8000", 24200, 20000, 4200),
            Boeking("1300", -12100, -10000, -2100),
            Boeking("9999", None, None, None),
        ],
        vorderende_organisatie=VorderendeOrganisatie(
            nnp_id="002220647", statutaire_naam="Gemeente Teststad"
        ),
    )


@pytest.mark.parametrize(
    "verantwoordingen",
    [[_verantwoording_min()], [_verantwoording_max(), _verantwoording_min()]],
    ids=["min", "max"],
)
def test_financiele_verantwoording_valideert_en_is_terug_te_lezen(
    verantwoordingen, eigen, tijdstip
):
    di01 = build_di01_financiele_verantwoording(
        eigen=eigen,
        ontvanger=FINANCIEN,
        referentienummer="fvw-1",
        tijdstip=tijdstip,
        verantwoordingen=verantwoordingen,
    )
    assert_proces_geldig(di01)
    assert tekst(di01, "FIN:stuurgegevens/StUF:functie") == "verstrekFinVerantwoording"
    assert len(xpath(di01, "FIN:fvwLk01/FIN:object")) == len(verantwoordingen)
    terug = parse_di01_financiele_verantwoording(di01)
    assert terug.verantwoordingen == verantwoordingen
    if len(verantwoordingen) > 1:
        nil = xpath(di01, "FIN:fvwLk01[1]/FIN:object/FIN:boeking[3]/FIN:boekingbedragBTW")[0]
        assert (nil.get(NIL), nil.get(NOVALUE)) == ("true", "geenWaarde")


def test_financiele_verantwoording_zonder_boeking(eigen, tijdstip):
    leeg = dataclasses.replace(_verantwoording_min(), boekingen=[])
    with pytest.raises(ValueError, match="boeking"):
        build_di01_financiele_verantwoording(
            eigen=eigen,
            ontvanger=FINANCIEN,
            referentienummer="x",
            tijdstip=tijdstip,
            verantwoordingen=[leeg],
        )


# --- vrdLa01 ------------------------------------------------------------------------------------


def _la01(vraag, vorderingen, eigen, **kwargs) -> etree._Element:
    la01 = build_vrd_la01(vraag=vraag, eigen=eigen, vorderingen=vorderingen, **kwargs)
    assert_vraag_antwoord_geldig(la01)
    return la01


def _paden(el: etree._Element, voorvoegsel: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Alle elementpaden (lokale namen) onder ``el``."""
    paden: set[tuple[str, ...]] = set()
    for kind in el:
        if isinstance(kind.tag, str):
            pad = (*voorvoegsel, etree.QName(kind).localname)
            paden.add(pad)
            paden |= _paden(kind, pad)
    return paden


def test_la01_min_scope_bevat_precies_nummer_en_status(eigen):
    vraag = _vraag("vrdLv01-min.xml")
    la01 = _la01(vraag, _vorderingen("Di01-verstrekVordering-max.xml"), eigen)
    sg = la01.find("FIN:stuurgegevens", NS)
    assert [etree.QName(k).localname for k in sg] == [
        "berichtcode",
        "zender",
        "ontvanger",
        "entiteittype",
    ]
    assert tekst(sg, "StUF:berichtcode") == "La01"
    assert tekst(sg, "StUF:ontvanger/StUF:applicatie") == "STP"
    assert len(la01.find("FIN:parameters", NS)) == 0
    objecten = xpath(la01, "FIN:antwoord/FIN:object")
    assert len(objecten) == 2
    for obj in objecten:
        assert obj.get(f"{{{NS['StUF']}}}entiteittype") == "VRD"
        assert [etree.QName(k).localname for k in obj] == ["vorderingnummer", "vorderingstatus"]
        assert [etree.QName(k).localname for k in obj.find("FIN:vorderingstatus", NS)] == [
            "totaalBetaald",
            "deelBedragBetaald",
            "opmerkingen",
            "status",
            "datumEnTijd",
        ]
    assert tekst(objecten[0], "FIN:vorderingnummer") == "KING00009999"
    assert tekst(objecten[0], "FIN:vorderingstatus/FIN:status") == "VRW"
    assert tekst(objecten[0], "FIN:vorderingstatus/FIN:totaalBetaald") == "60"
    assert tekst(objecten[0], "FIN:vorderingstatus/FIN:datumEnTijd") == "2001-12-17T09:30:47Z"


def test_la01_min_scope_status_zonder_optionele_bedragen(eigen):
    [vordering] = _vorderingen("Di01-verstrekVordering-min.xml")
    vordering.vorderingstatus = Vorderingstatus(
        status="ONV", datum_en_tijd=datetime(2026, 3, 14, 10, 0, tzinfo=NL)
    )
    la01 = _la01(_vraag("vrdLv01-min.xml"), [vordering], eigen)
    status = la01.find("FIN:antwoord/FIN:object/FIN:vorderingstatus", NS)
    assert tekst(status, "FIN:status") == "ONV"
    assert tekst(status, "FIN:datumEnTijd") == "2026-03-14T10:00:00+01:00"
    betaald = status.find("FIN:totaalBetaald", NS)
    assert (betaald.get(NIL), betaald.get(NOVALUE), betaald.text) == ("true", "geenWaarde", None)


def test_la01_max_scope_volgt_de_scope_precies(eigen):
    vraag = _vraag("vrdLv01-max.xml")
    vorderingen = _vorderingen("Di01-verstrekVordering-max.xml")
    la01 = _la01(vraag, vorderingen, eigen)
    assert tekst(la01, "FIN:stuurgegevens/StUF:ontvanger/StUF:organisatie") == "KING"
    scope_paden = _paden(vraag.scope)
    objecten = xpath(la01, "FIN:antwoord/FIN:object")
    assert len(objecten) == 2
    for obj in objecten:
        antwoord_paden = _paden(obj)
        # Niets buiten de scope ...
        assert antwoord_paden <= scope_paden, sorted(antwoord_paden - scope_paden)
        # ... en alles uit de scope, behalve de inhoud van relaties die we niet ondersteunen
        # (die gaan als leeg element met StUF:noValue="nietOndersteund").
        ontbreekt = scope_paden - antwoord_paden
        niet_ondersteund = {
            pad[: i + 1]
            for pad in ontbreekt
            for i, naam in enumerate(pad)
            if naam
            in {
                "inp.heeftAlsEchtgenootPartner",
                "inp.heeftAlsKinderen",
                "inp.heeftAlsOuders",
                "inp.heeftAlsNationaliteit",
                "isVan",
            }
        }
        assert all(any(pad[: len(n)] == n for n in niet_ondersteund) for pad in ontbreekt), sorted(
            ontbreekt
        )
        # De scope vraagt niet naar heeftBetrekkingOpVordering en de organisatorische eenheid.
        assert obj.find("FIN:heeftBetrekkingOpVordering", NS) is None
        assert obj.find("FIN:isOpgelegdDoorOrganisatischeEenheid", NS) is None

    eerste, tweede = objecten
    debiteur = "FIN:wordtBetaaldDoorNatuurlijkPersoonAlsDebiteur"
    assert tekst(tweede, f"{debiteur}/FIN:gerelateerde/BG:inp.bsn") == "555555112"
    assert tekst(tweede, f"{debiteur}/FIN:gerelateerde/BG:geslachtsnaam") == "tester"
    assert tekst(tweede, f"{debiteur}/FIN:gerelateerde/BG:geboortedatum") == "19642424"
    assert tekst(tweede, f"{debiteur}/FIN:gerelateerde/BG:verblijfsadres/BG:gor.straatnaam") == (
        "teststraat"
    )
    assert tekst(tweede, f"{debiteur}/FIN:debiteurnummer") == "String"
    assert xpath(tweede, f"{debiteur}/@StUF:entiteittype") == ["VRDNPSDEB"]
    assert xpath(tweede, f"{debiteur}/FIN:gerelateerde/@StUF:entiteittype") == ["NPS"]
    assert tekst(tweede, "FIN:heeftAlsVorderendeOrganisatie/FIN:gerelateerde/BG:inn.nnpId") == (
        "000000000"
    )
    assert tekst(tweede, "FIN:isOntstaanInZaak/FIN:gerelateerde/ZKN:identificatie") == "00009999"
    assert tekst(eerste, "FIN:totaalbedragInclBTW") == "242"
    assert len(xpath(eerste, "FIN:vorderingsregel")) == 2
    assert [etree.QName(k).localname for k in eerste][:4] == [
        "vorderingnummer",
        "factuurnummer",
        "creatiedatum",
        "factuurdatum",
    ]
    # Gevraagd maar niet ondersteund: leeg met noValue, zoals StUF 03.01 §3.4 voorschrijft.
    partner = tweede.find(f"{debiteur}/FIN:gerelateerde/BG:inp.heeftAlsEchtgenootPartner", NS)
    assert (partner.get(NIL), partner.get(NOVALUE), len(partner)) == ("true", "nietOndersteund", 0)
    fax = tweede.find(f"{debiteur}/FIN:gerelateerde/BG:sub.faxnummer", NS)
    assert (fax.get(NIL), fax.get(NOVALUE)) == ("true", "nietOndersteund")
    extra = tweede.find(f"{debiteur}/StUF:extraElementen/StUF:extraElement", NS)
    assert extra.get("naam") == "String" and extra.get(NOVALUE) == "nietOndersteund"
    # Leeg in het bericht (aoa.huisnummertoevoeging) = geen waarde.
    toevoeging = tweede.find(
        f"{debiteur}/FIN:gerelateerde/BG:verblijfsadres/BG:aoa.huisnummertoevoeging", NS
    )
    assert (toevoeging.get(NIL), toevoeging.get(NOVALUE)) == ("true", "geenWaarde")


def test_la01_max_scope_voor_de_min_vordering(eigen):
    [vordering] = _vorderingen("Di01-verstrekVordering-min.xml")
    la01 = _la01(_vraag("vrdLv01-max.xml"), [vordering], eigen)
    obj = la01.find("FIN:antwoord/FIN:object", NS)
    factuurnummer = obj.find("FIN:factuurnummer", NS)
    assert (factuurnummer.get(NIL), factuurnummer.get(NOVALUE)) == ("true", "geenWaarde")
    # Geen debiteur bekend: de gevraagde relatie gaat leeg mee met geenWaarde.
    debiteur = obj.find("FIN:wordtBetaaldDoorNatuurlijkPersoonAlsDebiteur", NS)
    assert debiteur.get(NIL) == "true" and debiteur.get(NOVALUE) == "geenWaarde"
    assert debiteur.get(f"{{{NS['StUF']}}}entiteittype") == "VRDNPSDEB" and len(debiteur) == 0
    # Groepen zonder voorkomens kennen geen noValue: ze ontbreken.
    for groep in (
        "automatischeIncasso",
        "invorderingsSchema",
        "vorderingstatus",
        "totaalregelsBTW",
    ):
        assert obj.find(f"FIN:{groep}", NS) is None
    # De vorderende organisatie bestaat altijd, ook als het bericht hem leeg liet.
    nnp_id = obj.find("FIN:heeftAlsVorderendeOrganisatie/FIN:gerelateerde/BG:inn.nnpId", NS)
    assert nnp_id.get(NOVALUE) == "geenWaarde"
    zaak = obj.find("FIN:isOntstaanInZaak", NS)
    assert (
        zaak.get(NOVALUE) == "geenWaarde" and zaak.get(f"{{{NS['StUF']}}}entiteittype") == "VRDZAK"
    )


def _zonder_scope(vraag):
    return dataclasses.replace(vraag, scope=None, scope_attribuut="")


def test_la01_zonder_scope_geeft_alles_wat_we_kennen(eigen):
    vraag = _zonder_scope(_vraag("vrdLv01-max.xml"))
    la01 = _la01(vraag, _vorderingen("Di01-verstrekVordering-max.xml"), eigen)
    tweede = xpath(la01, "FIN:antwoord/FIN:object")[1]
    assert tekst(tweede, "FIN:heeftBetrekkingOpVordering/FIN:gerelateerde/FIN:vorderingnummer") == (
        "KING00009999"
    )
    assert xpath(tweede, "FIN:heeftBetrekkingOpVordering/FIN:gerelateerde/@StUF:entiteittype") == [
        "VRD"
    ]
    assert (
        tekst(tweede, "FIN:isOpgelegdDoorOrganisatischeEenheid/FIN:gerelateerde/ZKN:naam") == "test"
    )
    assert tekst(tweede, "FIN:tsa") == "test" * 50
    # Niets dat we niet kennen: geen nietOndersteund zonder dat erom gevraagd is.
    assert xpath(tweede, ".//*[@StUF:noValue='nietOndersteund']") == []


@pytest.mark.parametrize("attribuut", ["alles", "allesZonderMetagegevens"])
def test_la01_scope_alles(attribuut, eigen):
    vraag = dataclasses.replace(_vraag("vrdLv01-max.xml"), scope=None, scope_attribuut=attribuut)
    zonder = _la01(_zonder_scope(vraag), _vorderingen("Di01-verstrekVordering-max.xml"), eigen)
    alles = _la01(vraag, _vorderingen("Di01-verstrekVordering-max.xml"), eigen)
    assert etree.tostring(alles) == etree.tostring(zonder)


def test_la01_scope_kerngegevens(eigen):
    vraag = dataclasses.replace(
        _vraag("vrdLv01-max.xml"), scope=None, scope_attribuut="kerngegevens"
    )
    la01 = _la01(vraag, _vorderingen("Di01-verstrekVordering-max.xml")[:1], eigen)
    obj = la01.find("FIN:antwoord/FIN:object", NS)
    assert [etree.QName(k).localname for k in obj] == [
        "vorderingnummer",
        "heeftAlsVorderendeOrganisatie",
    ]
    assert [
        etree.QName(k).localname
        for k in obj.find("FIN:heeftAlsVorderendeOrganisatie/FIN:gerelateerde", NS)
    ] == [
        "inn.nnpId",
        "statutaireNaam",
        "inn.rechtsvorm",
    ]


def _nnp_debiteur_vordering() -> Vordering:
    [vordering] = _vorderingen("Di01-verstrekVordering-min.xml")
    vordering.debiteur = Debiteur(
        niet_natuurlijk_persoon=NietNatuurlijkPersoon(
            nnp_id="002220647",
            statutaire_naam="Bakkerij De Korenbloem B.V.",
            rechtsvorm="besloten vennootschap",
            adres=Adres(
                straatnaam="Een heel erg lange straatnaam die niet past",
                openbare_ruimte_naam="Een heel erg lange straatnaam die niet past",
                huisnummer=12,
                huisletter="b",
                postcode="1234AB",
                woonplaats="Teststad",
            ),
            telefoonnummer="0201234567",
            emailadres="info@korenbloem.example",
        ),
        debiteurnummer="D-42",
    )
    return vordering


def test_la01_niet_natuurlijk_persoon_zonder_scope(eigen):
    vraag = _zonder_scope(_vraag("vrdLv01-min.xml"))
    la01 = _la01(vraag, [_nnp_debiteur_vordering()], eigen)
    relatie = la01.find(
        "FIN:antwoord/FIN:object/FIN:wordtBetaaldDoorNietNatuurlijkPersoonAlsDebiteur", NS
    )
    assert relatie.get(f"{{{NS['StUF']}}}entiteittype") == "VRDNNPDEB"
    assert tekst(relatie, "FIN:gerelateerde/BG:inn.nnpId") == "002220647"
    assert tekst(relatie, "FIN:gerelateerde/BG:sub.telefoonnummer") == "0201234567"
    assert tekst(relatie, "FIN:debiteurnummer") == "D-42"
    adres = relatie.find("FIN:gerelateerde/BG:bezoekadres", NS)
    assert (
        tekst(adres, "BG:gor.openbareRuimteNaam") == "Een heel erg lange straatnaam die niet past"
    )
    # BG:Straatnaam is maximaal 24 tekens: een langere naam kan daar niet in. Zonder scope gaat
    # wat geen waarde heeft niet mee.
    assert adres.find("BG:gor.straatnaam", NS) is None
    assert tekst(adres, "BG:aoa.huisletter") == "b"
    assert xpath(relatie, ".//*[@StUF:noValue]") == []


def test_la01_nps_gevraagd_maar_debiteur_is_nnp(eigen):
    la01 = _la01(_vraag("vrdLv01-max.xml"), [_nnp_debiteur_vordering()], eigen)
    obj = la01.find("FIN:antwoord/FIN:object", NS)
    nps = obj.find("FIN:wordtBetaaldDoorNatuurlijkPersoonAlsDebiteur", NS)
    assert nps.get(NOVALUE) == "geenWaarde"
    assert obj.find("FIN:wordtBetaaldDoorNietNatuurlijkPersoonAlsDebiteur", NS) is None


def test_la01_buitenlands_adres_en_correspondentieadres(eigen):
    [vordering] = _vorderingen("Di01-verstrekVordering-min.xml")
    vordering.debiteur = Debiteur(
        natuurlijk_persoon=NatuurlijkPersoon(
            bsn="111222333",
            geslachtsnaam="Jansen",
            geboortedatum=date(1980, 5, 17),
            verblijfsadres=Adres(landcode="5010", landnaam="Belgie", adres_buitenland_1="Markt 1"),
            correspondentieadres=Adres(postcode="1234AB", woonplaats="Teststad", huisnummer=3),
        )
    )
    la01 = _la01(_zonder_scope(_vraag("vrdLv01-min.xml")), [vordering], eigen)
    persoon = la01.find(
        "FIN:antwoord/FIN:object/FIN:wordtBetaaldDoorNatuurlijkPersoonAlsDebiteur/FIN:gerelateerde",
        NS,
    )
    assert tekst(persoon, "BG:geboortedatum") == "19800517"
    assert persoon.find("BG:verblijfsadres", NS) is None
    assert tekst(persoon, "BG:sub.verblijfBuitenland/BG:lnd.landcode") == "5010"
    assert tekst(persoon, "BG:sub.correspondentieAdres/BG:postcode") == "1234AB"
    assert tekst(persoon, "BG:sub.correspondentieAdres/BG:aoa.huisnummer") == "3"


def test_la01_melding_vervolgvraag_en_geen_vorderingen(eigen):
    vraag = _vraag("vrdLv01-min.xml")
    leeg = _la01(vraag, [], eigen, melding="Geen vordering gevonden")
    assert leeg.find("FIN:antwoord", NS) is None
    assert xpath(leeg, "FIN:melding/text()") == ["Geen vordering gevonden"]
    meer = _la01(
        vraag,
        _vorderingen("Di01-verstrekVordering-max.xml")[:1],
        eigen,
        indicator_vervolgvraag=True,
        referentienummer="la-1",
        tijdstip=datetime(2026, 3, 14, tzinfo=NL),
    )
    assert xpath(meer, "FIN:melding/text()") == [MELDING_MEER_OBJECTEN]
    # Het schema staat in vrdLa01 geen referentienummer/tijdstip toe.
    assert meer.find("FIN:stuurgegevens/StUF:referentienummer", NS) is None


def test_la01_zonder_zender_in_de_vraag(eigen):
    vraag = _vraag("vrdLv01-min.xml")
    vraag.stuurgegevens.zender = Systeem()
    la01 = _la01(vraag, _vorderingen("Di01-verstrekVordering-min.xml"), eigen)
    assert la01.find("FIN:stuurgegevens/StUF:ontvanger", NS) is None


def test_la01_is_terug_te_lezen_als_vordering(eigen):
    """Het antwoord zonder scope bevat dezelfde gegevens als de ontvangen vordering."""
    origineel = _vorderingen("Di01-verstrekVordering-max.xml")[1]
    la01 = _la01(_zonder_scope(_vraag("vrdLv01-max.xml")), [origineel], eigen)
    obj = la01.find("FIN:antwoord/FIN:object", NS)
    # Het antwoordobject heeft dezelfde vorm als een kennisgevingsobject: lees het met de parser.
    from stuffin.stuf import parse as stuf_parse

    terug = stuf_parse._vordering(obj, 2)
    assert terug == origineel


def test_fo03_blijft_geldig_bij_een_onvalide_verzoek(eigen, tijdstip):
    """Het foutbericht op een afgekeurd verzoek mag zelf nooit ongeldig worden."""
    ontvangen = _ontvangen()
    ontvangen.zender = Systeem(organisatie="o" * 300, applicatie="a" * 80, gebruiker="g" * 150)
    ontvangen.referentienummer = "r" * 60
    fout = StufFout(Foutcode.STUF055, "regel 3: tekst met \x00 en \x1b erin")
    fo03 = build_fo03(
        fout=fout, ontvangen=ontvangen, eigen=eigen, referentienummer="fo-3", tijdstip=tijdstip
    )
    assert_proces_geldig(fo03)
    assert len(tekst(fo03, "StUF:stuurgegevens/StUF:crossRefnummer")) == 40
    assert tekst(fo03, "StUF:body/StUF:details") == "regel 3: tekst met ? en ? erin"
