import re
import unicodedata

from django.db import models
from django.db.models import Q

from inningen.choices import AanduidingNaamgebruik, Debiteursoort, Geslachtsaanduiding
from inningen.debiteuren.models.adres import Adresstatus
from inningen.validators import validate_bsn, validate_iban, validate_rsin

# Letters Unicode does not decompose (NFKD leaves them whole), folded as a Dutch user types them.
_ZONDER_DECOMPOSITIE = str.maketrans({
    "ø": "o", "ı": "i", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d",
    "þ": "th", "ħ": "h", "ŧ": "t", "ŋ": "n", "ĸ": "k", "ſ": "s", "ʼ": "'", "’": "'", "‘": "'",
})  # fmt: skip
_GEEN_WOORDTEKEN = re.compile(r"[\W_]+")  # letters of any script stay (Cyrillic, Greek...)
_SAMENTREKKEN = re.compile(r"[.']")


def fold(text: str) -> str:
    """Lower case without diacritics, so that "Ozturk" finds "Öztürk" on any database.

    NFKD splits accents off and the IJ ligature (ĳ) into "ij"; the table folds the letters
    without a decomposition (ø, ı, ł, ß...)."""
    lower = unicodedata.normalize("NFKD", (text or "").lower()).translate(_ZONDER_DECOMPOSITIE)
    return "".join(c for c in lower if not unicodedata.combining(c)).strip()


def woorden(text: str) -> list[str]:
    """The folded words of a text: "Öztürk, H." -> ["ozturk", "h"]."""
    return _GEEN_WOORDTEKEN.sub(" ", fold(text)).split()


def compute_zoekwoorden(*namen: str) -> str:
    """The distinct folded words of the names, between spaces (" hj h j ozturk "), so that
    "starts a word" is LIKE '% term%' on every database (and pg_trgm indexes it). Dotted
    abbreviations also count joined: "B.V." gives "b", "v" and "bv", "H.J." also "hj"."""
    gezien: dict[str, None] = {}
    for naam in namen:
        for w in (
            *woorden(naam),
            *_GEEN_WOORDTEKEN.sub(" ", _SAMENTREKKEN.sub("", fold(naam))).split(),
        ):
            gezien.setdefault(w, None)
    return f" {' '.join(gezien)} " if gezien else ""


class DebiteurQuerySet(models.QuerySet):
    def for_organisaties(self, organisaties):
        """Debtors with at least one claim of the given organisations."""
        return self.filter(vorderingen__organisatie__in=organisaties).distinct()

    def natuurlijke_personen(self):
        return self.filter(soort=Debiteursoort.NATUURLIJK_PERSOON)

    def matching(self, *, bsn="", rsin="", kvk_nummer="", debiteurnummer=""):
        """Candidates for one debtor identity: BSN, RSIN/KvK or debiteurnummer."""
        q = Q(pk__in=[])
        if bsn:
            q |= Q(bsn=bsn)
        if rsin:
            q |= Q(rsin=rsin)
        if kvk_nummer:
            q |= Q(kvk_nummer=kvk_nummer)
        if debiteurnummer:
            q |= Q(debiteurnummer=debiteurnummer)
        return self.filter(q)


class Debiteur(models.Model):
    """One debtor across all TSAs and organisations, so the balie sees one position."""

    soort = models.CharField(max_length=3, choices=Debiteursoort.choices)
    # Identifiers are unique through Meta.constraints (see there why not unique=True).
    debiteurnummer = models.CharField(max_length=64, null=True, blank=True)

    # Natuurlijk persoon (BG:NPS)
    bsn = models.CharField("BSN", max_length=9, null=True, blank=True, validators=[validate_bsn])
    a_nummer = models.CharField("A-nummer", max_length=10, blank=True)
    geslachtsnaam = models.CharField(max_length=200, blank=True)
    voorvoegsel_geslachtsnaam = models.CharField(max_length=10, blank=True)
    voorletters = models.CharField(max_length=20, blank=True)
    voornamen = models.CharField(max_length=200, blank=True)
    aanduiding_naamgebruik = models.CharField(
        max_length=1, choices=AanduidingNaamgebruik.choices, blank=True
    )
    geslachtsnaam_partner = models.CharField(max_length=200, blank=True)
    voorvoegsel_geslachtsnaam_partner = models.CharField(max_length=10, blank=True)
    aanhef_aanschrijving = models.CharField(max_length=50, blank=True)
    voornamen_aanschrijving = models.CharField(max_length=200, blank=True)
    geslachtsnaam_aanschrijving = models.CharField(max_length=200, blank=True)
    adellijke_titel_predikaat = models.CharField(max_length=10, blank=True)
    geslachtsaanduiding = models.CharField(
        max_length=1, choices=Geslachtsaanduiding.choices, blank=True
    )
    geboortedatum = models.DateField(null=True, blank=True)

    # Niet-natuurlijk persoon (BG:NNP)
    rsin = models.CharField("RSIN", max_length=9, null=True, blank=True, validators=[validate_rsin])
    kvk_nummer = models.CharField("KvK-nummer", max_length=8, null=True, blank=True)
    statutaire_naam = models.CharField(max_length=500, blank=True)
    rechtsvorm = models.CharField(max_length=100, blank=True)

    # Adres: BAG-ids where known; a foreign address goes in the adresregels.
    adresseerbaar_object_id = models.CharField(
        "BAG adresseerbaar object", max_length=16, blank=True
    )
    nummeraanduiding_id = models.CharField("BAG nummeraanduiding", max_length=16, blank=True)
    straatnaam = models.CharField(max_length=80, blank=True)
    huisnummer = models.PositiveIntegerField(null=True, blank=True)
    huisletter = models.CharField(max_length=1, blank=True)
    huisnummertoevoeging = models.CharField(max_length=4, blank=True)
    postcode = models.CharField(max_length=6, blank=True)  # indexed with huisnummer
    woonplaats = models.CharField(max_length=80, blank=True)
    locatiebeschrijving = models.CharField(max_length=200, blank=True)
    land = models.CharField(max_length=60, blank=True, help_text="Leeg voor Nederland.")
    adresregel_buitenland_1 = models.CharField(max_length=35, blank=True)
    adresregel_buitenland_2 = models.CharField(max_length=35, blank=True)
    adresregel_buitenland_3 = models.CharField(max_length=35, blank=True)

    telefoonnummer = models.CharField(max_length=20, blank=True)
    emailadres = models.EmailField(max_length=254, blank=True)

    # Addresses from the basisregistraties (issue #18). brief_adres: the address letters use
    # now (empty: the fields above, as the TSA sent them).
    brief_adres = models.ForeignKey(
        "inningen.DebiteurAdres",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    adresstatus = models.CharField(
        max_length=32, choices=Adresstatus.choices, blank=True, default=""
    )
    adresstatus_sinds = models.DateTimeField(null=True, blank=True)
    adres_gecontroleerd_op = models.DateTimeField(null=True, blank=True)
    geheimhouding = models.BooleanField(
        default=False, help_text="BRP-geheimhouding persoonsgegevens: adres niet tonen."
    )

    # Folded name for accent-insensitive prefix search on every database.
    zoeknaam = models.CharField(max_length=500, blank=True, editable=False)
    # Every folded word of every name field, for the balie's search by any word (#19). A
    # TextField: on PostgreSQL the pg_trgm index (migration 0022) serves LIKE '% word%'.
    zoekwoorden = models.TextField(blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DebiteurQuerySet.as_manager()

    class Meta:
        verbose_name = "debiteur"
        verbose_name_plural = "debiteuren"
        ordering = ["zoeknaam", "pk"]
        permissions = [("bekijken_geheim_adres", "Geheim adres (BRP-geheimhouding) bekijken")]
        constraints = [
            models.CheckConstraint(
                condition=Q(soort=Debiteursoort.NATUURLIJK_PERSOON, rsin__isnull=True)
                | Q(soort=Debiteursoort.NIET_NATUURLIJK_PERSOON, bsn__isnull=True),
                name="debiteur_bsn_of_rsin_past_bij_soort",
            ),
            # Constraints rather than unique=True: on PostgreSQL that adds a second,
            # varchar_pattern_ops index per column for LIKE, which nothing here uses (debtors
            # are matched on equality) and every new debtor of a Di01 would pay for.
            models.UniqueConstraint(fields=["bsn"], name="uniek_debiteur_bsn"),
            models.UniqueConstraint(fields=["rsin"], name="uniek_debiteur_rsin"),
            models.UniqueConstraint(fields=["kvk_nummer"], name="uniek_debiteur_kvk_nummer"),
            models.UniqueConstraint(
                fields=["debiteurnummer"], name="uniek_debiteur_debiteurnummer"
            ),
        ]
        indexes = [
            models.Index(fields=["postcode", "huisnummer"], name="debiteur_postcode_huisnr"),
            # Prefix search is a range on zoeknaam (selectors/zoeken.py): a plain index serves it
            # in every collation.
            models.Index(fields=["zoeknaam"], name="debiteur_zoeknaam"),
        ]

    def __str__(self):
        return self.naam or self.debiteurnummer or f"Debiteur {self.pk}"

    def save(self, *args, **kwargs):
        # bulk_create skips save(): bulk paths call zoekvelden_bijwerken() themselves.
        self.zoekvelden_bijwerken()
        if kwargs.get("update_fields"):  # a name written alone still updates its search columns
            kwargs["update_fields"] = {*kwargs["update_fields"], "zoeknaam", "zoekwoorden"}
        super().save(*args, **kwargs)

    @property
    def is_natuurlijk_persoon(self) -> bool:
        return self.soort == Debiteursoort.NATUURLIJK_PERSOON

    @property
    def naam(self) -> str:
        if not self.is_natuurlijk_persoon:
            return self.statutaire_naam
        achternaam = " ".join(p for p in (self.voorvoegsel_geslachtsnaam, self.geslachtsnaam) if p)
        partner = " ".join(
            p for p in (self.voorvoegsel_geslachtsnaam_partner, self.geslachtsnaam_partner) if p
        )
        # Naamgebruik per BRP: E eigen, P partner, V partner-eigen, N eigen-partner.
        match self.aanduiding_naamgebruik:
            case AanduidingNaamgebruik.PARTNER if partner:
                achternaam = partner
            case AanduidingNaamgebruik.PARTNER_VOOR_EIGEN if partner:
                achternaam = f"{partner}-{achternaam}"
            case AanduidingNaamgebruik.PARTNER_NA_EIGEN if partner:
                achternaam = f"{achternaam}-{partner}"
        return " ".join(p for p in (self.voorletters, achternaam) if p)

    @property
    def adres_regels(self) -> list[str]:
        if self.land:
            regels = [self.adresregel_buitenland_1, self.adresregel_buitenland_2]
            return [r for r in [*regels, self.adresregel_buitenland_3, self.land] if r]
        huis = f"{self.huisnummer or ''}{self.huisletter}"
        if self.huisnummertoevoeging:
            huis = f"{huis}-{self.huisnummertoevoeging}"
        regel1 = " ".join(p for p in (self.straatnaam, huis) if p)
        postcode = (
            f"{self.postcode[:4]} {self.postcode[4:]}" if len(self.postcode) == 6 else self.postcode
        )
        regel2 = "  ".join(p for p in (postcode, self.woonplaats.upper()) if p)
        return [r for r in (regel1, regel2) if r]

    def compute_zoeknaam(self) -> str:
        namen = (self.geslachtsnaam, self.geslachtsnaam_partner, self.statutaire_naam)
        return fold(" ".join(p for p in namen if p))[:500]

    def compute_zoekwoorden(self) -> str:
        return compute_zoekwoorden(
            self.voornamen, self.voorletters, self.voorvoegsel_geslachtsnaam, self.geslachtsnaam,
            self.voorvoegsel_geslachtsnaam_partner, self.geslachtsnaam_partner,
            self.voornamen_aanschrijving, self.geslachtsnaam_aanschrijving, self.statutaire_naam,
        )  # fmt: skip

    def zoekvelden_bijwerken(self) -> None:
        """Both search columns from the name fields; every path that writes names calls it."""
        self.zoeknaam = self.compute_zoeknaam()
        self.zoekwoorden = self.compute_zoekwoorden()


class DebiteurRekening(models.Model):
    """A bank account the debtor is known to pay from (used for matching and refunds)."""

    debiteur = models.ForeignKey(Debiteur, on_delete=models.CASCADE, related_name="rekeningen")
    iban = models.CharField("IBAN", max_length=34, validators=[validate_iban], db_index=True)

    class Meta:
        verbose_name = "rekening van debiteur"
        verbose_name_plural = "rekeningen van debiteur"
        constraints = [
            models.UniqueConstraint(fields=["debiteur", "iban"], name="uniek_iban_per_debiteur")
        ]

    def __str__(self):
        return self.iban
