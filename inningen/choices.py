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


class MachtigingStatus(models.TextChoices):
    ACTIEF = "actief", "Actief"
    OPGESCHORT = "opgeschort", "Opgeschort"
    INGETROKKEN = "ingetrokken", "Ingetrokken"
    VERLOPEN = "verlopen", "Verlopen"
