"""De StUF-FIN-berichten als gewone dataclasses.

Afspraken: geldbedragen altijd ``int`` in centen (``FIN:BedragInCenten``), percentages in
honderdsten van procenten zoals het schema ze geeft, datums ``datetime.date``, tijdstippen
timezone-aware ``datetime``. Tekst die in het bericht ontbreekt of leeg/``xsi:nil`` is, wordt
``""``; een ontbrekend getal of datum wordt ``None``. Namen: domeinzelfstandige naamwoorden zoals
in de standaard, werkwoorden in het Engels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree

__all__ = [
    "Adres",
    "AutomatischeIncasso",
    "Bevestiging",
    "Boeking",
    "BtwTotaalregel",
    "Debiteur",
    "FinancieleVerantwoording",
    "FinancieleVerantwoordingBericht",
    "Foutbericht",
    "Invorderingsschema",
    "NatuurlijkPersoon",
    "NietNatuurlijkPersoon",
    "OrganisatorischeEenheid",
    "StatusWijzigingBericht",
    "Stuurgegevens",
    "Systeem",
    "Termijn",
    "VerstrekVorderingBericht",
    "VorderendeOrganisatie",
    "Vordering",
    "VorderingStatusWijziging",
    "VorderingVraag",
    "Vorderingsregel",
    "Vorderingstatus",
    "Zaak",
]


@dataclass(slots=True, frozen=True)
class Systeem:
    """Zender of ontvanger (StUF:Systeem); ``applicatie`` is verplicht (3 tot 50 tekens)."""

    organisatie: str = ""
    applicatie: str = ""
    administratie: str = ""
    gebruiker: str = ""


@dataclass(slots=True)
class Stuurgegevens:
    """StUF-stuurgegevens. ``tijdstip_bericht`` blijft de ruwe StUF-waarde (``yyyymmddhhmmssfff``,
    8–17 cijfers): de test-berichten bevatten ``00000000`` en de vergelijking bij een herhaald
    aangeboden bericht (StUF016) moet op de letterlijke waarde gebeuren."""

    berichtcode: str
    zender: Systeem = field(default_factory=Systeem)
    ontvanger: Systeem = field(default_factory=Systeem)
    referentienummer: str = ""
    tijdstip_bericht: str = ""
    crossrefnummer: str = ""
    functie: str = ""
    entiteittype: str = ""


@dataclass(slots=True)
class Adres:
    """Verblijfs-, bezoek- of correspondentieadres (BG), of een adres in het buitenland."""

    aoa_identificatie: str = ""
    straatnaam: str = ""  # gor.straatnaam, anders gor.openbareRuimteNaam
    openbare_ruimte_naam: str = ""  # gor.openbareRuimteNaam zoals ontvangen
    huisnummer: int | None = None
    huisletter: str = ""
    huisnummertoevoeging: str = ""
    postcode: str = ""
    woonplaats: str = ""
    locatiebeschrijving: str = ""
    # sub.verblijfBuitenland
    landcode: str = ""
    landnaam: str = ""
    adres_buitenland_1: str = ""
    adres_buitenland_2: str = ""
    adres_buitenland_3: str = ""

    @property
    def is_buitenland(self) -> bool:
        return bool(
            self.landcode
            or self.landnaam
            or self.adres_buitenland_1
            or self.adres_buitenland_2
            or self.adres_buitenland_3
        )


@dataclass(slots=True)
class NatuurlijkPersoon:
    """BG:NPS als debiteur. ``geboortedatum`` is ``None`` als de StUF-datum ongeldig is (de
    test-berichten bevatten ``19642424``); ``geboortedatum_ruw`` houdt de letterlijke waarde."""

    bsn: str = ""
    a_nummer: str = ""
    geslachtsnaam: str = ""
    voorvoegsel_geslachtsnaam: str = ""
    voorletters: str = ""
    voornamen: str = ""
    aanduiding_naamgebruik: str = ""
    geslachtsnaam_partner: str = ""
    voorvoegsel_geslachtsnaam_partner: str = ""
    aanhef_aanschrijving: str = ""
    voornamen_aanschrijving: str = ""
    geslachtsnaam_aanschrijving: str = ""
    adellijke_titel_predikaat: str = ""
    geslachtsaanduiding: str = ""
    geboortedatum: date | None = None
    geboortedatum_ruw: str = ""
    verblijfsadres: Adres | None = None
    correspondentieadres: Adres | None = None
    telefoonnummer: str = ""
    emailadres: str = ""
    rekeningnummer: str = ""  # sub.rekeningnummerBankGiro


@dataclass(slots=True)
class NietNatuurlijkPersoon:
    """BG:NNP als debiteur. ``nnp_id`` is het RSIN (``inn.nnpId``). Het BG-schema kent in deze
    context geen KvK-nummer (NNPINN-basis heeft alleen inn.nnpId en ann.identificatie)."""

    nnp_id: str = ""
    statutaire_naam: str = ""
    rechtsvorm: str = ""
    kvk_nummer: str = ""  # alleen via de REST-API (het BG-schema kent het hier niet)
    adres: Adres | None = None  # bezoekadres of sub.verblijfBuitenland
    correspondentieadres: Adres | None = None
    telefoonnummer: str = ""
    emailadres: str = ""
    rekeningnummer: str = ""  # sub.rekeningnummerBankGiro


@dataclass(slots=True)
class Debiteur:
    """Precies één van ``natuurlijk_persoon``/``niet_natuurlijk_persoon`` is gevuld."""

    natuurlijk_persoon: NatuurlijkPersoon | None = None
    niet_natuurlijk_persoon: NietNatuurlijkPersoon | None = None
    debiteurnummer: str = ""


@dataclass(slots=True)
class Vorderingsregel:
    """FIN:vorderingsregel. De verplichte elementen mogen in het schema ``xsi:nil`` zijn; dan
    ``None``/``""``."""

    bedrag_excl_btw: int | None = None
    bedrag_incl_btw: int | None = None
    bedrag_btw: int | None = None
    btw_categorie: str = ""
    btw_percentage: int | None = None  # honderdsten procent volgens het schema (21% = 2100)
    vorderingtype: str = ""
    vorderingcode: str = ""
    vorderingtoelichting: str = ""
    vorderingomschrijving: str = ""
    aantal: int | None = None
    eenheid: str = ""
    stuksprijs_excl_btw: int | None = None


@dataclass(slots=True)
class BtwTotaalregel:
    totaalbedrag_btw: int | None = None
    btw_categorie: str = ""


@dataclass(slots=True)
class Termijn:
    datum: date | None = None
    termijnbedrag: int | None = None
    vervaldatum: date | None = None


@dataclass(slots=True)
class Invorderingsschema:
    invorderingsregime: str = ""  # EV (eindvervolging) of TV (termijnvervolging)
    termijnen: list[Termijn] = field(default_factory=list)


@dataclass(slots=True)
class AutomatischeIncasso:
    machtigingskenmerk: str = ""
    afgiftedatum: date | None = None
    rekeningnummer: str = ""  # IBAN
    bic: str = ""


@dataclass(slots=True)
class Vorderingstatus:
    status: str = ""  # ONV, VRW, VRS, BET, INV, EXT, ONI, KWI, VRM, VRN, OVE
    datum_en_tijd: datetime | None = None
    totaal_betaald: int | None = None
    deel_bedrag_betaald: int | None = None
    opmerkingen: str = ""


@dataclass(slots=True)
class Zaak:
    identificatie: str = ""
    omschrijving: str = ""


@dataclass(slots=True)
class OrganisatorischeEenheid:
    identificatie: str = ""
    naam: str = ""


@dataclass(slots=True)
class VorderendeOrganisatie:
    """De vorderende organisatie (NNP). ``nnp_id`` is ``""`` als het bericht de gerelateerde leeg
    laat, zoals het officiële min-bericht doet."""

    nnp_id: str = ""
    statutaire_naam: str = ""
    rechtsvorm: str = ""
    adres: Adres | None = None  # bezoekadres, als meegegeven


@dataclass(slots=True)
class Vordering:
    """Eén FIN:VRD-verstrekVordering; ``volgnummer`` is de 1-based positie in het bericht."""

    vorderingnummer: str
    creatiedatum: date | None = None
    tsa: str = ""
    indicator_factuur_uitgestuurd: bool = False
    algemene_factuuromschrijving: str = ""
    valutacode: str = "EUR"
    totaalbedrag_excl_btw: int = 0
    totaalbedrag_btw: int = 0
    totaalbedrag_incl_btw: int = 0
    indicator_publiekrechtelijk: bool = False
    factuurnummer: str = ""
    factuurdatum: date | None = None
    vervaldatum: date | None = None
    taaknummer: str = ""
    regels: list[Vorderingsregel] = field(default_factory=list)
    btw_totaalregels: list[BtwTotaalregel] = field(default_factory=list)
    automatische_incasso: AutomatischeIncasso | None = None
    invorderingsschema: Invorderingsschema | None = None
    vorderingstatus: Vorderingstatus | None = None
    debiteur: Debiteur | None = None
    vorderende_organisatie: VorderendeOrganisatie = field(default_factory=VorderendeOrganisatie)
    zaak: Zaak | None = None
    heeft_betrekking_op: str | None = None  # vorderingnummer van de gerelateerde vordering
    organisatorische_eenheid: OrganisatorischeEenheid | None = None
    volgnummer: int = 1


@dataclass(slots=True)
class VerstrekVorderingBericht:
    """FIN:Di01-verstrekVordering."""

    stuurgegevens: Stuurgegevens
    vorderingen: list[Vordering] = field(default_factory=list)


@dataclass(slots=True)
class VorderingVraag:
    """FIN:vrdLv01. ``scope`` is het ``FIN:scope/FIN:object``-element uit de vraag (of ``None``);
    de antwoordbouwer spiegelt het. ``scope_attribuut`` is de waarde van ``StUF:scope`` op dat
    object (``"alles"``, ``"kerngegevens"``, ...) of ``""``. ``selectie`` bevat de eenvoudige
    elementen uit ``FIN:gelijk`` (lokale naam → tekst)."""

    stuurgegevens: Stuurgegevens
    vorderingnummer: str | None = None
    maximum_aantal: int | None = None
    sortering: int | None = None
    indicator_vervolgvraag: bool = False
    scope: etree._Element | None = None
    scope_attribuut: str = ""
    selectie: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class VorderingStatusWijziging:
    """Eén statuswijziging voor FIN:Di01-verstrekVorderingStatusWijziging (wij → TSA)."""

    vorderingnummer: str
    tsa: str
    status: Vorderingstatus
    vorderende_organisatie: VorderendeOrganisatie = field(default_factory=VorderendeOrganisatie)


@dataclass(slots=True)
class StatusWijzigingBericht:
    """Een ontvangen FIN:Di01-verstrekVorderingStatusWijziging (voor tests en simulaties)."""

    stuurgegevens: Stuurgegevens
    wijzigingen: list[VorderingStatusWijziging] = field(default_factory=list)


@dataclass(slots=True)
class Boeking:
    boekingssleutel: str
    bedrag_incl_btw: int | None = None
    bedrag_excl_btw: int | None = None
    bedrag_btw: int | None = None


@dataclass(slots=True)
class FinancieleVerantwoording:
    """Eén FIN:FVW voor FIN:Di01-verstrekFinancieleVerantwoording (wij → financiële administratie).
    ``omschrijving`` is ``FIN:boekingperiodeOmschrijving``."""

    verantwoordingsnummer: str
    datum_en_tijd: datetime
    begindatum: date
    einddatum: date
    boekingen: list[Boeking] = field(default_factory=list)
    omschrijving: str = ""
    vorderende_organisatie: VorderendeOrganisatie = field(default_factory=VorderendeOrganisatie)


@dataclass(slots=True)
class FinancieleVerantwoordingBericht:
    """Een ontvangen FIN:Di01-verstrekFinancieleVerantwoording (voor tests en simulaties)."""

    stuurgegevens: Stuurgegevens
    verantwoordingen: list[FinancieleVerantwoording] = field(default_factory=list)


@dataclass(slots=True)
class Bevestiging:
    """Een ontvangen StUF:Bv03Bericht."""

    stuurgegevens: Stuurgegevens


@dataclass(slots=True)
class Foutbericht:
    """Een ontvangen foutbericht (Fo01/Fo02/Fo03, meestal in een SOAP-fault).

    ``berichtcode`` is ``""`` als de SOAP-fault geen StUF-foutbericht bevatte; ``code`` en
    ``details`` komen dan uit ``faultcode``/``detail`` van de fault zelf."""

    code: str
    plek: str
    omschrijving: str
    details: str = ""
    berichtcode: str = ""
    stuurgegevens: Stuurgegevens | None = None
