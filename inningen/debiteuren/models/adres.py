"""Addresses of a debtor as their sources gave them (issue #18): the history of which address
was used for which letter, from which source and when."""

from django.db import models
from django.utils import timezone


class Adresbron(models.TextChoices):
    TSA = "tsa", "Aangeleverd door de TSA"
    BRP = "brp", "BRP"
    KVK = "kvk", "Handelsregister (KvK)"
    BALIE = "balie", "Baliemedewerker"


class Adresstatus(models.TextChoices):
    """What the BRP says about whether letters can reach the person."""

    NIET_GECONTROLEERD = "", "Niet gecontroleerd"
    IN_ORDE = "in_orde", "In orde"
    OVERLEDEN = "overleden", "Overleden"
    VERBLIJFT_NIET_OP_ADRES = "verblijft_niet_op_adres", "Vastgesteld verblijft niet op adres"
    GEEMIGREERD = "geemigreerd_zonder_adres", "Geëmigreerd zonder bekend adres"
    NIET_IN_BRP = "niet_in_brp", "Niet gevonden in de BRP"


# A debtor in one of these gets no letter: the claim is on the work list "adres in onderzoek".
ADRES_IN_ONDERZOEK = frozenset(
    {
        Adresstatus.OVERLEDEN,
        Adresstatus.VERBLIJFT_NIET_OP_ADRES,
        Adresstatus.GEEMIGREERD,
        Adresstatus.NIET_IN_BRP,
    }
)


class DebiteurAdres(models.Model):
    """One address of a debtor as a source gave it. Never changed: a newer address is a new
    row, so a letter keeps pointing at the address it was sent to."""

    debiteur = models.ForeignKey(
        "inningen.Debiteur", on_delete=models.CASCADE, related_name="adressen"
    )
    bron = models.CharField(max_length=8, choices=Adresbron.choices)
    aanhef = models.CharField(max_length=200, blank=True, help_text="Bv. 'Geachte heer De Vries'.")
    aanschrijfwijze = models.CharField(
        max_length=300, blank=True, help_text="De naamregel boven het adres."
    )
    adresregels = models.JSONField(default=list, help_text="De regels onder de naam.")
    geheim = models.BooleanField(
        default=False, help_text="BRP-geheimhouding: alleen voor brieven, niet voor inzage."
    )
    opgehaald_op = models.DateTimeField(default=timezone.now)
    door = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "adres van debiteur"
        verbose_name_plural = "adressen van debiteuren"
        ordering = ["-opgehaald_op", "-pk"]
        indexes = [models.Index(fields=["debiteur", "-opgehaald_op"], name="debiteuradres_recent")]

    def __str__(self):
        return (
            f"{self.get_bron_display()} {self.opgehaald_op:%d-%m-%Y}: {', '.join(self.adresregels)}"
        )
