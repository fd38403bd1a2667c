"""Finding, creating and updating debtors: one record per person or company across all TSAs
and organisations, matched on BSN, RSIN, KvK-nummer or debiteurnummer."""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from inningen.choices import Debiteursoort
from inningen.db.bulk import bulk_insert
from inningen.debiteuren.models import Debiteur, DebiteurRekening

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
        "zoekwoorden",
        "created_at",
        "updated_at",
    }
)
_UPDATABLE = frozenset(UPDATABLE_FIELDS)  # for the membership test per value
# What an update of a known debtor may write.
_WRITABLE = (
    *UPDATABLE_FIELDS,
    "bsn",
    "rsin",
    "kvk_nummer",
    "debiteurnummer",
    "zoeknaam",
    "zoekwoorden",
)
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


@transaction.atomic
def debiteuren_upsert(*, invoer: list[DebiteurInvoer]) -> list[Debiteur]:
    """Return one Debiteur per invoer (same order), creating or updating in bulk.

    Newer data wins: non-empty values in the invoer overwrite stored ones. Two invoer rows with
    the same identity resolve to the same Debiteur.
    """
    if not invoer:
        return []
    q = Q(pk__in=[])
    for naam in ("bsn", "rsin", "kvk_nummer", "debiteurnummer"):
        waarden = {getattr(i, naam) for i in invoer if getattr(i, naam)}
        if waarden:
            q |= Q(**{f"{naam}__in": waarden})
    index: dict[tuple[str, str], Debiteur] = {}
    opgeslagen: dict[int, tuple] = {}  # the stored values, to write only what changes
    for deb in Debiteur.objects.filter(q):
        opgeslagen[deb.pk] = tuple(getattr(deb, naam) for naam in _WRITABLE)
        for naam in ("bsn", "rsin", "kvk_nummer", "debiteurnummer"):
            if getattr(deb, naam):
                index[(naam, getattr(deb, naam))] = deb

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
        deb.zoekvelden_bijwerken()
    bulk_insert(nieuw)
    # Known debtors are written only where their data changes, and only the changed fields: a
    # TSA sending the same people again (the common case) costs no UPDATE at all.
    te_schrijven, velden = [], set()
    for deb in gewijzigd.values():
        anders = {
            naam
            for naam, oud in zip(_WRITABLE, opgeslagen[deb.pk], strict=True)
            if getattr(deb, naam) != oud
        }
        if anders:
            te_schrijven.append(deb)
            velden |= anders
    if te_schrijven:
        Debiteur.objects.bulk_update(
            te_schrijven, [f for f in _WRITABLE if f in velden], batch_size=_UPDATE_BATCH
        )
    _add_rekeningen(result, invoer)
    return result


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


def _add_rekeningen(debiteuren: list[Debiteur], invoer: list[DebiteurInvoer]) -> None:
    wens = {
        (deb.pk, iban) for deb, item in zip(debiteuren, invoer, strict=True) for iban in item.ibans
    }
    if not wens:
        return
    bestaand = set(
        DebiteurRekening.objects.filter(debiteur__in={pk for pk, _ in wens}).values_list(
            "debiteur_id", "iban"
        )
    )
    bulk_insert(DebiteurRekening(debiteur_id=pk, iban=iban) for pk, iban in sorted(wens - bestaand))


def debiteur_natuurlijk_persoon(**kwargs) -> DebiteurInvoer:
    return DebiteurInvoer(soort=Debiteursoort.NATUURLIJK_PERSOON, **kwargs)


def debiteur_niet_natuurlijk_persoon(**kwargs) -> DebiteurInvoer:
    return DebiteurInvoer(soort=Debiteursoort.NIET_NATUURLIJK_PERSOON, **kwargs)
