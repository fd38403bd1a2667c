from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models import Q

from inningen.organisaties.models import Organisatie
from inningen.versleuteling import ontsleutel, versleutel


class Koppelingsrol(models.TextChoices):
    TSA = "tsa", "Taakspecifieke applicatie (TSA)"
    FINANCIELE_ADMINISTRATIE = "financiele-administratie", "Financiële administratie"


class KoppelingQuerySet(models.QuerySet):
    def for_zender(self, *, organisatie: str, applicatie: str, administratie: str):
        """Koppelingen whose StUF identity matches a zender; blank organisatie/administratie
        on the koppeling matches any value."""
        return self.filter(
            Q(organisatie="") | Q(organisatie=organisatie),
            Q(administratie="") | Q(administratie=administratie),
            applicatie=applicatie,
        )


class Koppeling(models.Model):
    """A registered external application: a TSA or the financiële administratie."""

    naam = models.CharField(max_length=200, blank=True)
    # StUF identity of the external system (stuurgegevens zender/ontvanger).
    organisatie = models.CharField(max_length=200, blank=True, help_text="Leeg: elke organisatie.")
    applicatie = models.CharField(max_length=50)
    administratie = models.CharField(
        max_length=50, blank=True, help_text="Leeg: elke administratie."
    )
    rol = models.CharField(max_length=30, choices=Koppelingsrol.choices)
    vorderende_organisaties = models.ManyToManyField(
        Organisatie,
        related_name="koppelingen",
        blank=True,
        help_text="Organisaties waarvoor deze koppeling vorderingen mag aanleveren.",
    )
    standaard_organisatie = models.ForeignKey(
        Organisatie,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Gebruikt wanneer een bericht geen vorderende organisatie noemt.",
    )
    url = models.URLField("endpoint-URL", max_length=500, blank=True)
    # Inbound HTTP Basic credentials; the password is hashed like a Django user password.
    gebruikersnaam = models.CharField(max_length=150, unique=True)
    wachtwoord = models.CharField(max_length=128)
    certificaat_vingerafdruk = models.CharField(
        "SHA-256 vingerafdruk clientcertificaat",
        max_length=95,
        blank=True,
        help_text="Optioneel: ook vereist wanneer gevuld (gezet door de TLS-proxy).",
    )
    # Outbound credentials we present to the external system's endpoint. We must send the
    # password itself, so it cannot be hashed: it is stored Fernet-encrypted (inningen/
    # versleuteling.py) and read through the property ``uitgaand_wachtwoord``.
    uitgaand_gebruikersnaam = models.CharField(max_length=150, blank=True)
    uitgaand_wachtwoord_versleuteld = models.TextField(blank=True, editable=False)
    actief = models.BooleanField(default=True)
    # Status changes pushed to this TSA: off, or only the chosen codes (empty = all).
    statuswijzigingen_versturen = models.BooleanField("statuswijzigingen versturen", default=True)
    statussen = models.JSONField(
        "te versturen statussen",
        default=list,
        blank=True,
        help_text="Statuscodes (VRW, VRS, BET, …) die deze TSA ontvangt; leeg = alle.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KoppelingQuerySet.as_manager()

    class Meta:
        verbose_name = "koppeling"
        verbose_name_plural = "koppelingen"
        ordering = ["applicatie", "organisatie", "administratie"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisatie", "applicatie", "administratie"], name="uniek_stuf_systeem"
            )
        ]

    def __str__(self):
        return self.naam or "/".join(
            p for p in (self.organisatie, self.applicatie, self.administratie) if p
        )

    def wants_status(self, status: str) -> bool:
        return self.statuswijzigingen_versturen and (not self.statussen or status in self.statussen)

    @property
    def uitgaand_wachtwoord(self) -> str:
        """The outbound password in plaintext (decrypted on read, only when sending)."""
        return ontsleutel(self.uitgaand_wachtwoord_versleuteld)

    @uitgaand_wachtwoord.setter
    def uitgaand_wachtwoord(self, raw: str) -> None:
        self.uitgaand_wachtwoord_versleuteld = versleutel(raw or "")

    def set_wachtwoord(self, raw: str) -> None:
        self.wachtwoord = make_password(raw)

    def check_wachtwoord(self, raw: str) -> bool:
        return check_password(raw, self.wachtwoord)


class TsaCode(models.Model):
    """A TSA code (FIN:tsa) and the koppeling that owns it: status changes for claims with this
    code go to that koppeling, and only it may send claims with this code."""

    code = models.CharField(max_length=200, unique=True)
    koppeling = models.ForeignKey(Koppeling, on_delete=models.CASCADE, related_name="tsa_codes")

    class Meta:
        verbose_name = "TSA-code"
        verbose_name_plural = "TSA-codes"
        ordering = ["code"]

    def __str__(self):
        return self.code
