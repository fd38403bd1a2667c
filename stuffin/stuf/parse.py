"""Van StUF-FIN-XML naar de dataclasses in :mod:`stuffin.stuf.berichten`.

De functies verwachten een bericht dat al tegen het schema is gevalideerd
(:func:`stuffin.stuf.xml.validate_or_raise`); ze zijn wel robuust voor ``xsi:nil`` en lege
elementen (tekst wordt ``""``, getallen en datums ``None``). Voor snelheid (1.000 vorderingen per
bericht) wordt elk object één keer doorlopen, met tabellen op Clark-naam: geen XPath per veld.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from stuffin.stuf.berichten import (
    Adres,
    AutomatischeIncasso,
    Bevestiging,
    Boeking,
    BtwTotaalregel,
    Debiteur,
    FinancieleVerantwoording,
    FinancieleVerantwoordingBericht,
    Foutbericht,
    Invorderingsschema,
    NatuurlijkPersoon,
    NietNatuurlijkPersoon,
    OrganisatorischeEenheid,
    StatusWijzigingBericht,
    Stuurgegevens,
    Systeem,
    Termijn,
    VerstrekVorderingBericht,
    VorderendeOrganisatie,
    Vordering,
    Vorderingsregel,
    Vorderingstatus,
    VorderingStatusWijziging,
    VorderingVraag,
    Zaak,
)
from stuffin.stuf.fouten import Foutcode, StufFout
from stuffin.stuf.soap import SOAP_ENV, unwrap_envelope
from stuffin.stuf.tijd import parse_datum, parse_datum_en_tijd, parse_stuf_datum
from stuffin.stuf.xml import NS

__all__ = [
    "parse_answer",
    "parse_di01_financiele_verantwoording",
    "parse_di01_statuswijziging",
    "parse_di01_verstrek_vordering",
    "parse_stuurgegevens",
    "parse_vrd_lv01",
]

_STUF = "{" + NS["StUF"] + "}"
_FIN = "{" + NS["FIN"] + "}"
_BG = "{" + NS["BG"] + "}"
_ZKN = "{" + NS["ZKN"] + "}"
_XSI_NIL = "{" + NS["xsi"] + "}nil"
_SOAP = "{" + SOAP_ENV + "}"

_STUURGEGEVENS = _FIN + "stuurgegevens"
_GERELATEERDE = _FIN + "gerelateerde"
_OBJECT = _FIN + "object"
_FOUTBERICHTEN = {_STUF + "Fo01Bericht", _STUF + "Fo02Bericht", _STUF + "Fo03Bericht"}


# --- lezen: één doorloop per element ------------------------------------------------------------
#
# Elk element dat Python aanraakt kost op deze machines ~0,5 µs (proxy + tag-string), dus elk
# object wordt precies één keer doorlopen: tekstvelden gaan via een tabel (Clark-naam → veldnaam)
# in een dict, groepen en relaties worden apart opgepakt. Geen XPath en geen find() per veld.


def _is_nil(el: etree._Element) -> bool:
    return el.get(_XSI_NIL) in ("true", "1")


def _tekst(el: etree._Element | None) -> str:
    # Geen xsi:nil-test nodig: een element met xsi:nil="true" heeft volgens het schema geen inhoud.
    if el is None:
        return ""
    tekst = el.text
    return tekst.strip() if tekst else ""


def _lees(
    el: etree._Element, velden: dict[str, str], groepen: frozenset[str] = frozenset()
) -> tuple[dict[str, Any], dict[str, etree._Element]]:
    """Tekst van de kinderen in ``velden`` (Clark-naam → veldnaam) en de elementen in ``groepen``.

    Het eerste voorkomen telt; ontbrekende velden ontbreken in het resultaat.
    """
    waarden: dict[str, Any] = {}
    gevonden: dict[str, etree._Element] = {}
    for kind in el:
        tag = kind.tag
        veld = velden.get(tag)  # type: ignore[arg-type]
        if veld is not None:
            if veld not in waarden:
                tekst = kind.text
                waarden[veld] = tekst.strip() if tekst else ""
        elif tag in groepen and tag not in gevonden:
            gevonden[tag] = kind  # type: ignore[index]
    return waarden, gevonden


def _eerste(el: etree._Element, tag: str) -> etree._Element | None:
    for kind in el:
        if kind.tag == tag:
            return kind
    return None


def _ongeldig(el: etree._Element, veld: str, soort: str, waarde: str) -> StufFout:
    return StufFout(
        Foutcode.STUF055,
        f"regel {el.sourceline}: {veld} in {etree.QName(el).localname}: {waarde!r} is geen "
        f"geldig(e) {soort}",
    )


def _als_int(waarden: dict[str, Any], veld: str, el: etree._Element) -> None:
    """Zet ``waarden[veld]`` om naar int (``None`` bij leeg of ontbrekend)."""
    tekst = waarden.get(veld)
    if not tekst:
        waarden[veld] = None
        return
    try:
        waarden[veld] = int(tekst)
    except ValueError:
        raise _ongeldig(el, veld, "geheel getal", tekst) from None


def _als_datum(waarden: dict[str, Any], veld: str, el: etree._Element) -> None:
    tekst = waarden.get(veld)
    if not tekst:
        waarden[veld] = None
        return
    datum = parse_datum(tekst)
    if datum is None:
        raise _ongeldig(el, veld, "datum", tekst)
    waarden[veld] = datum


def _als_datum_en_tijd(waarden: dict[str, Any], veld: str, el: etree._Element) -> None:
    tekst = waarden.get(veld)
    if not tekst:
        waarden[veld] = None
        return
    moment = parse_datum_en_tijd(tekst)
    if moment is None:
        raise _ongeldig(el, veld, "datum en tijd", tekst)
    waarden[veld] = moment


def _vereist(el: etree._Element, tag: str) -> etree._Element:
    kind = _eerste(el, tag)
    if kind is None:
        naam = etree.QName(el).localname
        raise StufFout(
            Foutcode.STUF055,
            f"regel {el.sourceline}: element {naam} mist verplicht kind {_leesbaar(tag)}",
        )
    return kind


def _leesbaar(tag: str) -> str:
    qname = etree.QName(tag)
    for prefix, uri in NS.items():
        if uri == qname.namespace:
            return f"{prefix}:{qname.localname}"
    return qname.localname


def _controleer_root(root: etree._Element, tag: str) -> None:
    if root.tag != tag:
        raise StufFout(
            Foutcode.STUF055,
            f"verwacht {_leesbaar(tag)} maar het bericht is {_leesbaar(str(root.tag))}",
        )


# --- stuurgegevens ------------------------------------------------------------------------------

_SYSTEEM = {
    _STUF + "organisatie": "organisatie",
    _STUF + "applicatie": "applicatie",
    _STUF + "administratie": "administratie",
    _STUF + "gebruiker": "gebruiker",
}
_STUURGEGEVENS_VELDEN = {
    _STUF + "berichtcode": "berichtcode",
    _STUF + "referentienummer": "referentienummer",
    _STUF + "tijdstipBericht": "tijdstip_bericht",
    _STUF + "crossRefnummer": "crossrefnummer",
    _STUF + "functie": "functie",
    _STUF + "entiteittype": "entiteittype",
}
_ZENDER, _ONTVANGER = _STUF + "zender", _STUF + "ontvanger"


def _systeem(el: etree._Element | None) -> Systeem:
    if el is None:
        return Systeem()
    return Systeem(**_lees(el, _SYSTEEM)[0])


def parse_stuurgegevens(el: etree._Element) -> Stuurgegevens:
    """Lees een ``stuurgegevens``-element (in welke namespace ook: FIN of StUF)."""
    waarden, groepen = _lees(el, _STUURGEGEVENS_VELDEN, frozenset((_ZENDER, _ONTVANGER)))
    waarden.setdefault("berichtcode", "")
    return Stuurgegevens(
        **waarden,
        zender=_systeem(groepen.get(_ZENDER)),
        ontvanger=_systeem(groepen.get(_ONTVANGER)),
    )


# --- BG: adressen en personen -------------------------------------------------------------------

_ADRES = {
    _BG + "aoa.identificatie": "aoa_identificatie",
    _BG + "gor.straatnaam": "straatnaam",
    _BG + "gor.openbareRuimteNaam": "openbare_ruimte_naam",
    _BG + "aoa.huisnummer": "huisnummer",
    _BG + "aoa.huisletter": "huisletter",
    _BG + "aoa.huisnummertoevoeging": "huisnummertoevoeging",
    _BG + "aoa.postcode": "postcode",
    _BG + "postcode": "postcode",  # zo heet het in een correspondentieadres
    _BG + "wpl.woonplaatsNaam": "woonplaats",
    _BG + "inp.locatiebeschrijving": "locatiebeschrijving",
}
_BUITENLAND = {
    _BG + "lnd.landcode": "landcode",
    _BG + "lnd.landnaam": "landnaam",
    _BG + "sub.adresBuitenland1": "adres_buitenland_1",
    _BG + "sub.adresBuitenland2": "adres_buitenland_2",
    _BG + "sub.adresBuitenland3": "adres_buitenland_3",
}


def _adres(el: etree._Element | None) -> Adres | None:
    """BG-verblijfsadres/bezoekadres/correspondentieadres."""
    if el is None or _is_nil(el):
        return None
    waarden = _lees(el, _ADRES)[0]
    _als_int(waarden, "huisnummer", el)
    if not waarden.get("straatnaam"):
        waarden["straatnaam"] = waarden.get("openbare_ruimte_naam", "")
    return Adres(**waarden)


def _buitenland(el: etree._Element | None) -> Adres | None:
    """BG:sub.verblijfBuitenland."""
    if el is None or _is_nil(el):
        return None
    return Adres(**_lees(el, _BUITENLAND)[0])


_VERBLIJFSADRES = _BG + "verblijfsadres"
_BEZOEKADRES = _BG + "bezoekadres"
_VERBLIJF_BUITENLAND = _BG + "sub.verblijfBuitenland"
_CORRESPONDENTIEADRES = _BG + "sub.correspondentieAdres"

_NPS = {
    _BG + "inp.bsn": "bsn",
    _BG + "inp.a-nummer": "a_nummer",
    _BG + "geslachtsnaam": "geslachtsnaam",
    _BG + "voorvoegselGeslachtsnaam": "voorvoegsel_geslachtsnaam",
    _BG + "voorletters": "voorletters",
    _BG + "voornamen": "voornamen",
    _BG + "aanduidingNaamgebruik": "aanduiding_naamgebruik",
    _BG + "geslachtsnaamPartner": "geslachtsnaam_partner",
    _BG + "voorvoegselGeslachtsnaamPartner": "voorvoegsel_geslachtsnaam_partner",
    _BG + "aanhefAanschrijving": "aanhef_aanschrijving",
    _BG + "voornamenAanschrijving": "voornamen_aanschrijving",
    _BG + "geslachtsnaamAanschrijving": "geslachtsnaam_aanschrijving",
    _BG + "adellijkeTitelPredikaat": "adellijke_titel_predikaat",
    _BG + "geslachtsaanduiding": "geslachtsaanduiding",
    _BG + "geboortedatum": "geboortedatum_ruw",
    _BG + "sub.telefoonnummer": "telefoonnummer",
    _BG + "sub.emailadres": "emailadres",
    _BG + "sub.rekeningnummerBankGiro": "rekeningnummer",
}
_NPS_GROEPEN = frozenset((_VERBLIJFSADRES, _VERBLIJF_BUITENLAND, _CORRESPONDENTIEADRES))


def _natuurlijk_persoon(el: etree._Element | None) -> NatuurlijkPersoon | None:
    if el is None or _is_nil(el):
        return None
    waarden, groepen = _lees(el, _NPS, _NPS_GROEPEN)
    waarden["geboortedatum"] = parse_stuf_datum(waarden.get("geboortedatum_ruw"))
    return NatuurlijkPersoon(
        **waarden,
        verblijfsadres=_adres(groepen.get(_VERBLIJFSADRES))
        or _buitenland(groepen.get(_VERBLIJF_BUITENLAND)),
        correspondentieadres=_adres(groepen.get(_CORRESPONDENTIEADRES)),
    )


_NNP = {
    _BG + "inn.nnpId": "nnp_id",
    _BG + "statutaireNaam": "statutaire_naam",
    _BG + "inn.rechtsvorm": "rechtsvorm",
    _BG + "sub.telefoonnummer": "telefoonnummer",
    _BG + "sub.emailadres": "emailadres",
    _BG + "sub.rekeningnummerBankGiro": "rekeningnummer",
}
_NNP_GROEPEN = frozenset((_BEZOEKADRES, _VERBLIJF_BUITENLAND, _CORRESPONDENTIEADRES))


def _niet_natuurlijk_persoon(el: etree._Element | None) -> NietNatuurlijkPersoon | None:
    if el is None or _is_nil(el):
        return None
    waarden, groepen = _lees(el, _NNP, _NNP_GROEPEN)
    return NietNatuurlijkPersoon(
        **waarden,
        adres=_adres(groepen.get(_BEZOEKADRES)) or _buitenland(groepen.get(_VERBLIJF_BUITENLAND)),
        correspondentieadres=_adres(groepen.get(_CORRESPONDENTIEADRES)),
    )


_VORDERENDE_ORGANISATIE = {
    _BG + "inn.nnpId": "nnp_id",
    _BG + "statutaireNaam": "statutaire_naam",
    _BG + "inn.rechtsvorm": "rechtsvorm",
}
_VOR_GROEPEN = frozenset((_BEZOEKADRES, _VERBLIJF_BUITENLAND))


def _gerelateerde(relatie: etree._Element | None) -> etree._Element | None:
    """Het ``FIN:gerelateerde``-element van een relatie, of ``None`` (ook bij ``xsi:nil``)."""
    if relatie is None or _is_nil(relatie):
        return None
    gerelateerde = _eerste(relatie, _GERELATEERDE)
    if gerelateerde is None or _is_nil(gerelateerde):
        return None
    return gerelateerde


def _vorderende_organisatie(relatie: etree._Element | None) -> VorderendeOrganisatie:
    """``heeftAlsVorderendeOrganisatie``/``isVanVorderendeOrganisatie``; leeg → lege velden."""
    gerelateerde = _gerelateerde(relatie)
    if gerelateerde is None:
        return VorderendeOrganisatie()
    waarden, groepen = _lees(gerelateerde, _VORDERENDE_ORGANISATIE, _VOR_GROEPEN)
    return VorderendeOrganisatie(
        **waarden,
        adres=_adres(groepen.get(_BEZOEKADRES)) or _buitenland(groepen.get(_VERBLIJF_BUITENLAND)),
    )


# --- FIN-groepen --------------------------------------------------------------------------------

_REGEL = {
    _FIN + "bedragExclBTW": "bedrag_excl_btw",
    _FIN + "bedragInclBTW": "bedrag_incl_btw",
    _FIN + "bedragBTW": "bedrag_btw",
    _FIN + "btwCategorie": "btw_categorie",
    _FIN + "btwPercentage": "btw_percentage",
    _FIN + "vorderingtype": "vorderingtype",
    _FIN + "vorderingcode": "vorderingcode",
    _FIN + "vorderingtoelichting": "vorderingtoelichting",
    _FIN + "vorderingomschrijving": "vorderingomschrijving",
    _FIN + "aantal": "aantal",
    _FIN + "eenheid": "eenheid",
    _FIN + "stuksPrijsExclBTW": "stuksprijs_excl_btw",
}
_REGEL_GETALLEN = (
    "bedrag_excl_btw",
    "bedrag_incl_btw",
    "bedrag_btw",
    "btw_percentage",
    "aantal",
    "stuksprijs_excl_btw",
)


def _regel(el: etree._Element) -> Vorderingsregel:
    waarden = _lees(el, _REGEL)[0]
    for veld in _REGEL_GETALLEN:
        _als_int(waarden, veld, el)
    return Vorderingsregel(**waarden)


_BTW = {_FIN + "totaalbedragBTW": "totaalbedrag_btw", _FIN + "BTWcategorie": "btw_categorie"}


def _btw_totaalregel(el: etree._Element) -> BtwTotaalregel:
    waarden = _lees(el, _BTW)[0]
    _als_int(waarden, "totaalbedrag_btw", el)
    return BtwTotaalregel(**waarden)


_INCASSO = {
    _FIN + "machtigingskenmerk": "machtigingskenmerk",
    _FIN + "afgiftedatumIncasso": "afgiftedatum",
    _FIN + "rekeningnummer": "rekeningnummer",
    _FIN + "bic": "bic",
}


def _automatische_incasso(el: etree._Element) -> AutomatischeIncasso | None:
    if _is_nil(el):
        return None
    waarden = _lees(el, _INCASSO)[0]
    _als_datum(waarden, "afgiftedatum", el)
    return AutomatischeIncasso(**waarden)


_TERMIJN_TAG = _FIN + "termijn"
_INVORDERINGSREGIME = {_FIN + "invorderingsregime": "invorderingsregime"}
_TERMIJN = {
    _FIN + "datum": "datum",
    _FIN + "termijnbedrag": "termijnbedrag",
    _FIN + "vervaldatum": "vervaldatum",
}


def _invorderingsschema(el: etree._Element) -> Invorderingsschema | None:
    if _is_nil(el):
        return None
    schema = Invorderingsschema()
    for kind in el:
        tag = kind.tag
        if tag == _TERMIJN_TAG:
            if _is_nil(kind):
                continue
            waarden = _lees(kind, _TERMIJN)[0]
            _als_datum(waarden, "datum", kind)
            _als_int(waarden, "termijnbedrag", kind)
            _als_datum(waarden, "vervaldatum", kind)
            schema.termijnen.append(Termijn(**waarden))
        elif tag in _INVORDERINGSREGIME:
            schema.invorderingsregime = _tekst(kind)
    return schema


_STATUS = {
    _FIN + "totaalBetaald": "totaal_betaald",
    _FIN + "deelBedragBetaald": "deel_bedrag_betaald",
    _FIN + "opmerkingen": "opmerkingen",
    _FIN + "status": "status",
    _FIN + "datumEnTijd": "datum_en_tijd",
}


def _vorderingstatus(el: etree._Element | None) -> Vorderingstatus | None:
    if el is None or _is_nil(el):
        return None
    waarden = _lees(el, _STATUS)[0]
    _als_int(waarden, "totaal_betaald", el)
    _als_int(waarden, "deel_bedrag_betaald", el)
    _als_datum_en_tijd(waarden, "datum_en_tijd", el)
    return Vorderingstatus(**waarden)


_DEBITEUR = {_FIN + "debiteurnummer": "debiteurnummer"}
_DEBITEUR_GROEPEN = frozenset((_GERELATEERDE,))


def _debiteur(el: etree._Element, natuurlijk: bool) -> Debiteur | None:
    if _is_nil(el):
        return None
    waarden, groepen = _lees(el, _DEBITEUR, _DEBITEUR_GROEPEN)
    gerelateerde = groepen.get(_GERELATEERDE)
    if natuurlijk:
        persoon = _natuurlijk_persoon(gerelateerde)
        return Debiteur(natuurlijk_persoon=persoon, **waarden) if persoon else None
    nnp = _niet_natuurlijk_persoon(gerelateerde)
    return Debiteur(niet_natuurlijk_persoon=nnp, **waarden) if nnp else None


_ZAAK = {_ZKN + "identificatie": "identificatie", _ZKN + "omschrijving": "omschrijving"}
_OEH = {_ZKN + "identificatie": "identificatie", _ZKN + "naam": "naam"}
_GERELATEERDE_VORDERING = {_FIN + "vorderingnummer": "vorderingnummer"}


def _zaak(relatie: etree._Element) -> Zaak | None:
    gerelateerde = _gerelateerde(relatie)
    if gerelateerde is None:
        return None
    zaak = Zaak(**_lees(gerelateerde, _ZAAK)[0])
    return zaak if zaak.identificatie or zaak.omschrijving else None


def _organisatorische_eenheid(relatie: etree._Element) -> OrganisatorischeEenheid | None:
    gerelateerde = _gerelateerde(relatie)
    if gerelateerde is None:
        return None
    oeh = OrganisatorischeEenheid(**_lees(gerelateerde, _OEH)[0])
    return oeh if oeh.identificatie or oeh.naam else None


def _heeft_betrekking_op(relatie: etree._Element) -> str | None:
    gerelateerde = _gerelateerde(relatie)
    if gerelateerde is None:
        return None
    return _lees(gerelateerde, _GERELATEERDE_VORDERING)[0].get("vorderingnummer") or None


# --- Di01-verstrekVordering ---------------------------------------------------------------------

_VORDERING = {
    _FIN + "vorderingnummer": "vorderingnummer",
    _FIN + "factuurnummer": "factuurnummer",
    _FIN + "creatiedatum": "creatiedatum",
    _FIN + "factuurdatum": "factuurdatum",
    _FIN + "vervaldatum": "vervaldatum",
    _FIN + "tsa": "tsa",
    _FIN + "indicatorFactuurUitgestuurd": "indicator_factuur_uitgestuurd",
    _FIN + "algemeneFactuuromschrijving": "algemene_factuuromschrijving",
    _FIN + "valutacode": "valutacode",
    _FIN + "totaalbedragExclBTW": "totaalbedrag_excl_btw",
    _FIN + "totaalbedragBTW": "totaalbedrag_btw",
    _FIN + "totaalbedragInclBTW": "totaalbedrag_incl_btw",
    _FIN + "taaknummer": "taaknummer",
    _FIN + "indicatorPubliekrechtelijk": "indicator_publiekrechtelijk",
}
_VORDERINGSREGEL = _FIN + "vorderingsregel"
_TOTAALREGELS_BTW = _FIN + "totaalregelsBTW"
_AUTOMATISCHE_INCASSO = _FIN + "automatischeIncasso"
_INVORDERINGSSCHEMA = _FIN + "invorderingsSchema"
_VORDERINGSTATUS = _FIN + "vorderingstatus"
_DEBITEUR_NPS = _FIN + "wordtBetaaldDoorNatuurlijkPersoonAlsDebiteur"
_DEBITEUR_NNP = _FIN + "wordtBetaaldDoorNietNatuurlijkPersoonAlsDebiteur"
_VORDERENDE_ORGANISATIE_RELATIE = _FIN + "heeftAlsVorderendeOrganisatie"
_ZAAK_RELATIE = _FIN + "isOntstaanInZaak"
_VRD_RELATIE = _FIN + "heeftBetrekkingOpVordering"
_OEH_RELATIE = _FIN + "isOpgelegdDoorOrganisatischeEenheid"
_VORDERING_GROEPEN = frozenset(
    (
        _AUTOMATISCHE_INCASSO,
        _INVORDERINGSSCHEMA,
        _VORDERINGSTATUS,
        _DEBITEUR_NPS,
        _DEBITEUR_NNP,
        _VORDERENDE_ORGANISATIE_RELATIE,
        _ZAAK_RELATIE,
        _VRD_RELATIE,
        _OEH_RELATIE,
    )
)


def _vordering(obj: etree._Element, volgnummer: int) -> Vordering:
    waarden: dict[str, Any] = {}
    groepen: dict[str, etree._Element] = {}
    regels: list[Vorderingsregel] = []
    btw: list[BtwTotaalregel] = []
    velden, groep_tags = _VORDERING, _VORDERING_GROEPEN
    for kind in obj:
        tag = kind.tag
        veld = velden.get(tag)  # type: ignore[arg-type]
        if veld is not None:
            if veld not in waarden:
                tekst = kind.text
                waarden[veld] = tekst.strip() if tekst else ""
        elif tag == _VORDERINGSREGEL:
            if not _is_nil(kind):
                regels.append(_regel(kind))
        elif tag == _TOTAALREGELS_BTW:
            if not _is_nil(kind):
                btw.append(_btw_totaalregel(kind))
        elif tag in groep_tags and tag not in groepen:
            groepen[tag] = kind  # type: ignore[index]

    for veld in ("creatiedatum", "factuurdatum", "vervaldatum"):
        _als_datum(waarden, veld, obj)
    for veld in ("totaalbedrag_excl_btw", "totaalbedrag_btw", "totaalbedrag_incl_btw"):
        _als_int(waarden, veld, obj)
        if waarden[veld] is None:
            waarden[veld] = 0  # in Di01 verplicht en niet nillable; 0 alleen bij ongevalideerd
    for veld in ("indicator_factuur_uitgestuurd", "indicator_publiekrechtelijk"):
        waarden[veld] = waarden.get(veld) == "J"
    if not waarden.get("valutacode"):
        waarden["valutacode"] = "EUR"  # schema-default
    waarden.setdefault("vorderingnummer", "")

    debiteur = None
    if (el := groepen.get(_DEBITEUR_NPS)) is not None:
        debiteur = _debiteur(el, natuurlijk=True)
    elif (el := groepen.get(_DEBITEUR_NNP)) is not None:
        debiteur = _debiteur(el, natuurlijk=False)
    incasso = groepen.get(_AUTOMATISCHE_INCASSO)
    schema = groepen.get(_INVORDERINGSSCHEMA)
    zaak = groepen.get(_ZAAK_RELATIE)
    vrd = groepen.get(_VRD_RELATIE)
    oeh = groepen.get(_OEH_RELATIE)
    return Vordering(
        **waarden,
        regels=regels,
        btw_totaalregels=btw,
        automatische_incasso=_automatische_incasso(incasso) if incasso is not None else None,
        invorderingsschema=_invorderingsschema(schema) if schema is not None else None,
        vorderingstatus=_vorderingstatus(groepen.get(_VORDERINGSTATUS)),
        debiteur=debiteur,
        vorderende_organisatie=_vorderende_organisatie(
            groepen.get(_VORDERENDE_ORGANISATIE_RELATIE)
        ),
        zaak=_zaak(zaak) if zaak is not None else None,
        heeft_betrekking_op=_heeft_betrekking_op(vrd) if vrd is not None else None,
        organisatorische_eenheid=_organisatorische_eenheid(oeh) if oeh is not None else None,
        volgnummer=volgnummer,
    )


def parse_di01_verstrek_vordering(root: etree._Element) -> VerstrekVorderingBericht:
    """``FIN:Di01-verstrekVordering`` → :class:`VerstrekVorderingBericht`."""
    _controleer_root(root, _FIN + "Di01-verstrekVordering")
    bericht = VerstrekVorderingBericht(
        stuurgegevens=parse_stuurgegevens(_vereist(root, _STUURGEGEVENS))
    )
    vorderingen = bericht.vorderingen
    for volgnummer, lk01 in enumerate(root.iterchildren(_FIN + "vrdLk01"), start=1):
        vorderingen.append(_vordering(_vereist(lk01, _OBJECT), volgnummer))
    return bericht


# --- vrdLv01 ------------------------------------------------------------------------------------

_STUF_SCOPE = _STUF + "scope"
_PARAMETERS_VRAAG = {
    _STUF + "sortering": "sortering",
    _STUF + "maximumAantal": "maximum_aantal",
    _STUF + "indicatorVervolgvraag": "indicator_vervolgvraag",
}


def parse_vrd_lv01(root: etree._Element) -> VorderingVraag:
    """``FIN:vrdLv01`` → :class:`VorderingVraag`.

    Raist StUF097 als het scope-object zowel ``StUF:scope`` als inhoud heeft (StUF 03.01 §6.3.3)
    en StUF103 bij een vervolgvraag zonder ``start``.
    """
    _controleer_root(root, _FIN + "vrdLv01")
    vraag = VorderingVraag(stuurgegevens=parse_stuurgegevens(_vereist(root, _STUURGEGEVENS)))
    parameters = _eerste(root, _FIN + "parameters")
    if parameters is not None:
        waarden = _lees(parameters, _PARAMETERS_VRAAG)[0]
        _als_int(waarden, "sortering", parameters)
        _als_int(waarden, "maximum_aantal", parameters)
        vraag.sortering = waarden["sortering"]
        vraag.maximum_aantal = waarden["maximum_aantal"]
        vraag.indicator_vervolgvraag = waarden.get("indicator_vervolgvraag") in ("true", "1")
    gelijk = _eerste(root, _FIN + "gelijk")
    if gelijk is not None:
        for kind in gelijk:
            if isinstance(kind.tag, str) and len(kind) == 0 and not _is_nil(kind):
                vraag.selectie.setdefault(etree.QName(kind).localname, _tekst(kind))
        vraag.vorderingnummer = vraag.selectie.get("vorderingnummer") or None
    scope = _eerste(root, _FIN + "scope")
    if scope is not None:
        obj = _eerste(scope, _OBJECT)
        if obj is not None:
            vraag.scope = obj
            vraag.scope_attribuut = obj.get(_STUF_SCOPE, "")
            heeft_inhoud = any(isinstance(kind.tag, str) for kind in obj)
            if vraag.scope_attribuut and heeft_inhoud:
                raise StufFout(
                    Foutcode.STUF097,
                    f"regel {obj.sourceline}: StUF:scope={vraag.scope_attribuut!r} met inhoud",
                    soort="Fo02",
                )
    if vraag.indicator_vervolgvraag and _eerste(root, _FIN + "start") is None:
        raise StufFout(Foutcode.STUF103, soort="Fo02")
    return vraag


# --- Di01-berichten die wij versturen (terug)lezen: voor tests en simulaties -------------------

_STATUS_WIJZIGING = {_FIN + "vorderingnummer": "vorderingnummer", _FIN + "tsa": "tsa"}
_STATUS_WIJZIGING_GROEPEN = frozenset((_VORDERINGSTATUS, _VORDERENDE_ORGANISATIE_RELATIE))


def _status_wijziging(obj: etree._Element) -> VorderingStatusWijziging:
    waarden, groepen = _lees(obj, _STATUS_WIJZIGING, _STATUS_WIJZIGING_GROEPEN)
    return VorderingStatusWijziging(
        vorderingnummer=waarden.get("vorderingnummer", ""),
        tsa=waarden.get("tsa", ""),
        status=_vorderingstatus(groepen.get(_VORDERINGSTATUS)) or Vorderingstatus(),
        vorderende_organisatie=_vorderende_organisatie(
            groepen.get(_VORDERENDE_ORGANISATIE_RELATIE)
        ),
    )


def parse_di01_statuswijziging(root: etree._Element) -> StatusWijzigingBericht:
    """``FIN:Di01-verstrekVorderingStatusWijziging``; bij twee objecten (oud/huidig) telt het
    laatste ("huidig")."""
    _controleer_root(root, _FIN + "Di01-verstrekVorderingStatusWijziging")
    bericht = StatusWijzigingBericht(
        stuurgegevens=parse_stuurgegevens(_vereist(root, _STUURGEGEVENS))
    )
    for lk01 in root.iterchildren(_FIN + "vrdLk01"):
        objecten = list(lk01.iterchildren(_OBJECT))
        if objecten:
            bericht.wijzigingen.append(_status_wijziging(objecten[-1]))
    return bericht


_FVW = {
    _FIN + "verantwoordingsnummer": "verantwoordingsnummer",
    _FIN + "datumEnTijd": "datum_en_tijd",
    _FIN + "boekingperiodeOmschrijving": "omschrijving",
    _FIN + "begindatum": "begindatum",
    _FIN + "einddatum": "einddatum",
}
_BOEKING_TAG = _FIN + "boeking"
_BOEKING = {
    _FIN + "boekingsleutel": "boekingssleutel",
    _FIN + "boekingbedragInclBTW": "bedrag_incl_btw",
    _FIN + "boekingbedragExclBTW": "bedrag_excl_btw",
    _FIN + "boekingbedragBTW": "bedrag_btw",
}
_FVW_VORDERENDE_ORGANISATIE = _FIN + "isVanVorderendeOrganisatie"


def _financiele_verantwoording(obj: etree._Element) -> FinancieleVerantwoording:
    waarden, groepen = _lees(obj, _FVW, frozenset((_FVW_VORDERENDE_ORGANISATIE,)))
    _als_datum_en_tijd(waarden, "datum_en_tijd", obj)
    _als_datum(waarden, "begindatum", obj)
    _als_datum(waarden, "einddatum", obj)
    if (
        waarden["datum_en_tijd"] is None
        or waarden["begindatum"] is None
        or waarden["einddatum"] is None
    ):
        raise StufFout(
            Foutcode.STUF055,
            f"regel {obj.sourceline}: datumEnTijd, begindatum en einddatum zijn verplicht",
        )
    boekingen = []
    for el in obj.iterchildren(_BOEKING_TAG):
        boeking = _lees(el, _BOEKING)[0]
        for veld in ("bedrag_incl_btw", "bedrag_excl_btw", "bedrag_btw"):
            _als_int(boeking, veld, el)
        boeking.setdefault("boekingssleutel", "")
        boekingen.append(Boeking(**boeking))
    waarden.setdefault("verantwoordingsnummer", "")
    return FinancieleVerantwoording(
        **waarden,
        boekingen=boekingen,
        vorderende_organisatie=_vorderende_organisatie(groepen.get(_FVW_VORDERENDE_ORGANISATIE)),
    )


def parse_di01_financiele_verantwoording(root: etree._Element) -> FinancieleVerantwoordingBericht:
    """``FIN:Di01-verstrekFinancieleVerantwoording``."""
    _controleer_root(root, _FIN + "Di01-verstrekFinancieleVerantwoording")
    bericht = FinancieleVerantwoordingBericht(
        stuurgegevens=parse_stuurgegevens(_vereist(root, _STUURGEGEVENS))
    )
    for lk01 in root.iterchildren(_FIN + "fvwLk01"):
        bericht.verantwoordingen.append(_financiele_verantwoording(_vereist(lk01, _OBJECT)))
    return bericht


# --- antwoorden op onze eigen Di01-berichten ----------------------------------------------------

_FOUT_BODY = {
    _STUF + "code": "code",
    _STUF + "plek": "plek",
    _STUF + "omschrijving": "omschrijving",
    _STUF + "details": "details",
}
_DETAILS_XML = _STUF + "detailsXML"


def _foutbericht(el: etree._Element) -> Foutbericht:
    stuurgegevens_el = _eerste(el, _STUF + "stuurgegevens")
    stuurgegevens = parse_stuurgegevens(stuurgegevens_el) if stuurgegevens_el is not None else None
    body = _eerste(el, _STUF + "body")
    waarden: dict[str, Any] = {}
    if body is not None:
        waarden, groepen = _lees(body, _FOUT_BODY, frozenset((_DETAILS_XML,)))
        details_xml = groepen.get(_DETAILS_XML)
        if details_xml is not None and len(details_xml):
            xml_tekst = "".join(
                etree.tostring(kind, encoding="unicode")
                for kind in details_xml
                if isinstance(kind.tag, str)
            )
            details = waarden.get("details", "")
            waarden["details"] = f"{details}\n{xml_tekst}" if details else xml_tekst
    return Foutbericht(
        code=waarden.get("code", ""),
        plek=waarden.get("plek", ""),
        omschrijving=waarden.get("omschrijving", ""),
        details=waarden.get("details", ""),
        berichtcode=stuurgegevens.berichtcode if stuurgegevens else etree.QName(el).localname[:4],
        stuurgegevens=stuurgegevens,
    )


def _soap_fault(fault: etree._Element) -> Foutbericht:
    # SOAP 1.1: faultcode/faultstring/detail zijn ongekwalificeerd; wees ruim in wat we lezen.
    k: dict[str, etree._Element] = {}
    for kind in fault:
        if isinstance(kind.tag, str):
            k.setdefault(etree.QName(kind).localname, kind)
    detail = k.get("detail")
    if detail is not None:
        for el in detail.iter(*_FOUTBERICHTEN):
            return _foutbericht(el)
    faultcode = _tekst(k.get("faultcode"))
    lokaal = faultcode.rpartition(":")[2]
    plek = {"client": "client", "server": "server"}.get(lokaal.split(".")[0].lower(), "")
    details = ""
    if detail is not None:
        details = " ".join(t.strip() for t in detail.itertext() if t.strip())
    return Foutbericht(
        code=faultcode, plek=plek, omschrijving=_tekst(k.get("faultstring")), details=details
    )


def parse_answer(envelope_root: etree._Element) -> Bevestiging | Foutbericht:
    """Het antwoord op een door ons verstuurd Di01-bericht: Bv03 of een (SOAP-)foutbericht.

    Accepteert een SOAP-envelope (met Bv03Bericht of een Fault met Fo0x in ``detail``) en, ruim,
    ook een kaal Bv03/Fo0x-bericht. Iets anders geeft een :class:`StufFout` (StUF055).
    """
    el = envelope_root
    if el.tag == _SOAP + "Envelope":
        el = unwrap_envelope(el)
    if el.tag == _STUF + "Bv03Bericht":
        return Bevestiging(stuurgegevens=parse_stuurgegevens(_vereist(el, _STUF + "stuurgegevens")))
    if el.tag in _FOUTBERICHTEN:
        return _foutbericht(el)
    if el.tag == _SOAP + "Fault":
        return _soap_fault(el)
    raise StufFout(
        Foutcode.STUF055,
        f"onverwacht antwoord {_leesbaar(str(el.tag))}: "
        "verwacht StUF:Bv03Bericht of een foutbericht",
    )
