from django.db import models

from inningen.grootboek.models import Boeking
from inningen.organisaties.models import Organisatie


class FinancieleVerantwoording(models.Model):
    """FVW: the ledger of one organisation over one period, condensed per boekingssleutel."""

    organisatie = models.ForeignKey(
        Organisatie, on_delete=models.PROTECT, related_name="verantwoordingen"
    )
    verantwoordingsnummer = models.PositiveIntegerField()
    datum_en_tijd = models.DateTimeField()
    begindatum = models.DateField()
    einddatum = models.DateField()
    aantal_boekingen = models.PositiveIntegerField(default=0)
    door = models.CharField(max_length=150)

    class Meta:
        verbose_name = "financiële verantwoording"
        verbose_name_plural = "financiële verantwoordingen"
        ordering = ["organisatie", "-verantwoordingsnummer"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisatie", "verantwoordingsnummer"], name="uniek_verantwoordingsnummer"
            ),
            models.CheckConstraint(
                condition=models.Q(begindatum__lte=models.F("einddatum")), name="periode_oplopend"
            ),
        ]

    def __str__(self):
        return f"{self.organisatie.naam} #{self.verantwoordingsnummer} ({self.begindatum} – {self.einddatum})"

    @property
    def omschrijving(self) -> str:
        return f"{self.begindatum:%d-%m-%Y} t/m {self.einddatum:%d-%m-%Y}"


class Verantwoordingsregel(models.Model):
    """One boeking group of the FVW message: the sum per boekingssleutel."""

    verantwoording = models.ForeignKey(
        FinancieleVerantwoording, on_delete=models.CASCADE, related_name="regels"
    )
    boekingssleutel = models.CharField(max_length=256)
    bedrag_incl_btw = models.BigIntegerField()
    bedrag_excl_btw = models.BigIntegerField()
    bedrag_btw = models.BigIntegerField()
    aantal_boekingen = models.PositiveIntegerField()

    class Meta:
        verbose_name = "verantwoordingsregel"
        verbose_name_plural = "verantwoordingsregels"
        ordering = ["verantwoording", "boekingssleutel"]
        constraints = [
            models.UniqueConstraint(
                fields=["verantwoording", "boekingssleutel"], name="uniek_sleutel_per_fvw"
            )
        ]

    def __str__(self):
        return f"{self.boekingssleutel}: {self.bedrag_incl_btw}"


class VerantwoordeBoeking(models.Model):
    """Which verantwoording took a Boeking. The unique boeking makes "every Boeking lands in
    exactly one verantwoording" a database guarantee, also under concurrent runs."""

    # No database FK checks: rows are only ever inserted from existing Boekingen by one
    # INSERT … SELECT, and per-row constraint triggers would triple the time for 1M boekingen.
    boeking = models.OneToOneField(
        Boeking,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        related_name="+",
        db_constraint=False,
    )
    verantwoording = models.ForeignKey(
        FinancieleVerantwoording,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        verbose_name = "verantwoorde boeking"
        verbose_name_plural = "verantwoorde boekingen"

    def __str__(self):
        return f"{self.boeking_id} → {self.verantwoording_id}"
