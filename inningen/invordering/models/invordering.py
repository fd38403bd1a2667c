"""Collection (invordering): per-organisation rules, dated cost and interest tables, runs and the
steps they took. See services/invordering.py for how a run uses them."""

from django.conf import settings
from django.db import models

from inningen.choices import (
    Afboekingsoort,
    Briefsoort,
    Invorderingsstap,
    Kostensoort,
    Opschortingsoort,
    Rentesoort,
    RunStatus,
    VoorstelStatus,
)
from inningen.grootboek.models.vordering import Vordering
from inningen.organisaties.models.organisatie import Organisatie


class Invorderingsinstelling(models.Model):
    """How one organisation collects: timing of the steps, payment terms, regeling monitoring.

    Created with these defaults the first time a run or screen needs it (invorderingsinstelling_get()).
    """

    organisatie = models.OneToOneField(
        Organisatie, on_delete=models.CASCADE, related_name="invorderingsinstelling"
    )
    herinnering_na_dagen = models.PositiveSmallIntegerField(
        "herinnering na (dagen)",
        null=True,
        blank=True,
        default=7,
        help_text="Dagen na de vervaldatum; leeg: geen herinnering, direct de aanmaning.",
    )
    herinnering_termijn_dagen = models.PositiveSmallIntegerField(
        "betaaltermijn herinnering (dagen)", default=14
    )
    aanmaning_termijn_dagen = models.PositiveSmallIntegerField(
        "betaaltermijn aanmaning (dagen)",
        default=14,
        help_text="Invorderingswet art. 11 / Awb 4:112: de aanmaning geeft twee weken.",
    )
    veertiendagen_termijn_dagen = models.PositiveSmallIntegerField(
        "termijn veertiendagenbrief (dagen)",
        default=15,
        help_text="BW 6:96 lid 6: veertien dagen vanaf de dag na ontvangst; één dag voor bezorging.",
    )
    publiek_betaaltermijn_maanden = models.PositiveSmallIntegerField(
        "betaaltermijn aanslag (maanden)",
        default=2,
        help_text="Invorderingswet art. 9: twee maanden na dagtekening.",
    )
    privaat_betaaltermijn_dagen = models.PositiveSmallIntegerField(
        "betaaltermijn factuur (dagen)", default=30
    )
    incasso_termijnen = models.PositiveSmallIntegerField(
        "termijnen bij automatische incasso",
        default=10,
        help_text="Een aanslag met machtiging wordt in zoveel maandelijkse termijnen geïnd.",
    )
    minimum_bedrag = models.BigIntegerField(
        "minimum openstaand voor een stap (cent)",
        default=100,
        help_text="Kleinere bedragen krijgen geen herinnering of aanmaning.",
    )
    rente_berekenen = models.BooleanField(
        "rente berekenen",
        default=True,
        help_text="Invorderingsrente (publiekrechtelijk) of wettelijke rente (privaatrechtelijk).",
    )
    regeling_max_gemist = models.PositiveSmallIntegerField(
        "regeling vervalt na gemiste termijnen", default=2
    )
    regeling_respijt_dagen = models.PositiveSmallIntegerField(
        "respijt regelingstermijn (dagen)", default=7
    )
    automatisch_uitvoeren = models.BooleanField(
        "dagelijkse run direct uitvoeren",
        default=False,
        help_text="Uit: de dagelijkse run maakt een voorstel dat een invorderaar goedkeurt.",
    )

    class Meta:
        verbose_name = "invorderingsinstelling"
        verbose_name_plural = "invorderingsinstellingen"

    def __str__(self):
        return f"Invordering {self.organisatie}"


class Kostentarief(models.Model):
    """One year's (or period's) tariff for a cost-bearing step: two bands around a threshold.

    Kostenwet invordering rijksbelastingen art. 2 (aanmaning) and 3 (dwangbevel), Awb 4:113 for
    other bestuursrechtelijke geldschulden. The row with the latest ``geldig_vanaf`` on or before
    the step's date applies.
    """

    soort = models.CharField(max_length=16, choices=Kostensoort.choices)
    geldig_vanaf = models.DateField()
    drempel = models.BigIntegerField("drempel (cent)", help_text="Bv. 45400 voor € 454.")
    bedrag_onder = models.BigIntegerField("bedrag onder de drempel (cent)")
    bedrag_vanaf = models.BigIntegerField("bedrag vanaf de drempel (cent)")
    # Kostenwet art. 3 (dwangbevel): the amount from the threshold rises per whole step above it.
    verhoging_per_stap = models.BigIntegerField("verhoging per stap (cent)", default=0)
    stapgrootte = models.BigIntegerField("stapgrootte (cent)", null=True, blank=True)
    maximum = models.BigIntegerField("maximum (cent)", null=True, blank=True)
    bron = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "kostentarief"
        verbose_name_plural = "kostentarieven"
        ordering = ["soort", "-geldig_vanaf"]
        constraints = [
            models.UniqueConstraint(fields=["soort", "geldig_vanaf"], name="uniek_kostentarief")
        ]

    def __str__(self):
        return f"{self.get_soort_display()} vanaf {self.geldig_vanaf:%d-%m-%Y}"


class Wikstaffel(models.Model):
    """Besluit vergoeding voor buitengerechtelijke incassokosten (WIK): percentages over bands of
    the principal, with a minimum and a maximum. Dated like the other tables."""

    geldig_vanaf = models.DateField(unique=True)
    # [[bovengrens in cent of null, percentage in honderdsten], ...] e.g. [[250000, 1500], ...]
    schijven = models.JSONField()
    minimum = models.BigIntegerField("minimum (cent)", default=4000)
    maximum = models.BigIntegerField("maximum (cent)", default=677500)
    bron = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "WIK-staffel"
        verbose_name_plural = "WIK-staffels"
        ordering = ["-geldig_vanaf"]

    def __str__(self):
        return f"WIK-staffel vanaf {self.geldig_vanaf:%d-%m-%Y}"


class Rentetarief(models.Model):
    """A rate valid from a date until the next row of the same soort."""

    soort = models.CharField(max_length=20, choices=Rentesoort.choices)
    geldig_vanaf = models.DateField()
    percentage = models.PositiveIntegerField(help_text="Per jaar, in honderdsten: 4% = 400.")
    bron = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "rentetarief"
        verbose_name_plural = "rentetarieven"
        ordering = ["soort", "-geldig_vanaf"]
        constraints = [
            models.UniqueConstraint(fields=["soort", "geldig_vanaf"], name="uniek_rentetarief")
        ]

    def __str__(self):
        return f"{self.get_soort_display()} {self.percentage / 100:.2f}% vanaf {self.geldig_vanaf}"


class Invorderingsrun(models.Model):
    """One run (or proposal) of the collection rules for one organisation and date."""

    organisatie = models.ForeignKey(
        Organisatie, on_delete=models.PROTECT, related_name="invorderingsruns"
    )
    datum = models.DateField(help_text="De dag waarvoor de run rekent.")
    status = models.CharField(max_length=12, choices=RunStatus.choices)
    geforceerd = models.BooleanField(default=False)
    # Figures of the plan (preview) or of what was done: per step count/costs, skips per reason.
    samenvatting = models.JSONField(default=dict, blank=True)
    melding = models.TextField(blank=True)
    aangemaakt_door = models.CharField(max_length=150)
    uitgevoerd_door = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    uitgevoerd_op = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "invorderingsrun"
        verbose_name_plural = "invorderingsruns"
        ordering = ["-datum", "-pk"]
        permissions = [("uitvoeren_invorderingsrun", "Mag invorderingsruns uitvoeren")]

    def __str__(self):
        return f"{self.organisatie} {self.datum:%d-%m-%Y} ({self.get_status_display()})"


class Invorderingsstap(models.Model):
    """A step taken on a claim: the claim's collection history. At most one step per claim per
    day, which makes a run idempotent per day."""

    vordering = models.ForeignKey(
        Vordering, on_delete=models.PROTECT, related_name="invorderingsstappen"
    )
    run = models.ForeignKey(
        Invorderingsrun, on_delete=models.PROTECT, null=True, blank=True, related_name="stappen"
    )
    stap = models.CharField(max_length=16, choices=Invorderingsstap.choices)
    datum = models.DateField()
    openstaand = models.BigIntegerField("openstaand vóór de stap (cent)")
    kosten = models.BigIntegerField("kosten (cent)", default=0)
    rente = models.BigIntegerField("rente (cent)", default=0)
    betalen_voor = models.DateField(null=True, blank=True)
    toelichting = models.CharField(max_length=500, blank=True)
    door = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "invorderingsstap"
        verbose_name_plural = "invorderingsstappen"
        ordering = ["vordering", "datum", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["vordering", "datum"], name="een_stap_per_dag")
        ]

    def __str__(self):
        return f"{self.get_stap_display()} {self.datum:%d-%m-%Y}"


def brief_pad(instance, filename):
    return f"brieven/{instance.organisatie_id}/{instance.datum:%Y/%m}/{filename}"


class Brief(models.Model):
    """A letter to a debtor. The data it shows is frozen in ``gegevens`` when it is made (amounts,
    address, due date, IBAN, betalingskenmerk), so the PDF is the same whenever it is rendered.
    PDFs are rendered after the transaction by a task (a run makes thousands)."""

    organisatie = models.ForeignKey(Organisatie, on_delete=models.PROTECT, related_name="brieven")
    debiteur = models.ForeignKey(
        "inningen.Debiteur", on_delete=models.PROTECT, related_name="brieven"
    )
    vordering = models.ForeignKey(
        Vordering, on_delete=models.PROTECT, null=True, blank=True, related_name="brieven"
    )
    regeling = models.ForeignKey(
        "inningen.Betalingsregeling",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="brieven",
    )
    stap = models.OneToOneField(
        Invorderingsstap, on_delete=models.PROTECT, null=True, blank=True, related_name="brief"
    )
    soort = models.CharField(max_length=24, choices=Briefsoort.choices)
    datum = models.DateField()
    # The address this letter went to (issue #18); empty: the debtor's own fields of that day.
    adres = models.ForeignKey(
        "inningen.DebiteurAdres",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="brieven",
    )
    gegevens = models.JSONField()
    pdf = models.FileField(upload_to=brief_pad, blank=True)
    gerenderd_op = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "brief"
        verbose_name_plural = "brieven"
        ordering = ["-datum", "-pk"]
        indexes = [
            models.Index(fields=["debiteur", "datum"], name="brief_debiteur_datum"),
            models.Index(
                fields=["created_at"],
                name="brief_te_renderen",
                condition=models.Q(gerenderd_op__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.soort} {self.datum:%d-%m-%Y}"


class Opschorting(models.Model):
    """Collection is suspended for a claim: uitstel until a date, bezwaar (public-law) or a
    kwijtschelding request, until ended."""

    vordering = models.ForeignKey(Vordering, on_delete=models.PROTECT, related_name="opschortingen")
    soort = models.CharField(max_length=16, choices=Opschortingsoort.choices)
    reden = models.CharField(max_length=500)
    vanaf = models.DateField()
    tot = models.DateField(null=True, blank=True, help_text="Leeg: tot de beslissing.")
    beeindigd_op = models.DateField(null=True, blank=True)
    door = models.CharField(max_length=150)
    beeindigd_door = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "opschorting"
        verbose_name_plural = "opschortingen"
        ordering = ["-vanaf", "-pk"]
        indexes = [models.Index(fields=["vordering", "vanaf"], name="opschorting_vordering")]

    def __str__(self):
        return f"{self.soort} {self.vordering_id} vanaf {self.vanaf}"


class Afboekingsvoorstel(models.Model):
    """Oninbaar, kwijtschelding or vermindering: proposed by one user, approved by another."""

    vordering = models.ForeignKey(
        Vordering, on_delete=models.PROTECT, related_name="afboekingsvoorstellen"
    )
    soort = models.CharField(max_length=16, choices=Afboekingsoort.choices)
    bedrag = models.BigIntegerField(
        "bedrag (cent)", help_text="Af te boeken bedrag; bij oninbaar het hele openstaande bedrag."
    )
    reden = models.CharField(max_length=1000)
    status = models.CharField(
        max_length=12, choices=VoorstelStatus.choices, default=VoorstelStatus.VOORGESTELD
    )
    voorgesteld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    voorgesteld_op = models.DateTimeField(auto_now_add=True)
    beoordeeld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    beoordeeld_op = models.DateTimeField(null=True, blank=True)
    toelichting_beoordeling = models.CharField(max_length=1000, blank=True)

    class Meta:
        verbose_name = "afboekingsvoorstel"
        verbose_name_plural = "afboekingsvoorstellen"
        ordering = ["-voorgesteld_op", "-pk"]
        permissions = [("beoordelen_afboeking", "Mag afboekingsvoorstellen goed- of afkeuren")]
        constraints = [
            models.CheckConstraint(condition=models.Q(bedrag__gt=0), name="afboeking_positief"),
            models.UniqueConstraint(
                fields=["vordering"],
                condition=models.Q(status="voorgesteld"),
                name="een_open_afboekingsvoorstel",
            ),
        ]

    def __str__(self):
        return f"{self.soort} {self.bedrag} ({self.status})"
