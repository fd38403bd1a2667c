from django.db import models
from django.db.models import Q


class UitgaandSoort(models.TextChoices):
    STATUSWIJZIGING = "statuswijziging", "Verstrek VorderingStatusWijziging"
    VERANTWOORDING = "verantwoording", "Verstrek Financiële verantwoording"
    NOTIFICATIE = "notificatie", "Notificatie (REST-abonnement)"


class UitgaandStatus(models.TextChoices):
    WACHTEND = "wachtend", "Wachtend"
    BEZIG = "bezig", "Bezig met versturen"
    AFGELEVERD = "afgeleverd", "Afgeleverd (Bv03)"
    MISLUKT = "mislukt", "Geweigerd (Fo03)"
    DOOD = "dood", "Opgegeven na herhaalde pogingen"
    GEANNULEERD = "geannuleerd", "Geannuleerd door beheerder"


# A message in one of these blocks later messages of the same vordering (delivery order).
BLOKKERENDE_STATUSSEN = (
    UitgaandStatus.WACHTEND,
    UitgaandStatus.BEZIG,
    UitgaandStatus.MISLUKT,
    UitgaandStatus.DOOD,
)


class UitgaandBerichtQuerySet(models.QuerySet):
    def due(self, nu):
        return self.filter(status=UitgaandStatus.WACHTEND, volgende_poging__lte=nu)

    def onafgerond(self):
        return self.filter(status__in=BLOKKERENDE_STATUSSEN)


class UitgaandBericht(models.Model):
    """The transactional outbox: a message we owe an external system.

    Written in the same transaction as the state change it reports; the broker only triggers
    delivery. The message itself is built from the database at send time; its
    referentienummer is fixed at creation so a retry is recognisably the same message.
    """

    soort = models.CharField(max_length=30, choices=UitgaandSoort.choices)
    # The receiver: a StUF koppeling, or (a notification) a REST client's abonnement.
    koppeling = models.ForeignKey(
        "stuffin.Koppeling",
        on_delete=models.PROTECT,
        related_name="uitgaand",
        null=True,
        blank=True,
    )
    abonnement = models.ForeignKey(
        "api.Abonnement",
        on_delete=models.PROTECT,
        related_name="uitgaand",
        null=True,
        blank=True,
    )
    vordering = models.ForeignKey(
        "inningen.Vordering",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="uitgaand",
    )
    vorderingstatus = models.ForeignKey(
        "inningen.Vorderingstatus",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verantwoording = models.ForeignKey(
        "verantwoording.FinancieleVerantwoording",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="uitgaand",
    )
    referentienummer = models.CharField(max_length=40, unique=True)
    # The Di01 this change travels in: set at the first send and kept on every retry, so a
    # resend is the same message under the same referentienummer. Empty until first sent.
    zending = models.CharField(max_length=40, blank=True, db_index=True)
    status = models.CharField(
        max_length=12, choices=UitgaandStatus.choices, default=UitgaandStatus.WACHTEND
    )
    pogingen = models.PositiveIntegerField(default=0)
    volgende_poging = models.DateTimeField()
    bezig_sinds = models.DateTimeField(null=True, blank=True)
    foutcode = models.CharField(max_length=10, blank=True)
    laatste_fout = models.TextField(blank=True)
    afgeleverd_op = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = UitgaandBerichtQuerySet.as_manager()

    class Meta:
        verbose_name = "uitgaand bericht"
        verbose_name_plural = "uitgaande berichten (outbox)"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["status", "volgende_poging"],
                name="uitgaand_due",
                condition=Q(status="wachtend"),
            ),
            models.Index(fields=["vordering", "status"], name="uitgaand_vordering_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(koppeling__isnull=False, abonnement__isnull=True)
                | Q(koppeling__isnull=True, abonnement__isnull=False),
                name="uitgaand_een_ontvanger",
            )
        ]

    def __str__(self):
        return f"{self.get_soort_display()} {self.referentienummer} ({self.get_status_display()})"

    @property
    def ontvanger(self):
        """The koppeling or the abonnement this message goes to."""
        return self.koppeling if self.koppeling_id else self.abonnement
