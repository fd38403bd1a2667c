from django.conf import settings
from django.db import models


class Notitie(models.Model):
    """A note of a medewerker on a debtor (optionally about one claim), for one organisation:
    only users of that organisation see it."""

    debiteur = models.ForeignKey(
        "inningen.Debiteur", on_delete=models.PROTECT, related_name="notities"
    )
    vordering = models.ForeignKey(
        "inningen.Vordering",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notities",
    )
    organisatie = models.ForeignKey(
        "inningen.Organisatie", on_delete=models.PROTECT, related_name="notities"
    )
    tekst = models.TextField(max_length=4000)
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    door_naam = models.CharField(max_length=150)
    wanneer = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "notitie"
        verbose_name_plural = "notities"
        ordering = ["-wanneer", "-pk"]
        indexes = [models.Index(fields=["debiteur", "wanneer"], name="notitie_debiteur_tijd")]

    def __str__(self):
        return self.tekst[:60]
