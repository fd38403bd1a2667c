"""SOAP 1.1-envelopes, faults en SOAPActions."""

from __future__ import annotations

import pytest
from lxml import etree

from stuffin.stuf import soap
from stuffin.stuf.build import build_fo02, build_fo03
from stuffin.stuf.fouten import Foutcode, SoapFout, StufFout
from stuffin.stuf.parse import parse_stuurgegevens
from stuffin.stuf.xml import (
    SCHEMA_DIR,
    parse_xml,
    proces_schema,
    schema_fouten,
    vraag_antwoord_schema,
)

from .hulp import NS, lees, tekst

ENV = soap.SOAP_ENV


def _envelope(body: bytes, header: bytes = b"") -> bytes:
    return (
        f'<soapenv:Envelope xmlns:soapenv="{ENV}">'.encode()
        + header
        + b"<soapenv:Body>"
        + body
        + b"</soapenv:Body></soapenv:Envelope>"
    )


def test_unwrap_geeft_het_stuf_bericht():
    bericht = lees("Di01-verstrekVordering-min.xml")
    body = soap.unwrap_envelope(
        parse_xml(_envelope(bericht, b"<soapenv:Header><x/></soapenv:Header>"))
    )
    assert body.tag == f"{{{NS['FIN']}}}Di01-verstrekVordering"


@pytest.mark.parametrize(
    ("data", "melding"),
    [
        (b"<FIN:x xmlns:FIN='urn:x'/>", "geen SOAP 1.1-envelope"),
        (
            b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><a/></e:Body>'
            b"</e:Envelope>",
            "SOAP 1.2",
        ),
        (_envelope(b""), "leeg"),
        (_envelope(b"  \n "), "leeg"),
        (_envelope(b"<a/><b/>"), "2 elementen"),
        (_envelope(b"tekst<a/>"), "tekst"),
        (f'<soapenv:Envelope xmlns:soapenv="{ENV}"/>'.encode(), "precies één soapenv:Body"),
        (
            f'<soapenv:Envelope xmlns:soapenv="{ENV}"><x/><soapenv:Body><a/></soapenv:Body>'
            "</soapenv:Envelope>".encode(),
            "vóór soapenv:Body",
        ),
        (
            f'<soapenv:Envelope xmlns:soapenv="{ENV}"><soapenv:Body><a/></soapenv:Body><x/>'
            "</soapenv:Envelope>".encode(),
            "na soapenv:Body",
        ),
    ],
)
def test_unwrap_weigert_foute_envelopes(data, melding):
    with pytest.raises(SoapFout) as info:
        soap.unwrap_envelope(parse_xml(data))
    assert melding in info.value.details
    assert info.value.code is Foutcode.STUF055


def test_envelope_is_utf8_met_declaratie_en_terug_te_lezen():
    bericht = parse_xml(lees("Di01-verstrekVordering-min.xml"))
    data = soap.envelope(bericht)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    terug = soap.unwrap_envelope(parse_xml(data))
    assert etree.tostring(terug, method="c14n") == etree.tostring(bericht, method="c14n")


def test_envelope_kopieert_een_element_dat_al_ergens_in_hangt():
    root = parse_xml(_envelope(lees("vrdLv01-min.xml")))
    body = soap.unwrap_envelope(root)
    soap.envelope(body)
    assert body.getparent() is not None  # het oorspronkelijke document blijft heel


def _fo03(eigen, tijdstip):
    ontvangen = parse_stuurgegevens(
        parse_xml(lees("Di01-verstrekVordering-max.xml")).find("FIN:stuurgegevens", NS)
    )
    fout = StufFout(Foutcode.FIN003, "vervaldatum 1957-08-13 ligt voor vandaag", soort="Fo03")
    return fout, build_fo03(
        fout=fout, ontvangen=ontvangen, eigen=eigen, referentienummer="fo-1", tijdstip=tijdstip
    )


def test_fault_envelope_met_fo03(eigen, tijdstip):
    fout, fo03 = _fo03(eigen, tijdstip)
    data = soap.fault_envelope(fo03, plek=fout.plek, omschrijving=fout.omschrijving)
    root = parse_xml(data)
    fault = root.find("soapenv:Body/soapenv:Fault", NS)
    assert fault is not None
    assert [k.tag for k in fault] == ["faultcode", "faultstring", "detail"]  # geen faultactor
    assert fault.findtext("faultcode") == "soapenv:Client"
    # De prefix van faultcode verwijst echt naar de SOAP-envelope-namespace.
    assert fault.find("faultcode").nsmap["soapenv"] == ENV
    assert fault.findtext("faultstring") == "Vervaldatum ligt in het verleden"
    detail = fault.find("detail")
    assert len(detail) == 1
    fo03_terug = detail.find("StUF:Fo03Bericht", NS)
    assert fo03_terug is not None
    assert tekst(fo03_terug, "StUF:body/StUF:code") == "FIN003"
    assert tekst(fo03_terug, "StUF:body/StUF:plek") == "client"
    assert schema_fouten(fo03_terug, proces_schema()) == []


def test_fault_envelope_server_met_fo02():
    fout = StufFout(Foutcode.STUF058, "database onbereikbaar")
    fo02 = build_fo02(fout=fout)
    root = parse_xml(soap.fault_envelope(fo02, plek="server", omschrijving=fout.omschrijving))
    fault = root.find("soapenv:Body/soapenv:Fault", NS)
    assert fault.findtext("faultcode") == "soapenv:Server"
    fo02_terug = fault.find("detail/StUF:Fo02Bericht", NS)
    assert schema_fouten(fo02_terug, vraag_antwoord_schema()) == []


def test_fault_envelope_plek_moet_kloppen():
    with pytest.raises(ValueError):
        soap.fault_envelope(etree.Element("x"), plek="Client", omschrijving="x")


def _soap_actions(wsdl: str) -> set[str]:
    pad = next(SCHEMA_DIR.rglob(wsdl))
    return {
        op.get("soapAction")
        for op in etree.parse(str(pad)).iter("{http://schemas.xmlsoap.org/wsdl/soap/}operation")
    }


def test_soapactions_komen_uit_de_wsdls():
    proces = _soap_actions("fin0310_verstrekVorderingOfVerantwoording_proces.wsdl")
    assert proces == {
        soap.SOAPACTION_BV03,
        soap.SOAPACTION_FO03,
        soap.SOAPACTION_DI01_VERSTREK_VORDERING,
        soap.SOAPACTION_DI01_STATUSWIJZIGING,
        soap.SOAPACTION_DI01_FINANCIELE_VERANTWOORDING,
    }
    assert _soap_actions("fin0310_beantwoordVraag.wsdl") == {soap.SOAPACTION_VRD_LV01}


@pytest.mark.parametrize(
    ("waarde", "verwacht"),
    [
        ('"http://www.egem.nl/StUF/sector/fin/0310/vrdLv01"', soap.SOAPACTION_VRD_LV01),
        (" http://www.egem.nl/StUF/sector/fin/0310/vrdLv01 ", soap.SOAPACTION_VRD_LV01),
        ('""', ""),
        (None, ""),
    ],
)
def test_normaliseer_soapaction(waarde, verwacht):
    assert soap.normaliseer_soapaction(waarde) == verwacht
