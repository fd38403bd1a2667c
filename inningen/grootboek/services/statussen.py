"""Status changes of claims: the current status on the Vordering plus an append-only history."""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from inningen.choices import VorderingStatus
from inningen.db.bulk import bulk_insert
from inningen.grootboek.models import Vordering, Vorderingstatus
from inningen.grootboek.signals import vorderingstatussen_vastgelegd

_CHUNK = 10_000


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
    # COPY on PostgreSQL: a bank statement sets tens of thousands of statuses at once.
    historie = bulk_insert(
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
    # One UPDATE per distinct status: a CASE with a branch per claim costs rows x branches,
    # which for a bank statement of 50,000 payments would take minutes.
    per_status: dict[str, list[int]] = defaultdict(list)
    for w in wijzigingen:
        per_status[str(w.status)].append(w.vordering.pk)
    for status, pks in per_status.items():
        for start in range(0, len(pks), _CHUNK):
            Vordering.objects.filter(pk__in=pks[start : start + _CHUNK]).update(
                status=status, status_datum=tijdstip
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
