"""Veilig XML parsen en valideren tegen de officiële StUF-FIN-schema's.

* :func:`parse_xml` weigert elk document met een DOCTYPE (dus ook XXE en "billion laughs"),
  laadt nooit een DTD, lost geen entiteiten op en gaat nooit het netwerk op.
* De schema's worden één keer per proces geladen (:func:`proces_schema`,
  :func:`vraag_antwoord_schema`) uit ``stuffin/schemas`` via de twee ``*_entry.xsd``-bestanden:
  libxml2 honoreert alleen de eerste ``import`` van een namespace, de entry-schema's importeren
  elke namespace daarom één keer vanuit een schema dat alle delen bevat.
* :func:`schema_fouten` geeft leesbare meldingen ("regel 12: element FIN:x: ...");
  :func:`validate_or_raise` maakt er een StUF055-fout van.
"""

from __future__ import annotations

import functools
import re
import threading
from pathlib import Path

from lxml import etree

from stuffin.stuf.fouten import Foutcode, StufFout, XmlFout

__all__ = [
    "NS",
    "SCHEMA_DIR",
    "laad_schemas",
    "lees_tekst",
    "parse_tekst",
    "parse_xml",
    "proces_schema",
    "schema_fouten",
    "validate_or_raise",
    "vraag_antwoord_schema",
]

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"

#: Prefixen zoals de standaard ze gebruikt; ook voor leesbare foutmeldingen.
NS: dict[str, str] = {
    "StUF": "http://www.egem.nl/StUF/StUF0301",
    "FIN": "http://www.egem.nl/StUF/sector/fin/0310",
    "BG": "http://www.egem.nl/StUF/sector/bg/0310",
    "ZKN": "http://www.egem.nl/StUF/sector/zkn/0310",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "soapenv": "http://schemas.xmlsoap.org/soap/envelope/",
}
_PREFIX_VOOR_URI = {uri: prefix for prefix, uri in NS.items()}
_CLARK = re.compile(r"\{([^}]*)\}")

#: Meer meldingen dan dit helpt niemand; de rest wordt samengevat.
MAX_SCHEMA_FOUTEN = 20

_lokaal = threading.local()

# "<!DOCTYPE" in UTF-8/ASCII en in beide UTF-16-volgordes. Buiten de proloog kan de tekst alleen
# in CDATA of commentaar staan; die zeldzame vals-positieven nemen we voor lief.
_DOCTYPE_MERKTEKENS = (
    b"<!DOCTYPE",
    "<!DOCTYPE".encode("utf-16-le"),
    "<!DOCTYPE".encode("utf-16-be"),
)


class _GeenExterneBronnen(etree.Resolver):
    """Vangnet: laadt nooit iets van buiten (bestand of netwerk), ook als libxml2 erom vraagt."""

    def resolve(self, url, pubid, context):  # type: ignore[override]
        return self.resolve_string("", context)


def _parser() -> etree.XMLParser:
    # Een lxml-parser is niet thread-safe: één per thread.
    parser = getattr(_lokaal, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            load_dtd=False,
            dtd_validation=False,
            no_network=True,
            huge_tree=False,
            remove_blank_text=False,
            collect_ids=False,
        )
        parser.resolvers.add(_GeenExterneBronnen())
        _lokaal.parser = parser
    return parser


_DOCTYPE_GEWEIGERD = (
    "DOCTYPE-declaraties (DTD's en entiteiten) zijn niet toegestaan in een StUF-bericht"
)


# Byte order marks and the first bytes of "<?" without one (XML 1.0, appendix F); the UTF-32
# marks before UTF-16's, which they start with.
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xef\xbb\xbf", "utf-8"),
)
_ZONDER_BOM = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
_DECLARATIE_CODERING = re.compile(rb"^<\?xml[^>]*?\sencoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_UNICODE = {"utf8": "utf-8", "utf16": "utf-16", "utf32": "utf-32"}


def lees_tekst(data: bytes) -> str:
    """De tekens van een bericht, volgens BOM of XML-declaratie; :class:`XmlFout` (StUF055) als
    dat niet kan. Alleen Unicode (UTF-8, UTF-16, UTF-32, elke bytevolgorde): WS-I Basic Profile
    1.1 (R1012), waar StUF naar verwijst, staat voor SOAP alleen UTF-8 en UTF-16 toe."""
    codering, start = None, 0
    for bom, naam in _BOMS:
        if data.startswith(bom):
            codering, start = naam, len(bom)
            break
    else:
        for begin, naam in _ZONDER_BOM:
            if data.startswith(begin):
                codering = naam
                break
    if codering is None:
        m = _DECLARATIE_CODERING.match(data)
        genoemd = m.group(1).decode("ascii") if m else "UTF-8"
        sleutel = genoemd.lower().replace("-", "").replace("_", "")
        if _UNICODE.get(sleutel) != "utf-8":
            raise XmlFout(
                f"tekencodering {genoemd} wordt niet ondersteund: gebruik UTF-8 of UTF-16 "
                "(WS-I Basic Profile 1.1, R1012)"
            )
        codering = "utf-8"
    try:
        tekst = data[start:].decode(codering)
    except UnicodeDecodeError as exc:
        raise XmlFout(
            f"het bericht is geen geldig {codering.upper()} (byte {exc.start + start})"
        ) from None
    if "\x00" in tekst:
        # XML kent geen NUL; zo'n bericht is UTF-16/32 zonder BOM en declaratie, of geen tekst.
        raise XmlFout(
            f"het bericht bevat NUL-tekens: geen geldig {codering.upper()}; gebruik UTF-8, "
            "of UTF-16 met BOM of XML-declaratie"
        )
    return tekst


def _utf8_parser() -> etree.XMLParser:
    # Voor tekst die al gedecodeerd is: de declaratie (bv. encoding="UTF-16") telt dan niet meer.
    parser = getattr(_lokaal, "utf8_parser", None)
    if parser is None:
        parser = etree.XMLParser(
            encoding="utf-8",
            resolve_entities=False,
            load_dtd=False,
            dtd_validation=False,
            no_network=True,
            huge_tree=False,
            remove_blank_text=False,
            collect_ids=False,
        )
        parser.resolvers.add(_GeenExterneBronnen())
        _lokaal.utf8_parser = parser
    return parser


def parse_xml(data: bytes, *, tekst: str | None = None, streng: bool = True) -> etree._Element:
    """Parse een bericht; geeft het root-element of raist :class:`XmlFout` (StUF055).

    ``tekst`` is desgewenst het al gedecodeerde bericht (:func:`lees_tekst`): een bericht in
    UTF-16 of UTF-32 wordt dan als die tekst gelezen, zodat wat geparst wordt en wat in de
    berichtenlog staat hetzelfde is. ``streng=False`` (antwoorden op onze eigen berichten):
    een andere codering leest libxml2 zelf, volgens de declaratie."""
    if isinstance(data, str):
        raise TypeError("parse_xml verwacht bytes (de ruwe HTTP-body), geen str")
    data = bytes(data)
    if not data.strip():
        raise XmlFout("het bericht is leeg")
    if tekst is None:
        try:
            tekst = lees_tekst(data)
        except XmlFout:
            if streng:
                raise
            return _parse(data, _parser())
    if not data.startswith(b"<") or data[1:2] == b"\x00":
        # BOM of UTF-16/32: als UTF-8 verder (libxml2 leest de declaratie dan niet meer).
        return _parse(tekst.encode("utf-8"), _utf8_parser())
    return _parse(data, _parser())


def parse_tekst(tekst: str) -> etree._Element:
    """Parse een bericht dat als tekst is opgeslagen (berichtenlog), ongeacht zijn declaratie."""
    return _parse(tekst.encode("utf-8"), _utf8_parser())


def _parse(data: bytes, parser: etree.XMLParser) -> etree._Element:
    if not data.strip():
        raise XmlFout("het bericht is leeg")
    # Weigeren vóór het parsen: dan wordt er ook geen interne DTD-subset verwerkt.
    if any(merkteken in data for merkteken in _DOCTYPE_MERKTEKENS):
        raise XmlFout(_DOCTYPE_GEWEIGERD)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise XmlFout(_syntax_melding(exc)) from None
    except ValueError as exc:  # bv. een XML-declaratie met een onbekende encoding
        raise XmlFout(f"XML niet leesbaar: {exc}") from None
    docinfo = root.getroottree().docinfo
    # Een DOCTYPE heeft in een StUF-bericht niets te zoeken; weigeren sluit XXE en
    # entiteit-bommen in één keer uit (er is niets geëxpandeerd: resolve_entities=False).
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise XmlFout(_DOCTYPE_GEWEIGERD)
    return root


def _syntax_melding(exc: etree.XMLSyntaxError) -> str:
    # Alleen de eerste fout, met positie; de tekst van libxml2 bevat geen bestandsinhoud omdat
    # er nooit iets extern geladen wordt.
    regel, kolom = exc.position if exc.position else (exc.lineno, 0)
    bericht = (exc.msg or str(exc)).strip()
    bericht = re.sub(r",\s*line \d+, column \d+\s*$", "", bericht)
    return f"XML niet welgevormd (regel {regel}, kolom {kolom}): {bericht}"


@functools.cache
def proces_schema() -> etree.XMLSchema:
    """Schema voor alle Di01-berichten, Bv03 en Fo01/02/03 (eenmaal per proces geladen)."""
    return _laad_schema("fin0310_proces_entry.xsd")


@functools.cache
def vraag_antwoord_schema() -> etree.XMLSchema:
    """Schema voor vrdLv01/vrdLa01 en de StUF-foutberichten (eenmaal per proces geladen)."""
    return _laad_schema("fin0310_vraagAntwoord_entry.xsd")


def laad_schemas() -> None:
    """Laad alles wat de StUF-laag aan schema's nodig heeft vooraf (bv. bij het opstarten), zodat
    het eerste bericht niet op de ~0,5 s laadtijd hoeft te wachten."""
    from stuffin.stuf._xsd import vraag_antwoord_index

    proces_schema()
    vraag_antwoord_schema()
    vraag_antwoord_index()


def _laad_schema(naam: str) -> etree.XMLSchema:
    pad = SCHEMA_DIR / naam
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(pad), parser=parser))


def leesbaar(tekst: str) -> str:
    """Vervang ``{namespace-uri}`` door ``FIN:``/``StUF:``/... voor mensen."""

    def vervang(m: re.Match[str]) -> str:
        prefix = _PREFIX_VOOR_URI.get(m.group(1))
        return f"{prefix}:" if prefix else m.group(0)

    return _CLARK.sub(vervang, tekst)


_ELEMENT_MELDING = re.compile(r"^Element '([^']*)'(?:, attribute '([^']*)')?: ")


# Een XMLSchema-object deelt één error_log over alle threads; zonder slot kan een thread de
# meldingen van een andere lezen. Het slot geldt per schema.
_SLOTEN: dict[int, threading.Lock] = {}
_SLOTEN_SLOT = threading.Lock()


def _slot(schema: etree.XMLSchema) -> threading.Lock:
    slot = _SLOTEN.get(id(schema))
    if slot is None:
        with _SLOTEN_SLOT:
            slot = _SLOTEN.setdefault(id(schema), threading.Lock())
    return slot


def schema_fouten(element: etree._Element, schema: etree.XMLSchema) -> list[str]:
    """Valideer ``element`` als eigen document; lege lijst als het geldig is.

    Een uit een SOAP-envelope gehaald body-element wordt door lxml als root van een
    (tijdelijk) eigen document gevalideerd; de regelnummers blijven die van het oorspronkelijke
    verzoek omdat dezelfde knopen worden gebruikt.
    """
    with _slot(schema):
        if schema.validate(element):
            return []
        fouten = list(schema.error_log)
    meldingen: list[str] = []
    for fout in fouten[:MAX_SCHEMA_FOUTEN]:
        tekst = leesbaar(fout.message.strip())
        m = _ELEMENT_MELDING.match(tekst)
        if m:
            onderwerp = f"element {m.group(1)}"
            if m.group(2):
                onderwerp += f", attribuut {m.group(2)}"
            tekst = f"{onderwerp}: {tekst[m.end() :]}"
        meldingen.append(f"regel {fout.line}: {tekst}")
    if len(fouten) > MAX_SCHEMA_FOUTEN:
        meldingen.append(f"... en nog {len(fouten) - MAX_SCHEMA_FOUTEN} schemafout(en)")
    return meldingen


def validate_or_raise(
    element: etree._Element, schema: etree.XMLSchema, *, soort: str | None = None
) -> None:
    """Raise StUF055 met de schemafouten als details wanneer ``element`` niet valideert."""
    meldingen = schema_fouten(element, schema)
    if meldingen:
        raise StufFout(Foutcode.STUF055, "; ".join(meldingen), soort=soort)
