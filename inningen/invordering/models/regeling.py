from django.db import models

from inningen.choices import Betaalwijze, Regelingsoort, RegelingStatus
from inningen.debiteuren.models.debiteur import Debiteur
from inningen.debiteuren.models.machtiging import Machtiging
from inningen.grootboek.models.vordering import Vordering
from inningen.organisaties.models.organisatie import Organisatie


class Betalingsregeling(models.Model):
    """A payment arrangement over one or more open claims of one debtor (across TSAs) of one
    organisation. While active, the claims are not collected by the runs; payments on the claims
    count towards the regeling's termijnen (see services/regelingen.py)."""

    organisatie = models.ForeignKey(
        Organisatie, on_delete=models.PROTECT, related_name="betalingsregelingen"
    )
    debiteur = models.ForeignKey(
        Debiteur, on_delete=models.PROTECT, related_name="betalingsregelingen"
    )
    vorderingen = models.ManyToManyField(Vordering, related_name="betalingsregelingen")
    soort = models.CharField(max_length=10, choices=Regelingsoort.choices)
    totaalbedrag = models.BigIntegerField("totaal van de regeling (cent)")
    termijnbedrag = models.BigIntegerField("termijnbedrag (cent)")
    aantal_termijnen = models.PositiveSmallIntegerField()
    startdatum = models.DateField(help_text="Vervaldatum van de eerste termijn.")
    betaalwijze = models.CharField(max_length=10, choices=Betaalwijze.choices)
    machtiging = models.ForeignKey(
        Machtiging, on_delete=models.PROTECT, null=True, blank=True, related_name="regelingen"
    )
    status = models.CharField(
        max_length=10, choices=RegelingStatus.choices, default=RegelingStatus.ACTIEF
    )
    # Already paid on the claims when the regeling started: payments after that count.
    betaald_bij_start = models.BigIntegerField(default=0)
    gemist = models.PositiveSmallIntegerField("gemiste termijnen", default=0)
    status_datum = models.DateField(null=True, blank=True)
    opmerking = models.CharField(max_length=1000, blank=True)
    door = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "betalingsregeling"
        verbose_name_plural = "betalingsregelingen"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisatie", "status"], name="regeling_org_status")]

    def __str__(self):
        return f"Regeling {self.pk} ({self.get_status_display()})"


class Regelingtermijn(models.Model):
    regeling = models.ForeignKey(
        Betalingsregeling, on_delete=models.CASCADE, related_name="termijnen"
    )
    volgnummer = models.PositiveSmallIntegerField()
    vervaldatum = models.DateField()
    bedrag = models.BigIntegerField("bedrag (cent)")
    # Set by the monitoring run: when this termijn was found missed / reminded.
    gemist_op = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "regelingstermijn"
        verbose_name_plural = "regelingstermijnen"
        ordering = ["regeling", "volgnummer"]
        constraints = [
            models.UniqueConstraint(
                fields=["regeling", "volgnummer"], name="uniek_regelingstermijn"
            )
        ]

    def __str__(self):
        return f"Termijn {self.volgnummer}: {self.bedrag} op {self.vervaldatum}"
