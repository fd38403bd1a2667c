"""Uitgaande StUF-FIN-berichten, gebouwd met lxml (geen tekstsjablonen).

Elke builder geeft een lxml-element dat valideert tegen het officiële schema
(:func:`stuffin.stuf.xml.proces_schema` of :func:`~stuffin.stuf.xml.vraag_antwoord_schema`);
verpak het met :func:`stuffin.stuf.soap.envelope` of :func:`~stuffin.stuf.soap.fault_envelope`.

Antwoord op een vraag (vrdLa01): alleen wat de ``scope`` van de vraag vraagt, in schemavolgorde.
Een gevraagd element zonder waarde gaat mee als ``xsi:nil="true" StUF:noValue="geenWaarde"``, een
gevraagd element dat dit systeem niet kent als ``StUF:noValue="nietOndersteund"`` (StUF 03.01
§3.4.1 en §6.4.2) — beide alleen waar het schema dat toestaat (``nillable`` en ``StUF:noValue`` op
het type), anders wordt het (optionele) element weggelaten. Een gevraagde groep zonder voorkomens
(bv. geen automatische incasso) wordt weggelaten: groepen kennen geen ``StUF:noValue``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from lxml import etree

from stuffin.stuf import _xsd
from stuffin.stuf.berichten import (
    Adres,
    Boeking,
    FinancieleVerantwoording,
    Stuurgegevens,
    Systeem,
    VorderendeOrganisatie,
    Vordering,
    VorderingStatusWijziging,
    VorderingVraag,
)
from stuffin.stuf.fouten import StufFout
from stuffin.stuf.tijd import (
    format_datum,
    format_datum_en_tijd,
    format_stuf_datum,
    format_tijdstip,
    parse_tijdstip,
)
from stuffin.stuf.xml import NS

__all__ = [
    "build_bv03",
    "build_di01_financiele_verantwoording",
    "build_di01_statuswijziging",
    "build_fo02",
    "build_fo03",
    "build_vrd_la01",
    "format_tijdstip",
    "parse_tijdstip",
]

_STUF = "{" + NS["StUF"] + "}"
_FIN = "{" + NS["FIN"] + "}"
_BG = "{" + NS["BG"] + "}"
_ZKN = "{" + NS["ZKN"] + "}"
_XSI = "{" + NS["xsi"] + "}"
_XSI_NIL = _XSI + "nil"
_NOVALUE = _STUF + "noValue"
_ENTITEITTYPE = _STUF + "entiteittype"
_VERWERKINGSSOORT = _STUF + "verwerkingssoort"

_NSMAP_STUF = {"StUF": NS["StUF"]}
_NSMAP_FIN = {k: NS[k] for k in ("StUF", "FIN", "BG", "ZKN", "xsi")}

# Schema-lengtes (StUF:Foutomschrijving, StUF:Foutdetails, StUF:Melding, StUF:Refnummer).
_MAX_OMSCHRIJVING = 200
_MAX_DETAILS = 1000
_MAX_MELDING = 250
_MAX_REFNUMMER = 40

#: StUF 03.01 §6.4.1: de melding bij een antwoord dat niet alle objecten bevat.
MELDING_MEER_OBJECTEN = "StUF0002: Meer objecten gevraagd dan teruggegeven"

#: Applicatie voor de ontvanger van een Fo03 als de stuurgegevens van het verzoek onleesbaar
#: waren (StUF:Systeem/applicatie is verplicht, minimaal 3 tekens).
ONBEKENDE_APPLICATIE = "onbekend"


# --- algemene hulpjes ---------------------------------------------------------------------------


def _sub(ouder: etree._Element, tag: str, tekst: str | None = None) -> etree._Element:
    el = etree.SubElement(ouder, tag)
    if tekst is not None:
        el.text = tekst
    return el


# Tekens die XML 1.0 niet toestaat; een foutbericht mag nooit zelf stuklopen op zijn details.
_ONGELDIGE_XML_TEKENS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _kort(tekst: str, maximum: int) -> str:
    tekst = _ONGELDIGE_XML_TEKENS.sub("?", tekst)
    return tekst if len(tekst) <= maximum else tekst[: maximum - 1] + "…"


def _refnummer(waarde: str, wat: str) -> str:
    if len(waarde) > _MAX_REFNUMMER:
        raise ValueError(f"{wat} is langer dan {_MAX_REFNUMMER} tekens (StUF:Refnummer)")
    return waarde


def _systeem(ouder: etree._Element, tag: str, systeem: Systeem) -> None:
    if len(systeem.applicatie) < 3:
        raise ValueError(f"StUF:Systeem/applicatie moet minstens 3 tekens zijn: {systeem!r}")
    el = _sub(ouder, tag)
    if systeem.organisatie:
        _sub(el, _STUF + "organisatie", systeem.organisatie)
    _sub(el, _STUF + "applicatie", systeem.applicatie)
    if systeem.administratie:
        _sub(el, _STUF + "administratie", systeem.administratie)
    if systeem.gebruiker:
        _sub(el, _STUF + "gebruiker", systeem.gebruiker)


def _nil(el: etree._Element, novalue: str | None) -> etree._Element:
    el.set(_XSI_NIL, "true")
    if novalue:
        el.set(_NOVALUE, novalue)
    return el


def _ja_nee(waarde: bool) -> str:
    return "J" if waarde else "N"


def _getal(waarde: int | None) -> str | None:
    return None if waarde is None else str(waarde)


def _tekst(waarde: str | None) -> str | None:
    return waarde or None


def _datum(waarde: date | None) -> str | None:
    return None if waarde is None else format_datum(waarde)


def _datum_en_tijd(waarde: datetime | None) -> str | None:
    return None if waarde is None else format_datum_en_tijd(waarde)


# --- Bv03 / Fo02 / Fo03 -------------------------------------------------------------------------


def build_bv03(
    *, ontvangen: Stuurgegevens, eigen: Systeem, referentienummer: str, tijdstip: datetime
) -> etree._Element:
    """``StUF:Bv03Bericht`` op een ontvangen asynchroon bericht (StUF 03.01 §4.4.2).

    Zender is dit systeem, ontvanger de zender van het verzoek, ``crossRefnummer`` het
    referentienummer van het verzoek.
    """
    root = etree.Element(_STUF + "Bv03Bericht", nsmap=_NSMAP_STUF)
    _asynchrone_stuurgegevens(
        root,
        "Bv03",
        eigen,
        ontvangen.zender,
        referentienummer,
        tijdstip,
        ontvangen.referentienummer,
    )
    return root


def _asynchrone_stuurgegevens(
    root: etree._Element,
    berichtcode: str,
    zender: Systeem,
    ontvanger: Systeem,
    referentienummer: str,
    tijdstip: datetime,
    crossrefnummer: str,
) -> None:
    sg = _sub(root, _STUF + "stuurgegevens")
    _sub(sg, _STUF + "berichtcode", berichtcode)
    _systeem(sg, _STUF + "zender", zender)
    _systeem(sg, _STUF + "ontvanger", ontvanger)
    _sub(sg, _STUF + "referentienummer", _refnummer(referentienummer, "referentienummer"))
    _sub(sg, _STUF + "tijdstipBericht", format_tijdstip(tijdstip))
    _sub(sg, _STUF + "crossRefnummer", _refnummer(crossrefnummer, "crossRefnummer"))


def _foutbody(root: etree._Element, fout: StufFout) -> None:
    body = _sub(root, _STUF + "body")
    _sub(body, _STUF + "code", fout.code.code)
    _sub(body, _STUF + "plek", fout.code.plek)
    _sub(body, _STUF + "omschrijving", _kort(fout.code.omschrijving, _MAX_OMSCHRIJVING))
    if fout.details:
        _sub(body, _STUF + "details", _kort(fout.details, _MAX_DETAILS))


def build_fo03(
    *,
    fout: StufFout,
    ontvangen: Stuurgegevens | None,
    eigen: Systeem,
    referentienummer: str,
    tijdstip: datetime,
) -> etree._Element:
    """``StUF:Fo03Bericht`` (antwoord op een Di01 dat we niet aannemen).

    ``ontvangen`` zijn de stuurgegevens van het verzoek; ``None`` als die onleesbaar waren, dan
    is de ontvanger :data:`ONBEKENDE_APPLICATIE` en het ``crossRefnummer`` leeg.
    """
    root = etree.Element(_STUF + "Fo03Bericht", nsmap=_NSMAP_STUF)
    # De stuurgegevens van een afgekeurd verzoek zijn mogelijk niet schema-geldig: kap ze af op
    # de schemalengtes, zodat het foutbericht zelf altijd geldig is.
    if ontvangen is not None and len(ontvangen.zender.applicatie) >= 3:
        z = ontvangen.zender
        ontvanger = Systeem(
            organisatie=_kort(z.organisatie, 200),
            applicatie=_kort(z.applicatie, 50),
            administratie=_kort(z.administratie, 50),
            gebruiker=_kort(z.gebruiker, 100),
        )
    else:
        ontvanger = Systeem(applicatie=ONBEKENDE_APPLICATIE)
    crossref = ontvangen.referentienummer if ontvangen is not None else ""
    _asynchrone_stuurgegevens(
        root, "Fo03", eigen, ontvanger, referentienummer, tijdstip, _kort(crossref, _MAX_REFNUMMER)
    )
    _foutbody(root, fout)
    return root


def build_fo02(*, fout: StufFout) -> etree._Element:
    """``StUF:Fo02Bericht`` (fout op een synchrone vraag); stuurgegevens alleen de berichtcode."""
    root = etree.Element(_STUF + "Fo02Bericht", nsmap=_NSMAP_STUF)
    sg = _sub(root, _STUF + "stuurgegevens")
    _sub(sg, _STUF + "berichtcode", "Fo02")
    _foutbody(root, fout)
    return root


# --- Di01-berichten die wij versturen -----------------------------------------------------------


def _di01_root(
    tag: str,
    functie: str,
    eigen: Systeem,
    ontvanger: Systeem,
    referentienummer: str,
    tijdstip: datetime,
) -> etree._Element:
    root = etree.Element(_FIN + tag, nsmap=_NSMAP_FIN)
    sg = _sub(root, _FIN + "stuurgegevens")
    _sub(sg, _STUF + "berichtcode", "Di01")
    _systeem(sg, _STUF + "zender", eigen)
    _systeem(sg, _STUF + "ontvanger", ontvanger)
    _sub(sg, _STUF + "referentienummer", _refnummer(referentienummer, "referentienummer"))
    _sub(sg, _STUF + "tijdstipBericht", format_tijdstip(tijdstip))
    _sub(sg, _STUF + "functie", functie)
    return root


def _lk01(
    root: etree._Element, tag: str, entiteittype: str, *, mutatiesoort: str, verwerkingssoort: str
) -> etree._Element:
    lk01 = _sub(root, _FIN + tag)
    lk01.set("entiteittype", entiteittype)
    lk01.set("functie", "update")
    parameters = _sub(lk01, _FIN + "parameters")
    _sub(parameters, _STUF + "mutatiesoort", mutatiesoort)
    # Verplicht te verwerken: de ontvanger moet de nieuwe situatie overnemen (StUF 03.01 §5.1).
    _sub(parameters, _STUF + "indicatorOvername", "V")
    obj = _sub(lk01, _FIN + "object")
    obj.set(_ENTITEITTYPE, entiteittype)
    obj.set(_VERWERKINGSSOORT, verwerkingssoort)
    return obj


def _zkn_adres(ouder: etree._Element, adres: Adres | None) -> None:
    """Bezoekadres (BG:VerblijfsadresGrp-zkn-basis) of buitenlands adres van een NNP."""
    if adres is None:
        return
    if adres.is_buitenland:
        velden = [
            ("lnd.landnaam", adres.landnaam),
            ("sub.adresBuitenland1", adres.adres_buitenland_1),
            ("sub.adresBuitenland2", adres.adres_buitenland_2),
            ("sub.adresBuitenland3", adres.adres_buitenland_3),
        ]
        groep_tag = "sub.verblijfBuitenland"
    else:
        velden = [
            ("aoa.identificatie", adres.aoa_identificatie),
            ("wpl.woonplaatsNaam", adres.woonplaats),
            ("gor.openbareRuimteNaam", adres.openbare_ruimte_naam or adres.straatnaam),
            ("gor.straatnaam", _straatnaam(adres)),
            ("aoa.postcode", adres.postcode),
            ("aoa.huisnummer", _getal(adres.huisnummer)),
            ("aoa.huisletter", adres.huisletter),
            ("aoa.huisnummertoevoeging", adres.huisnummertoevoeging),
            ("inp.locatiebeschrijving", adres.locatiebeschrijving),
        ]
        groep_tag = "bezoekadres"
    gevuld = [(naam, waarde) for naam, waarde in velden if waarde]
    if not gevuld:
        return
    groep = _sub(ouder, _BG + groep_tag)
    for naam, waarde in gevuld:
        _sub(groep, _BG + naam, waarde)


def _straatnaam(adres: Adres) -> str | None:
    # BG:Straatnaam is de NEN-straatnaam van maximaal 24 tekens; Adres.straatnaam kan ook een
    # langere openbare-ruimtenaam bevatten (die gaat dan alleen in gor.openbareRuimteNaam).
    straatnaam = adres.straatnaam
    if not straatnaam or len(straatnaam) > 24:
        return None
    return straatnaam


def _vorderende_organisatie_kennisgeving(
    obj: etree._Element, tag: str, relatie_entiteittype: str, org: VorderendeOrganisatie, soort: str
) -> None:
    """Relatie naar de vorderende organisatie (BG:NNP-zkn-kerngegevensKennisgeving)."""
    relatie = _sub(obj, _FIN + tag)
    relatie.set(_ENTITEITTYPE, relatie_entiteittype)
    relatie.set(_VERWERKINGSSOORT, soort)
    gerelateerde = _sub(relatie, _FIN + "gerelateerde")
    gerelateerde.set(_ENTITEITTYPE, "NNP")
    # I: de gerelateerde bevat alleen identificerende gegevens, hij wordt niet gewijzigd.
    gerelateerde.set(_VERWERKINGSSOORT, "I")
    if org.nnp_id:
        _sub(gerelateerde, _BG + "inn.nnpId", org.nnp_id)
        # Verplicht naast inn.nnpId in dit type; wij zijn niet de authentieke bron.
        _sub(gerelateerde, _BG + "authentiek", "N").set(_STUF + "metagegeven", "true")
    if org.statutaire_naam:
        _sub(gerelateerde, _BG + "statutaireNaam", org.statutaire_naam)
    if org.rechtsvorm:
        _sub(gerelateerde, _BG + "inn.rechtsvorm", org.rechtsvorm)
    _zkn_adres(gerelateerde, org.adres)


def build_di01_statuswijziging(
    *,
    eigen: Systeem,
    ontvanger: Systeem,
    referentienummer: str,
    tijdstip: datetime,
    wijzigingen: list[VorderingStatusWijziging],
) -> etree._Element:
    """``FIN:Di01-verstrekVorderingStatusWijziging`` naar de TSA: één vrdLk01 per wijziging.

    Zoals de officiële voorbeeldberichten: mutatiesoort T met één object (verwerkingssoort W, in
    het schema vast) dat de huidige status bevat.
    """
    if not wijzigingen:
        raise ValueError("een statuswijzigingsbericht bevat minstens één wijziging")
    root = _di01_root(
        "Di01-verstrekVorderingStatusWijziging",
        "verstrekVorderngStatusWijzigng",  # sic: zo staat het in het schema
        eigen,
        ontvanger,
        referentienummer,
        tijdstip,
    )
    for wijziging in wijzigingen:
        status = wijziging.status
        if not status.status or status.datum_en_tijd is None:
            raise ValueError(
                f"statuswijziging {wijziging.vorderingnummer}: "
                "status en datum_en_tijd zijn verplicht"
            )
        obj = _lk01(root, "vrdLk01", "VRD", mutatiesoort="T", verwerkingssoort="W")
        _sub(obj, _FIN + "vorderingnummer", wijziging.vorderingnummer)
        _sub(obj, _FIN + "tsa", wijziging.tsa)
        groep = _sub(obj, _FIN + "vorderingstatus")
        if status.totaal_betaald is not None:
            _sub(groep, _FIN + "totaalBetaald", str(status.totaal_betaald))
        if status.deel_bedrag_betaald is not None:
            _sub(groep, _FIN + "deelBedragBetaald", str(status.deel_bedrag_betaald))
        if status.opmerkingen:
            _sub(groep, _FIN + "opmerkingen", status.opmerkingen)
        _sub(groep, _FIN + "status", status.status)
        _sub(groep, _FIN + "datumEnTijd", format_datum_en_tijd(status.datum_en_tijd))
        _vorderende_organisatie_kennisgeving(
            obj, "heeftAlsVorderendeOrganisatie", "VRDNNPVOR", wijziging.vorderende_organisatie, "I"
        )
    return root


def _bedrag_of_nil(ouder: etree._Element, tag: str, waarde: int | None) -> None:
    el = _sub(ouder, tag)
    if waarde is None:
        _nil(el, "geenWaarde")
    else:
        el.text = str(waarde)


def build_di01_financiele_verantwoording(
    *,
    eigen: Systeem,
    ontvanger: Systeem,
    referentienummer: str,
    tijdstip: datetime,
    verantwoordingen: list[FinancieleVerantwoording],
) -> etree._Element:
    """``FIN:Di01-verstrekFinancieleVerantwoording`` naar de financiële administratie."""
    if not verantwoordingen:
        raise ValueError("een verantwoordingsbericht bevat minstens één verantwoording")
    root = _di01_root(
        "Di01-verstrekFinancieleVerantwoording",
        "verstrekFinVerantwoording",
        eigen,
        ontvanger,
        referentienummer,
        tijdstip,
    )
    for fvw in verantwoordingen:
        if not fvw.boekingen:
            raise ValueError(
                f"verantwoording {fvw.verantwoordingsnummer}: het schema eist minstens één boeking"
            )
        obj = _lk01(root, "fvwLk01", "FVW", mutatiesoort="T", verwerkingssoort="T")
        _sub(obj, _FIN + "verantwoordingsnummer", fvw.verantwoordingsnummer)
        _sub(obj, _FIN + "datumEnTijd", format_datum_en_tijd(fvw.datum_en_tijd))
        if fvw.omschrijving:
            _sub(obj, _FIN + "boekingperiodeOmschrijving", fvw.omschrijving)
        _sub(obj, _FIN + "begindatum", format_datum(fvw.begindatum))
        _sub(obj, _FIN + "einddatum", format_datum(fvw.einddatum))
        for boeking in fvw.boekingen:
            _boeking(obj, boeking)
        _vorderende_organisatie_kennisgeving(
            obj, "isVanVorderendeOrganisatie", "FVWNNPVOR", fvw.vorderende_organisatie, "T"
        )
    return root


def _boeking(obj: etree._Element, boeking: Boeking) -> None:
    groep = _sub(obj, _FIN + "boeking")
    sleutel = _sub(groep, _FIN + "boekingsleutel")
    if boeking.boekingssleutel:
        sleutel.text = boeking.boekingssleutel
    else:
        _nil(sleutel, "geenWaarde")
    _bedrag_of_nil(groep, _FIN + "boekingbedragInclBTW", boeking.bedrag_incl_btw)
    _bedrag_of_nil(groep, _FIN + "boekingbedragExclBTW", boeking.bedrag_excl_btw)
    _bedrag_of_nil(groep, _FIN + "boekingbedragBTW", boeking.bedrag_btw)


# --- vrdLa01: het antwoord in de scope van de vraag ---------------------------------------------


@dataclass(frozen=True, slots=True)
class _Veld:
    """Een enkelvoudig element; ``waarde`` geeft de schematekst of ``None`` (geen waarde)."""

    waarde: Callable[[Any], str | None]


@dataclass(frozen=True, slots=True)
class _Groep:
    """Een groep, relatie of gerelateerde: nul of meer voorkomens met eigen kinderen.

    ``entiteittype`` alleen voor relaties/gerelateerden; ``altijd`` zijn kinderen die mee moeten
    ook als de scope ze niet noemt (``gerelateerde`` is in een relatie verplicht).
    """

    voorkomens: Callable[[Any], Iterable[Any]]
    kinderen: dict[str, _Veld | _Groep]
    entiteittype: str = ""
    altijd: tuple[str, ...] = field(default=())


def _een(functie: Callable[[Any], Any]) -> Callable[[Any], list[Any]]:
    def voorkomens(ctx: Any) -> list[Any]:
        waarde = functie(ctx)
        return [] if waarde is None else [waarde]

    return voorkomens


def _adres_groep(ctx_adres: Callable[[Any], Adres | None]) -> _Groep:
    """Binnenlandse adresgroep (verblijfsadres, bezoekadres, correspondentieadres)."""
    kinderen: dict[str, _Veld | _Groep] = {
        _BG + "aoa.identificatie": _Veld(lambda a: _tekst(a.aoa_identificatie)),
        _BG + "wpl.woonplaatsNaam": _Veld(lambda a: _tekst(a.woonplaats)),
        _BG + "postcode": _Veld(lambda a: _tekst(a.postcode)),  # correspondentieadres
        _BG + "gor.openbareRuimteNaam": _Veld(
            lambda a: _tekst(a.openbare_ruimte_naam or a.straatnaam)
        ),
        _BG + "gor.straatnaam": _Veld(_straatnaam),
        _BG + "aoa.postcode": _Veld(lambda a: _tekst(a.postcode)),
        _BG + "aoa.huisnummer": _Veld(lambda a: _getal(a.huisnummer)),
        _BG + "aoa.huisletter": _Veld(lambda a: _tekst(a.huisletter)),
        _BG + "aoa.huisnummertoevoeging": _Veld(lambda a: _tekst(a.huisnummertoevoeging)),
        _BG + "inp.locatiebeschrijving": _Veld(lambda a: _tekst(a.locatiebeschrijving)),
    }

    def binnenland(ctx: Any) -> list[Adres]:
        adres = ctx_adres(ctx)
        return [] if adres is None or adres.is_buitenland else [adres]

    return _Groep(binnenland, kinderen)


def _buitenland_groep(ctx_adres: Callable[[Any], Adres | None]) -> _Groep:
    def buitenland(ctx: Any) -> list[Adres]:
        adres = ctx_adres(ctx)
        return [adres] if adres is not None and adres.is_buitenland else []

    return _Groep(
        buitenland,
        {
            _BG + "lnd.landcode": _Veld(lambda a: _tekst(a.landcode)),
            _BG + "lnd.landnaam": _Veld(lambda a: _tekst(a.landnaam)),
            _BG + "sub.adresBuitenland1": _Veld(lambda a: _tekst(a.adres_buitenland_1)),
            _BG + "sub.adresBuitenland2": _Veld(lambda a: _tekst(a.adres_buitenland_2)),
            _BG + "sub.adresBuitenland3": _Veld(lambda a: _tekst(a.adres_buitenland_3)),
        },
    )


def _geboortedatum(persoon: Any) -> str | None:
    if persoon.geboortedatum is not None:
        return format_stuf_datum(persoon.geboortedatum)
    ruw = persoon.geboortedatum_ruw
    # StUF:Datum is een decimaal getal van hooguit 8 cijfers; zo ontvangen, zo teruggeven.
    return ruw if ruw and ruw.isdigit() and len(ruw) <= 8 else None


def _persoon_kinderen(adres_tag: str) -> dict[str, _Veld | _Groep]:
    """Kinderen van BG:NPS en BG:NNP als gerelateerde (debiteur of vorderende organisatie)."""

    def adres(p: Any) -> Adres | None:
        return getattr(p, "verblijfsadres", None) or getattr(p, "adres", None)

    return {
        # natuurlijk persoon
        _BG + "inp.bsn": _Veld(lambda p: _tekst(getattr(p, "bsn", ""))),
        _BG + "inp.a-nummer": _Veld(lambda p: _tekst(p.a_nummer)),
        _BG + "geslachtsnaam": _Veld(lambda p: _tekst(p.geslachtsnaam)),
        _BG + "voorvoegselGeslachtsnaam": _Veld(lambda p: _tekst(p.voorvoegsel_geslachtsnaam)),
        _BG + "voorletters": _Veld(lambda p: _tekst(p.voorletters)),
        _BG + "voornamen": _Veld(lambda p: _tekst(p.voornamen)),
        _BG + "aanduidingNaamgebruik": _Veld(lambda p: _tekst(p.aanduiding_naamgebruik)),
        _BG + "geslachtsnaamPartner": _Veld(lambda p: _tekst(p.geslachtsnaam_partner)),
        _BG + "voorvoegselGeslachtsnaamPartner": _Veld(
            lambda p: _tekst(p.voorvoegsel_geslachtsnaam_partner)
        ),
        _BG + "aanhefAanschrijving": _Veld(lambda p: _tekst(p.aanhef_aanschrijving)),
        _BG + "voornamenAanschrijving": _Veld(lambda p: _tekst(p.voornamen_aanschrijving)),
        _BG + "geslachtsnaamAanschrijving": _Veld(lambda p: _tekst(p.geslachtsnaam_aanschrijving)),
        _BG + "adellijkeTitelPredikaat": _Veld(lambda p: _tekst(p.adellijke_titel_predikaat)),
        _BG + "geslachtsaanduiding": _Veld(lambda p: _tekst(p.geslachtsaanduiding)),
        _BG + "geboortedatum": _Veld(_geboortedatum),
        # niet-natuurlijk persoon
        _BG + "inn.nnpId": _Veld(lambda p: _tekst(getattr(p, "nnp_id", ""))),
        _BG + "statutaireNaam": _Veld(lambda p: _tekst(p.statutaire_naam)),
        _BG + "inn.rechtsvorm": _Veld(lambda p: _tekst(p.rechtsvorm)),
        # adressen
        _BG + "sub.correspondentieAdres": _adres_groep(
            lambda p: getattr(p, "correspondentieadres", None)
        ),
        _BG + adres_tag: _adres_groep(adres),
        _BG + "sub.verblijfBuitenland": _buitenland_groep(adres),
        _BG + "sub.telefoonnummer": _Veld(lambda p: _tekst(getattr(p, "telefoonnummer", ""))),
        _BG + "sub.emailadres": _Veld(lambda p: _tekst(getattr(p, "emailadres", ""))),
        _BG + "sub.rekeningnummerBankGiro": _Veld(
            lambda p: _tekst(getattr(p, "rekeningnummer", ""))
        ),
    }


def _relatie(
    entiteittype: str,
    gerelateerde_type: str,
    item: Callable[[Any], Any],
    gerelateerde_kinderen: dict[str, _Veld | _Groep],
    gerelateerde: Callable[[Any], Any] = lambda x: x,
    extra: dict[str, _Veld | _Groep] | None = None,
) -> _Groep:
    kinderen: dict[str, _Veld | _Groep] = {
        _FIN + "gerelateerde": _Groep(
            _een(gerelateerde), gerelateerde_kinderen, entiteittype=gerelateerde_type
        ),
    }
    kinderen.update(extra or {})
    return _Groep(_een(item), kinderen, entiteittype=entiteittype, altijd=(_FIN + "gerelateerde",))


def _nps_debiteur(v: Vordering) -> Any:
    d = v.debiteur
    return d if d is not None and d.natuurlijk_persoon is not None else None


def _nnp_debiteur(v: Vordering) -> Any:
    d = v.debiteur
    return d if d is not None and d.niet_natuurlijk_persoon is not None else None


def _debiteurnummer() -> dict[str, _Veld | _Groep]:
    return {_FIN + "debiteurnummer": _Veld(lambda d: _tekst(d.debiteurnummer))}


def _organisatie_bekend(v: Vordering) -> VorderendeOrganisatie:
    # Elke vordering hééft een vorderende organisatie (verplicht in Di01), ook als de TSA hem leeg
    # liet (het min-bericht); gevraagde velden komen dan als geenWaarde mee.
    return v.vorderende_organisatie


_VORDERING: dict[str, _Veld | _Groep] = {
    _FIN + "vorderingnummer": _Veld(lambda v: _tekst(v.vorderingnummer)),
    _FIN + "factuurnummer": _Veld(lambda v: _tekst(v.factuurnummer)),
    _FIN + "creatiedatum": _Veld(lambda v: _datum(v.creatiedatum)),
    _FIN + "factuurdatum": _Veld(lambda v: _datum(v.factuurdatum)),
    _FIN + "vervaldatum": _Veld(lambda v: _datum(v.vervaldatum)),
    _FIN + "tsa": _Veld(lambda v: _tekst(v.tsa)),
    _FIN + "indicatorFactuurUitgestuurd": _Veld(lambda v: _ja_nee(v.indicator_factuur_uitgestuurd)),
    _FIN + "algemeneFactuuromschrijving": _Veld(lambda v: _tekst(v.algemene_factuuromschrijving)),
    _FIN + "valutacode": _Veld(lambda v: _tekst(v.valutacode)),
    _FIN + "totaalbedragExclBTW": _Veld(lambda v: _getal(v.totaalbedrag_excl_btw)),
    _FIN + "totaalbedragBTW": _Veld(lambda v: _getal(v.totaalbedrag_btw)),
    _FIN + "totaalbedragInclBTW": _Veld(lambda v: _getal(v.totaalbedrag_incl_btw)),
    _FIN + "taaknummer": _Veld(lambda v: _tekst(v.taaknummer)),
    _FIN + "indicatorPubliekrechtelijk": _Veld(lambda v: _ja_nee(v.indicator_publiekrechtelijk)),
    _FIN + "vorderingsregel": _Groep(
        lambda v: v.regels,
        {
            _FIN + "bedragExclBTW": _Veld(lambda r: _getal(r.bedrag_excl_btw)),
            _FIN + "bedragInclBTW": _Veld(lambda r: _getal(r.bedrag_incl_btw)),
            _FIN + "bedragBTW": _Veld(lambda r: _getal(r.bedrag_btw)),
            _FIN + "btwCategorie": _Veld(lambda r: _tekst(r.btw_categorie)),
            _FIN + "btwPercentage": _Veld(lambda r: _getal(r.btw_percentage)),
            _FIN + "vorderingtype": _Veld(lambda r: _tekst(r.vorderingtype)),
            _FIN + "vorderingcode": _Veld(lambda r: _tekst(r.vorderingcode)),
            _FIN + "vorderingtoelichting": _Veld(lambda r: _tekst(r.vorderingtoelichting)),
            _FIN + "vorderingomschrijving": _Veld(lambda r: _tekst(r.vorderingomschrijving)),
            _FIN + "aantal": _Veld(lambda r: _getal(r.aantal)),
            _FIN + "eenheid": _Veld(lambda r: _tekst(r.eenheid)),
            _FIN + "stuksPrijsExclBTW": _Veld(lambda r: _getal(r.stuksprijs_excl_btw)),
        },
    ),
    _FIN + "totaalregelsBTW": _Groep(
        lambda v: v.btw_totaalregels,
        {
            _FIN + "totaalbedragBTW": _Veld(lambda b: _getal(b.totaalbedrag_btw)),
            _FIN + "BTWcategorie": _Veld(lambda b: _tekst(b.btw_categorie)),
        },
    ),
    _FIN + "automatischeIncasso": _Groep(
        _een(lambda v: v.automatische_incasso),
        {
            _FIN + "machtigingskenmerk": _Veld(lambda a: _tekst(a.machtigingskenmerk)),
            _FIN + "afgiftedatumIncasso": _Veld(lambda a: _datum(a.afgiftedatum)),
            _FIN + "rekeningnummer": _Veld(lambda a: _tekst(a.rekeningnummer)),
            _FIN + "bic": _Veld(lambda a: _tekst(a.bic)),
        },
    ),
    _FIN + "invorderingsSchema": _Groep(
        _een(lambda v: v.invorderingsschema),
        {
            _FIN + "invorderingsregime": _Veld(lambda s: _tekst(s.invorderingsregime)),
            _FIN + "termijn": _Groep(
                lambda s: s.termijnen,
                {
                    _FIN + "datum": _Veld(lambda t: _datum(t.datum)),
                    _FIN + "termijnbedrag": _Veld(lambda t: _getal(t.termijnbedrag)),
                    _FIN + "vervaldatum": _Veld(lambda t: _datum(t.vervaldatum)),
                },
            ),
        },
    ),
    _FIN + "vorderingstatus": _Groep(
        _een(lambda v: v.vorderingstatus),
        {
            _FIN + "totaalBetaald": _Veld(lambda s: _getal(s.totaal_betaald)),
            _FIN + "deelBedragBetaald": _Veld(lambda s: _getal(s.deel_bedrag_betaald)),
            _FIN + "opmerkingen": _Veld(lambda s: _tekst(s.opmerkingen)),
            _FIN + "status": _Veld(lambda s: _tekst(s.status)),
            _FIN + "datumEnTijd": _Veld(lambda s: _datum_en_tijd(s.datum_en_tijd)),
        },
    ),
    _FIN + "wordtBetaaldDoorNatuurlijkPersoonAlsDebiteur": _relatie(
        "VRDNPSDEB",
        "NPS",
        _nps_debiteur,
        _persoon_kinderen("verblijfsadres"),
        gerelateerde=lambda d: d.natuurlijk_persoon,
        extra=_debiteurnummer(),
    ),
    _FIN + "wordtBetaaldDoorNietNatuurlijkPersoonAlsDebiteur": _relatie(
        "VRDNNPDEB",
        "NNP",
        _nnp_debiteur,
        _persoon_kinderen("bezoekadres"),
        gerelateerde=lambda d: d.niet_natuurlijk_persoon,
        extra=_debiteurnummer(),
    ),
    _FIN + "heeftAlsVorderendeOrganisatie": _relatie(
        "VRDNNPVOR", "NNP", _organisatie_bekend, _persoon_kinderen("bezoekadres")
    ),
    _FIN + "isOntstaanInZaak": _relatie(
        "VRDZAK",
        "ZAK",
        lambda v: v.zaak,
        {
            _ZKN + "identificatie": _Veld(lambda z: _tekst(z.identificatie)),
            _ZKN + "omschrijving": _Veld(lambda z: _tekst(z.omschrijving)),
        },
    ),
    _FIN + "heeftBetrekkingOpVordering": _relatie(
        "VRDVRD",
        "VRD",
        lambda v: v.heeft_betrekking_op,
        {_FIN + "vorderingnummer": _Veld(lambda nummer: _tekst(nummer))},
    ),
    _FIN + "isOpgelegdDoorOrganisatischeEenheid": _relatie(
        "VRDOEH",
        "OEH",
        lambda v: v.organisatorische_eenheid,
        {
            _ZKN + "identificatie": _Veld(lambda o: _tekst(o.identificatie)),
            _ZKN + "naam": _Veld(lambda o: _tekst(o.naam)),
        },
    ),
}

# StUF:scope="kerngegevens": de kerngegevens van VRD (FIN:VRD-kerngegevens) zijn het
# vorderingnummer en de vorderende organisatie (BG:NNP-kerngegevens: RSIN, naam, rechtsvorm).
_KERN_NNP = (_BG + "inn.nnpId", _BG + "statutaireNaam", _BG + "inn.rechtsvorm")

_OVERSLAAN_ATTRIBUTEN = {_XSI_NIL, _NOVALUE, _STUF + "scope", _STUF + "exact"}


class _Antwoordbouwer:
    """Vult één FIN:object (VRD-antwoord) in de scope van de vraag."""

    def __init__(self, index: _xsd.SchemaIndex) -> None:
        self.vrd_type = index.type(NS["FIN"], "VRD-antwoord")

    # Welke kinderen, in schemavolgorde ------------------------------------------------------------

    @staticmethod
    def _volgorde(
        type_: _xsd.Type,
        scope: etree._Element | None,
        spec: dict[str, _Veld | _Groep],
        altijd: tuple[str, ...] = (),
    ) -> list[tuple[_xsd.Declaratie, etree._Element | None]]:
        """(declaratie, scope-element) voor de te vullen kinderen, in de volgorde van het schema.

        Zonder inhoudelijke scope: alle kinderen die dit systeem kent, met ``None`` als
        scope-element; wat dan geen waarde heeft, wordt weggelaten (niet gevraagd, dus geen
        ``noValue`` nodig). Wat het schema op deze plek niet kent, kan niet mee.
        """
        kinderen = type_.kinderen()
        positie = {naam: i for i, naam in enumerate(kinderen)}
        gevraagd: dict[str, etree._Element | None] = {}
        scope_kinderen = [] if scope is None else [k for k in scope if isinstance(k.tag, str)]
        if scope_kinderen:
            for kind in scope_kinderen:
                if kind.tag in positie:
                    gevraagd.setdefault(kind.tag, kind)
        else:
            for naam in spec:
                if naam in positie:
                    gevraagd.setdefault(naam, None)
        for naam in altijd:
            if naam in positie:
                gevraagd.setdefault(naam, None)
        return [
            (kinderen[naam], gevraagd[naam]) for naam in sorted(gevraagd, key=positie.__getitem__)
        ]

    # Vullen -------------------------------------------------------------------------------------

    def vul(
        self,
        ouder: etree._Element,
        type_: _xsd.Type,
        scope: etree._Element | None,
        spec: dict[str, _Veld | _Groep],
        ctx: Any,
        altijd: tuple[str, ...] = (),
    ) -> None:
        for decl, scope_kind in self._volgorde(type_, scope, spec, altijd):
            node = spec.get(decl.naam)
            if node is None:
                self._niet_ondersteund(ouder, decl, scope_kind)
            elif isinstance(node, _Veld):
                tekst = node.waarde(ctx)
                if tekst is not None:
                    _sub(ouder, decl.naam, tekst)
                elif scope_kind is not None:  # gevraagd maar zonder waarde
                    self._zonder_waarde(ouder, decl, scope_kind, "geenWaarde")
            else:
                voorkomens = list(node.voorkomens(ctx))
                if not voorkomens and scope_kind is not None:
                    self._zonder_waarde(ouder, decl, scope_kind, "geenWaarde", node.entiteittype)
                for item in voorkomens:
                    el = _sub(ouder, decl.naam)
                    if node.entiteittype:
                        el.set(_ENTITEITTYPE, node.entiteittype)
                    self.vul(el, decl.type, scope_kind, node.kinderen, item, node.altijd)

    def _zonder_waarde(
        self,
        ouder: etree._Element,
        decl: _xsd.Declaratie,
        scope: etree._Element | None,
        novalue: str,
        entiteittype: str = "",
    ) -> None:
        """Leeg element met xsi:nil en StUF:noValue, als het schema dat toestaat; anders niets."""
        if not (decl.nillable and decl.type.novalue_toegestaan):
            return
        el = _sub(ouder, decl.naam)
        if scope is not None:
            for naam, waarde in scope.attrib.items():
                if naam not in _OVERSLAAN_ATTRIBUTEN:
                    el.set(naam, waarde)
        entiteittype = entiteittype or decl.type.entiteittype_vast or ""
        if entiteittype:
            el.set(_ENTITEITTYPE, entiteittype)
        _nil(el, novalue)

    def _niet_ondersteund(
        self, ouder: etree._Element, decl: _xsd.Declaratie, scope: etree._Element | None
    ) -> None:
        if decl.nillable and decl.type.novalue_toegestaan:
            self._zonder_waarde(ouder, decl, scope, "nietOndersteund")
            return
        if scope is None or not decl.type.heeft_elementen:
            return
        # Een groep zonder noValue (tijdvakGeldigheid, extraElementen, ...): meld de gevraagde
        # kinderen elk als niet ondersteund.
        el = _sub(ouder, decl.naam)
        for kind_decl, kind_scope in self._volgorde(decl.type, scope, {}):
            self._niet_ondersteund(el, kind_decl, kind_scope)
        if len(el) == 0:
            ouder.remove(el)

    def object(self, antwoord: etree._Element, scope: etree._Element | None, v: Vordering) -> None:
        obj = _sub(antwoord, _FIN + "object")
        obj.set(_ENTITEITTYPE, "VRD")
        self.vul(obj, self.vrd_type, scope, _VORDERING, v)


def _kerngegevens_scope() -> etree._Element:
    """Een scope-object met alleen de kerngegevens van VRD."""
    obj = etree.Element(_FIN + "object")
    _sub(obj, _FIN + "vorderingnummer")
    relatie = _sub(obj, _FIN + "heeftAlsVorderendeOrganisatie")
    gerelateerde = _sub(relatie, _FIN + "gerelateerde")
    for naam in _KERN_NNP:
        _sub(gerelateerde, naam)
    return obj


def build_vrd_la01(
    *,
    vraag: VorderingVraag,
    eigen: Systeem,
    vorderingen: list[Vordering],
    referentienummer: str | None = None,
    tijdstip: datetime | None = None,
    melding: str | None = None,
    indicator_vervolgvraag: bool = False,
) -> etree._Element:
    """``FIN:vrdLa01``: de gevonden vorderingen in de scope van ``vraag``.

    * Zonder scope of met ``StUF:scope="alles"`` (en varianten) gaat alles mee wat dit systeem
      kent; met ``StUF:scope="kerngegevens"`` het vorderingnummer en de vorderende organisatie.
    * ``FIN:parameters`` is in dit sectormodel leeg (``VRD-ParametersAntwoordSynchroon`` is een
      lege restrictie), dus ``indicatorVervolgvraag`` kan er niet in: bij
      ``indicator_vervolgvraag=True`` gaat de StUF-melding ``StUF0002`` mee (StUF 03.01 §6.4.1).
    * ``referentienummer`` en ``tijdstip`` staan niet in het bericht: de stuurgegevens van vrdLa01
      (``VRD-StuurgegevensLa01``) kennen alleen berichtcode, zender, ontvanger en entiteittype. Ze
      worden geaccepteerd zodat aanroepers alle builders gelijk kunnen aanroepen.
    """
    del referentienummer, tijdstip  # het schema (leidend) staat ze in vrdLa01 niet toe
    root = etree.Element(_FIN + "vrdLa01", nsmap=_NSMAP_FIN)
    sg = _sub(root, _FIN + "stuurgegevens")
    _sub(sg, _STUF + "berichtcode", "La01")
    _systeem(sg, _STUF + "zender", eigen)
    vrager = vraag.stuurgegevens.zender
    if len(vrager.applicatie) >= 3:
        _systeem(sg, _STUF + "ontvanger", vrager)
    _sub(sg, _STUF + "entiteittype", "VRD")
    _sub(root, _FIN + "parameters")
    meldingen = [melding] if melding else []
    if indicator_vervolgvraag and MELDING_MEER_OBJECTEN not in meldingen:
        meldingen.append(MELDING_MEER_OBJECTEN)
    for tekst in meldingen:
        _sub(root, _FIN + "melding", _kort(tekst, _MAX_MELDING))
    if vorderingen:
        scope = vraag.scope
        if vraag.scope_attribuut == "kerngegevens":
            scope = _kerngegevens_scope()
        elif vraag.scope_attribuut:
            scope = None  # "alles" en varianten: alles wat we kennen
        bouwer = _Antwoordbouwer(_xsd.vraag_antwoord_index())
        antwoord = _sub(root, _FIN + "antwoord")
        for vordering in vorderingen:
            bouwer.object(antwoord, scope, vordering)
    return root
