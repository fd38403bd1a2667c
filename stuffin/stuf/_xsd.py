"""Een klein, alleen-lezen model van de XSD's, voor de antwoordbouwer (vrdLa01).

Een StUF-antwoord moet elk gevraagd element opnemen; wat we niet kennen of niet hebben gaat mee
als leeg element met ``xsi:nil="true"`` en ``StUF:noValue`` (StUF 03.01 §3.4, §6.4.2). Of dat mag
verschilt per element: ``nillable`` staat op de declaratie en ``StUF:noValue`` moet op het type
toegestaan zijn (veel BG/ZKN-typen wel, groepen en ``BG:Authentiek``-achtigen niet). Dat lezen we
hier uit de schema's zelf, zodat de antwoorden voor elke geldige scope schema-geldig blijven.

De bestanden worden geladen zoals libxml2 dat doet: vanaf het entry-schema, includes altijd,
een ``import`` alleen voor de eerste keer dat een namespace voorkomt.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

XS = "http://www.w3.org/2001/XMLSchema"
_STUF = "http://www.egem.nl/StUF/StUF0301"

_X = "{" + XS + "}"
_NOVALUE = (_STUF, "noValue")
_ENTITEITTYPE = (_STUF, "entiteittype")


@dataclass(frozen=True, slots=True)
class Declaratie:
    """Een elementdeclaratie in de context van het omringende type."""

    naam: str  # Clark-naam
    type: Type
    nillable: bool


class Type:
    """Een complexType, simpleType of ingebouwd XSD-type."""

    def __init__(self, index: SchemaIndex, knoop: etree._Element | None, naam: str) -> None:
        self._index = index
        self.knoop = knoop  # None voor ingebouwde typen
        self.naam = naam
        self._kinderen: dict[str, Declaratie] | None = None

    def __repr__(self) -> str:
        return f"<Type {self.naam}>"

    @property
    def is_complex(self) -> bool:
        return self.knoop is not None and self.knoop.tag == _X + "complexType"

    @functools.cached_property
    def heeft_elementen(self) -> bool:
        """Complex type met element-inhoud (geen simpleContent)."""
        knoop = self.knoop
        return knoop is not None and self.is_complex and knoop.find(_X + "simpleContent") is None

    def kinderen(self) -> dict[str, Declaratie]:
        """Alle kind-elementen (Clark-naam → declaratie) in de volgorde van het inhoudsmodel."""
        if self._kinderen is None:
            self._kinderen = self._index.kinderen(self)
        return self._kinderen

    def kind(self, naam: str) -> Declaratie | None:
        """De declaratie van kind-element ``naam`` (Clark) binnen dit type, of ``None``."""
        return self.kinderen().get(naam)

    @functools.cached_property
    def novalue_toegestaan(self) -> bool:
        return self._index.attribuut(self, _NOVALUE) is not None

    @functools.cached_property
    def entiteittype_vast(self) -> str | None:
        attr = self._index.attribuut(self, _ENTITEITTYPE)
        return attr.get("fixed") if attr is not None else None


class SchemaIndex:
    """Alle top-level componenten uit de schema-bestanden die libxml2 ook zou laden."""

    def __init__(self, entry: Path) -> None:
        self._types: dict[tuple[str, str], etree._Element] = {}
        self._elementen: dict[tuple[str, str], etree._Element] = {}
        self._groepen: dict[tuple[str, str], etree._Element] = {}
        self._attribuutgroepen: dict[tuple[str, str], etree._Element] = {}
        self._attributen: dict[tuple[str, str], etree._Element] = {}
        self._type_cache: dict[tuple[str, str], Type] = {}
        self._anoniem: dict[etree._Element, Type] = {}
        self._bezocht: set[Path] = set()
        self._geimporteerd: set[str] = set()
        self._laad(entry.resolve())

    # --- laden -----------------------------------------------------------------------------------

    def _laad(self, pad: Path) -> None:
        if pad in self._bezocht:
            return
        self._bezocht.add(pad)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.parse(str(pad), parser=parser).getroot()
        tns = root.get("targetNamespace", "")
        for knoop in root:
            tag = knoop.tag
            if tag == _X + "include":
                self._laad((pad.parent / knoop.get("schemaLocation", "")).resolve())
            elif tag == _X + "import":
                ns = knoop.get("namespace", "")
                locatie = knoop.get("schemaLocation")
                if locatie and ns not in self._geimporteerd:
                    self._geimporteerd.add(ns)
                    self._laad((pad.parent / locatie).resolve())
            elif tag in (_X + "complexType", _X + "simpleType"):
                self._types.setdefault((tns, knoop.get("name", "")), knoop)
            elif tag == _X + "element":
                self._elementen.setdefault((tns, knoop.get("name", "")), knoop)
            elif tag == _X + "group":
                self._groepen.setdefault((tns, knoop.get("name", "")), knoop)
            elif tag == _X + "attributeGroup":
                self._attribuutgroepen.setdefault((tns, knoop.get("name", "")), knoop)
            elif tag == _X + "attribute":
                self._attributen.setdefault((tns, knoop.get("name", "")), knoop)

    # --- opzoeken --------------------------------------------------------------------------------

    def voorbereiden(self, start: Type) -> int:
        """Bereken vooraf alles wat vanaf ``start`` bereikbaar is (kinderen, noValue, entiteittype).

        Daarna leest de antwoordbouwer alleen nog Python-dicts en raakt hij de lxml-bomen van de
        schema's niet meer aan; zo kan één index veilig door meerdere threads gebruikt worden.
        Geeft het aantal voorbereide typen.
        """
        gezien: set[int] = set()
        te_doen = [start]
        while te_doen:
            type_ = te_doen.pop()
            if id(type_) in gezien:
                continue
            gezien.add(id(type_))
            _ = type_.novalue_toegestaan, type_.entiteittype_vast, type_.heeft_elementen
            te_doen.extend(decl.type for decl in type_.kinderen().values())
        return len(gezien)

    @staticmethod
    def _qname(knoop: etree._Element, waarde: str) -> tuple[str, str]:
        prefix, _, lokaal = waarde.rpartition(":")
        return knoop.nsmap.get(prefix or None, ""), lokaal  # type: ignore[arg-type]

    @staticmethod
    def _tns(knoop: etree._Element) -> str:
        return knoop.getroottree().getroot().get("targetNamespace", "")

    def type(self, ns: str, naam: str) -> Type:
        sleutel = (ns, naam)
        gevonden = self._type_cache.get(sleutel)
        if gevonden is None:
            knoop = None if ns == XS else self._types.get(sleutel)
            if knoop is None and ns != XS:
                raise KeyError(f"type {{{ns}}}{naam} niet gevonden in de schema's")
            gevonden = Type(self, knoop, f"{{{ns}}}{naam}")
            self._type_cache[sleutel] = gevonden
        return gevonden

    def _anoniem_type(self, knoop: etree._Element) -> Type:
        gevonden = self._anoniem.get(knoop)
        if gevonden is None:
            gevonden = Type(self, knoop, "(anoniem)")
            self._anoniem[knoop] = gevonden
        return gevonden

    def _declaratie(self, knoop: etree._Element) -> Declaratie:
        ref = knoop.get("ref")
        if ref is not None:
            ns, naam = self._qname(knoop, ref)
            globaal = self._elementen[(ns, naam)]
            # nillable staat op de globale declaratie; een ref kan het niet overschrijven.
            return Declaratie(
                f"{{{ns}}}{naam}", self._element_type(globaal), globaal.get("nillable") == "true"
            )
        naam = f"{{{self._tns(knoop)}}}{knoop.get('name')}"
        return Declaratie(naam, self._element_type(knoop), knoop.get("nillable") == "true")

    def _element_type(self, knoop: etree._Element) -> Type:
        type_attr = knoop.get("type")
        if type_attr is not None:
            return self.type(*self._qname(knoop, type_attr))
        anoniem = knoop.find(_X + "complexType")
        if anoniem is None:
            anoniem = knoop.find(_X + "simpleType")
        if anoniem is not None:
            return self._anoniem_type(anoniem)
        return self.type(XS, "anyType")

    def kinderen(self, type_: Type) -> dict[str, Declaratie]:
        uitkomst: dict[str, Declaratie] = {}
        if type_.knoop is None or not type_.is_complex:
            return uitkomst
        for decl in self._deeltjes(type_.knoop):
            declaratie = self._declaratie(decl)
            uitkomst.setdefault(declaratie.naam, declaratie)
        return uitkomst

    def _deeltjes(self, knoop: etree._Element) -> list[etree._Element]:
        """Alle xs:element-declaraties in het inhoudsmodel van een complexType."""
        inhoud = knoop.find(_X + "complexContent")
        if inhoud is not None:
            afleiding = inhoud.find(_X + "restriction")
            if afleiding is not None:
                return self._in_model(afleiding)
            afleiding = inhoud.find(_X + "extension")
            if afleiding is not None:
                basis = self.type(*self._qname(afleiding, afleiding.get("base", "")))
                eerder = self._deeltjes(basis.knoop) if basis.is_complex else []  # type: ignore[arg-type]
                return eerder + self._in_model(afleiding)
            return []
        if knoop.find(_X + "simpleContent") is not None:
            return []
        return self._in_model(knoop)

    def _in_model(self, knoop: etree._Element) -> list[etree._Element]:
        uitkomst: list[etree._Element] = []
        for kind in knoop:
            tag = kind.tag
            if tag == _X + "element":
                uitkomst.append(kind)
            elif tag in (_X + "sequence", _X + "choice", _X + "all"):
                uitkomst.extend(self._in_model(kind))
            elif tag == _X + "group":
                ref = kind.get("ref")
                if ref is not None:
                    uitkomst.extend(self._in_model(self._groepen[self._qname(kind, ref)]))
                else:
                    uitkomst.extend(self._in_model(kind))
        return uitkomst

    def attribuut(self, type_: Type, naam: tuple[str, str]) -> etree._Element | None:
        """De geldende ``xs:attribute``-declaratie voor ``naam`` op dit type.

        ``None`` als het attribuut op dit type niet is toegestaan.
        """
        knoop = type_.knoop
        if knoop is None or knoop.tag != _X + "complexType":
            return None
        for houder in self._attribuut_houders(knoop):
            uitkomst = self._zoek_attribuut(houder, naam)
            if uitkomst is not None:
                # use="prohibited" in een restrictie schakelt het attribuut uit.
                return None if uitkomst.get("use") == "prohibited" else uitkomst
        basis = self._basis(knoop)
        return self.attribuut(basis, naam) if basis is not None else None

    def _attribuut_houders(self, knoop: etree._Element) -> list[etree._Element]:
        houders = [knoop]
        for inhoud_tag in (_X + "complexContent", _X + "simpleContent"):
            inhoud = knoop.find(inhoud_tag)
            if inhoud is not None:
                houders.extend(
                    kind for kind in inhoud if kind.tag in (_X + "restriction", _X + "extension")
                )
        return houders

    def _basis(self, knoop: etree._Element) -> Type | None:
        for inhoud_tag in (_X + "complexContent", _X + "simpleContent"):
            inhoud = knoop.find(inhoud_tag)
            if inhoud is None:
                continue
            for kind in inhoud:
                if kind.tag in (_X + "restriction", _X + "extension") and kind.get("base"):
                    return self.type(*self._qname(kind, kind.get("base", "")))
        return None

    def _zoek_attribuut(
        self, houder: etree._Element, naam: tuple[str, str]
    ) -> etree._Element | None:
        for kind in houder:
            if kind.tag == _X + "attribute":
                ref = kind.get("ref")
                # Alleen verwijzingen: noValue en entiteittype zijn globale StUF-attributen.
                if ref is not None and self._qname(kind, ref) == naam:
                    return kind
            elif kind.tag == _X + "attributeGroup" and kind.get("ref"):
                groep = self._attribuutgroepen.get(self._qname(kind, kind.get("ref", "")))
                if groep is not None:
                    gevonden = self._zoek_attribuut(groep, naam)
                    if gevonden is not None:
                        return gevonden
        return None


@functools.cache
def vraag_antwoord_index() -> SchemaIndex:
    """De index voor vrdLa01, eenmaal per proces geladen en vooraf doorgerekend vanaf
    ``FIN:VRD-antwoord``."""
    from stuffin.stuf.xml import NS, SCHEMA_DIR

    index = SchemaIndex(SCHEMA_DIR / "fin0310_vraagAntwoord_entry.xsd")
    index.voorbereiden(index.type(NS["FIN"], "VRD-antwoord"))
    return index
