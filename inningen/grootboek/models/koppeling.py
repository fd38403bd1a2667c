from django.conf import settings
from django.db import models


class KoppelingActie(models.TextChoices):
    GEKOPPELD = "gekoppeld", "Gekoppeld"
    ONTKOPPELD = "ontkoppeld", "Koppeling ongedaan gemaakt"


class Debiteurkoppeling(models.Model):
    """History of linking a claim that arrived without a debtor to one, and of undoing that
    (issue #19): who, when, to or from whom, why. Append-only, like the status history."""

    vordering = models.ForeignKey(
        "inningen.Vordering", on_delete=models.CASCADE, related_name="debiteurkoppelingen"
    )
    debiteur = models.ForeignKey(
        "inningen.Debiteur", on_delete=models.PROTECT, related_name="vorderingkoppelingen"
    )
    actie = models.CharField(max_length=10, choices=KoppelingActie.choices)
    wanneer = models.DateTimeField(auto_now_add=True)
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    door_naam = models.CharField(max_length=150)
    reden = models.CharField(max_length=1000, blank=True)
    # The claim's mandate got this debtor by the link: undoing gives it back its empty debtor.
    machtiging_meegekoppeld = models.BooleanField(default=False)

    class Meta:
        verbose_name = "koppeling vordering–debiteur"
        verbose_name_plural = "koppelingen vordering–debiteur"
        ordering = ["vordering", "wanneer", "pk"]
        permissions = [
            ("ongedaan_maken_koppeling", "Koppeling vordering–debiteur ongedaan maken"),
        ]

    def __str__(self):
        return f"{self.get_actie_display()} {self.wanneer:%d-%m-%Y %H:%M}"
