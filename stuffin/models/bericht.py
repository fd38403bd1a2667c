import hashlib

from django.db import models
from django.db.models import Q


class Richting(models.TextChoices):
    IN = "in", "Inkomend"
    UIT = "uit", "Uitgaand"


class Bericht(models.Model):
    """The berichtenlog: every StUF message in and out, with its answer.

    For inbound asynchronous messages it is also the idempotency store (StUF 03.01 §4.4): an
    accepted message (Bv03) reserves its zender + referentienummer.
    """

    richting = models.CharField(max_length=3, choices=Richting.choices)
    koppeling = models.ForeignKey(
        "stuffin.Koppeling",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="berichten",
    )
    soapaction = models.CharField(max_length=200, blank=True)
    berichtsoort = models.CharField(max_length=60, blank=True, db_index=True)
    zender_organisatie = models.CharField(max_length=200, blank=True)
    zender_applicatie = models.CharField(max_length=50, blank=True)
    zender_administratie = models.CharField(max_length=50, blank=True)
    zender_gebruiker = models.CharField(max_length=100, blank=True)
    ontvanger = models.CharField(max_length=400, blank=True)
    referentienummer = models.CharField(max_length=80, blank=True, db_index=True)
    crossrefnummer = models.CharField(max_length=80, blank=True)
    inhoud = models.TextField(blank=True)
    inhoud_hash = models.CharField(max_length=64, blank=True)
    antwoord = models.TextField(blank=True)
    antwoordsoort = models.CharField(
        max_length=20, blank=True, help_text="Bv03, Bv03-herhaald, Fo02, Fo03, La01, …"
    )
    foutcode = models.CharField(max_length=10, blank=True, db_index=True)
    foutmelding = models.TextField(blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    aantal_objecten = models.PositiveIntegerField(default=0)
    duur_ms = models.PositiveIntegerField(default=0)
    # The claims an accepted Verstrek Vordering created (shown on the claim's page).
    vorderingen = models.ManyToManyField("inningen.Vordering", blank=True, related_name="berichten")
    tijdstip = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "StUF-bericht"
        verbose_name_plural = "berichtenlog"
        ordering = ["-tijdstip", "-pk"]
        constraints = [
            # One accepted inbound message per zender + referentienummer.
            models.UniqueConstraint(
                fields=[
                    "zender_organisatie",
                    "zender_applicatie",
                    "zender_administratie",
                    "zender_gebruiker",
                    "referentienummer",
                ],
                condition=Q(richting="in", antwoordsoort="Bv03"),
                name="uniek_verwerkt_referentienummer_per_zender",
            )
        ]

    def __str__(self):
        return f"{self.get_richting_display()} {self.berichtsoort} {self.referentienummer}"

    @staticmethod
    def hash_inhoud(body: bytes) -> str:
        return hashlib.sha256(body).hexdigest()
