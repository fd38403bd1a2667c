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


def parse_xml(data: bytes) -> etree._Element:
    """Parse een bericht; geeft het root-element of raist :class:`XmlFout` (StUF055)."""
    if isinstance(data, str):
        raise TypeError("parse_xml verwacht bytes (de ruwe HTTP-body), geen str")
    data = bytes(data)
    if not data.strip():
        raise XmlFout("het bericht is leeg")
    # Weigeren vóór het parsen: dan wordt er ook geen interne DTD-subset verwerkt.
    if any(merkteken in data for merkteken in _DOCTYPE_MERKTEKENS):
        raise XmlFout(_DOCTYPE_GEWEIGERD)
    try:
        root = etree.fromstring(data, parser=_parser())
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
