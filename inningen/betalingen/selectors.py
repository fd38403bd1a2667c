"""Reading bank entries and credit balances for the screens and the refund/offset lists."""

from django.db.models import QuerySet, Sum

from inningen.betalingen.models import Betaling
from inningen.choices import BetalingStatus, Boekingdeel
from inningen.grootboek.models import Boeking


def tegoeden(*, organisaties) -> list[tuple[int, int]]:
    """(debiteur pk, credit in cents) of every debtor with a credit balance, largest first: the
    list for refunding or offsetting. The credit is what the tegoed Boekingen hold (negative in
    the ledger: the municipality owes it)."""
    rijen = (
        Boeking.objects.filter(
            organisatie__in=organisaties,
            vordering__isnull=True,
            deel=Boekingdeel.TEGOED,
            debiteur__isnull=False,
        )
        .values_list("debiteur_id")
        .annotate(s=Sum("bedrag_incl_btw"))
        .filter(s__lt=0)
        .order_by("s")
    )
    return [(deb, -som) for deb, som in rijen]


def terug_te_betalen(*, organisaties) -> QuerySet[Betaling]:
    """Entries whose rest must be paid back (marked in the work list), oldest first."""
    return Betaling.objects.filter(
        organisatie__in=organisaties, status=BetalingStatus.TERUGBETALEN
    ).order_by("boekdatum", "pk")
