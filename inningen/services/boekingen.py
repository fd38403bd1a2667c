"""Writing the ledger. Boekingen are only ever added; the cached open balance of every
affected claim moves by exactly the sum added, in the same transaction."""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Case, F, When

from ..models import Boeking, Vordering

# Large batches are split so the CASE expression stays a sane size.
_UPDATE_CHUNK = 500


@transaction.atomic
def boekingen_create(*, boekingen: Iterable[Boeking]) -> list[Boeking]:
    """Insert new Boekingen and move each claim's openstaand_bedrag by their sum."""
    boekingen = list(boekingen)
    for boeking in boekingen:
        if boeking.pk is not None:
            raise ValueError("boekingen_create takes new Boekingen only.")
        if boeking.bedrag_incl_btw != boeking.bedrag_excl_btw + boeking.bedrag_btw:
            raise ValueError(f"Boeking incl ≠ excl + btw: {boeking}")
    created = Boeking.objects.bulk_create(boekingen)
    deltas: dict[int, int] = defaultdict(int)
    for boeking in created:
        if boeking.vordering_id is not None:
            deltas[boeking.vordering_id] += boeking.bedrag_incl_btw
    _apply_deltas(deltas)
    return created


def _apply_deltas(deltas: dict[int, int]) -> None:
    items = [(pk, delta) for pk, delta in deltas.items() if delta]
    for start in range(0, len(items), _UPDATE_CHUNK):
        chunk = items[start : start + _UPDATE_CHUNK]
        Vordering.objects.filter(pk__in=[pk for pk, _ in chunk]).update(
            openstaand_bedrag=F("openstaand_bedrag")
            + Case(*(When(pk=pk, then=delta) for pk, delta in chunk), default=0)
        )
