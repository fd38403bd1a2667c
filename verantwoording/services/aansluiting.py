"""Reconciliation per organisation and period: opening balance + imposed − received ±
corrections = closing balance, to the cent, and the closing balance against the open claims."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from inningen.choices import Boekingsoort
from inningen.grootboek.models import Boeking, Vordering
from inningen.organisaties.models import Organisatie

OPGELEGD = (Boekingsoort.OPGELEGD, Boekingsoort.KOSTEN, Boekingsoort.RENTE)
ONTVANGEN = (Boekingsoort.BETALING,)


@dataclass(frozen=True, slots=True)
class Aansluiting:
    organisatie: Organisatie
    begindatum: datetime.date
    einddatum: datetime.date
    beginsaldo: int
    opgelegd: int
    ontvangen: int
    correcties: int
    eindsaldo: int
    # Σ openstaand_bedrag of the organisation's claims now, and the part of the ledger that is on
    # claims (not e.g. a debtor's credit balance); comparable when the period runs to today.
    openstaand_vorderingen: int
    eindsaldo_vorderingen: int

    @property
    def sluit(self) -> bool:
        return self.beginsaldo + self.opgelegd - self.ontvangen + self.correcties == self.eindsaldo

    @property
    def sluit_met_vorderingen(self) -> bool:
        return self.eindsaldo_vorderingen == self.openstaand_vorderingen


def aansluiting_compute(
    *, organisatie: Organisatie, begindatum: datetime.date, einddatum: datetime.date
) -> Aansluiting:
    """Four sums in one query over the ledger, one over the claims."""

    def som(q):
        return Coalesce(Sum("bedrag_incl_btw", filter=q), 0)

    periode = Q(boekdatum__gte=begindatum, boekdatum__lte=einddatum)
    t = Boeking.objects.filter(organisatie=organisatie).aggregate(
        begin=som(Q(boekdatum__lt=begindatum)),
        opgelegd=som(periode & Q(soort__in=OPGELEGD)),
        ontvangen=som(periode & Q(soort__in=ONTVANGEN)),
        correcties=som(periode & ~Q(soort__in=OPGELEGD + ONTVANGEN)),
        eind=som(Q(boekdatum__lte=einddatum)),
        eind_vorderingen=som(Q(boekdatum__lte=einddatum, vordering__isnull=False)),
    )
    openstaand = Vordering.objects.filter(organisatie=organisatie).aggregate(
        s=Coalesce(Sum("openstaand_bedrag"), 0)
    )["s"]
    return Aansluiting(
        organisatie=organisatie,
        begindatum=begindatum,
        einddatum=einddatum,
        beginsaldo=t["begin"],
        opgelegd=t["opgelegd"],
        ontvangen=-t["ontvangen"],
        correcties=t["correcties"],
        eindsaldo=t["eind"],
        openstaand_vorderingen=openstaand,
        eindsaldo_vorderingen=t["eind_vorderingen"],
    )
