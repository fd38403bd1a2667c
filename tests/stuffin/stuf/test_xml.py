"""Veilig parsen, de gevendorde schema's en leesbare schemafouten."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from stuffin.stuf import xml as stuf_xml
from stuffin.stuf.fouten import Foutcode, StufFout, XmlFout
from stuffin.stuf.soap import unwrap_envelope
from stuffin.stuf.xml import (
    SCHEMA_DIR,
    parse_xml,
    proces_schema,
    schema_fouten,
    validate_or_raise,
    vraag_antwoord_schema,
)

from .hulp import ALLE_TESTBERICHTEN, NS, lees

PASSWD = Path("/etc/passwd")

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<foo>&xxe;</foo>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"""

EXTERNE_DTD = b'<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>'
PARAMETER_ENTITEIT = b'<!DOCTYPE a [<!ENTITY % x SYSTEM "file:///etc/passwd"> %x;]><a/>'
NETWERK_DTD = b'<!DOCTYPE a SYSTEM "http://example.invalid/x.dtd"><a/>'
UTF16_DOCTYPE = (
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'.encode(
        "utf-16"
    )
)


# --- gevendorde schema's ------------------------------------------------------------------------


def test_schemas_staan_in_het_product_en_niet_in_shared():
    assert Path(stuf_xml.__file__).resolve().parent.parent / "schemas" == SCHEMA_DIR
    for naam in ("fin0310_proces_entry.xsd", "fin0310_vraagAntwoord_entry.xsd", "README.md"):
        assert (SCHEMA_DIR / naam).is_file()
    wsdls = sorted(p.name for p in SCHEMA_DIR.rglob("fin0310_*.wsdl"))
    assert wsdls == [
        "fin0310_beantwoordVraag.wsdl",
        "fin0310_verstrekVorderingOfVerantwoording_proces.wsdl",
    ]
    readme = (SCHEMA_DIR / "README.md").read_text(encoding="utf-8")
    assert "EUPL-1.2" in readme and "v1.00.03" in readme and "VNG Realisatie" in readme
    # Alles wat de entry-schema's (direct of indirect) laden, staat binnen stuffin/schemas en
    # wordt relatief aangewezen: niets van het netwerk of van buiten de repository.
    xs = "{http://www.w3.org/2001/XMLSchema}"
    te_doen = [
        SCHEMA_DIR / "fin0310_proces_entry.xsd",
        SCHEMA_DIR / "fin0310_vraagAntwoord_entry.xsd",
    ]
    gezien: set[Path] = set()
    while te_doen:
        pad = te_doen.pop().resolve()
        if pad in gezien:
            continue
        gezien.add(pad)
        for verwijzing in etree.parse(str(pad)).iter(xs + "include", xs + "import"):
            locatie = verwijzing.get("schemaLocation")
            assert locatie, pad
            assert "://" not in locatie and not locatie.startswith("/"), (pad, locatie)
            doel = (pad.parent / locatie).resolve()
            assert doel.is_file() and SCHEMA_DIR.resolve() in doel.parents, (pad, locatie)
            te_doen.append(doel)
    assert len(gezien) > 20


def test_schemas_worden_eenmaal_per_proces_geladen():
    assert proces_schema() is proces_schema()
    assert vraag_antwoord_schema() is vraag_antwoord_schema()


def test_de_tien_officiele_testberichten_zijn_aanwezig():
    assert len(ALLE_TESTBERICHTEN) == 10


@pytest.mark.parametrize("naam", ALLE_TESTBERICHTEN)
def test_officieel_testbericht_valideert_met_het_juiste_entry_schema(naam):
    schema = vraag_antwoord_schema() if naam.startswith("vrd") else proces_schema()
    root = parse_xml(lees(naam))
    assert schema_fouten(root, schema) == []
    validate_or_raise(root, schema, soort="Fo03")  # raist niet


@pytest.mark.parametrize(
    ("naam", "schema"),
    [("vrdLv01-min.xml", proces_schema), ("Di01-verstrekVordering-min.xml", vraag_antwoord_schema)],
)
def test_een_bericht_valideert_niet_tegen_het_verkeerde_schema(naam, schema):
    assert schema_fouten(parse_xml(lees(naam)), schema()) != []


# --- veilig parsen ------------------------------------------------------------------------------


def _passwd_regels() -> list[str]:
    try:
        return [r for r in PASSWD.read_text().splitlines() if r.strip()]
    except OSError:  # pragma: no cover - elke Linux heeft /etc/passwd
        return []


@pytest.mark.parametrize(
    "data",
    [XXE, BILLION_LAUGHS, EXTERNE_DTD, PARAMETER_ENTITEIT, NETWERK_DTD, UTF16_DOCTYPE],
    ids=["xxe", "billion-laughs", "externe-dtd", "parameter-entiteit", "netwerk-dtd", "utf16"],
)
def test_doctype_wordt_geweigerd_zonder_iets_te_lezen(data):
    with pytest.raises(XmlFout) as info:
        parse_xml(data)
    fout = info.value
    assert isinstance(fout, StufFout)
    assert fout.code is Foutcode.STUF055
    assert fout.plek == "client"
    assert "DOCTYPE" in fout.details
    melding = str(fout)
    assert "root:" not in melding
    for regel in _passwd_regels():
        assert regel not in melding


def test_doctype_weigering_ook_na_het_parsen(monkeypatch):
    # Vangnet: ook als de snelle byte-scan iets mist, weigert de controle op docinfo.
    monkeypatch.setattr(stuf_xml, "_DOCTYPE_MERKTEKENS", ())
    with pytest.raises(XmlFout, match="DOCTYPE"):
        parse_xml(XXE)


@pytest.mark.parametrize(
    ("data", "verwacht"),
    [
        (b"", "leeg"),
        (b"   \n", "leeg"),
        (b"<a><b></a>", "regel 1"),
        (b"<a>&onbekend;</a>", "onbekend"),
        (b"geen xml", "niet welgevormd"),
    ],
)
def test_onleesbare_xml_geeft_een_leesbare_xmlfout(data, verwacht):
    with pytest.raises(XmlFout) as info:
        parse_xml(data)
    assert verwacht in info.value.details
    assert info.value.code is Foutcode.STUF055


def test_parse_xml_wil_bytes():
    with pytest.raises(TypeError):
        parse_xml("<a/>")  # type: ignore[arg-type]


def test_parse_xml_geeft_het_root_element_met_regelnummers():
    root = parse_xml(lees("Di01-verstrekVordering-min.xml"))
    assert root.tag == f"{{{NS['FIN']}}}Di01-verstrekVordering"
    assert root.find("FIN:vrdLk01", NS).sourceline == 14


# --- schemafouten -------------------------------------------------------------------------------


def _regel_van(data: bytes, fragment: bytes) -> int:
    return data[: data.index(fragment)].count(b"\n") + 1


def test_schemafout_geeft_regelnummer_en_leesbare_prefixen():
    data = lees("Di01-verstrekVordering-min.xml").replace(
        b"<FIN:creatiedatum>1957-08-13", b"<FIN:creatiedatum>1957-13-45"
    )
    fouten = schema_fouten(parse_xml(data), proces_schema())
    regel = _regel_van(data, b"<FIN:creatiedatum>")
    assert len(fouten) == 1
    assert fouten[0].startswith(f"regel {regel}: element FIN:creatiedatum: ")
    assert "FIN:Datum" in fouten[0]
    assert "{http" not in fouten[0]


def test_schema_invalide_di01_geeft_stuf055_met_regelnummer():
    data = lees("Di01-verstrekVordering-min.xml").replace(
        b"<FIN:tsa>", b"<FIN:onbekendElement>x</FIN:onbekendElement><FIN:tsa>"
    )
    with pytest.raises(StufFout) as info:
        validate_or_raise(parse_xml(data), proces_schema(), soort="Fo03")
    fout = info.value
    assert fout.code is Foutcode.STUF055
    assert fout.soort == "Fo03"
    assert f"regel {_regel_van(data, b'<FIN:onbekendElement>')}:" in fout.details
    assert "FIN:onbekendElement" in fout.details


def test_body_uit_een_soap_envelope_houdt_de_regelnummers_van_het_verzoek():
    bericht = lees("Di01-verstrekVordering-max.xml").replace(
        b"<FIN:totaalbedragBTW>42", b"<FIN:totaalbedragBTW>veertig", 1
    )
    envelope = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">\n'
        b"<soapenv:Header/>\n<soapenv:Body>\n" + bericht + b"\n</soapenv:Body>\n</soapenv:Envelope>"
    )
    body = unwrap_envelope(parse_xml(envelope))
    fouten = schema_fouten(body, proces_schema())
    assert fouten, "het gewijzigde bericht hoort ongeldig te zijn"
    assert fouten[0].startswith(f"regel {_regel_van(envelope, b'veertig')}: ")
    assert "FIN:totaalbedragBTW" in fouten[0]


def test_veel_schemafouten_worden_samengevat():
    data = lees("Di01-verstrekVordering-max.xml")
    for _ in range(30):
        data = data.replace(b"<FIN:bedragExclBTW>100", b"<FIN:bedragExclBTW>x", 1)
    root = parse_xml(data.replace(b"<FIN:bedragBTW>21", b"<FIN:bedragBTW>y"))
    fouten = schema_fouten(root, proces_schema())
    assert 1 < len(fouten) <= stuf_xml.MAX_SCHEMA_FOUTEN + 1


def test_leesbaar_vervangt_bekende_namespaces():
    assert stuf_xml.leesbaar("{http://www.egem.nl/StUF/StUF0301}code") == "StUF:code"
    assert stuf_xml.leesbaar("{urn:x}y") == "{urn:x}y"


def test_parser_is_per_thread():
    import threading

    parsers = []

    def neem():
        parsers.append(stuf_xml._parser())

    draad = threading.Thread(target=neem)
    draad.start()
    draad.join()
    assert parsers[0] is not stuf_xml._parser()
    assert isinstance(parsers[0], etree.XMLParser)


def test_schema_fouten_uit_meerdere_threads_raken_niet_vermengd():
    from concurrent.futures import ThreadPoolExecutor

    goed = lees("Di01-verstrekVordering-max.xml")
    fout = goed.replace(b"<FIN:tsa>", b"<FIN:tsaX>x</FIN:tsaX><FIN:tsa>")
    schema = proces_schema()
    verwacht_fout = schema_fouten(parse_xml(fout), schema)
    assert verwacht_fout

    def controleer(i: int) -> bool:
        # Elke thread zijn eigen document: lxml-documenten deel je niet tussen threads.
        if i % 2:
            return schema_fouten(parse_xml(fout), schema) == verwacht_fout
        return schema_fouten(parse_xml(goed), schema) == []

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(controleer, range(40)))
