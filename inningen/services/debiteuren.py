"""Finding, creating and updating debtors: one record per person or company across all TSAs
and organisations, matched on BSN, RSIN, KvK-nummer or debiteurnummer."""

import operator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from ..choices import Debiteursoort
from ..models import Debiteur, DebiteurRekening
from ..writebehind import independent_reads
from .boekingen import CopyRows, KeyReserve, bulk_insert

# Fields a message may fill; empty values never erase what we know.
UPDATABLE_FIELDS = tuple(
    f.name
    for f in Debiteur._meta.concrete_fields
    if f.name
    not in {
        "id",
        "soort",
        "bsn",
        "rsin",
        "kvk_nummer",
        "debiteurnummer",
        "zoeknaam",
        "created_at",
        "updated_at",
    }
)
_UPDATABLE = frozenset(UPDATABLE_FIELDS)  # for the membership test per value
# What an update of a known debtor may write.
_WRITABLE = (*UPDATABLE_FIELDS, "bsn", "rsin", "kvk_nummer", "debiteurnummer", "zoeknaam")
_writable_values = operator.attrgetter(*_WRITABLE)  # all in one C call
# bulk_update sends one CASE per field over its whole batch, which PostgreSQL evaluates for every
# row: the cost grows with rows x batch size (1,000 debtors in one batch took ~10 s).
_UPDATE_BATCH = 100


@dataclass(slots=True)
class DebiteurInvoer:
    soort: str
    bsn: str = ""
    rsin: str = ""
    kvk_nummer: str = ""
    debiteurnummer: str = ""
    gegevens: dict[str, Any] = field(default_factory=dict)
    ibans: list[str] = field(default_factory=list)

    def sleutels(self):
        """Identifying keys, strongest first."""
        return [
            (k, v)
            for k, v in (
                ("bsn", self.bsn),
                ("rsin", self.rsin),
                ("kvk_nummer", self.kvk_nummer),
                ("debiteurnummer", self.debiteurnummer),
            )
            if v
        ]


_SLEUTELS = ("bsn", "rsin", "kvk_nummer", "debiteurnummer")


@dataclass
class DebiteurenBatch:
    """What :func:`debiteuren_upsert` knows of a batch of debtors handled in parts (chunks) of
    one transaction: every debtor it saw or wrote under each of its keys, with the values as
    stored, and their accounts. A later part resolves to the same debtor without asking the
    database again; it only asks for keys it has not seen, whose rows cannot be among those the
    earlier parts queued (see inningen.writebehind)."""

    index: dict[tuple[str, str], Debiteur] = field(default_factory=dict)
    per_pk: dict[int, Debiteur] = field(default_factory=dict)
    opgeslagen: dict[int, tuple] = field(default_factory=dict)  # to write only what changes
    gevraagd: set[tuple[str, str]] = field(default_factory=set)
    rekeningen: set[tuple[int, str]] = field(default_factory=set)
    rekeningen_van: set[int] = field(default_factory=set)  # debtors whose accounts are known
    nieuw: set[int] = field(default_factory=set)  # debtors the batch created
    sleutels: KeyReserve | None = None  # keys for new debtors

    def remember(self, deb: Debiteur) -> None:
        self.per_pk[deb.pk] = deb
        self.opgeslagen[deb.pk] = _writable_values(deb)

    def load(self, invoer: list[DebiteurInvoer]) -> None:
        """Look up the stored debtors of every part at once, before the first part is written;
        the reserve then expects a key for each invoer no stored debtor matches."""
        _load(self, invoer)
        if self.sleutels is not None:
            nieuw = sum(1 for i in invoer if not any(k in self.index for k in i.sleutels()))
            self.sleutels.expect(Debiteur, nieuw)


@transaction.atomic
def debiteuren_upsert(
    *, invoer: list[DebiteurInvoer], batch: DebiteurenBatch | None = None
) -> list[Debiteur]:
    """Return one Debiteur per invoer (same order), creating or updating in bulk.

    Newer data wins: non-empty values in the invoer overwrite stored ones. Two invoer rows with
    the same identity resolve to the same Debiteur, also across the calls of one ``batch``.
    """
    if not invoer:
        return []
    batch = batch if batch is not None else DebiteurenBatch()
    index = batch.index
    _load(batch, invoer)

    result: list[Debiteur] = []
    nieuw: list[Debiteur] = []
    gewijzigd: dict[int, Debiteur] = {}
    for item in invoer:
        deb = next((index[k] for k in item.sleutels() if k in index), None)
        if deb is None:
            deb = Debiteur(soort=item.soort)
            nieuw.append(deb)
        elif deb.pk:
            gewijzigd[deb.pk] = deb
        _apply(deb, item, index)
        for k in item.sleutels():
            index.setdefault(k, deb)
        result.append(deb)

    for deb in [*nieuw, *gewijzigd.values()]:
        deb.zoeknaam = deb.compute_zoeknaam()
    bulk_insert(nieuw, sleutels=batch.sleutels)
    for deb in nieuw:
        batch.remember(deb)
        batch.nieuw.add(deb.pk)
        batch.rekeningen_van.add(deb.pk)  # a new debtor has no accounts yet
    # Known debtors are written only where their data changes, and only the changed fields: a
    # TSA sending the same people again (the common case) costs no UPDATE at all.
    te_schrijven, velden = [], set()
    for deb in gewijzigd.values():
        anders = {
            naam
            for naam, oud in zip(_WRITABLE, batch.opgeslagen[deb.pk], strict=True)
            if getattr(deb, naam) != oud
        }
        if anders:
            te_schrijven.append(deb)
            velden |= anders
    if te_schrijven:
        Debiteur.objects.bulk_update(
            te_schrijven, [f for f in _WRITABLE if f in velden], batch_size=_UPDATE_BATCH
        )
        for deb in te_schrijven:
            batch.remember(deb)
    _add_rekeningen(result, invoer, batch)
    return result


def _load(batch: DebiteurenBatch, invoer: list[DebiteurInvoer]) -> None:
    """The stored debtors with a key of ``invoer`` the batch has not asked for yet."""
    q, gevraagd = Q(pk__in=[]), set()
    for naam in _SLEUTELS:
        waarden = {
            waarde
            for i in invoer
            if (waarde := getattr(i, naam))
            and (naam, waarde) not in batch.index
            and (naam, waarde) not in batch.gevraagd
        }
        if waarden:
            q |= Q(**{f"{naam}__any": waarden})
            gevraagd.update((naam, w) for w in waarden)
    if not gevraagd:
        return
    with independent_reads():
        gevonden = list(Debiteur.objects.filter(q))
    batch.gevraagd |= gevraagd
    for deb in gevonden:
        # One the batch already holds (found by another key) stays the instance it holds.
        deb = batch.per_pk.get(deb.pk, deb)
        if deb.pk not in batch.opgeslagen:
            batch.remember(deb)
        for naam in _SLEUTELS:
            if getattr(deb, naam):
                batch.index.setdefault((naam, getattr(deb, naam)), deb)


def _apply(deb: Debiteur, item: DebiteurInvoer, index) -> None:
    for naam, waarde in item.sleutels():
        # Never move an identifier that already belongs to another debtor.
        eigenaar = index.get((naam, waarde))
        if not getattr(deb, naam) and (eigenaar is None or eigenaar is deb):
            setattr(deb, naam, waarde)
    for naam, waarde in item.gegevens.items():
        if naam not in _UPDATABLE:
            raise ValueError(f"Onbekend debiteurveld: {naam}")
        if waarde not in (None, ""):
            setattr(deb, naam, waarde)


def _add_rekeningen(
    debiteuren: list[Debiteur], invoer: list[DebiteurInvoer], batch: DebiteurenBatch
) -> None:
    wens = {
        (deb.pk, iban) for deb, item in zip(debiteuren, invoer, strict=True) for iban in item.ibans
    }
    if not wens:
        return
    onbekend = {pk for pk, _ in wens} - batch.rekeningen_van
    if onbekend:
        with independent_reads():
            batch.rekeningen.update(
                DebiteurRekening.objects.filter(debiteur__any=onbekend).values_list(
                    "debiteur_id", "iban"
                )
            )
        batch.rekeningen_van |= onbekend
    nieuw = sorted(wens - batch.rekeningen)
    if nieuw:
        # Keys drawn by the database: no statement that would wait for a write-behind.
        rijen = CopyRows(DebiteurRekening, ("debiteur_id", "iban"))
        for pk, iban in nieuw:
            rijen.add(pk, iban)
        rijen.write()
    batch.rekeningen.update(nieuw)


def debiteur_natuurlijk_persoon(**kwargs) -> DebiteurInvoer:
    return DebiteurInvoer(soort=Debiteursoort.NATUURLIJK_PERSOON, **kwargs)


def debiteur_niet_natuurlijk_persoon(**kwargs) -> DebiteurInvoer:
    return DebiteurInvoer(soort=Debiteursoort.NIET_NATUURLIJK_PERSOON, **kwargs)
