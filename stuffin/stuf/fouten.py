"""Alle foutcodes van het Inningensysteem, op één plek.

Conventie
---------
* ``StUF…``-codes komen letterlijk uit StUF 03.01 (Tabel 4.1 en de samenvatting in Tabel 8.1 van
  "StUF onderlaag 03.01"): code, omschrijving en plek staan er precies zoals in de tabel, en
  ``soorten`` zegt voor welke foutberichten (Fo01/Fo02/Fo03) de standaard de fout definieert.
* ``FIN…``-codes zijn de sectorspecifieke (bedrijfs)fouten van dit Inningensysteem voor de regels
  van Verstrek Vordering en Verstrek Vorderingstatus. StUF 03.01 §4.4.3 schrijft voor dat een
  sectormodel eigen codes mag definiëren, beginnend met de code van het sectormodel; de code past
  in ``StUF:Foutcode`` (maximaal 7 tekens). Alle FIN-fouten liggen bij de aanroeper (``client``).
* Een fout wordt gemeld door :class:`StufFout` te raisen met een :class:`Foutcode` en desgewenst
  een vrije toelichting (``details``, komt in ``StUF:details``). De SOAP-laag zet dat om in een
  Fo02- of Fo03-foutbericht; ``soort`` kan dat expliciet vastleggen (``"Fo02"``/``"Fo03"``).

Er staan hier geen Django-imports: deze module is pure Python.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["Foutcode", "SoapFout", "StufFout", "XmlFout"]

_FO1, _FO2, _FO3 = "Fo01", "Fo02", "Fo03"


class Foutcode(Enum):
    """Een foutcode met omschrijving, plek (``client``/``server``) en foutberichtsoorten."""

    code: str
    omschrijving: str
    plek: str
    soorten: frozenset[str]

    def __init__(self, code: str, omschrijving: str, plek: str, soorten: tuple[str, ...]) -> None:
        self.code = code
        self.omschrijving = omschrijving
        self.plek = plek
        self.soorten = frozenset(soorten)

    @classmethod
    def op_code(cls, code: str) -> Foutcode:
        """De Foutcode bij een code als ``"StUF055"`` of ``"FIN001"`` (KeyError als onbekend)."""
        try:
            return _OP_CODE[code]
        except KeyError:
            raise KeyError(f"onbekende foutcode {code!r}") from None

    def __str__(self) -> str:
        return f"{self.code} {self.omschrijving}"

    # --- StUF 03.01, Tabel 4.1: fouten voor alle berichttypen --------------------------------
    STUF001 = ("StUF001", "Versie StUF niet ondersteund", "server", (_FO2, _FO3))
    STUF004 = ("StUF004", "Sectormodel niet ondersteund", "server", (_FO2, _FO3))
    STUF007 = ("StUF007", "Versie sectormodel niet ondersteund", "server", (_FO2, _FO3))
    STUF010 = (
        "StUF010",
        "Combinatie van ontvangende organisatie, applicatie en administratie onbekend",
        "client",
        (_FO2, _FO3),
    )
    STUF013 = (
        "StUF013",
        "Combinatie van zendende organisatie, applicatie en administratie onbekend",
        "client",
        (_FO2, _FO3),
    )
    STUF016 = (
        "StUF016",
        "Combinatie zender en referentienummer niet uniek",
        "client",
        (_FO2, _FO3),
    )
    STUF019 = (
        "StUF019",
        "TijdstipBericht niet groter dan voorgaand TijdstipBericht van zender",
        "client",
        (_FO2, _FO3),
    )
    STUF022 = ("StUF022", "Berichtcode onbekend", "client", (_FO2, _FO3))
    STUF025 = ("StUF025", "Berichtcode niet ondersteund", "server", (_FO2, _FO3))
    STUF028 = ("StUF028", "Entiteittype onbekend binnen sectormodel", "client", (_FO2, _FO3))
    STUF031 = ("StUF031", "Entiteittype niet ondersteund", "server", (_FO2, _FO3))
    STUF034 = ("StUF034", "Functie onbekend binnen sectormodel", "client", (_FO2, _FO3))
    STUF037 = ("StUF037", "Functie niet ondersteund", "server", (_FO2, _FO3))
    STUF040 = (
        "StUF040",
        "Combinatie van berichtcode, entiteittype en functie niet ondersteund",
        "server",
        (_FO2, _FO3),
    )
    STUF043 = ("StUF043", "Crossreferentienummer niet bekend", "client", (_FO2, _FO3))
    STUF046 = ("StUF046", "Opslaan bericht niet mogelijk", "server", (_FO3,))
    STUF049 = (
        "StUF049",
        "Proces voor afhandelen synchroon bericht niet beschikbaar",
        "server",
        (_FO2,),
    )
    STUF052 = (
        "StUF052",
        "Het zendende systeem is niet geautoriseerd voor de gevraagde combinatie van berichtcode, "
        "entiteittype en functie",
        "client",
        (_FO1, _FO2),
    )
    STUF055 = (
        "StUF055",
        "Berichtbody is niet conform schema in sectormodel",
        "client",
        (_FO1, _FO2),
    )
    STUF058 = ("StUF058", "Proces voor afhandelen bericht geeft fout", "server", (_FO1, _FO2))
    STUF061 = (
        "StUF061",
        "Starten berichtverzending niet mogelijk binnen 5 minuten",
        "server",
        (_FO2,),
    )

    # --- StUF 03.01, Tabel 5.x: kennisgevingen en synchronisatie -------------------------------
    STUF062 = (
        "StUF062",
        "<StUF:tijdvakGeldigheid> niet gevuld zoals de standaard voorschrijft",
        "client",
        (_FO2,),
    )
    STUF063 = (
        "StUF063",
        "Een te wijzigen waarde heeft in de registratie een beginGeldigheid groter dan tbo",
        "server",
        (_FO2,),
    )
    STUF064 = ("StUF064", "Object niet gevonden", "server", (_FO2,))
    STUF065 = (
        "StUF065",
        "tr ≤ de grootste tijdstipRegistratie voor het object in de registratie",
        "server",
        (_FO2,),
    )
    STUF066 = (
        "StUF066",
        "Een te corrigeren entiteit bevat geen te corrigeren element",
        "client",
        (_FO2,),
    )
    STUF067 = ("StUF067", "Dubbelen voor object gevonden", "server", (_FO2,))
    STUF068 = ("StUF068", "Toekomstmutatie in Lk02-bericht", "client", (_FO2,))
    STUF069 = (
        "StUF069",
        "Niet alle elementen in historische correctie komen in de registratie voor met waarde en "
        "het tijdvakGeldigheid in 'oud'",
        "client",
        (_FO2,),
    )
    STUF070 = ("StUF070", "Synchronisatiebericht historisch niet consistent", "client", (_FO2,))

    # --- StUF 03.01, Tabel 6.x: vraag- en antwoordberichten -------------------------------------
    STUF076 = (
        "StUF076",
        "<vanaf> en <totEnMet> bevatten niet dezelfde elementen",
        "client",
        (_FO1, _FO2),
    )
    STUF079 = (
        "StUF079",
        "Een element komt voor in zowel <gelijk> als <vanaf> en <totEnMet>",
        "client",
        (_FO1, _FO2),
    )
    STUF082 = (
        "StUF082",
        "Het attribute StUF:exact is gebruikt op een element binnen <vanaf> of <totEnMet>",
        "client",
        (_FO1, _FO2),
    )
    STUF085 = ("StUF085", "Onvolledige datum binnen <vanaf> of <totEnMet>", "client", (_FO1, _FO2))
    STUF088 = (
        "StUF088",
        "Meer dan één sleutel gespecificeerd als selectiecriterium",
        "client",
        (_FO1, _FO2),
    )
    STUF091 = (
        "StUF091",
        "Een sleutel en andere elementen gespecificeerd als selectiecriterium",
        "client",
        (_FO1, _FO2),
    )
    STUF094 = (
        "StUF094",
        "Ontvangend systeem registreert sleutel in het verzendende systeem niet",
        "server",
        (_FO1, _FO2),
    )
    STUF097 = (
        "StUF097",
        "Zowel het attribute scope als een inhoud gespecificeerd voor het element <scope>",
        "client",
        (_FO1, _FO2),
    )
    STUF103 = (
        "StUF103",
        "indicatorVervolgvraag is true, maar het element <start> ontbreekt",
        "client",
        (_FO1, _FO2),
    )
    STUF106 = (
        "StUF106",
        "Het element <start> bevat niet alle elementen gespecificeerd in <vanaf> en <totEnMet>",
        "client",
        (_FO1, _FO2),
    )
    STUF118 = ("StUF118", "peiltijdstipMaterieel ontbreekt", "client", (_FO1, _FO2))
    STUF119 = ("StUF119", "peiltijdstipFormeel ontbreekt", "client", (_FO1, _FO2))
    STUF124 = (
        "StUF124",
        "Antwoordend systeem ondersteunt afhandelen asynchrone vragen niet",
        "server",
        (_FO1,),
    )
    STUF127 = (
        "StUF127",
        "Gebruiker binnen zendend systeem onbekend in antwoordend systeem en nodig voor "
        "autorisatie",
        "server",
        (_FO1, _FO2),
    )
    STUF130 = (
        "StUF130",
        "Beantwoording asynchrone vraag vergt teveel systeemresources",
        "server",
        (_FO1,),
    )
    STUF133 = (
        "StUF133",
        "Antwoordend systeem ondersteunt gevraagde sortering niet",
        "server",
        (_FO1, _FO2),
    )
    STUF960 = (
        "StUF960",
        "Het antwoordende systeem is niet in staat het verzoek af te handelen binnen de connection "
        "time out",
        "server",
        (_FO2,),
    )

    # --- FIN: bedrijfsregels Verstrek Vordering (Di01 → Fo03) en Vorderingstatus (vrdLv01 → Fo02)
    FIN001 = (
        "FIN001",
        "Vorderingnummer is al bekend voor deze vorderende organisatie en TSA",
        "client",
        (_FO3,),
    )
    FIN002 = ("FIN002", "Vorderingnummer komt meer dan eens voor in het bericht", "client", (_FO3,))
    FIN003 = ("FIN003", "Vervaldatum ligt in het verleden", "client", (_FO3,))
    FIN004 = (
        "FIN004",
        "Factuurdatum en vervaldatum zijn verplicht bij indicatorFactuurUitgestuurd J",
        "client",
        (_FO3,),
    )
    FIN005 = (
        "FIN005",
        "Totaalbedragen van de vordering zijn ongelijk aan de som van de vorderingsregels",
        "client",
        (_FO3,),
    )
    FIN006 = (
        "FIN006",
        "Bedrag inclusief BTW van een vorderingsregel is ongelijk aan bedrag exclusief BTW plus "
        "BTW",
        "client",
        (_FO3,),
    )
    FIN007 = ("FIN007", "Valutacode niet ondersteund: alleen EUR", "client", (_FO3,))
    FIN008 = ("FIN008", "Vorderende organisatie onbekend", "client", (_FO2, _FO3))
    FIN009 = (
        "FIN009",
        "Koppeling niet geautoriseerd voor deze vorderende organisatie",
        "client",
        (_FO2, _FO3),
    )
    FIN010 = ("FIN010", "Koppeling niet geautoriseerd voor deze TSA-code", "client", (_FO2, _FO3))
    FIN011 = ("FIN011", "Ongeldig BSN of RSIN (elfproef)", "client", (_FO3,))
    # FIN012 is deliberately not used: an unknown heeftBetrekkingOpVordering is accepted with a
    # warning (the official max message refers to vorderingnummer "a"); see docs/besluiten.md.
    FIN013 = (
        "FIN013",
        "Ongeldig invorderingsschema: termijnen met vervaldatum alleen bij termijnvervolging (TV)",
        "client",
        (_FO3,),
    )
    FIN014 = ("FIN014", "Vordering onbekend", "client", (_FO2,))
    FIN015 = (
        "FIN015",
        "Bedrag of percentage past niet in het datatype van de standaard (N(11) en N(6))",
        "client",
        (_FO3,),
    )


_OP_CODE: dict[str, Foutcode] = {f.code: f for f in Foutcode}


class StufFout(Exception):
    """Een fout die als StUF-foutbericht (Fo02/Fo03) naar de aanroeper gaat.

    ``details`` is vrije tekst voor ``StUF:details`` (de builder kort die in tot de schemalengte);
    ``soort`` legt desgewenst vast welk foutbericht (``"Fo02"``/``"Fo03"``) de aanroeper krijgt.
    """

    def __init__(self, code: Foutcode, details: str = "", *, soort: str | None = None) -> None:
        if not isinstance(code, Foutcode):
            raise TypeError(f"code moet een Foutcode zijn, niet {type(code).__name__}")
        if soort is not None and soort not in (_FO1, _FO2, _FO3):
            raise ValueError(f"soort moet Fo01, Fo02 of Fo03 zijn, niet {soort!r}")
        self.code = code
        self.details = details
        self.soort = soort
        super().__init__(f"{code.code} {code.omschrijving}" + (f": {details}" if details else ""))

    @property
    def omschrijving(self) -> str:
        return self.code.omschrijving

    @property
    def plek(self) -> str:
        return self.code.plek


class XmlFout(StufFout):
    """Het bericht is geen (veilig) welgevormd XML-document; altijd StUF055 (client)."""

    def __init__(self, details: str, *, soort: str | None = None) -> None:
        super().__init__(Foutcode.STUF055, details, soort=soort)


class SoapFout(StufFout):
    """De SOAP-envelope klopt niet (geen Envelope/Body, lege of meervoudige Body); StUF055."""

    def __init__(self, details: str, *, soort: str | None = None) -> None:
        super().__init__(Foutcode.STUF055, details, soort=soort)
