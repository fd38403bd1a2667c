"""A debtor's credit (tegoed) in the ledger: offsetting it against claims and booking refunds.

The credit is what the Boekingen without a claim with deel ``tegoed`` hold, per organisation and
debtor (negative: the municipality owes it). Each such Boeking hangs on the bank entry
(Betaling) it came from; settling takes credit from those entries oldest first and books on the
same entry, so an entry's Boekingen keep summing to minus its amount (offsetting moves money
from its credit to claims) except for what was refunded (soort ``terugbetaling``: that money
left the bank account again).

Callers lock first (:func:`tegoed_lock`): the debtor row serialises every settlement of one
debtor's credit, the entries' rows serialise against the work list's manual allocation
(betalingen.betaling_allocate), which locks the entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone

from inningen.bedragen import euro
from inningen.betalingen.models import Betaling
from inningen.betalingen.services.betalingen import (
    SLEUTEL_TEGOED,
    _boeking,
    _standen,
    _statuswijzigingen,
    _toerekenen,
)
from inningen.choices import BetalingStatus, Boekingdeel, Boekingsoort
from inningen.debiteuren.models import Debiteur
from inningen.grootboek.models import Boeking, Vordering
from inningen.grootboek.services.boekingen import boekingen_create
from inningen.grootboek.services.statussen import vorderingen_status_set


@dataclass(slots=True)
class Bron:
    """The credit one bank entry still holds for the debtor."""

    betaling: Betaling
    tegoed: int


def _tegoed_boekingen(organisatie_id: int, debiteur_id: int):
    return Boeking.objects.filter(
        organisatie_id=organisatie_id,
        debiteur_id=debiteur_id,
        vordering__isnull=True,
        deel=Boekingdeel.TEGOED,
    )


def tegoed_saldo(*, organisatie_id: int, debiteur_id: int) -> int:
    """The debtor's credit at the organisation in cents (positive: owed to the debtor)."""
    return -_tegoed_boekingen(organisatie_id, debiteur_id).saldo()


def tegoed_lock(*, organisatie_id: int, debiteur_id: int) -> list[Bron]:
    """Lock the debtor and the entries holding its credit; return those with credit left,
    oldest first (the order credit is used in). Call inside a transaction."""
    Debiteur.objects.select_for_update().filter(pk=debiteur_id).first()
    betalingen = list(
        Betaling.objects.select_for_update()
        .filter(
            pk__in=_tegoed_boekingen(organisatie_id, debiteur_id)
            .filter(betaling__isnull=False)
            .values("betaling_id")
        )
        .order_by("pk")
    )
    # Summed under the locks: a manual allocation may have used credit meanwhile.
    per_betaling = dict(
        _tegoed_boekingen(organisatie_id, debiteur_id)
        .filter(betaling__in=betalingen)
        .values_list("betaling_id")
        .annotate(s=Sum("bedrag_incl_btw"))
        .order_by()
    )
    bronnen = [
        Bron(b, -per_betaling.get(b.pk, 0)) for b in betalingen if per_betaling.get(b.pk, 0) < 0
    ]
    bronnen.sort(key=lambda bron: (bron.betaling.boekdatum, bron.betaling.pk))
    return bronnen


def _bronnen_bijwerken(bronnen: list[Bron]) -> None:
    """An entry whose rest is credit (status tegoed) caches that rest; used up, it is done."""
    gewijzigd = []
    nu = timezone.now()
    for bron in bronnen:
        b = bron.betaling
        if b.status != BetalingStatus.TEGOED:
            continue
        b.restbedrag = bron.tegoed
        if bron.tegoed == 0:
            b.status = BetalingStatus.TOEGEREKEND
        b.updated_at = nu  # bulk_update skips auto_now
        gewijzigd.append(b)
    Betaling.objects.bulk_update(gewijzigd, ["restbedrag", "status", "updated_at"])


@dataclass(slots=True)
class Verrekening:
    """What an offset booked: per claim the amount taken off it, in the order taken."""

    regels: list[tuple[Vordering, int]] = field(default_factory=list)
    tegoed_voor: int = 0
    tegoed_na: int = 0

    @property
    def totaal(self) -> int:
        return sum(bedrag for _, bedrag in self.regels)


def tegoed_offset_book(
    *,
    organisatie_id: int,
    debiteur_id: int,
    vorderingen: list[Vordering],
    door: str,
    bronnen: list[Bron] | None = None,
) -> Verrekening:
    """Offset the debtor's credit against ``vorderingen`` in the order given (the caller's legal
    order); within a claim costs, interest, principal (termijnen oldest first) as a payment.

    Per piece: a Boeking on the entry the credit came from takes it off the credit, the usual
    allocation Boekingen put it on the claim; statuses (BET, or partly paid) go to the TSA as
    for any payment. Call inside a transaction; the claims should be locked by the caller, and
    ``bronnen`` is what the caller's :func:`tegoed_lock` returned (locked here when not given)."""
    if bronnen is None:
        bronnen = tegoed_lock(organisatie_id=organisatie_id, debiteur_id=debiteur_id)
    uitkomst = Verrekening(tegoed_voor=sum(b.tegoed for b in bronnen))
    if not bronnen or not vorderingen:
        uitkomst.tegoed_na = uitkomst.tegoed_voor
        return uitkomst
    if any(v.organisatie_id != organisatie_id or v.debiteur_id != debiteur_id for v in vorderingen):
        raise ValidationError("Alleen vorderingen van deze debiteur bij deze organisatie.")
    vandaag = timezone.localdate()
    standen = _standen([v.pk for v in vorderingen])
    boekingen: list[Boeking] = []
    bron_iter = iter(bronnen)
    bron = next(bron_iter)
    for v in vorderingen:
        stand = standen[v.pk]
        verrekend = 0
        omschrijving = f"Tegoed verrekend met vordering {stand.vordering.vorderingnummer}"
        while bron is not None and stand.vordering.openstaand_bedrag > 0:
            neem = min(bron.tegoed, stand.vordering.openstaand_bedrag)
            nieuw, rest = _toerekenen(bron.betaling, stand, neem, door=door, boekdatum=vandaag)
            gebruikt = neem - rest
            if gebruikt <= 0:
                break  # nothing open on the parts (a claim with only negative parts)
            for bo in nieuw:
                bo.omschrijving = omschrijving
            boekingen.append(
                _boeking(
                    bron.betaling,
                    gebruikt,
                    deel=Boekingdeel.TEGOED,
                    debiteur_id=debiteur_id,
                    sleutel=SLEUTEL_TEGOED,
                    omschrijving=omschrijving,
                    door=door,
                    boekdatum=vandaag,
                )
            )
            boekingen += nieuw
            bron.tegoed -= gebruikt
            verrekend += gebruikt
            if bron.tegoed == 0:
                bron = next(bron_iter, None)
            if rest:
                break
        if verrekend:
            uitkomst.regels.append((stand.vordering, verrekend))
        if bron is None:
            break
    if not boekingen:
        uitkomst.tegoed_na = uitkomst.tegoed_voor
        return uitkomst
    boekingen_create(boekingen=boekingen)
    _bronnen_bijwerken(bronnen)
    vorderingen_status_set(
        wijzigingen=_statuswijzigingen(
            [standen[v.pk] for v, _ in uitkomst.regels], omschrijving="Tegoed verrekend"
        ),
        door=door,
    )
    uitkomst.tegoed_na = uitkomst.tegoed_voor - uitkomst.totaal
    return uitkomst


def tegoed_refund_book(
    *, organisatie_id: int, debiteur_id: int, bedrag: int, eerst, omschrijving: str, door: str
) -> list[Boeking]:
    """Book a refund of ``bedrag`` cents of the debtor's credit: the money leaves the bank, the
    credit goes down (soort terugbetaling, on the entries the credit came from; ``eerst``, the
    entry whose counter account is paid, first). Call inside a transaction."""
    bronnen = tegoed_lock(organisatie_id=organisatie_id, debiteur_id=debiteur_id)
    beschikbaar = sum(b.tegoed for b in bronnen)
    if bedrag <= 0:
        raise ValidationError("Het bedrag moet groter dan nul zijn.")
    if bedrag > beschikbaar:
        raise ValidationError(
            f"Het tegoed is {euro(beschikbaar)}: {euro(bedrag)} terugbetalen kan niet."
        )
    # The entry whose counter account is paid first, then the others oldest first (sort is
    # stable, so they keep that order).
    bronnen.sort(key=lambda b: b.betaling.pk != getattr(eerst, "pk", None))
    vandaag = timezone.localdate()
    boekingen = []
    over = bedrag
    for bron in bronnen:
        if over <= 0:
            break
        neem = min(over, bron.tegoed)
        boekingen.append(
            _boeking(
                bron.betaling,
                neem,
                soort=Boekingsoort.TERUGBETALING,
                deel=Boekingdeel.TEGOED,
                debiteur_id=debiteur_id,
                sleutel=SLEUTEL_TEGOED,
                omschrijving=omschrijving,
                door=door,
                boekdatum=vandaag,
            )
        )
        bron.tegoed -= neem
        over -= neem
    created = boekingen_create(boekingen=boekingen)
    _bronnen_bijwerken(bronnen)
    return created
