from django.conf import settings
from django.db import models
from django.db.models import Q

from inningen.debiteuren.models.debiteur import Debiteur
from inningen.grootboek.models.vordering import Vordering
from inningen.organisaties.models.organisatie import Organisatie


class Opvolging(models.Model):
    """A follow-up on a debtor or one claim ("terugbellen op …"): who, when, what.

    Never overwritten: a new date or owner is a new row, and handling one records who did it and
    when, so the history of the case stays readable."""

    organisatie = models.ForeignKey(
        Organisatie, on_delete=models.PROTECT, related_name="opvolgingen", db_index=False
    )
    debiteur = models.ForeignKey(
        Debiteur, on_delete=models.PROTECT, related_name="opvolgingen", null=True, blank=True,
        db_index=False,
    )  # fmt: skip
    vordering = models.ForeignKey(
        Vordering, on_delete=models.PROTECT, related_name="opvolgingen", null=True, blank=True,
        db_index=False,
    )  # fmt: skip
    # Empty: nobody owns it yet; it shows in the team's "vrij" list.
    eigenaar = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="opvolgingen", db_index=False,
    )  # fmt: skip
    datum = models.DateField("opvolgdatum")
    notitie = models.CharField(max_length=1000)
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    afgehandeld_op = models.DateTimeField(null=True, blank=True)
    afgehandeld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", db_index=False,
    )  # fmt: skip
    afhandeling = models.CharField("toelichting bij afhandeling", max_length=1000, blank=True)

    class Meta:
        verbose_name = "opvolging"
        verbose_name_plural = "opvolgingen"
        ordering = ["datum", "pk"]
        permissions = [("bekijken_dashboard", "Mag het managementdashboard bekijken")]
        constraints = [
            models.CheckConstraint(
                condition=Q(debiteur__isnull=False) | Q(vordering__isnull=False),
                name="opvolging_debiteur_of_vordering",
            ),
        ]
        # Only open follow-ups are counted and listed by date (start page, "mijn werk"): partial
        # indexes keep that a range scan however long the history grows.
        indexes = [
            models.Index(
                fields=["organisatie", "datum"],
                name="opvolging_open_org_datum",
                condition=Q(afgehandeld_op__isnull=True),
            ),
            models.Index(
                fields=["eigenaar", "datum"],
                name="opvolging_open_eigenaar",
                condition=Q(afgehandeld_op__isnull=True),
            ),
            models.Index(
                fields=["debiteur"], name="opvolging_debiteur", condition=Q(debiteur__isnull=False)
            ),
            models.Index(
                fields=["vordering"],
                name="opvolging_vordering",
                condition=Q(vordering__isnull=False),
            ),
        ]

    def __str__(self):
        return f"Opvolging {self.datum:%d-%m-%Y}: {self.notitie[:40]}"

    @property
    def is_afgehandeld(self) -> bool:
        return self.afgehandeld_op is not None
