"""The ledger's one entry point. Boekingen are only ever added, and only through
:func:`boekingen_create`; the cached open balance of every affected claim moves by exactly the
sum added, in the same transaction and set-based. Nothing else writes Boeking rows or
``Vordering.openstaand_bedrag`` (tests/inningen/grootboek/test_ledger.py checks the source)."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from inningen.db.bulk import bulk_insert, rijen_insert, update_per_pk
from inningen.grootboek.models import Boeking, Vordering


@transaction.atomic
def boekingen_create(*, boekingen: Iterable[Boeking | Mapping[str, Any]]) -> list[Boeking]:
    """Add Boekingen to the ledger and move each claim's ``openstaand_bedrag`` by their sum.

    Boekingen come as new model instances (returned saved, with their keys) or, for runs that
    book tens of thousands at once, as plain dicts of field values (attnames, all dicts with the
    same keys; written without building instances, not returned). Either way: one COPY (or
    bulk_create) per kind and one set-based UPDATE of the balances, in the caller's transaction.
    """
    instances: list[Boeking] = []
    rijen: list[Mapping[str, Any]] = []
    deltas: dict[int, int] = defaultdict(int)
    for boeking in boekingen:
        if isinstance(boeking, Boeking):
            if boeking.pk is not None:
                raise ValueError("boekingen_create takes new Boekingen only.")
            incl, excl, btw = boeking.bedrag_incl_btw, boeking.bedrag_excl_btw, boeking.bedrag_btw
            vordering_id = boeking.vordering_id
            instances.append(boeking)
        else:
            incl, excl, btw = (
                boeking["bedrag_incl_btw"],
                boeking["bedrag_excl_btw"],
                boeking["bedrag_btw"],
            )
            vordering_id = boeking.get("vordering_id")
            rijen.append(boeking)
        if incl != excl + btw:
            raise ValueError(f"Boeking incl ≠ excl + btw: {boeking}")
        if vordering_id is not None:
            deltas[vordering_id] += incl
    created = bulk_insert(instances)
    if rijen:
        velden = tuple(rijen[0])
        rijen_insert(Boeking, velden, [tuple(rij[v] for v in velden) for rij in rijen])
    # The balance cache moves here and only here (one UPDATE ... FROM (VALUES ...) per chunk).
    items = [(pk, delta) for pk, delta in deltas.items() if delta]
    update_per_pk(Vordering, "openstaand_bedrag", items, optellen=True)
    return created
