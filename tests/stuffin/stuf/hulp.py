"""Gedeelde hulpjes voor de tests van de StUF-laag."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

TESTBERICHTEN = Path(__file__).resolve().parents[2] / "fixtures" / "testberichten"

NS = {
    "soapenv": "http://schemas.xmlsoap.org/soap/envelope/",
    "StUF": "http://www.egem.nl/StUF/StUF0301",
    "FIN": "http://www.egem.nl/StUF/sector/fin/0310",
    "BG": "http://www.egem.nl/StUF/sector/bg/0310",
    "ZKN": "http://www.egem.nl/StUF/sector/zkn/0310",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}

ALLE_TESTBERICHTEN = sorted(p.name for p in TESTBERICHTEN.glob("*.xml"))


def lees(naam: str) -> bytes:
    """De bytes van een officieel testbericht."""
    return (TESTBERICHTEN / naam).read_bytes()


def xpath(el: etree._Element, pad: str) -> list:
    return el.xpath(pad, namespaces=NS)


def tekst(el: etree._Element, pad: str) -> str | None:
    return el.findtext(pad, namespaces=NS)
