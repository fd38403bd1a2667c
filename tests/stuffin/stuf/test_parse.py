"""Van de officiële testberichten naar dataclasses, met de exacte waarden."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime

import pytest
from lxml import etree

from stuffin.stuf.berichten import (
    Adres,
    Bevestiging,
    Foutbericht,
    Systeem,
    Vorderingsregel,
)
from stuffin.stuf.fouten import Foutcode, StufFout
from stuffin.stuf.parse import (
    parse_answer,
    parse_di01_financiele_verantwoording,
    parse_di01_statuswijziging,
    parse_di01_verstrek_vordering,
    parse_stuurgegevens,
    parse_vrd_lv01,
)
from stuffin.stuf.xml import parse_xml, proces_schema

from .hulp import NS, lees

TSA = "test" * 50


def _di01(naam: str):
    return parse_di01_verstrek_vordering(parse_xml(lees(naam)))


# --- Di01-verstrekVordering max ----------------------------------------------------------------


def test_di01_max_stuurgegevens():
    sg = _di01("Di01-verstrekVordering-max.xml").stuurgegevens
    assert sg.berichtcode == "Di01"
    assert sg.zender == Systeem("KING", "STP", "test", "test")
    assert sg.ontvanger == Systeem("leverancier", "TTA", "test", "test")
    assert sg.referentienummer == "739483746"
    assert sg.tijdstip_bericht == "00000000"
    assert sg.functie == "verstrekVordering"
    assert sg.crossrefnummer == "" and sg.entiteittype == ""


def test_di01_max_eerste_vordering():
    bericht = _di01("Di01-verstrekVordering-max.xml")
    assert [v.vorderingnummer for v in bericht.vorderingen] == ["KING00009999", "1234567890"]
    assert [v.volgnummer for v in bericht.vorderingen] == [1, 2]
    v = bericht.vorderingen[0]
    assert v.factuurnummer == "0987654321"
    assert v.creatiedatum == v.factuurdatum == v.vervaldatum == date(1957, 8, 13)
    assert v.tsa == TSA
    assert v.indicator_factuur_uitgestuurd is True
    assert v.indicator_publiekrechtelijk is True
    assert v.algemene_factuuromschrijving == "test"
    assert v.valutacode == "EUR"
    assert (v.totaalbedrag_excl_btw, v.totaalbedrag_btw, v.totaalbedrag_incl_btw) == (200, 42, 242)
    assert v.taaknummer == "1234"
    assert (
        v.regels
        == [
            Vorderingsregel(
                bedrag_excl_btw=100,
                bedrag_incl_btw=121,
                bedrag_btw=21,
                btw_categorie="LAA",
                btw_percentage=21,
                vorderingtype="AAN",
                vorderingcode="1234",
                vorderingtoelichting="test",
                vorderingomschrijving="test",
                aantal=1,
                eenheid="test",
                stuksprijs_excl_btw=1,
            )
        ]
        * 2
    )
    assert [(b.totaalbedrag_btw, b.btw_categorie) for b in v.btw_totaalregels] == [(42, "VER")]
    incasso = v.automatische_incasso
    assert incasso is not None
    assert (incasso.machtigingskenmerk, incasso.afgiftedatum) == ("test", date(1957, 8, 13))
    assert (incasso.rekeningnummer, incasso.bic) == ("NL847309983", "RABONLAM")
    schema = v.invorderingsschema
    assert schema is not None and schema.invorderingsregime == "TV"
    assert [(t.datum, t.termijnbedrag, t.vervaldatum) for t in schema.termijnen] == [
        (date(1957, 8, 13), 20, date(1957, 8, 13))
    ]
    status = v.vorderingstatus
    assert status is not None
    assert (status.status, status.totaal_betaald, status.deel_bedrag_betaald) == ("VRW", 60, 20)
    assert status.opmerkingen == "test"
    assert status.datum_en_tijd == datetime(2001, 12, 17, 9, 30, 47, tzinfo=UTC)
    assert v.vorderende_organisatie.nnp_id == "000000000"
    assert v.vorderende_organisatie.statutaire_naam == "test"
    assert v.vorderende_organisatie.rechtsvorm == "test"
    assert v.zaak is not None and (v.zaak.identificatie, v.zaak.omschrijving) == ("aaaaa", "a")
    assert v.heeft_betrekking_op == "a"
    oeh = v.organisatorische_eenheid
    assert oeh is not None and (oeh.identificatie, oeh.naam) == ("a", "a")


def test_di01_max_tweede_vordering_debiteur_zaak_en_relatie():
    v = _di01("Di01-verstrekVordering-max.xml").vorderingen[1]
    assert (v.totaalbedrag_excl_btw, v.totaalbedrag_btw, v.totaalbedrag_incl_btw) == (200, 42, 242)
    assert len(v.regels) == 2
    assert v.heeft_betrekking_op == "KING00009999"
    assert v.zaak is not None and v.zaak.identificatie == "00009999"
    assert v.zaak.omschrijving == "test"
    assert v.organisatorische_eenheid is not None
    assert v.organisatorische_eenheid.naam == "test"

    debiteur = v.debiteur
    assert debiteur is not None and debiteur.niet_natuurlijk_persoon is None
    assert debiteur.debiteurnummer == "String"
    p = debiteur.natuurlijk_persoon
    assert p is not None
    assert p.bsn == "555555112"
    assert p.a_nummer == "1000000000"
    assert (p.geslachtsnaam, p.voorvoegsel_geslachtsnaam, p.voorletters) == ("tester", "t", "t")
    assert p.voornamen == "test"
    assert (p.aanduiding_naamgebruik, p.geslachtsnaam_partner) == ("V", "test")
    assert p.voorvoegsel_geslachtsnaam_partner == "t"
    assert (p.aanhef_aanschrijving, p.voornamen_aanschrijving) == ("t", "test")
    assert p.geslachtsnaam_aanschrijving == "t"
    assert (p.adellijke_titel_predikaat, p.geslachtsaanduiding) == ("Barones", "M")
    # 19642424 is geen datum: None, maar de ruwe waarde blijft bewaard.
    assert p.geboortedatum is None and p.geboortedatum_ruw == "19642424"
    assert (p.telefoonnummer, p.emailadres, p.rekeningnummer) == ("0477586940", "test@test.nl", "1")
    assert p.correspondentieadres is None
    assert p.verblijfsadres == Adres(
        aoa_identificatie="aaaaaaaaaaaaaaaa",
        straatnaam="teststraat",
        openbare_ruimte_naam="a",
        huisnummer=1,
        huisletter="A",
        huisnummertoevoeging="",
        postcode="1000",
        woonplaats="testplaats",
        locatiebeschrijving="test",
    )
    assert p.verblijfsadres.is_buitenland is False


# --- Di01-verstrekVordering min ----------------------------------------------------------------


def test_di01_min():
    bericht = _di01("Di01-verstrekVordering-min.xml")
    sg = bericht.stuurgegevens
    assert (sg.zender, sg.ontvanger) == (Systeem(applicatie="STP"), Systeem(applicatie="TTA"))
    assert sg.referentienummer == "1234567890"
    [v] = bericht.vorderingen
    assert v.vorderingnummer == "KING00009999"
    assert v.debiteur is None
    assert v.vorderende_organisatie.nnp_id == ""
    assert v.vorderende_organisatie.statutaire_naam == ""
    assert v.indicator_factuur_uitgestuurd is False
    assert v.indicator_publiekrechtelijk is False
    assert (v.factuurnummer, v.factuurdatum, v.vervaldatum, v.taaknummer) == ("", None, None, "")
    assert (v.totaalbedrag_excl_btw, v.totaalbedrag_btw, v.totaalbedrag_incl_btw) == (100, 21, 121)
    [regel] = v.regels
    assert (regel.vorderingtype, regel.aantal, regel.eenheid) == ("VRH", None, "")
    assert regel.vorderingtoelichting == "" and regel.stuksprijs_excl_btw is None
    assert v.btw_totaalregels == []
    assert v.automatische_incasso is None and v.invorderingsschema is None
    assert v.vorderingstatus is None and v.zaak is None
    assert v.heeft_betrekking_op is None and v.organisatorische_eenheid is None


def test_nil_en_lege_elementen_worden_none_of_leeg():
    data = (
        lees("Di01-verstrekVordering-min.xml")
        .replace(
            b"<FIN:creatiedatum>",
            b'<FIN:factuurnummer xsi:nil="true"/><FIN:creatiedatum>',
        )
        .replace(
            b"<FIN:tsa>",
            b'<FIN:factuurdatum xsi:nil="true" StUF:noValue="geenWaarde"/>'
            b'<FIN:vervaldatum xsi:nil="true"/><FIN:tsa>',
        )
        .replace(
            b"<FIN:indicatorPubliekrechtelijk>",
            b"<FIN:taaknummer/><FIN:indicatorPubliekrechtelijk>",
        )
        .replace(
            b"<FIN:bedragExclBTW>100</FIN:bedragExclBTW>", b'<FIN:bedragExclBTW xsi:nil="true"/>'
        )
        .replace(b"<FIN:btwPercentage>21", b"<FIN:btwPercentage> 21 ")
    )
    root = parse_xml(data)
    assert proces_schema().validate(root), proces_schema().error_log
    [v] = parse_di01_verstrek_vordering(root).vorderingen
    assert (v.factuurnummer, v.factuurdatum, v.vervaldatum, v.taaknummer) == ("", None, None, "")
    assert v.regels[0].bedrag_excl_btw is None
    assert v.regels[0].btw_percentage == 21


def test_niet_natuurlijke_persoon_als_debiteur_en_buitenlands_adres():
    data = (
        lees("Di01-verstrekVordering-min.xml")
        .replace(
            b"<FIN:heeftAlsVorderendeOrganisatie",
            b"<FIN:wordtBetaaldDoorNietNatuurlijkPersoonAlsDebiteur>"
            b"<FIN:gerelateerde>"
            b"<BG:inn.nnpId>002220647</BG:inn.nnpId>"
            b"<BG:statutaireNaam>Bakkerij BV</BG:statutaireNaam>"
            b"<BG:inn.rechtsvorm>besloten vennootschap</BG:inn.rechtsvorm>"
            b"<BG:sub.verblijfBuitenland><BG:lnd.landcode>5010</BG:lnd.landcode>"
            b"<BG:lnd.landnaam>Belgie</BG:lnd.landnaam>"
            b"<BG:sub.adresBuitenland1>Grote Markt 1</BG:sub.adresBuitenland1>"
            b"</BG:sub.verblijfBuitenland>"
            b"<BG:sub.emailadres>info@bakkerij.example</BG:sub.emailadres>"
            b"</FIN:gerelateerde><FIN:debiteurnummer>D-7</FIN:debiteurnummer>"
            b"</FIN:wordtBetaaldDoorNietNatuurlijkPersoonAlsDebiteur>"
            b"<FIN:heeftAlsVorderendeOrganisatie",
        )
        .replace(b"xmlns:FIN=", b'xmlns:BG="http://www.egem.nl/StUF/sector/bg/0310" xmlns:FIN=', 1)
    )
    root = parse_xml(data)
    assert proces_schema().validate(root), proces_schema().error_log
    debiteur = parse_di01_verstrek_vordering(root).vorderingen[0].debiteur
    assert debiteur is not None and debiteur.natuurlijk_persoon is None
    assert debiteur.debiteurnummer == "D-7"
    nnp = debiteur.niet_natuurlijk_persoon
    assert nnp is not None
    assert (nnp.nnp_id, nnp.statutaire_naam, nnp.rechtsvorm) == (
        "002220647",
        "Bakkerij BV",
        "besloten vennootschap",
    )
    assert nnp.emailadres == "info@bakkerij.example"
    assert nnp.adres is not None and nnp.adres.is_buitenland
    assert (nnp.adres.landcode, nnp.adres.landnaam) == ("5010", "Belgie")
    assert nnp.adres.adres_buitenland_1 == "Grote Markt 1"


def test_verkeerd_root_element_geeft_stuf055():
    with pytest.raises(StufFout) as info:
        parse_di01_verstrek_vordering(parse_xml(lees("vrdLv01-min.xml")))
    assert info.value.code is Foutcode.STUF055
    assert "FIN:Di01-verstrekVordering" in info.value.details
    assert "FIN:vrdLv01" in info.value.details


def test_ongeldig_bedrag_in_ongevalideerd_bericht_geeft_stuf055_met_regel():
    data = lees("Di01-verstrekVordering-min.xml").replace(
        b"<FIN:totaalbedragBTW>21", b"<FIN:totaalbedragBTW>eenentwintig"
    )
    with pytest.raises(StufFout) as info:
        parse_di01_verstrek_vordering(parse_xml(data))
    assert info.value.code is Foutcode.STUF055
    assert "totaalbedrag_btw" in info.value.details and "regel " in info.value.details


# --- vrdLv01 ------------------------------------------------------------------------------------


def test_vrd_lv01_min():
    vraag = parse_vrd_lv01(parse_xml(lees("vrdLv01-min.xml")))
    sg = vraag.stuurgegevens
    assert (sg.berichtcode, sg.entiteittype) == ("Lv01", "VRD")
    assert (sg.zender.applicatie, sg.ontvanger.applicatie) == ("STP", "TTA")
    assert vraag.vorderingnummer == "1234567890"
    assert vraag.selectie == {"vorderingnummer": "1234567890"}
    assert (vraag.maximum_aantal, vraag.sortering) == (15, 1)
    assert vraag.indicator_vervolgvraag is False
    assert vraag.scope is not None and vraag.scope_attribuut == ""
    assert [etree.QName(k).localname for k in vraag.scope] == ["vorderingnummer", "vorderingstatus"]


def test_vrd_lv01_max():
    vraag = parse_vrd_lv01(parse_xml(lees("vrdLv01-max.xml")))
    assert vraag.stuurgegevens.zender == Systeem("KING", "STP", "a", "a")
    assert vraag.vorderingnummer == "KING00009999"
    assert vraag.scope is not None
    kinderen = [etree.QName(k).localname for k in vraag.scope]
    assert kinderen[:3] == ["vorderingnummer", "factuurnummer", "creatiedatum"]
    assert kinderen[-3:] == [
        "wordtBetaaldDoorNatuurlijkPersoonAlsDebiteur",
        "heeftAlsVorderendeOrganisatie",
        "isOntstaanInZaak",
    ]


def test_vrd_lv01_scope_attribuut_en_inhoud_geeft_stuf097():
    data = lees("vrdLv01-min.xml").replace(
        b'<FIN:object StUF:entiteittype="VRD">',
        b'<FIN:object StUF:entiteittype="VRD" StUF:scope="alles">',
    )
    with pytest.raises(StufFout) as info:
        parse_vrd_lv01(parse_xml(data))
    assert info.value.code is Foutcode.STUF097
    assert info.value.soort == "Fo02"


def test_vrd_lv01_met_alleen_scope_attribuut():
    data = lees("vrdLv01-min.xml")
    begin = data.index(b"<FIN:scope>")
    eind = data.index(b"</FIN:scope>") + len(b"</FIN:scope>")
    data = (
        data[:begin]
        + b'<FIN:scope><FIN:object StUF:entiteittype="VRD" StUF:scope="kerngegevens"/></FIN:scope>'
        + data[eind:]
    )
    vraag = parse_vrd_lv01(parse_xml(data))
    assert vraag.scope_attribuut == "kerngegevens"


# --- status wijziging en financiële verantwoording ----------------------------------------------


def test_statuswijziging_max_neemt_het_huidige_object():
    bericht = parse_di01_statuswijziging(
        parse_xml(lees("Di01-verstrekVorderingStatusWijziging-max.xml"))
    )
    assert bericht.stuurgegevens.functie == "verstrekVorderngStatusWijzigng"
    assert [w.status.status for w in bericht.wijzigingen] == ["ONV", "VRS"]
    assert all(w.vorderingnummer == "KING00009999" for w in bericht.wijzigingen)
    eerste = bericht.wijzigingen[0]
    assert (eerste.tsa, eerste.status.totaal_betaald, eerste.status.opmerkingen) == ("a", 0, "a")
    assert eerste.vorderende_organisatie.nnp_id == "000000000"
    assert eerste.vorderende_organisatie.adres is not None
    assert eerste.vorderende_organisatie.adres.postcode == "1000"


def test_statuswijziging_min():
    bericht = parse_di01_statuswijziging(
        parse_xml(lees("Di01-verstrekVorderingStatusWijziging-min.xml"))
    )
    [w] = bericht.wijzigingen
    assert (w.vorderingnummer, w.tsa, w.status.status) == ("KING00009999", "a", "VRS")
    assert w.status.datum_en_tijd == datetime(2001, 12, 17, 9, 30, 47, tzinfo=UTC)
    assert w.vorderende_organisatie.nnp_id == ""


def test_financiele_verantwoording_max_en_min():
    maxi = parse_di01_financiele_verantwoording(
        parse_xml(lees("Di01-verstrekFinancieleVerantwoording-max.xml"))
    )
    assert [f.verantwoordingsnummer for f in maxi.verantwoordingen] == ["1234567890", "0987654321"]
    eerste = maxi.verantwoordingen[0]
    assert eerste.omschrijving == "a"
    assert (eerste.begindatum, eerste.einddatum) == (date(1957, 8, 13), date(1957, 8, 13))
    assert [b.boekingssleutel for b in eerste.boekingen] == ["1029384756", "5647382910"]
    assert eerste.boekingen[0].bedrag_incl_btw == 0
    assert eerste.vorderende_organisatie.nnp_id == "999999999"
    mini = parse_di01_financiele_verantwoording(
        parse_xml(lees("Di01-verstrekFinancieleVerantwoording-min.xml"))
    )
    [fvw] = mini.verantwoordingen
    assert (fvw.verantwoordingsnummer, fvw.omschrijving) == ("a", "")
    assert [b.boekingssleutel for b in fvw.boekingen] == ["677898564"]


# --- antwoorden op onze Di01-berichten ----------------------------------------------------------


def _env(body: bytes) -> bytes:
    return (
        b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
        b"<soapenv:Body>" + body + b"</soapenv:Body></soapenv:Envelope>"
    )


BV03 = b"""<StUF:Bv03Bericht xmlns:StUF="http://www.egem.nl/StUF/StUF0301"><StUF:stuurgegevens>
<StUF:berichtcode>Bv03</StUF:berichtcode>
<StUF:zender><StUF:applicatie>TSA</StUF:applicatie></StUF:zender>
<StUF:ontvanger><StUF:organisatie>Gemeente</StUF:organisatie><StUF:applicatie>Inningen</StUF:applicatie></StUF:ontvanger>
<StUF:referentienummer>tsa-1</StUF:referentienummer>
<StUF:tijdstipBericht>20260314150926535</StUF:tijdstipBericht>
<StUF:crossRefnummer>ons-1</StUF:crossRefnummer>
</StUF:stuurgegevens></StUF:Bv03Bericht>"""

FO03 = b"""<StUF:Fo03Bericht xmlns:StUF="http://www.egem.nl/StUF/StUF0301"><StUF:stuurgegevens>
<StUF:berichtcode>Fo03</StUF:berichtcode>
<StUF:zender><StUF:applicatie>FIN</StUF:applicatie></StUF:zender>
<StUF:ontvanger><StUF:applicatie>Inningen</StUF:applicatie></StUF:ontvanger>
<StUF:referentienummer>fin-9</StUF:referentienummer>
<StUF:tijdstipBericht>20260314150926535</StUF:tijdstipBericht>
<StUF:crossRefnummer>ons-2</StUF:crossRefnummer>
</StUF:stuurgegevens><StUF:body><StUF:code>StUF058</StUF:code><StUF:plek>server</StUF:plek>
<StUF:omschrijving>Proces voor afhandelen bericht geeft fout</StUF:omschrijving>
<StUF:details>grootboek 4711 onbekend</StUF:details></StUF:body></StUF:Fo03Bericht>"""


def test_parse_answer_bv03():
    antwoord = parse_answer(parse_xml(_env(BV03)))
    assert isinstance(antwoord, Bevestiging)
    assert proces_schema().validate(parse_xml(BV03))
    sg = antwoord.stuurgegevens
    assert (sg.berichtcode, sg.crossrefnummer, sg.referentienummer) == ("Bv03", "ons-1", "tsa-1")
    assert sg.ontvanger == Systeem(organisatie="Gemeente", applicatie="Inningen")


def test_parse_answer_soap_fault_met_fo03():
    fault = (
        b'<soapenv:Fault xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
        b"<faultcode>soapenv:Server</faultcode><faultstring>Proces voor afhandelen bericht geeft "
        b"fout</faultstring><detail>" + FO03 + b"</detail></soapenv:Fault>"
    )
    antwoord = parse_answer(parse_xml(_env(fault)))
    assert isinstance(antwoord, Foutbericht)
    assert (antwoord.code, antwoord.plek, antwoord.berichtcode) == ("StUF058", "server", "Fo03")
    assert antwoord.details == "grootboek 4711 onbekend"
    assert antwoord.stuurgegevens is not None and antwoord.stuurgegevens.crossrefnummer == "ons-2"


def test_parse_answer_kaal_fo03_en_fault_zonder_stuf_detail():
    assert isinstance(parse_answer(parse_xml(FO03)), Foutbericht)
    fault = (
        b'<soapenv:Fault xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
        b"<faultcode>soapenv:Client.Authentication</faultcode><faultstring>Niet toegestaan"
        b"</faultstring><detail><reden>wachtwoord</reden></detail></soapenv:Fault>"
    )
    antwoord = parse_answer(parse_xml(_env(fault)))
    assert isinstance(antwoord, Foutbericht)
    assert antwoord.berichtcode == ""
    assert (antwoord.code, antwoord.plek) == ("soapenv:Client.Authentication", "client")
    assert (antwoord.omschrijving, antwoord.details) == ("Niet toegestaan", "wachtwoord")


def test_parse_answer_onverwacht_antwoord():
    with pytest.raises(StufFout) as info:
        parse_answer(parse_xml(_env(lees("vrdLa01-Min.xml"))))
    assert info.value.code is Foutcode.STUF055


def test_parse_stuurgegevens_zonder_zender():
    sg = parse_stuurgegevens(
        parse_xml(
            b'<s xmlns:StUF="http://www.egem.nl/StUF/StUF0301"><StUF:berichtcode>Fo02'
            b"</StUF:berichtcode></s>"
        )
    )
    assert (sg.berichtcode, sg.zender, sg.referentienummer) == ("Fo02", Systeem(), "")


# --- groot bericht (de snelheid meet benchmarks/stuf_ingest.py) ---------------------------------


def test_duizend_vorderingen_inlezen():
    root = parse_xml(lees("Di01-verstrekVordering-max.xml"))
    lk01s = root.findall("FIN:vrdLk01", NS)
    assert len(lk01s) == 2
    for _ in range(499):
        for lk01 in lk01s:
            root.append(copy.deepcopy(lk01))
    parsed = parse_xml(etree.tostring(root))
    assert proces_schema().validate(parsed)
    bericht = parse_di01_verstrek_vordering(parsed)
    assert len(bericht.vorderingen) == 1000
    assert [v.volgnummer for v in bericht.vorderingen] == list(range(1, 1001))
    assert [v.vorderingnummer for v in bericht.vorderingen[-2:]] == ["KING00009999", "1234567890"]
    assert bericht.vorderingen[-1].heeft_betrekking_op == "KING00009999"
