"""SOAP 1.1-verpakking volgens de StUF-protocolbinding (StUF 03.02 protocolbindingen §3).

* Het StUF-bericht staat als enige element in ``soapenv:Body``; headers mogen ervoor staan.
* Een fout gaat als ``soapenv:Fault``: ``faultcode`` is ``soapenv:Client``/``soapenv:Server``
  (uit ``StUF:plek``), ``faultstring`` is ``StUF:omschrijving``, ``detail`` bevat het complete
  StUF-foutbericht (Fo02 of Fo03) en er is geen ``faultactor``.
"""

from __future__ import annotations

import copy

from lxml import etree

from stuffin.stuf.fouten import SoapFout

__all__ = [
    "SOAPACTION_BV03",
    "SOAPACTION_DI01_FINANCIELE_VERANTWOORDING",
    "SOAPACTION_DI01_STATUSWIJZIGING",
    "SOAPACTION_DI01_VERSTREK_VORDERING",
    "SOAPACTION_FO03",
    "SOAPACTION_VRD_LV01",
    "SOAP_CONTENT_TYPE",
    "SOAP_ENV",
    "envelope",
    "fault_envelope",
    "normaliseer_soapaction",
    "unwrap_envelope",
]

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
_SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
SOAP_CONTENT_TYPE = "text/xml; charset=utf-8"  # SOAP 1.1 over HTTP

_FIN_NS = "http://www.egem.nl/StUF/sector/fin/0310"
_STUF_NS = "http://www.egem.nl/StUF/StUF0301"

# Uit fin0310_verstrekVorderingOfVerantwoording_proces.wsdl en fin0310_beantwoordVraag.wsdl.
SOAPACTION_DI01_VERSTREK_VORDERING = f"{_FIN_NS}/Di01-verstrekVordering"
SOAPACTION_DI01_STATUSWIJZIGING = f"{_FIN_NS}/Di01-verstrekVorderingStatusWijziging"
SOAPACTION_DI01_FINANCIELE_VERANTWOORDING = f"{_FIN_NS}/Di01-verstrekFinancieleVerantwoording"
SOAPACTION_VRD_LV01 = f"{_FIN_NS}/vrdLv01"
SOAPACTION_BV03 = f"{_STUF_NS}/Bv03"
SOAPACTION_FO03 = f"{_STUF_NS}/Fo03"

_ENVELOPE = f"{{{SOAP_ENV}}}Envelope"
_HEADER = f"{{{SOAP_ENV}}}Header"
_BODY = f"{{{SOAP_ENV}}}Body"
_FAULT = f"{{{SOAP_ENV}}}Fault"
_NSMAP = {"soapenv": SOAP_ENV}


def normaliseer_soapaction(waarde: str | None) -> str:
    """De SOAPAction-header zonder de aanhalingstekens die SOAP 1.1 voorschrijft."""
    if not waarde:
        return ""
    return waarde.strip().strip('"').strip()


def _elementen(el: etree._Element) -> list[etree._Element]:
    return [kind for kind in el if isinstance(kind.tag, str)]


def _geen_tekst(el: etree._Element) -> bool:
    # Tussen SOAP-elementen mag alleen witruimte staan.
    if el.text and el.text.strip():
        return False
    return all(not (kind.tail and kind.tail.strip()) for kind in el)


def unwrap_envelope(root: etree._Element) -> etree._Element:
    """Het ene element in ``soapenv:Body`` (ook een ``soapenv:Fault``); anders :class:`SoapFout`."""
    if root.tag == f"{{{_SOAP12_ENV}}}Envelope":
        raise SoapFout("SOAP 1.2 wordt niet ondersteund; gebruik SOAP 1.1 (StUF-protocolbinding)")
    if root.tag != _ENVELOPE:
        raise SoapFout(f"geen SOAP 1.1-envelope: het document begint met {etree.QName(root).text}")
    kinderen = _elementen(root)
    bodies = [kind for kind in kinderen if kind.tag == _BODY]
    if len(bodies) != 1:
        raise SoapFout("de SOAP-envelope moet precies één soapenv:Body bevatten")
    body = bodies[0]
    # SOAP 1.1: alleen Header(s) vóór de Body, en niets erna.
    for kind in kinderen:
        if kind is body:
            break
        if kind.tag != _HEADER:
            raise SoapFout(f"onverwacht element {etree.QName(kind).text} vóór soapenv:Body")
    if kinderen[-1] is not body:
        raise SoapFout("na soapenv:Body mag niets meer staan")
    inhoud = _elementen(body)
    if not inhoud:
        raise SoapFout("soapenv:Body is leeg: er zit geen StUF-bericht in")
    if len(inhoud) > 1:
        raise SoapFout(f"soapenv:Body bevat {len(inhoud)} elementen; StUF verwacht er precies één")
    if not _geen_tekst(body):
        raise SoapFout("soapenv:Body bevat tekst naast het StUF-bericht")
    return inhoud[0]


def _neem(el: etree._Element) -> etree._Element:
    # Een los gebouwd element verhuist; een element uit een bestaand document wordt gekopieerd.
    return copy.deepcopy(el) if el.getparent() is not None else el


def _serialiseer(env: etree._Element) -> bytes:
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")


def envelope(body_el: etree._Element) -> bytes:
    """``body_el`` in een SOAP 1.1-envelope, als UTF-8 met XML-declaratie."""
    env = etree.Element(_ENVELOPE, nsmap=_NSMAP)
    body = etree.SubElement(env, _BODY)
    body.append(_neem(body_el))
    return _serialiseer(env)


def fault_envelope(fout_el: etree._Element, *, plek: str, omschrijving: str) -> bytes:
    """SOAP-fault met het StUF-foutbericht ``fout_el`` (Fo02/Fo03) in ``detail``."""
    if plek not in ("client", "server"):
        raise ValueError(f"plek moet 'client' of 'server' zijn, niet {plek!r}")
    env = etree.Element(_ENVELOPE, nsmap=_NSMAP)
    body = etree.SubElement(env, _BODY)
    fault = etree.SubElement(body, _FAULT)
    # SOAP 1.1: de kinderen van Fault zijn ongekwalificeerd.
    etree.SubElement(fault, "faultcode").text = "soapenv:" + plek.capitalize()
    etree.SubElement(fault, "faultstring").text = omschrijving
    detail = etree.SubElement(fault, "detail")
    detail.append(_neem(fout_el))
    return _serialiseer(env)
