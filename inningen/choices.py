"""Code lists of StUF-FIN Betalen en Invorderen 1.0 (Bijlage A), with the spec's codes."""

from django.db import models


class BtwCategorie(models.TextChoices):
    LAAG = "LAA", "Laag"
    HOOG = "HOO", "Hoog"
    VERLEGD = "VER", "Verlegd"
    NUL = "NUL", "0-Btw"


class Vorderingtype(models.TextChoices):
    FACTUUR = "FAC", "Factuur"
    AANSLAG = "AAN", "Aanslag"
    VERMINDERING = "VRM", "Vermindering"
    VERHOGING = "VRH", "Verhoging"
    KWIJTSCHELDING = "KWI", "Kwijtschelding"
    CREDITFACTUUR = "CRE", "Creditfactuur"
    VOORLOPIGE_AANSLAG = "VOO", "Voorlopige aanslag"
    OVERIG = "OVE", "Overig"


class Invorderingsregime(models.TextChoices):
    EINDVERVOLGING = "EV", "Eindvervolging"
    TERMIJNVERVOLGING = "TV", "Termijnvervolging"


class VorderingStatus(models.TextChoices):
    ONVERWERKT = "ONV", "Onverwerkt"
    VERWERKT = "VRW", "Verwerkt"
    VERSTUURD = "VRS", "Verstuurd"
    BETAALD = "BET", "Betaald"
    INVORDERING = "INV", "Interne invorderingsstap genomen"
    EXTERN = "EXT", "Extern belegd"
    ONINBAAR = "ONI", "Oninbaar verklaard"
    KWIJTGESCHOLDEN = "KWI", "Kwijtgescholden"
    VERMINDERD = "VRM", "Verminderd"
    VERNIETIGD = "VRN", "Vernietigd"
    OVERIG = "OVE", "Overige"


# Statuses after which nothing remains to be collected.
AFGESLOTEN_STATUSSEN = frozenset(
    {
        VorderingStatus.BETAALD,
        VorderingStatus.ONINBAAR,
        VorderingStatus.KWIJTGESCHOLDEN,
        VorderingStatus.VERNIETIGD,
    }
)


class Debiteursoort(models.TextChoices):
    NATUURLIJK_PERSOON = "NPS", "Natuurlijk persoon"
    NIET_NATUURLIJK_PERSOON = "NNP", "Niet-natuurlijk persoon"


class Geslachtsaanduiding(models.TextChoices):
    MAN = "M", "Man"
    VROUW = "V", "Vrouw"
    ONBEKEND = "O", "Onbekend"


class AanduidingNaamgebruik(models.TextChoices):
    EIGEN = "E", "Eigen geslachtsnaam"
    PARTNER_NA_EIGEN = "N", "Geslachtsnaam echtgenoot/partner na eigen"
    PARTNER = "P", "Geslachtsnaam echtgenoot/partner"
    PARTNER_VOOR_EIGEN = "V", "Geslachtsnaam echtgenoot/partner voor eigen"


class Boekingsoort(models.TextChoices):
    """The kind of financial fact a Boeking records; sign says which way the money goes."""

    OPGELEGD = "opgelegd", "Vordering opgelegd"
    BETALING = "betaling", "Betaling"
    KOSTEN = "kosten", "Invorderingskosten"
    RENTE = "rente", "Rente"
    CREDITERING = "creditering", "Creditering"
    OVERBOEKING = "overboeking", "Verrekening met andere vordering"
    ONINBAAR = "oninbaar", "Oninbaar afgeboekt"
    KWIJTSCHELDING = "kwijtschelding", "Kwijtschelding"
    VERMINDERING = "vermindering", "Vermindering"
    TERUGBETALING = "terugbetaling", "Terugbetaling"
    STORNO = "storno", "Storno / teruggeboekte betaling"
    CORRECTIE = "correctie", "Correctie"


# Money in or out of the bank on a claim: payments, their reversals and refunds.
BETAALSOORTEN = (Boekingsoort.BETALING, Boekingsoort.STORNO, Boekingsoort.TERUGBETALING)


class MachtigingStatus(models.TextChoices):
    ACTIEF = "actief", "Actief"
    OPGESCHORT = "opgeschort", "Opgeschort"
    INGETROKKEN = "ingetrokken", "Ingetrokken"
    VERLOPEN = "verlopen", "Verlopen"


class Boekingdeel(models.TextChoices):
    """Which part of a claim a Boeking concerns, for the allocation order of Invorderingswet
    art. 7 (costs, then interest, then the claim itself). Imposing Boekingen derive it from their
    soort; payments and reversals carry it explicitly."""

    HOOFDSOM = "hoofdsom", "Hoofdsom"
    KOSTEN = "kosten", "Kosten"
    RENTE = "rente", "Rente"
    # Not on a claim: money of a bank entry that is not (yet) allocated, or a debtor's credit.
    ONVERDEELD = "onverdeeld", "Nog te verdelen ontvangst"
    TEGOED = "tegoed", "Tegoed van de debiteur"


class Afschriftformaat(models.TextChoices):
    CAMT053 = "camt053", "CAMT.053"
    MT940 = "mt940", "MT940"


class BetalingStatus(models.TextChoices):
    """What happened to a bank entry (Betaling); the remainder's status for partial cases."""

    TOEGEREKEND = "toegerekend", "Volledig toegerekend"
    ONGEMATCHT = "ongematcht", "Werklijst: handmatig matchen"
    GEPARKEERD = "geparkeerd", "Geparkeerd"
    TERUGBETALEN = "terugbetalen", "Terug te betalen"
    TEGOED = "tegoed", "Tegoed (overbetaling)"
    TERUGGEBOEKT = "teruggeboekt", "Teruggeboekt (storno)"
    STORNO = "storno", "Storno / terugboeking"
    GENEGEERD = "genegeerd", "Geen ontvangst (afschrijving)"
    # Already booked from another statement (issue #16): stored without ledger effect until the
    # invorderaar confirms it as a duplicate (DUBBEL) or books it after all.
    OVERLAP = "overlap", "Overlap: al ingelezen van een ander afschrift"
    DUBBEL = "dubbel", "Dubbel (bevestigd, niet geboekt)"
    # The whole rest of a receipt without debtor paid back to its counter account (four eyes,
    # booked, in a credit transfer file): off the work list for good.
    TERUGBETAALD = "terugbetaald", "Terugbetaald"


class Matchregel(models.TextChoices):
    BETALINGSKENMERK = "kenmerk", "Betalingskenmerk"
    NUMMER = "nummer", "Vorderingnummer of factuurnummer in de omschrijving"
    IBAN_BEDRAG = "iban", "IBAN van de debiteur en bedrag"
    HANDMATIG = "handmatig", "Handmatig"
    TERUGBOEKING = "terugboeking", "Terugboeking van een eerdere betaling"


STANDAARD_MATCHVOLGORDE = [Matchregel.BETALINGSKENMERK, Matchregel.NUMMER, Matchregel.IBAN_BEDRAG]

# SEPA return reasons (EPC guidance) seen on Dutch statements, for the reason text.
RETOURREDENEN = {
    "AC01": "Rekeningnummer onjuist",
    "AC04": "Rekening opgeheven",
    "AC06": "Rekening geblokkeerd",
    "AG01": "Incasso niet toegestaan op deze rekening",
    "AM04": "Onvoldoende saldo",
    "MD01": "Geen machtiging",
    "MD06": "Terugboeking op verzoek van de debiteur",
    "MD07": "Debiteur overleden",
    "MS02": "Geweigerd door de debiteur",
    "MS03": "Reden niet opgegeven",
    "SL01": "Specifieke dienst van de bank van de debiteur",
    # The other reason codes of SEPA direct debit R-transactions (EPC SDD rulebook, ISO 20022
    # ExternalReturnReason1Code) banks put in RtrInf/Rsn/Cd or MT940 /RTRN/ (#16).
    "AC13": "Rekening van een consument (zakelijke incasso niet toegestaan)",
    "AG02": "Ongeldige transactiecode in het incassobestand",
    "AM05": "Dubbele incasso",
    "BE05": "Incassant-ID onbekend of onjuist",
    "CNOR": "Bank van de incassant niet bereikbaar",
    "CUST": "Geweigerd op verzoek van de debiteur",
    "DNOR": "Bank van de debiteur niet bereikbaar",
    "ED05": "Verrekening tussen de banken mislukt",
    "FF01": "Ongeldig bestandsformaat",
    "FOCR": "Teruggeboekt na een annuleringsverzoek",
    "MD02": "Machtigingsgegevens ontbreken of zijn onjuist",
    "RC01": "BIC onjuist",
    "RR01": "Rekening of identificatie van de debiteur ontbreekt (regelgeving)",
    "RR02": "Naam of adres van de debiteur ontbreekt (regelgeving)",
    "RR03": "Naam of adres van de incassant ontbreekt (regelgeving)",
    "RR04": "Reden van regelgeving",
    "TM01": "Na het uiterste aanlevertijdstip ontvangen",
}


# The reason recorded for a return the bank marks as one (CAMT bank transaction code, MT940
# ":61:" RTI/RC) without giving a reason: ISO's "reason not specified".
RETOUR_ZONDER_REDEN = "MS03"


class Retourgevolg(models.TextChoices):
    """What a return reason means for the mandate the collection was made under."""

    INTREKKEN = "intrekken", "Machtiging ingetrokken: niet meer te gebruiken"
    OPSCHORTEN = "opschorten", "Machtiging opgeschort: eerst gegevens nagaan"
    TELLEN = "tellen", "Telt als storno (twee op rij schorten de machtiging op)"
    GEEN = "geen", "Fout van incassant of bank: machtiging ongemoeid"


# Per reason code; a code not listed counts as a storno (TELLEN).
RETOURGEVOLG = {
    # The account or the mandate is gone for good.
    "AC04": Retourgevolg.INTREKKEN,
    "AG01": Retourgevolg.INTREKKEN,
    "MD01": Retourgevolg.INTREKKEN,
    "MD07": Retourgevolg.INTREKKEN,
    # Something about the account or mandate must be checked before collecting again.
    "AC01": Retourgevolg.OPSCHORTEN,
    "AC06": Retourgevolg.OPSCHORTEN,
    "AC13": Retourgevolg.OPSCHORTEN,
    "MD02": Retourgevolg.OPSCHORTEN,
    "SL01": Retourgevolg.OPSCHORTEN,
    # The debtor's doing (refusal, refund, no funds) or no reason given.
    "AM04": Retourgevolg.TELLEN,
    "CUST": Retourgevolg.TELLEN,
    "MD06": Retourgevolg.TELLEN,
    "MS02": Retourgevolg.TELLEN,
    "MS03": Retourgevolg.TELLEN,
    # Our file or the banks: not the debtor's doing, the mandate stays as it is.
    **dict.fromkeys(
        ("AG02", "AM05", "BE05", "CNOR", "DNOR", "ED05", "FF01", "FOCR", "RC01", "RR01",
         "RR02", "RR03", "RR04", "TM01"),
        Retourgevolg.GEEN,
    ),
}  # fmt: skip


# --- Invordering (issue 8) -----------------------------------------------------------------------


class Invorderingsstap(models.TextChoices):
    """The collection steps a claim goes through, in order per track (see services/invordering)."""

    FACTUUR = "factuur", "Factuur verstuurd"
    HERINNERING = "herinnering", "Herinnering"
    AANMANING = "aanmaning", "Aanmaning"
    VEERTIENDAGENBRIEF = "14dagenbrief", "Veertiendagenbrief (WIK)"
    DWANGBEVEL = "dwangbevel", "Dwangbevel / overdracht deurwaarder"
    EXTERN = "extern", "Overdracht incassobureau / deurwaarder"


class Kostensoort(models.TextChoices):
    AANMANING_KOSTENWET = "aanmaning", "Aanmaning (Kostenwet invordering rijksbelastingen)"
    AANMANING_AWB = "aanmaning_awb", "Aanmaning (Awb art. 4:113)"
    DWANGBEVEL = "dwangbevel", "Dwangbevel (Kostenwet invordering rijksbelastingen)"


class Rentesoort(models.TextChoices):
    INVORDERINGSRENTE = "invorderingsrente", "Invorderingsrente (Invorderingswet art. 28)"
    WETTELIJKE_RENTE = "wettelijk", "Wettelijke rente (BW 6:119)"
    HANDELSRENTE = "handel", "Wettelijke handelsrente (BW 6:119a)"


class Opschortingsoort(models.TextChoices):
    UITSTEL = "uitstel", "Uitstel van betaling"
    BEZWAAR = "bezwaar", "Bezwaar / beroep"
    KWIJTSCHELDINGSVERZOEK = "kwijtschelding", "Verzoek om kwijtschelding in behandeling"


class Afboekingsoort(models.TextChoices):
    ONINBAAR = "oninbaar", "Oninbaar verklaren"
    KWIJTSCHELDING = "kwijtschelding", "Kwijtschelden"
    VERMINDERING = "vermindering", "Verminderen"


class VoorstelStatus(models.TextChoices):
    VOORGESTELD = "voorgesteld", "Wacht op beoordeling"
    GOEDGEKEURD = "goedgekeurd", "Goedgekeurd en geboekt"
    AFGEWEZEN = "afgewezen", "Afgewezen"


class Regelingsoort(models.TextChoices):
    VAST_BEDRAG = "bedrag", "Vast maandbedrag"
    AANTAL_TERMIJNEN = "termijnen", "Vast aantal termijnen"


class Betaalwijze(models.TextChoices):
    INCASSO = "incasso", "Automatische incasso"
    OVERMAKING = "overmaking", "Overmaking"


class RegelingStatus(models.TextChoices):
    ACTIEF = "actief", "Actief"
    VOLDAAN = "voldaan", "Voldaan"
    VERVALLEN = "vervallen", "Vervallen (termijnen gemist)"
    BEEINDIGD = "beeindigd", "Beëindigd"


class Briefsoort(models.TextChoices):
    FACTUUR = "factuur", "Factuur"
    HERINNERING = "herinnering", "Herinnering"
    AANMANING = "aanmaning", "Aanmaning"
    VEERTIENDAGENBRIEF = "14dagenbrief", "Veertiendagenbrief"
    DWANGBEVEL = "dwangbevel", "Dwangbevel"
    OVERDRACHT = "overdracht", "Mededeling overdracht"
    REGELING_BEVESTIGING = "regeling", "Bevestiging betalingsregeling"
    REGELING_HERINNERING = "regeling_herinnering", "Herinnering termijn betalingsregeling"
    REGELING_VERVALLEN = "regeling_vervallen", "Betalingsregeling vervallen"
    VERREKENING = "verrekening", "Verrekening tegoed"


class RunStatus(models.TextChoices):
    VOORSTEL = "voorstel", "Voorstel: wacht op goedkeuring"
    GOEDGEKEURD = "goedgekeurd", "Goedgekeurd: wacht op uitvoering"
    BEZIG = "bezig", "Wordt uitgevoerd"
    UITGEVOERD = "uitgevoerd", "Uitgevoerd"
    GEWEIGERD = "geweigerd", "Geweigerd (afschrift te oud)"
    VERVANGEN = "vervangen", "Vervangen door nieuwer voorstel"
    MISLUKT = "mislukt", "Mislukt"
