"""Status changes of claims: the current status on the Vordering plus an append-only history."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from ..choices import VorderingStatus
from ..models import Vordering, Vorderingstatus
from ..signals import vorderingstatussen_vastgelegd


@dataclass(slots=True)
class StatusWijziging:
    vordering: Vordering
    status: VorderingStatus | str
    opmerkingen: str = ""
    totaal_betaald: int | None = None
    deel_bedrag_betaald: int | None = None


@transaction.atomic
def vorderingen_status_set(*, wijzigingen: list[StatusWijziging], door: str, tijdstip=None):
    """Record status changes for many claims in a fixed number of queries."""
    if not wijzigingen:
        return []
    tijdstip = tijdstip or timezone.now()
    historie = Vorderingstatus.objects.bulk_create(
        Vorderingstatus(
            vordering=w.vordering,
            status=w.status,
            datum_en_tijd=tijdstip,
            totaal_betaald=w.totaal_betaald,
            deel_bedrag_betaald=w.deel_bedrag_betaald,
            opmerkingen=w.opmerkingen[:1000],
            door=door,
        )
        for w in wijzigingen
    )
    Vordering.objects.filter(pk__in=[w.vordering.pk for w in wijzigingen]).update(
        status=Case(*(When(pk=w.vordering.pk, then=Value(str(w.status))) for w in wijzigingen)),
        status_datum=tijdstip,
    )
    for w in wijzigingen:
        w.vordering.status = w.status
        w.vordering.status_datum = tijdstip
    # Subscribers (the StUF outbox) record their messages in this same transaction.
    vorderingstatussen_vastgelegd.send(sender=Vorderingstatus, statussen=historie)
    return historie


def vordering_status_set(
    *,
    vordering: Vordering,
    status,
    door: str,
    opmerkingen: str = "",
    totaal_betaald=None,
    deel_bedrag_betaald=None,
    tijdstip=None,
):
    return vorderingen_status_set(
        wijzigingen=[
            StatusWijziging(vordering, status, opmerkingen, totaal_betaald, deel_bedrag_betaald)
        ],
        door=door,
        tijdstip=tijdstip,
    )[0]
