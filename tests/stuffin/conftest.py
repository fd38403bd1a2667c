"""Fixtures for playing the official StUF-FIN scenarios over real HTTP."""

import datetime
import uuid
from pathlib import Path

import pytest
import requests
from django.utils import timezone
from lxml import etree

from stuffin.models import Koppeling
from stuffin.services.koppelingen import koppeling_upsert
from stuffin.stuf import soap
from stuffin.stuf.xml import proces_schema, schema_fouten, vraag_antwoord_schema
from tests.factories import OrganisatieFactory

TESTBERICHTEN = Path(__file__).resolve().parent.parent / "fixtures" / "testberichten"
TSA_CODE = "test" * 50  # the official messages use this 200-character TSA code
WACHTWOORD = "stp-wachtwoord-2026"
NS = {
    "soapenv": soap.SOAP_ENV,
    "StUF": "http://www.egem.nl/StUF/StUF0301",
    "FIN": "http://www.egem.nl/StUF/sector/fin/0310",
    "BG": "http://www.egem.nl/StUF/sector/bg/0310",
    "ZKN": "http://www.egem.nl/StUF/sector/zkn/0310",
}


@pytest.fixture(autouse=True)
def stuf_identiteit(settings):
    # The official messages address "TTA"; organisatie differs in case between them (blank = any).
    settings.STUF_APPLICATIE = "TTA"
    settings.STUF_ORGANISATIE = ""
    settings.STUF_ADMINISTRATIE = ""


@pytest.fixture
def organisatie(db):
    return OrganisatieFactory(rsin="002220647", naam="Gemeente Teststad")


@pytest.fixture
def koppeling(organisatie) -> Koppeling:
    # The official messages' zender is STP (organisatie KING in the max, none in the min).
    return koppeling_upsert(
        applicatie="STP",
        rol="tsa",
        gebruikersnaam="stp",
        wachtwoord=WACHTWOORD,
        tsa_codes=[TSA_CODE],
        vorderende_organisaties=[organisatie.rsin],
    )[0]


def officieel_bericht(
    naam: str,
    *,
    rsin: str = "002220647",
    referentienummer: str | None = None,
    vervaldatum: datetime.date | None = None,
    vorderingnummer: str | None = None,
) -> bytes:
    """An official test message made current: dates relative to today, a valid registered RSIN
    (the test platform's tester registered one), a fresh referentienummer."""
    tekst = (TESTBERICHTEN / naam).read_text(encoding="utf-8")
    datum = vervaldatum or (timezone.localdate() + datetime.timedelta(days=30))
    tekst = tekst.replace("1957-08-13", datum.isoformat()).replace(">000000000<", f">{rsin}<")
    root = etree.fromstring(tekst.encode())
    ref = root.find("FIN:stuurgegevens/StUF:referentienummer", NS)
    if ref is not None:
        ref.text = referentienummer or uuid.uuid4().hex[:20]
    if vorderingnummer is not None:
        root.find("FIN:gelijk/FIN:vorderingnummer", NS).text = vorderingnummer
    return soap.envelope(root)


class StufClient:
    def __init__(self, base_url: str, username="stp", password=WACHTWOORD):
        self.base_url = base_url
        self.auth = (username, password)

    def post(self, path: str, body: bytes, soapaction: str | None, auth=True) -> requests.Response:
        headers = {"Content-Type": soap.SOAP_CONTENT_TYPE}
        if soapaction is not None:
            headers["SOAPAction"] = f'"{soapaction}"'
        return requests.post(
            self.base_url + path,
            data=body,
            headers=headers,
            auth=self.auth if auth else None,
            timeout=30,
        )

    def di01(self, body: bytes, **kw) -> requests.Response:
        return self.post(
            "/stuf/fin0310/VerstrekVorderingOfVerantwoording",
            body,
            kw.pop("soapaction", soap.SOAPACTION_DI01_VERSTREK_VORDERING),
            **kw,
        )

    def lv01(self, body: bytes, **kw) -> requests.Response:
        return self.post(
            "/stuf/fin0310/BeantwoordVraag",
            body,
            kw.pop("soapaction", soap.SOAPACTION_VRD_LV01),
            **kw,
        )


@pytest.fixture
def stuf_client(live_server, koppeling) -> StufClient:
    return StufClient(live_server.url)


def body_of(response: requests.Response) -> etree._Element:
    """The StUF element in the SOAP Body (or in Fault/detail), checked against the XSD."""
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{soap.SOAP_ENV}}}Envelope"
    body = root.find("soapenv:Body", NS)
    fault = body.find("soapenv:Fault", NS)
    element = fault.find("detail")[0] if fault is not None else body[0]
    assert_valid(element)
    return element


def assert_valid(element) -> None:
    schema = (
        vraag_antwoord_schema()
        if etree.QName(element).localname.startswith("vrd")
        else proces_schema()
    )
    assert schema_fouten(element, schema) == []


def foutcode(response: requests.Response) -> str:
    assert response.status_code == 500, response.text[:500]
    fault = etree.fromstring(response.content).find("soapenv:Body/soapenv:Fault", NS)
    assert fault.findtext("faultcode") in ("soapenv:Client", "soapenv:Server")
    element = body_of(response)
    assert fault.findtext("faultstring") == element.findtext(
        "StUF:body/StUF:omschrijving", namespaces=NS
    )
    return element.findtext("StUF:body/StUF:code", namespaces=NS)
