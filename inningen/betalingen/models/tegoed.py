from django.conf import settings
from django.db import models

from inningen.betalingen.models.betaling import Betaling
from inningen.choices import VoorstelStatus
from inningen.debiteuren.models.debiteur import Debiteur
from inningen.organisaties.models.organisatie import Bankrekening, Organisatie


class Terugbetaalbestand(models.Model):
    """A SEPA credit transfer file (pain.001.001.03) with approved refunds of one organisation.
    It holds persons' names and IBANs: every download is logged."""

    organisatie = models.ForeignKey(
        Organisatie, on_delete=models.PROTECT, related_name="terugbetaalbestanden"
    )
    bankrekening = models.ForeignKey(
        Bankrekening, on_delete=models.PROTECT, related_name="terugbetaalbestanden"
    )
    uitvoerdatum = models.DateField()
    berichtid = models.CharField(max_length=35, unique=True)
    xml = models.TextField()
    aantal = models.PositiveIntegerField()
    totaal = models.BigIntegerField("totaal (cent)")
    door = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "terugbetaalbestand"
        verbose_name_plural = "terugbetaalbestanden"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.berichtid


class Terugbetaling(models.Model):
    """A refund of (part of) a debtor's credit (tegoed) at one organisation, to the counter
    account of one of the debtor's payments; or, without debtor, of (part of) the unallocated
    rest (deel onverdeeld) of one receipt on the work list, to that receipt's own counter account.
    Proposed by one user, approved by another (four eyes); approval books it in the ledger (credit
    or rest down) once, and the next credit transfer file pays it."""

    organisatie = models.ForeignKey(
        Organisatie, on_delete=models.PROTECT, related_name="terugbetalingen"
    )
    # Empty: a refund of the entry's unallocated rest, not of anyone's credit.
    debiteur = models.ForeignKey(
        Debiteur, on_delete=models.PROTECT, null=True, blank=True, related_name="terugbetalingen"
    )
    # The bank entry whose counter account receives the refund.
    betaling = models.ForeignKey(Betaling, on_delete=models.PROTECT, related_name="terugbetalingen")
    bedrag = models.BigIntegerField("bedrag (cent)")
    iban = models.CharField("IBAN begunstigde", max_length=34)
    naam = models.CharField("naam begunstigde", max_length=70)
    reden = models.CharField(max_length=500)
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
    eind_tot_eind_id = models.CharField("end-to-end-id", max_length=35, blank=True)
    bestand = models.ForeignKey(
        Terugbetaalbestand,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="terugbetalingen",
    )

    class Meta:
        verbose_name = "terugbetaling"
        verbose_name_plural = "terugbetalingen"
        ordering = ["-voorgesteld_op", "-pk"]
        permissions = [
            ("beoordelen_terugbetaling", "Mag terugbetalingen goed- of afkeuren"),
            ("verrekenen_tegoed", "Mag tegoed verrekenen met openstaande vorderingen"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(bedrag__gt=0), name="terugbetaling_positief"),
            # A refund without debtor pays back the rest of one bank entry: it names that entry.
            models.CheckConstraint(
                condition=models.Q(debiteur__isnull=False) | models.Q(betaling__isnull=False),
                name="terugbetaling_zonder_debiteur_betaling",
            ),
            # Four eyes, also for whoever writes to the table directly.
            models.CheckConstraint(
                condition=~models.Q(beoordeeld_door=models.F("voorgesteld_door")),
                name="terugbetaling_vier_ogen",
            ),
            # Only an approved (booked) refund goes into a file.
            models.CheckConstraint(
                condition=models.Q(bestand__isnull=True) | models.Q(status="goedgekeurd"),
                name="terugbetaling_bestand_goedgekeurd",
            ),
            models.UniqueConstraint(
                fields=["eind_tot_eind_id"],
                condition=~models.Q(eind_tot_eind_id=""),
                name="terugbetaling_uniek_e2e",
            ),
        ]
        indexes = [
            models.Index(fields=["organisatie", "status"], name="terugbetaling_org_status"),
        ]

    def __str__(self):
        return f"terugbetaling {self.pk} {self.bedrag} ({self.status})"
