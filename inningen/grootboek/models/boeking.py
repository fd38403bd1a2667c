from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from inningen.choices import Boekingdeel, Boekingsoort
from inningen.debiteuren.models.debiteur import Debiteur
from inningen.grootboek.models.vordering import Termijn, Vordering
from inningen.organisaties.models.organisatie import Organisatie


class ImmutableError(Exception):
    """A Boeking was about to be changed or deleted: corrections are new Boekingen."""


class BoekingQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError("Boekingen zijn onveranderlijk; boek een correctie.")

    def delete(self):
        raise ImmutableError("Boekingen zijn onveranderlijk; boek een correctie.")

    def for_organisaties(self, organisaties):
        return self.filter(organisatie__in=organisaties)

    def saldo(self) -> int:
        """Sum of bedrag_incl_btw in cents (0 for none)."""
        return self.aggregate(s=Coalesce(Sum("bedrag_incl_btw"), 0))["s"]


class Boeking(models.Model):
    """An immutable financial fact in the ledger.

    Amounts are signed integer cents from the municipality's side: positive increases what the
    debtor owes (claim imposed, costs, interest, a storno that reopens a payment), negative
    decreases it (payment, credit, write-off, kwijtschelding). A claim's open balance is the sum
    of its Boekingen' bedrag_incl_btw.
    """

    organisatie = models.ForeignKey(Organisatie, on_delete=models.PROTECT, related_name="boekingen")
    vordering = models.ForeignKey(  # indexed through boeking_vordering_datum
        Vordering,
        on_delete=models.PROTECT,
        related_name="boekingen",
        null=True,
        blank=True,
        db_index=False,
    )
    termijn = models.ForeignKey(  # partial index boeking_termijn, as the ones below
        Termijn,
        on_delete=models.PROTECT,
        related_name="boekingen",
        null=True,
        blank=True,
        db_index=False,
    )
    soort = models.CharField(max_length=16, choices=Boekingsoort.choices)
    boekdatum = models.DateField(db_index=True)
    bedrag_incl_btw = models.BigIntegerField("bedrag incl. btw (cent)")
    bedrag_excl_btw = models.BigIntegerField("bedrag excl. btw (cent)")
    bedrag_btw = models.BigIntegerField("btw (cent)")
    # The vorderingcode (or cost/interest code) the verantwoording maps to a boekingssleutel.
    boekingssleutel = models.CharField(max_length=256)
    omschrijving = models.CharField(max_length=500, blank=True)
    tegenboeking_van = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tegenboekingen",
        db_index=False,
    )
    # Which part of the claim (costs, interest, principal) or, without a claim, of the money
    # received this concerns; blank for imposing Boekingen, whose soort says it.
    deel = models.CharField(max_length=12, choices=Boekingdeel.choices, blank=True)
    # The bank entry this money came from (payments, reversals, credit, unallocated rest).
    betaling = models.ForeignKey(
        "inningen.Betaling",  # a string: betalingen builds on grootboek, not the reverse
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="boekingen",
        db_index=False,
    )
    # Only on Boekingen without a claim: whose credit balance (tegoed) this is.
    debiteur = models.ForeignKey(
        Debiteur,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tegoedboekingen",
        db_index=False,
    )
    door = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BoekingQuerySet.as_manager()

    class Meta:
        verbose_name = "boeking"
        verbose_name_plural = "boekingen"
        ordering = ["boekdatum", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    bedrag_incl_btw=models.F("bedrag_excl_btw") + models.F("bedrag_btw")
                ),
                name="boeking_incl_is_excl_plus_btw",
            ),
        ]
        # Foreign keys that most Boekingen leave empty get a partial index: an imposing Boeking
        # (two per claim of a Di01) then adds no entry to any of them. A lookup by one of
        # these keys (``= value``, also the database's own foreign-key checks) implies
        # IS NOT NULL, so the planner uses the partial index.
        indexes = [
            models.Index(fields=["vordering", "boekdatum"], name="boeking_vordering_datum"),
            *(
                models.Index(
                    fields=[veld], name=f"boeking_{veld}", condition=Q(**{f"{veld}__isnull": False})
                )
                for veld in ("termijn", "tegenboeking_van", "betaling", "debiteur")
            ),
            # The dashboard's "geïnd per maand" (#19): receipts on claims of one organisation by
            # date; partial, so the two imposing Boekingen of every claim add no entry.
            models.Index(
                fields=["organisatie", "boekdatum"],
                name="boeking_ontvangst_org_datum",
                condition=Q(soort__in=["betaling", "storno"], vordering__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_soort_display()} {self.bedrag_incl_btw} ({self.boekdatum})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ImmutableError("Boekingen zijn onveranderlijk; boek een correctie.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("Boekingen zijn onveranderlijk; boek een correctie.")
