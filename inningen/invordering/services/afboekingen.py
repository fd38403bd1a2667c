"""Afboekingen: oninbaar verklaren, kwijtschelden and verminderen, under four eyes.

One user proposes (Afboekingsvoorstel), another with ``inningen.beoordelen_afboeking``
approves or rejects. Approval books negative Boekingen and sets the claim's status, which the
outbox sends to the TSA.

What is booked, per part of the claim (``Boeking.deel``) and per boekingssleutel:

* oninbaar and kwijtschelding (full or partial) go off in the order of Invorderingswet art. 7,
  costs, then interest, then principal, like a payment; a full one thus empties every part. A
  partial kwijtschelding leaves principal, the part the TSA knows about.
* vermindering lowers the principal only (the claim itself was too high); costs and interest
  stay, and the amount may not exceed the open principal.

Within a part the amount is taken from the keys with an open balance, largest first: the
principal's keys are the vorderingcodes the claim was imposed with, costs and interest keep
their own keys, so the verantwoording sees each write-off under the key it was imposed on.
Like payments, write-offs carry no VAT of their own (excl = incl); a VAT correction towards the
tax authorities follows from the TSA's own credit note, not from the collection ledger.
Regeling termijnen of the claim (``Termijn``) are not touched.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from inningen.choices import (
    Afboekingsoort,
    Boekingdeel,
    Boekingsoort,
    VoorstelStatus,
    VorderingStatus,
)
from inningen.grootboek.models import Boeking, Vordering
from inningen.grootboek.services.boekingen import boekingen_create
from inningen.grootboek.services.statussen import vordering_status_set
from inningen.grootboek.toerekening import TOEREKENINGSVOLGORDE, effectief_deel
from inningen.invordering.models import Afboekingsvoorstel

PERMISSIE_BEOORDELEN = "inningen.beoordelen_afboeking"
PERMISSIE_VOORSTELLEN = "inningen.add_afboekingsvoorstel"
BOEKINGSOORT = {
    Afboekingsoort.ONINBAAR: Boekingsoort.ONINBAAR,
    Afboekingsoort.KWIJTSCHELDING: Boekingsoort.KWIJTSCHELDING,
    Afboekingsoort.VERMINDERING: Boekingsoort.VERMINDERING,
}
GEDEELTELIJK_KWIJTGESCHOLDEN = "Gedeeltelijk kwijtgescholden"


def open_per_deel(vordering_pk: int) -> dict[str, dict[str, int]]:
    """What is open on a claim per part and, within it, per boekingssleutel (one query)."""
    result: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rijen = (
        Boeking.objects.filter(vordering_id=vordering_pk)
        .values_list("soort", "deel", "boekingssleutel")
        .annotate(s=Sum("bedrag_incl_btw"))
        .order_by()
    )
    for soort, deel, sleutel, som in rijen:
        result[effectief_deel(soort, deel)][sleutel] += som
    return result


def _deel_open(per_sleutel: dict[str, int] | None) -> int:
    return max(0, sum((per_sleutel or {}).values()))


def _verdeel(per_deel, bedrag: int, delen) -> list[tuple[str, str, int]]:
    """(deel, sleutel, amount) taking ``bedrag`` off ``delen`` in order, keys largest first."""
    result = []
    for deel in delen:
        per_sleutel = per_deel.get(deel, {})
        neem_deel = min(bedrag, _deel_open(per_sleutel))
        for sleutel, open_ in sorted(per_sleutel.items(), key=lambda kv: (-kv[1], kv[0])):
            if neem_deel <= 0 or open_ <= 0:
                continue
            neem = min(open_, neem_deel)
            result.append((deel, sleutel, neem))
            neem_deel -= neem
            bedrag -= neem
    if bedrag:
        raise ValidationError("Het bedrag is hoger dan wat er op de vordering openstaat.")
    return result


def _maximum(vordering: Vordering, soort: str, per_deel) -> int:
    if soort == Afboekingsoort.VERMINDERING:
        return min(vordering.openstaand_bedrag, _deel_open(per_deel.get(Boekingdeel.HOOFDSOM)))
    return vordering.openstaand_bedrag


def _vordering_van(user, vordering_pk: int) -> Vordering:
    vordering = (
        Vordering.objects.for_user(user)
        .select_for_update(of=("self",))
        .filter(pk=vordering_pk)
        .first()
    )
    if vordering is None:
        raise PermissionDenied("Vordering niet gevonden.")
    return vordering


@transaction.atomic
def afboeking_propose(
    *, vordering: Vordering, soort: str, bedrag: int | None = None, reden: str, user
) -> Afboekingsvoorstel:
    """Propose a write-off. Oninbaar is always the whole open amount; kwijtschelding without
    an amount is the whole open amount, with one a part; vermindering needs an amount of at
    most the open principal. One open proposal per claim."""
    if not user.has_perm(PERMISSIE_VOORSTELLEN):
        raise PermissionDenied("Geen recht om afboekingen voor te stellen.")
    reden = (reden or "").strip()
    if not reden:
        raise ValidationError("Geef een reden voor de afboeking.")
    if soort not in Afboekingsoort.values:
        raise ValidationError("Onbekende soort afboeking.")
    vordering = _vordering_van(user, vordering.pk)
    if vordering.is_afgesloten or vordering.openstaand_bedrag <= 0:
        raise ValidationError("Op deze vordering staat niets open.")
    if Afboekingsvoorstel.objects.filter(
        vordering=vordering, status=VoorstelStatus.VOORGESTELD
    ).exists():
        raise ValidationError("Voor deze vordering ligt al een voorstel ter beoordeling.")
    per_deel = open_per_deel(vordering.pk)
    maximum = _maximum(vordering, soort, per_deel)
    if soort == Afboekingsoort.ONINBAAR:
        if bedrag is not None and bedrag != vordering.openstaand_bedrag:
            raise ValidationError("Oninbaar verklaren geldt voor het hele openstaande bedrag.")
        bedrag = vordering.openstaand_bedrag
    elif soort == Afboekingsoort.KWIJTSCHELDING and bedrag is None:
        bedrag = vordering.openstaand_bedrag
    elif bedrag is None:
        raise ValidationError("Geef het bedrag van de vermindering.")
    if not 0 < bedrag <= maximum:
        grens = (
            "de openstaande hoofdsom"
            if soort == Afboekingsoort.VERMINDERING
            else "het openstaande bedrag"
        )
        raise ValidationError(f"Het bedrag moet groter dan nul zijn en ten hoogste {grens}.")
    return Afboekingsvoorstel.objects.create(
        vordering=vordering, soort=soort, bedrag=bedrag, reden=reden[:1000], voorgesteld_door=user
    )


@transaction.atomic
def afboeking_review(
    *, voorstel: Afboekingsvoorstel, user, goedkeuren: bool, toelichting: str = ""
) -> Afboekingsvoorstel:
    """Approve (book and set the status) or reject a proposal: four eyes, so never by the
    user who proposed it."""
    toelichting = (toelichting or "").strip()
    voorstel = Afboekingsvoorstel.objects.select_for_update().get(pk=voorstel.pk)
    if not user.has_perm(PERMISSIE_BEOORDELEN):
        raise PermissionDenied("Geen recht om afboekingen te beoordelen.")
    if voorstel.status != VoorstelStatus.VOORGESTELD:
        raise ValidationError("Dit voorstel is al beoordeeld.")
    if voorstel.voorgesteld_door_id == user.pk:
        raise ValidationError(
            "Vier ogen: een voorstel wordt beoordeeld door een ander dan de indiener."
        )
    vordering = _vordering_van(user, voorstel.vordering_id)
    voorstel.beoordeeld_door = user
    voorstel.beoordeeld_op = timezone.now()
    voorstel.toelichting_beoordeling = toelichting[:1000]
    if not goedkeuren:
        if not toelichting:
            raise ValidationError("Geef bij afwijzen een toelichting.")
        voorstel.status = VoorstelStatus.AFGEWEZEN
        voorstel.save(
            update_fields=["status", "beoordeeld_door", "beoordeeld_op", "toelichting_beoordeling"]
        )
        return voorstel
    _boek(voorstel, vordering, user)
    voorstel.status = VoorstelStatus.GOEDGEKEURD
    voorstel.save(
        update_fields=["status", "beoordeeld_door", "beoordeeld_op", "toelichting_beoordeling"]
    )
    return voorstel


def _boek(voorstel: Afboekingsvoorstel, vordering: Vordering, user) -> None:
    open_ = vordering.openstaand_bedrag
    if vordering.is_afgesloten or open_ <= 0:
        raise ValidationError("Op deze vordering staat intussen niets meer open; wijs het af.")
    per_deel = open_per_deel(vordering.pk)
    volledig = voorstel.soort == Afboekingsoort.ONINBAAR
    # A whole write-off must leave nothing open: if a payment or storno changed the amount since
    # it was proposed, the approver would sign for a different amount.
    if volledig and voorstel.bedrag != open_:
        raise ValidationError(
            "Het openstaande bedrag is sinds het voorstel gewijzigd; wijs het af en stel opnieuw voor."
        )
    if voorstel.bedrag > _maximum(vordering, voorstel.soort, per_deel):
        raise ValidationError(
            "Er is intussen betaald: het voorstel is hoger dan wat openstaat. "
            "Wijs het af en stel opnieuw voor."
        )
    delen = (
        (Boekingdeel.HOOFDSOM,)
        if voorstel.soort == Afboekingsoort.VERMINDERING
        else TOEREKENINGSVOLGORDE
    )
    soort = BOEKINGSOORT[voorstel.soort]
    door = user.get_username()
    vandaag = timezone.localdate()
    omschrijving = (
        f"{voorstel.get_soort_display()}: {voorstel.reden} "
        f"(voorgesteld door {voorstel.voorgesteld_door.get_username()}, goedgekeurd door {door})"
    )[:500]
    boekingen_create(
        boekingen=[
            Boeking(
                organisatie_id=vordering.organisatie_id,
                vordering=vordering,
                soort=soort,
                deel=deel,
                boekdatum=vandaag,
                bedrag_incl_btw=-bedrag,
                bedrag_excl_btw=-bedrag,
                bedrag_btw=0,
                boekingssleutel=sleutel,
                omschrijving=omschrijving,
                door=door,
            )
            for deel, sleutel, bedrag in _verdeel(per_deel, voorstel.bedrag, delen)
        ]
    )
    if voorstel.soort == Afboekingsoort.ONINBAAR:
        status, opmerking = VorderingStatus.ONINBAAR, voorstel.reden
    elif voorstel.soort == Afboekingsoort.KWIJTSCHELDING and voorstel.bedrag == open_:
        status, opmerking = VorderingStatus.KWIJTGESCHOLDEN, voorstel.reden
    elif voorstel.soort == Afboekingsoort.KWIJTSCHELDING:
        # KWI closes a claim; what remains must still be collected, so the TSA hears VRM.
        status, opmerking = (
            VorderingStatus.VERMINDERD,
            f"{GEDEELTELIJK_KWIJTGESCHOLDEN}: {voorstel.reden}",
        )
    else:
        status, opmerking = VorderingStatus.VERMINDERD, voorstel.reden
    vordering_status_set(vordering=vordering, status=status, door=door, opmerkingen=opmerking)
