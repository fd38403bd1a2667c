from django.db import models

from inningen.choices import Boekingsoort
from inningen.organisaties.models import Organisatie


class Frequentie(models.TextChoices):
    DAG = "dag", "Dagelijks"
    WEEK = "week", "Wekelijks (maandag, over de vorige week)"
    MAAND = "maand", "Maandelijks (de 1e, over de vorige maand)"


class OnbekendeCode(models.TextChoices):
    DOORGEVEN = "doorgeven", "Vorderingcode doorgeven als boekingssleutel"
    STOPPEN = "stoppen", "Verantwoording stoppen en melden wat ontbreekt"


class VerantwoordingInstelling(models.Model):
    """How and how often an organisation accounts to its financiële administratie."""

    organisatie = models.OneToOneField(
        Organisatie, on_delete=models.CASCADE, related_name="verantwoording_instelling"
    )
    frequentie = models.CharField(
        max_length=5, choices=Frequentie.choices, default=Frequentie.MAAND
    )
    onbekende_code = models.CharField(
        "ongemapte vorderingcode",
        max_length=10,
        choices=OnbekendeCode.choices,
        default=OnbekendeCode.DOORGEVEN,
        help_text="Doorgeven mag volgens de standaard: de financiële administratie mapt dan zelf.",
    )
    actief = models.BooleanField(default=True)

    class Meta:
        verbose_name = "verantwoordingsinstelling"
        verbose_name_plural = "verantwoordingsinstellingen"

    def __str__(self):
        return f"{self.organisatie}: {self.get_frequentie_display()}"


class Boekingssleutel(models.Model):
    """Maps (vorderingcode, kind of boeking) of an organisation to the finance system's key.

    Blank vorderingcode or soort matches any; the most specific mapping wins.
    """

    organisatie = models.ForeignKey(
        Organisatie, on_delete=models.CASCADE, related_name="boekingssleutels"
    )
    vorderingcode = models.CharField(max_length=256, blank=True, help_text="Leeg: elke code.")
    soort = models.CharField(
        max_length=16, choices=Boekingsoort.choices, blank=True, help_text="Leeg: elke soort."
    )
    boekingssleutel = models.CharField(max_length=256)

    class Meta:
        verbose_name = "boekingssleutel"
        verbose_name_plural = "boekingssleutels"
        ordering = ["organisatie", "vorderingcode", "soort"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisatie", "vorderingcode", "soort"],
                name="uniek_sleutel_per_code_soort",
            )
        ]

    def __str__(self):
        return f"{self.vorderingcode or '*'} / {self.soort or '*'} → {self.boekingssleutel}"
