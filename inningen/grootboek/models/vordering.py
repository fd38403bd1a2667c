import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from inningen import betalingskenmerk as bk
from inningen.choices import (
    AFGESLOTEN_STATUSSEN,
    BtwCategorie,
    Invorderingsregime,
    Invorderingsstap,
    VorderingStatus,
    Vorderingtype,
)
from inningen.debiteuren.models.debiteur import Debiteur
from inningen.organisaties.models.organisatie import Organisatie, OrganisatorischeEenheid
from inningen.organisaties.selectors import scope_for_user


class VorderingQuerySet(models.QuerySet):
    def for_organisaties(self, organisaties):
        return self.filter(organisatie__in=organisaties)

    def for_user(self, user):
        """Claims of the organisations the user works for (the one scope rule)."""
        return scope_for_user(self, user)

    def open(self):
        return self.exclude(status__in=AFGESLOTEN_STATUSSEN).exclude(openstaand_bedrag=0)

    def overdue(self, peildatum=None):
        peildatum = peildatum or timezone.localdate()
        return self.open().filter(vervaldatum__lt=peildatum, openstaand_bedrag__gt=0)

    def zonder_debiteur(self):
        return self.filter(debiteur__isnull=True)


class Vordering(models.Model):
    """A claim (VRD) on a debtor, as the TSA sent it, plus its collection state.

    Unique per vorderende organisatie + TSA code + vorderingnummer (spec Bijlage A). The open
    balance is derived from the claim's Boekingen; ``openstaand_bedrag`` caches that sum and is
    only ever changed by the services that add Boekingen, in the same transaction.
    """

    # Indexed through the leading column of uniek_vorderingnummer_per_organisatie_tsa.
    organisatie = models.ForeignKey(
        Organisatie, on_delete=models.PROTECT, related_name="vorderingen", db_index=False
    )
    # The claim's identity in the REST API (/api/v1/vorderingen/{uuid}): not guessable, and
    # it says nothing about the debtor or the TSA.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tsa = models.CharField("TSA-code", max_length=200)
    vorderingnummer = models.CharField(max_length=64)
    factuurnummer = models.CharField(max_length=64, blank=True)
    creatiedatum = models.DateField()
    factuurdatum = models.DateField(null=True, blank=True)
    vervaldatum = models.DateField(null=True, blank=True)
    indicator_factuur_uitgestuurd = models.BooleanField("factuur uitgestuurd door TSA")
    algemene_factuuromschrijving = models.CharField(max_length=1000)
    valutacode = models.CharField(max_length=3, default="EUR")
    totaalbedrag_excl_btw = models.BigIntegerField("totaal excl. btw (cent)")
    totaalbedrag_btw = models.BigIntegerField("totaal btw (cent)")
    totaalbedrag_incl_btw = models.BigIntegerField("totaal incl. btw (cent)")
    taaknummer = models.CharField(max_length=64, blank=True)
    publiekrechtelijk = models.BooleanField()
    invorderingsregime = models.CharField(
        max_length=2, choices=Invorderingsregime.choices, blank=True
    )
    zaak_identificatie = models.CharField(max_length=40, blank=True)
    zaak_omschrijving = models.CharField(max_length=80, blank=True)
    organisatorische_eenheid = models.ForeignKey(  # partial index, as the two below
        OrganisatorischeEenheid,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    heeft_betrekking_op = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gerelateerde_vorderingen",
        help_text="Eerdere vordering waarop deze (credit/correctie) betrekking heeft.",
        db_index=False,
    )
    # The number as the TSA sent it; kept even when that claim is not (yet) known here.
    heeft_betrekking_op_nummer = models.CharField(max_length=64, blank=True)
    # Empty when the TSA sent no debtor: the claim waits in the work list "debiteur onbekend".
    debiteur = models.ForeignKey(  # indexed through vordering_debiteur_status
        Debiteur,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vorderingen",
        db_index=False,
    )
    machtiging = models.ForeignKey(
        "inningen.Machtiging",  # a string: betalingen builds on grootboek, not the reverse
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vorderingen",
        db_index=False,
    )
    status = models.CharField(max_length=3, choices=VorderingStatus.choices)
    status_datum = models.DateTimeField()
    openstaand_bedrag = models.BigIntegerField("openstaand (cent)", default=0)
    # Collection state (services/invordering.py): the last step taken and when; interest is
    # booked up to and including ``rente_tot``.
    invorderingsstap = models.CharField(max_length=16, choices=Invorderingsstap.choices, blank=True)
    stap_datum = models.DateField(null=True, blank=True)
    rente_tot = models.DateField(null=True, blank=True)
    # What rounding the interest booked so far to whole cents left over, in millionths of a cent
    # (|rest| <= 500,000): added to the next period, so the interest booked over several runs is
    # the interest over the whole period, rounded once.
    rente_rest = models.BigIntegerField(default=0, editable=False)
    # Inconsistencies in optional detail fields that were accepted (spec allows; we record them).
    waarschuwingen = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VorderingQuerySet.as_manager()

    class Meta:
        verbose_name = "vordering"
        verbose_name_plural = "vorderingen"
        ordering = ["-creatiedatum", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisatie", "tsa", "vorderingnummer"],
                name="uniek_vorderingnummer_per_organisatie_tsa",
            ),
            models.CheckConstraint(
                condition=Q(
                    totaalbedrag_incl_btw=models.F("totaalbedrag_excl_btw")
                    + models.F("totaalbedrag_btw")
                ),
                name="vordering_totaal_incl_is_excl_plus_btw",
            ),
        ]
        # Only what queries use: every index costs each of the thousands of rows a Di01 or a
        # run inserts. Foreign keys that lead a composite index here get no index of their own;
        # exact-match text columns get no varchar_pattern_ops twin (db_index=True adds one).
        indexes = [
            models.Index(fields=["vorderingnummer"], name="vordering_nummer"),
            models.Index(fields=["factuurnummer"], name="vordering_factuurnummer"),
            models.Index(fields=["status", "vervaldatum"], name="vordering_status_verval"),
            models.Index(fields=["debiteur", "status"], name="vordering_debiteur_status"),
            # Manual matching suggests open claims with the payment's amount ("zelfde bedrag");
            # without it that is a scan of all claims on every payment screen (0.5 s at 0.8 M).
            models.Index(
                fields=["organisatie", "openstaand_bedrag"],
                name="vordering_org_open_bedrag",
                condition=Q(openstaand_bedrag__gt=0),
            ),
            # The REST API's claim lists (organisation, then status and TSA code filters, and the
            # page count): without it the count scans all claims (0.27 s at 0.5 M).
            models.Index(
                fields=["organisatie", "status", "tsa", "vervaldatum"],
                name="vordering_org_status_tsa",
            ),
            # Keys many claims leave empty: partial, so such a claim adds no entry.
            *(
                models.Index(fields=[veld], name=naam, condition=Q(**{f"{veld}__isnull": False}))
                for veld, naam in (
                    ("organisatorische_eenheid", "vordering_eenheid"),
                    ("heeft_betrekking_op", "vordering_gerelateerd"),
                    ("machtiging", "vordering_machtiging"),
                )
            ),
        ]

    def __str__(self):
        return self.vorderingnummer

    @property
    def factuurkenmerk(self) -> str:
        """Spec §3.2.7: without a factuurnummer the vorderingnummer goes on the invoice."""
        return self.factuurnummer or self.vorderingnummer

    @property
    def betalingskenmerk(self) -> str:
        """The 16-digit betalingskenmerk printed on every invoice and letter of this claim."""
        return bk.betalingskenmerk(self.pk)

    @property
    def is_afgesloten(self) -> bool:
        return self.status in AFGESLOTEN_STATUSSEN


class Vorderingsregel(models.Model):
    # Indexed through uniek_regelnummer (vordering, volgnummer).
    vordering = models.ForeignKey(
        Vordering, on_delete=models.CASCADE, related_name="regels", db_index=False
    )
    volgnummer = models.PositiveIntegerField()
    bedrag_excl_btw = models.BigIntegerField()
    bedrag_incl_btw = models.BigIntegerField()
    bedrag_btw = models.BigIntegerField()
    btw_categorie = models.CharField(max_length=3, choices=BtwCategorie.choices)
    btw_percentage = models.IntegerField(help_text="In honderdsten procenten: 21% = 2100.")
    vorderingtype = models.CharField(max_length=3, choices=Vorderingtype.choices)
    vorderingcode = models.CharField(max_length=200, help_text="Bepaalt de boekingssleutel.")
    vorderingomschrijving = models.CharField(max_length=1000)
    vorderingtoelichting = models.CharField(max_length=1000, blank=True)
    aantal = models.BigIntegerField(null=True, blank=True)
    eenheid = models.CharField(max_length=200, blank=True)
    stuksprijs_excl_btw = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "vorderingsregel"
        verbose_name_plural = "vorderingsregels"
        ordering = ["vordering", "volgnummer"]
        constraints = [
            models.UniqueConstraint(fields=["vordering", "volgnummer"], name="uniek_regelnummer"),
        ]

    def __str__(self):
        return self.vorderingomschrijving


class BtwTotaalregel(models.Model):
    vordering = models.ForeignKey(
        Vordering, on_delete=models.CASCADE, related_name="btw_totaalregels"
    )
    btw_categorie = models.CharField(max_length=3, choices=BtwCategorie.choices, blank=True)
    totaalbedrag_btw = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "btw-totaalregel"
        verbose_name_plural = "btw-totaalregels"

    def __str__(self):
        return f"{self.btw_categorie}: {self.totaalbedrag_btw}"


class Termijn(models.Model):
    """A termijn of the invorderingsschema: when (part of) the claim must be paid."""

    # Indexed through uniek_termijnnummer (vordering, volgnummer).
    vordering = models.ForeignKey(
        Vordering, on_delete=models.CASCADE, related_name="termijnen", db_index=False
    )
    volgnummer = models.PositiveIntegerField()
    datum = models.DateField(null=True, blank=True)
    bedrag = models.BigIntegerField("termijnbedrag incl. btw (cent)", null=True, blank=True)
    vervaldatum = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "termijn"
        verbose_name_plural = "termijnen"
        ordering = ["vordering", "volgnummer"]
        constraints = [
            models.UniqueConstraint(fields=["vordering", "volgnummer"], name="uniek_termijnnummer"),
        ]

    def __str__(self):
        return f"Termijn {self.volgnummer}"

    @property
    def betalingskenmerk(self) -> str:
        return bk.betalingskenmerk(self.vordering_id, self.volgnummer)
