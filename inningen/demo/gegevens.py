"""Fixed demo data: organisations, koppelingen, users and the tables the generator draws from.

Apart from the generator so the data set, and its public demo passwords, are read and changed in
one place. Identifiers are valid (11-proef, IBAN, SEPA creditor id): the product checks them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schwifty import IBAN
from stdnum.eu import at_02

from inningen.choices import BtwCategorie
from stuffin.models import Koppelingsrol

SEED = 20260101
DEBITEURNUMMER_PREFIX = "DEMO-"
DOOR_SYSTEEM = "Inningensysteem"
DOOR_INVORDERAAR = "invorderaar"
DOOR_BANK = "bankafschrift"
DOOR_INCASSO = "incasso"
DOOR_RUN = "invorderingsrun"
# Collection steps taken before the demo's first real invorderingsrun: history without a run.
TOELICHTING_HISTORIE = "Historie van vóór de eerste invorderingsrun"


# --- identifiers -------------------------------------------------------------------------------


def elfproef_aanvullen(acht_cijfers: str) -> str | None:
    """Add the check digit of the 11-proef (BSN/RSIN); None when no digit fits (remainder 10)."""
    som = sum(int(c) * w for c, w in zip(acht_cijfers, range(9, 1, -1), strict=True)) % 11
    return None if som == 10 else f"{acht_cijfers}{som}"


def incassant_id(kvk_nummer: str) -> str:
    """SEPA creditor identifier (AT-02) for a Dutch KvK number: NLccZZZ<kvk>0000."""
    basis = f"NL00ZZZ{kvk_nummer}0000"
    return f"NL{at_02.calc_check_digits(basis)}ZZZ{kvk_nummer}0000"


@dataclass(frozen=True)
class DemoOrganisatie:
    sleutel: str
    naam: str
    rsin: str
    gemeentecode: str  # invented CBS-like codes; a GR has none
    kvk_nummer: str
    bankrekening: str  # account code at BNG Bank, the municipalities' bank
    # How debtors reach the organisation (on every letter); fictitious, .example domains.
    contact: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def iban(self) -> str:
        return IBAN.generate("NL", bank_code="BNGH", account_code=self.bankrekening).compact

    @property
    def incassant_id(self) -> str:
        return incassant_id(self.kvk_nummer)


_WERKDAGEN = "maandag t/m vrijdag 9.00-17.00 uur"
ORGANISATIES = (
    DemoOrganisatie(
        "RVS", "Gemeente Rivierstad", "002845131", "0996", "30284513", "0285012345",
        contact={
            "telefoonnummer": "14 0996", "bereikbaarheid": _WERKDAGEN,
            "emailadres": "debiteuren@rivierstad.example",
            "website": "https://www.rivierstad.example/betalen",
            "bezoekadres": "Stadhuisplein 1, 4101 AA Rivierstad",
            "postadres": "Postbus 1000, 4100 AA Rivierstad",
        },
    ),
    DemoOrganisatie(
        "PLD", "Gemeente Polderdam", "001770366", "0997", "30177036", "0285067890",
        contact={
            "telefoonnummer": "14 0997", "bereikbaarheid": "maandag t/m donderdag 8.30-16.30 uur",
            "emailadres": "invordering@polderdam.example",
            "website": "https://www.polderdam.example/invordering",
            "bezoekadres": "Gemaalweg 2, 4201 BC Polderdam",
            "postadres": "Postbus 20, 4200 AA Polderdam",
        },
    ),
    DemoOrganisatie(
        "BSR", "Belastingsamenwerking Rivierland", "008174325", "", "30817432", "0285099001",
        contact={
            "telefoonnummer": "0345 123 456", "bereikbaarheid": _WERKDAGEN,
            "emailadres": "belastingen@rivierland.example",
            "website": "https://www.rivierland-belastingen.example",
            "bezoekadres": "Dijkstraat 10, 4101 CD Rivierstad",
            "postadres": "Postbus 300, 4100 AH Rivierstad",
        },
    ),
)  # fmt: skip
DEMO_RSINS = tuple(o.rsin for o in ORGANISATIES)


@dataclass(frozen=True)
class DemoKoppeling:
    sleutel: str
    naam: str
    applicatie: str
    rol: str
    tsa_codes: tuple[str, ...]
    organisaties: tuple[str, ...]  # DemoOrganisatie.sleutel; the first is the default
    gebruikersnaam: str
    wachtwoord: str  # demo only


KOPPELINGEN = (
    DemoKoppeling(
        "vergunningen",
        "Vergunningen (VTH-zaaksysteem)",
        "VERGUNNINGEN",
        Koppelingsrol.TSA,
        ("VTH-LEGES",),
        ("RVS", "PLD"),
        "tsa-vergunningen",
        "demo-vergunningen-2026",
    ),
    DemoKoppeling(
        "parkeren",
        "Parkeren (naheffingen en vergunningen)",
        "PARKEREN",
        Koppelingsrol.TSA,
        ("PRK-NAHEFFING", "PRK-VERGUNNING"),
        ("RVS", "PLD"),
        "tsa-parkeren",
        "demo-parkeren-2026",
    ),
    DemoKoppeling(
        "belastingen",
        "Belastingen (heffingssysteem)",
        "BELASTINGEN",
        Koppelingsrol.TSA,
        ("BEL-AANSLAG",),
        ("BSR",),
        "tsa-belastingen",
        "demo-belastingen-2026",
    ),
    DemoKoppeling(
        "facturatie",
        "Facturatie (privaatrechtelijke facturen)",
        "FACTURATIE",
        Koppelingsrol.TSA,
        ("FAC-DEBITEUREN",),
        ("RVS", "PLD"),
        "tsa-facturatie",
        "demo-facturatie-2026",
    ),
    DemoKoppeling(
        "leerlingenvervoer",
        "Leerlingenvervoer (eigen bijdragen)",
        "LEERLINGENVERVOER",
        Koppelingsrol.TSA,
        ("LLV-EIGENBIJDRAGE",),
        ("RVS", "PLD"),
        "tsa-leerlingenvervoer",
        "demo-leerlingenvervoer-2026",
    ),
    DemoKoppeling(
        "financien",
        "Financiële administratie",
        "FINADM",
        Koppelingsrol.FINANCIELE_ADMINISTRATIE,
        (),
        ("RVS", "PLD", "BSR"),
        "fa-financien",
        "demo-financien-2026",
    ),
)


@dataclass(frozen=True)
class DemoGebruiker:
    gebruikersnaam: str
    wachtwoord: str  # demo only
    rol: str  # group name
    organisaties: tuple[str, ...]
    superuser: bool = False


GEBRUIKERS = (
    DemoGebruiker("balie", "demo-balie-2026", "baliemedewerker", ("RVS", "BSR")),
    DemoGebruiker("invorderaar", "demo-invorderaar-2026", "invorderaar", ("RVS", "PLD", "BSR")),
    # A second invorderaar, so four eyes can be tried: what one proposes (afboeking,
    # terugbetaling) or prepares (a run preview), the other reviews or approves.
    DemoGebruiker("invorderaar2", "demo-invorderaar2-2026", "invorderaar", ("RVS", "PLD")),
    DemoGebruiker("beheer", "demo-beheer-2026", "beheerder", ("RVS", "PLD", "BSR"), superuser=True),
)
# The TSA whose endpoint is a local address where nothing listens (the discard port): its
# status messages fail, so the work list "Mislukte berichten" has something in it.
ONBEREIKBARE_TSA = "leerlingenvervoer"
ONBEREIKBARE_URL = "http://127.0.0.1:9/stuf/leerlingenvervoer"


# Names with diacritics, so accent-insensitive search can be demonstrated.
ACCENT_ACHTERNAMEN = (
    "Öztürk",
    "Çelik",
    "Yılmaz",
    "Şahin",
    "Doğan",
    "Kılıç",
    "Müller",
    "Schröder",
    "Jäger",
    "Gómez",
    "Núñez",
    "Dvořák",
    "Sørensen",
    "Lefèvre",
    "Bénard",
)
ACCENT_VOORNAMEN_M = ("Hüseyin", "Gökhan", "Çağan", "Jürgen", "José", "François", "Björn", "Noël")
ACCENT_VOORNAMEN_V = ("Ayşe", "Gülşen", "Özlem", "Zoë", "Chloë", "Anaïs", "Renée", "Zoé")
# Fixed debtors: the first five get many claims (balie demo); all have accented names or are firms.
VASTE_PERSONEN = (
    ("Hüseyin", "Öztürk", "M", "PLD"),
    ("Ayşe", "Çelik", "V", "RVS"),
    ("Jürgen", "Müller", "M", "RVS"),
    ("Gökhan", "Yılmaz", "M", "RVS"),
    ("Renée", "Lefèvre", "V", "PLD"),
    ("Björn", "Sørensen", "M", "PLD"),
    ("Zoë", "van den Heuvel", "V", "RVS"),
)
# Two fixed persons carry a test BSN of the local BRP fake (inningen/basisregistraties/LEESMIJ.md),
# so that `make run BRP_FAKE=1` shows what the BRP does to letters: after a new run preview their
# claims are skipped and on the work list "adres in onderzoek". Without the fake they are ordinary
# debtors. (The fake knows them under other names: the BRP is right, the TSA's data is old.)
BRP_TEST_BSNS = {
    "Yılmaz": "999993926",  # overleden
    "Sørensen": "999992570",  # vastgesteld verblijft niet op adres
}
VASTE_BEDRIJVEN = (
    ("Çelik Transport B.V.", "Besloten Vennootschap", "RVS"),
    ("Van der Ploeg Logistiek B.V.", "Besloten Vennootschap", "PLD"),
)
VOORVOEGSELS = (
    "van der",
    "van den",
    "van de",
    "van het",
    "van 't",
    "in 't",
    "op de",
    "in de",
    "uit de",
    "van",
    "den",
    "der",
    "de",
    "ter",
    "te",
    "'t",
)
WOONPLAATSEN = {
    "RVS": (
        ("Rivierstad", 4101, 4109, 0.7),
        ("Uiterwaard", 4111, 4112, 0.2),
        ("Kribbendam", 4115, 4115, 0.1),
    ),
    "PLD": (
        ("Polderdam", 4201, 4208, 0.7),
        ("Gemaalhoek", 4211, 4211, 0.18),
        ("Nieuw-Sluis", 4214, 4214, 0.12),
    ),
}
KLASSIEKE_STRATEN = (
    "Dorpsstraat",
    "Kerkstraat",
    "Dijkweg",
    "Havenkade",
    "Molenstraat",
    "Stationsweg",
    "Veerweg",
    "Uiterwaardenlaan",
)
BANKEN = (
    ("INGB", "INGBNL2A", 35),
    ("RABO", "RABONL2U", 30),
    ("ABNA", "ABNANL2A", 20),
    ("SNSB", "SNSBNL2A", 6),
    ("ASNB", "ASNBNL21", 3),
    ("TRIO", "TRIONL2U", 2),
    ("BUNQ", "BUNQNL2A", 3),
    ("KNAB", "KNABNL2H", 1),
)
EENHEDEN = {
    "HEF": "Heffen en Invorderen",
    "VTH": "Vergunningen, Toezicht en Handhaving",
    "PRK": "Parkeren en Mobiliteit",
    "SPORT": "Sport en Accommodaties",
    "FAC": "Facilitaire Zaken",
    "AFV": "Afval en Reiniging",
    "FIN": "Financiën en Control",
    "ONW": "Onderwijs en Leerlingenvervoer",
}
BRANCHES = (
    "Transport",
    "Bouw",
    "Installatietechniek",
    "Schoonmaak",
    "Horeca",
    "Bloemen",
    "Autobedrijf",
    "Logistiek",
    "Vastgoed",
    "Hoveniers",
    "Schilders",
)
STICHTINGEN = ("Kinderopvang", "Welzijn", "Muziekschool", "Dorpshuis", "Zorggroep", "Sportpark")
VERENIGINGEN = ("Voetbal", "Tennis", "Hockey", "Korfbal", "Muziek", "IJs")
COOPERATIES = ("Energie", "Zorg", "Agrarisch Belang")
RECHTSVORMEN = {
    "bv": "Besloten Vennootschap",
    "vof": "Vennootschap onder firma",
    "stichting": "Stichting",
    "vereniging": "Vereniging met volledige rechtsbevoegdheid",
    "nv": "Naamloze Vennootschap",
    "cooperatie": "Coöperatie",
}
# Facturatie: (code, omschrijving, btw-categorie, percentage, eenheid, stuksprijs-range in cents,
# aantal-range). Without aantal-range a single amount from the stuksprijs-range.
FACTUURPOSTEN = {
    "SPORT": ("FAC-SPORT", "Huur sporthal", BtwCategorie.LAAG, 900, "uur", (3850, 5200), (4, 60)),
    "ZAAL": (
        "FAC-ZAAL",
        "Huur vergaderruimte stadskantoor",
        BtwCategorie.HOOG,
        2100,
        "dagdeel",
        (9500, 14500),
        (1, 10),
    ),
    "AFVAL": (
        "FAC-AFVAL",
        "Lediging bedrijfsafvalcontainer 1.100 liter",
        BtwCategorie.HOOG,
        2100,
        "lediging",
        (1875, 2450),
        (4, 52),
    ),
    "SCHADE": (
        "FAC-SCHADE",
        "Verhaal schade aan gemeentelijk eigendom",
        BtwCategorie.NUL,
        0,
        "",
        (15000, 450000),
        None,
    ),
}
# Vorderingnummer prefix per kind of claim (otherwise the TSA's initial: V, F).
NUMMERPREFIX = {
    "jaaraanslag": "AS",
    "aanslag": "AS",
    "naheffing": "NH",
    "parkeervergunning": "PV",
    "credit": "C",
    "leerlingenvervoer": "LLV",
}
POST_EENHEID = {"SPORT": "SPORT", "ZAAL": "FAC", "AFVAL": "AFV", "SCHADE": "FIN"}
