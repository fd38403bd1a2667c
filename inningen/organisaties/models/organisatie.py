from django.core.validators import URLValidator
from django.db import models

from inningen.validators import validate_iban, validate_rsin, validate_telefoonnummer


class Organisatie(models.Model):
    """A vorderende organisatie (niet-natuurlijk persoon) of the samenwerkingsverband.

    Every claim, ledger entry and user permission is scoped to one of these.
    """

    rsin = models.CharField("RSIN", max_length=9, unique=True, validators=[validate_rsin])
    naam = models.CharField(max_length=200)
    gemeentecode = models.CharField(
        max_length=4, blank=True, help_text="CBS-gemeentecode, 4 cijfers."
    )
    incassant_id = models.CharField(
        "SEPA incassant-ID",
        max_length=35,
        blank=True,
        help_text="Creditor identifier, bv. NL98ZZZ…",
    )
    # How a debtor reaches the organisation: printed on every letter (templates/brieven/
    # _contact.html). Frozen into each letter's gegevens when it is made.
    telefoonnummer = models.CharField(
        max_length=20, blank=True, validators=[validate_telefoonnummer],
        help_text="Op brieven, bv. 14 0999 of 020 123 4567.",
    )  # fmt: skip
    bereikbaarheid = models.CharField(
        max_length=100, blank=True, help_text="Bv. 'maandag t/m vrijdag 9.00-17.00 uur'."
    )
    emailadres = models.EmailField("e-mailadres", blank=True)
    website = models.URLField(
        max_length=200, blank=True, validators=[URLValidator(schemes=["https"])],
        help_text="Met https://, bv. https://www.rivierstad.nl/belastingen.",
    )  # fmt: skip
    bezoekadres = models.CharField(
        max_length=200,
        blank=True,
        help_text="Eén regel, bv. 'Stadhuisplein 1, 1234 AB Rivierstad'.",
    )
    postadres = models.CharField(
        max_length=200, blank=True, help_text="Bv. 'Postbus 100, 1230 AC Rivierstad'."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "vorderende organisatie"
        verbose_name_plural = "vorderende organisaties"
        ordering = ["naam"]

    def __str__(self):
        return f"{self.naam} ({self.rsin})"

    @property
    def contact(self) -> dict:
        """The contact block of letters and statements (the same keys as in a letter's
        gegevens, so templates/brieven/_contact.html takes either)."""
        return {veld: getattr(self, veld) for veld in CONTACTVELDEN}


CONTACTVELDEN = (
    "telefoonnummer", "bereikbaarheid", "emailadres", "website", "bezoekadres", "postadres",
)  # fmt: skip


class Bankrekening(models.Model):
    """A receiving account of an organisation; bank statements are matched to it."""

    organisatie = models.ForeignKey(
        Organisatie, on_delete=models.CASCADE, related_name="rekeningen"
    )
    iban = models.CharField("IBAN", max_length=34, unique=True, validators=[validate_iban])
    omschrijving = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "ontvangende bankrekening"
        verbose_name_plural = "ontvangende bankrekeningen"
        ordering = ["iban"]

    def __str__(self):
        return self.iban


class OrganisatorischeEenheid(models.Model):
    organisatie = models.ForeignKey(Organisatie, on_delete=models.CASCADE, related_name="eenheden")
    identificatie = models.CharField(max_length=24)
    naam = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "organisatorische eenheid"
        verbose_name_plural = "organisatorische eenheden"
        ordering = ["organisatie", "identificatie"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisatie", "identificatie"], name="uniek_oeh_per_organisatie"
            )
        ]

    def __str__(self):
        return self.naam or self.identificatie
