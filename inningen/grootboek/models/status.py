from django.db import models

from inningen.choices import VorderingStatus
from inningen.grootboek.models.vordering import Vordering


class Vorderingstatus(models.Model):
    """One entry in a claim's status history (VorderingstatusGrp): append-only."""

    # Indexed through status_vordering_tijd (vordering, datum_en_tijd).
    vordering = models.ForeignKey(
        Vordering, on_delete=models.CASCADE, related_name="statussen", db_index=False
    )
    status = models.CharField(max_length=3, choices=VorderingStatus.choices)
    datum_en_tijd = models.DateTimeField()
    totaal_betaald = models.BigIntegerField(null=True, blank=True)
    deel_bedrag_betaald = models.BigIntegerField(null=True, blank=True)
    opmerkingen = models.CharField(max_length=1000, blank=True)
    door = models.CharField(max_length=150, help_text="Gebruiker of systeem dat de status zette.")

    class Meta:
        verbose_name = "vorderingstatus"
        verbose_name_plural = "statushistorie"
        ordering = ["vordering", "datum_en_tijd", "pk"]
        indexes = [
            models.Index(fields=["vordering", "datum_en_tijd"], name="status_vordering_tijd")
        ]

    def __str__(self):
        return f"{self.get_status_display()} ({self.datum_en_tijd:%d-%m-%Y %H:%M})"
