"""An uploaded bank statement file waiting for, going through or done with its import (#16).

The upload only stores the file and answers; a Celery task imports it (all or nothing) and
writes its progress and result here, so the screen can show them while it runs.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from inningen.organisaties.models.organisatie import Organisatie
from inningen.organisaties.selectors import organisaties_for_user


class ImportStatus(models.TextChoices):
    WACHTRIJ = "wachtrij", "In de wachtrij"
    BEZIG = "bezig", "Bezig met inlezen"
    KLAAR = "klaar", "Ingelezen"
    MISLUKT = "mislukt", "Mislukt, niets ingelezen"


ACTIEF = (ImportStatus.WACHTRIJ, ImportStatus.BEZIG)


def bestand_pad(instance, filename: str) -> str:
    # A random name: the user's file name is kept in ``bestandsnaam``, never in a path.
    return f"afschriftimporten/{uuid.uuid4().hex}"


class AfschriftimportQuerySet(models.QuerySet):
    def for_user(self, user):
        """Imports of the user's organisations, and the user's own uploads whose organisation
        is not known yet (it is the statement's account: known once the file is read)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            Q(organisatie__in=organisaties_for_user(user))
            | Q(organisatie__isnull=True, geupload_door=user)
        )


class Afschriftimport(models.Model):
    organisatie = models.ForeignKey(
        Organisatie,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="afschriftimporten",
        help_text="De organisatie van de rekening van het afschrift; bekend na het inlezen.",
    )
    geupload_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The name the bookings carry (as the synchronous import did: the username).
    door = models.CharField(max_length=150)
    bestandsnaam = models.CharField(max_length=255, blank=True)
    # The file itself, in the media storage the workers share already (letters' PDFs): a
    # 25 MB bytea insert took seconds, too long for the upload request. Deleted once the
    # import is finished (the statement's facts are in Afschrift/Betaling then).
    bestand = models.FileField(upload_to=bestand_pad, max_length=200, blank=True)
    grootte = models.PositiveBigIntegerField("grootte (bytes)", default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(
        max_length=8, choices=ImportStatus.choices, default=ImportStatus.WACHTRIJ
    )
    verwerkt = models.PositiveIntegerField("posten verwerkt", default=0)
    totaal = models.PositiveIntegerField("posten totaal", default=0)
    samenvatting = models.TextField(blank=True)
    resultaat = models.JSONField(default=dict, blank=True)
    foutmelding = models.TextField(blank=True)
    pogingen = models.PositiveSmallIntegerField(default=0)
    aangemaakt = models.DateTimeField(auto_now_add=True)
    ingepland = models.DateTimeField(null=True, blank=True)
    gestart = models.DateTimeField(null=True, blank=True)
    # Heartbeat of the worker (claim and progress); the sweep offers a 'bezig' row again only
    # when it is old and no worker holds the import.
    bijgewerkt = models.DateTimeField(null=True, blank=True)
    afgerond = models.DateTimeField(null=True, blank=True)

    objects = AfschriftimportQuerySet.as_manager()

    class Meta:
        verbose_name = "afschriftimport"
        verbose_name_plural = "afschriftimporten"
        ordering = ["-aangemaakt", "-pk"]
        constraints = [
            # The same file twice in the queue would be imported twice (or race): one at a time.
            models.UniqueConstraint(
                fields=["sha256"],
                condition=Q(status__in=["wachtrij", "bezig"]),
                name="afschriftimport_een_actief_per_bestand",
            )
        ]
        indexes = [
            models.Index(
                fields=["status", "bijgewerkt"],
                condition=Q(status__in=["wachtrij", "bezig"]),
                name="afschriftimport_actief",
            )
        ]

    def __str__(self):
        return f"{self.bestandsnaam} ({self.get_status_display()})"

    @property
    def afgelopen(self) -> bool:
        return self.status not in ACTIEF

    @property
    def voortgang_tekst(self) -> str:
        if self.totaal:
            return f"{self.verwerkt} van {self.totaal} posten"
        if self.status == ImportStatus.BEZIG:
            return "Het bestand wordt gelezen en gecontroleerd."
        return ""

    @property
    def procent(self) -> int:
        if self.status == ImportStatus.KLAAR:
            return 100
        return min(100, self.verwerkt * 100 // self.totaal) if self.totaal else 0
