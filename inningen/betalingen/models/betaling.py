import hashlib

from django.db import models

from inningen.choices import Afschriftformaat, BetalingStatus, Matchregel
from inningen.debiteuren.models.debiteur import Debiteur
from inningen.debiteuren.models.machtiging import Machtiging
from inningen.grootboek.models.vordering import Termijn, Vordering
from inningen.organisaties.models.organisatie import Bankrekening, Organisatie


class Afschrift(models.Model):
    """One imported bank statement (a CAMT.053 Stmt or an MT940 statement) of one account.

    The bank's own id (``identificatie``: CAMT Stmt/Id, MT940 :20:/:28C:) does not identify a
    statement: de Volksbank writes ``:20:0000000000`` and ``:28C:<day of year>/1`` every year.
    What does is ``vingerafdruk``: a hash of the account, the sequence number, the opening and
    closing balance with their dates and every entry (see ``afschriften.vingerafdruk``), unique
    per account: importing the same statement again changes nothing. Rows imported before
    issue #16 carry a hash of their id, date and entries instead (migration 0013).
    """

    organisatie = models.ForeignKey(
        Organisatie, on_delete=models.PROTECT, related_name="afschriften"
    )
    bankrekening = models.ForeignKey(
        Bankrekening, on_delete=models.PROTECT, related_name="afschriften"
    )
    formaat = models.CharField(max_length=8, choices=Afschriftformaat.choices)
    identificatie = models.CharField(max_length=140)
    datum = models.DateField(null=True, blank=True)
    bestandsnaam = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    aantal_posten = models.PositiveIntegerField(default=0)
    volgnummer = models.CharField(max_length=35, blank=True)
    begindatum = models.DateField("datum beginsaldo", null=True, blank=True)
    einddatum = models.DateField("datum eindsaldo", null=True, blank=True)
    beginsaldo = models.BigIntegerField("beginsaldo (cent)", null=True, blank=True)
    eindsaldo = models.BigIntegerField("eindsaldo (cent)", null=True, blank=True)
    vingerafdruk = models.CharField(max_length=64)
    aantal_overlap = models.PositiveIntegerField(
        "posten al ingelezen van een ander afschrift", default=0
    )
    ingelezen_door = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "bankafschrift"
        verbose_name_plural = "bankafschriften"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bankrekening", "vingerafdruk"], name="uniek_afschrift_inhoud_per_rekening"
            )
        ]
        permissions = [("import_afschrift", "Mag bankafschriften inlezen")]

    def __str__(self):
        return f"{self.bankrekening} {self.identificatie}"

    def save(self, *args, **kwargs):
        # A statement made other than by the import (demo data, tests) is identified by its id
        # and date, as before issue #16; the import always sets the content fingerprint.
        if not self.vingerafdruk:
            sleutel = f"id|{self.bankrekening_id}|{self.identificatie}|{self.datum}"
            self.vingerafdruk = hashlib.sha256(sleutel.encode()).hexdigest()
        super().save(*args, **kwargs)


class Betaling(models.Model):
    """One entry (transaction) of a bank statement, signed cents from the account's side:
    positive is money received, negative money leaving (a storno or returned payment).

    Every cent is in the ledger: the Boekingen with ``betaling`` = this entry always sum to
    ``-bedrag``. What is allocated to claims sits on the claims; the rest sits on Boekingen
    without a claim (deel ``onverdeeld``: work list, parked or to refund; deel ``tegoed``: the
    debtor's credit balance). ``restbedrag`` caches that rest for the work list.
    """

    afschrift = models.ForeignKey(Afschrift, on_delete=models.PROTECT, related_name="betalingen")
    organisatie = models.ForeignKey(
        Organisatie, on_delete=models.PROTECT, related_name="betalingen"
    )
    volgnummer = models.PositiveIntegerField()
    boekdatum = models.DateField()
    valutadatum = models.DateField(null=True, blank=True)
    bedrag = models.BigIntegerField("bedrag (cent)")
    tegenrekening = models.CharField("IBAN tegenrekening", max_length=34, blank=True, db_index=True)
    naam = models.CharField("naam tegenpartij", max_length=140, blank=True)
    omschrijving = models.CharField(max_length=1000, blank=True)
    betalingskenmerk = models.CharField(max_length=35, blank=True)
    eind_tot_eind_id = models.CharField("end-to-end-id", max_length=35, blank=True)
    bank_referentie = models.CharField(max_length=140, blank=True)
    retourcode = models.CharField("retourcode (storno)", max_length=4, blank=True)
    status = models.CharField(max_length=12, choices=BetalingStatus.choices)
    matchregel = models.CharField(max_length=12, choices=Matchregel.choices, blank=True)
    restbedrag = models.BigIntegerField("niet toegerekend (cent)", default=0)
    debiteur = models.ForeignKey(
        Debiteur, on_delete=models.PROTECT, null=True, blank=True, related_name="betalingen"
    )
    teruggeboekt_door = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="terugboeking_van"
    )
    opmerking = models.CharField(max_length=500, blank=True)
    # Status overlap: the entry of another statement this one repeats (same account, booking
    # date, amount, reference and counterparty); booked there, not here.
    overlap_met = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="overlappingen"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "betaling (bankpost)"
        verbose_name_plural = "betalingen (bankposten)"
        ordering = ["boekdatum", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["afschrift", "volgnummer"], name="uniek_post_per_afschrift"
            )
        ]
        indexes = [
            models.Index(fields=["organisatie", "status"], name="betaling_org_status"),
            models.Index(fields=["eind_tot_eind_id"], name="betaling_e2e"),
            models.Index(fields=["betalingskenmerk"], name="betaling_kenmerk"),
            # Looking up entries seen before (overlap) per organisation and booking date.
            models.Index(fields=["organisatie", "boekdatum"], name="betaling_org_boekdatum"),
        ]

    def __str__(self):
        return f"{self.boekdatum} {self.bedrag} {self.naam}"


class Matchinstelling(models.Model):
    """The matching rules of one organisation, in the order they are tried."""

    organisatie = models.OneToOneField(
        Organisatie, on_delete=models.CASCADE, related_name="matchinstelling"
    )
    volgorde = models.JSONField(
        default=list, help_text='Lijst van matchregels, bv. ["kenmerk", "nummer", "iban"].'
    )

    class Meta:
        verbose_name = "matchinstelling"
        verbose_name_plural = "matchinstellingen"

    def __str__(self):
        return f"{self.organisatie}: {', '.join(self.volgorde)}"


class Incassobestand(models.Model):
    """A generated SEPA direct debit file (pain.008.001.02) of one organisation and date."""

    organisatie = models.ForeignKey(
        Organisatie, on_delete=models.PROTECT, related_name="incassobestanden"
    )
    incassodatum = models.DateField()
    berichtid = models.CharField(max_length=35, unique=True)
    xml = models.TextField()
    aantal = models.PositiveIntegerField()
    totaal = models.BigIntegerField("totaal (cent)")
    door = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "incassobestand"
        verbose_name_plural = "incassobestanden"
        ordering = ["-created_at"]

    def __str__(self):
        return self.berichtid


class Incassopost(models.Model):
    """One collection of one termijn in a file; a termijn is collected once per date."""

    bestand = models.ForeignKey(Incassobestand, on_delete=models.CASCADE, related_name="posten")
    # A termijn of the claim itself, or a termijn of a betalingsregeling paid by direct debit.
    termijn = models.ForeignKey(
        Termijn, on_delete=models.PROTECT, related_name="incassoposten", null=True, blank=True
    )
    regelingtermijn = models.ForeignKey(
        "inningen.Regelingtermijn",
        on_delete=models.PROTECT,
        related_name="incassoposten",
        null=True,
        blank=True,
    )
    vordering = models.ForeignKey(Vordering, on_delete=models.PROTECT, related_name="incassoposten")
    machtiging = models.ForeignKey(
        Machtiging, on_delete=models.PROTECT, related_name="incassoposten"
    )
    bedrag = models.BigIntegerField("bedrag (cent)")
    eind_tot_eind_id = models.CharField(max_length=35)

    class Meta:
        verbose_name = "incassopost"
        verbose_name_plural = "incassoposten"
        constraints = [
            models.UniqueConstraint(
                fields=["termijn", "bestand"], name="uniek_termijn_per_incassobestand"
            ),
            models.UniqueConstraint(
                fields=["regelingtermijn", "bestand"], name="uniek_regelingtermijn_per_bestand"
            ),
            models.CheckConstraint(
                condition=models.Q(termijn__isnull=False) | models.Q(regelingtermijn__isnull=False),
                name="incassopost_termijn_of_regelingtermijn",
            ),
        ]

    def __str__(self):
        return self.eind_tot_eind_id
