"""Settling a debtor's credit (tegoed): offsetting it against the debtor's other open claims of
the same organisation (with a letter), and refunds under four eyes paid by a SEPA credit
transfer file (pain.001.001.03, made with sepaxml and validated against the vendored ISO 20022
XSD in ``inningen/invordering/schemas/``).

Offsetting order (Invorderingswet 1990 art. 7 and BW 6:43/6:44): the oldest claim first (by due
date, then invoice and creation date), within a claim costs, interest, principal. Claims with
uitstel, bezwaar or a kwijtschelding request in progress (an active opschorting), or with a
write-off awaiting its second pair of eyes, are skipped: offsetting is a way of collecting.

Refunds: one user proposes (amount, the counter account of one of the debtor's payments), a
different user approves or rejects. Approval books the refund once (credit down, the money
leaves the bank: ``betalingen.services.tegoed.tegoed_refund_book``); the next credit transfer
file of the organisation pays every approved refund not yet in a file, each exactly once.

A receipt on the work list that belongs to no one (``terugbetaling_rest_propose``) is paid back
the same way, without debtor: to its own counter account and name, at most its unallocated rest
(``betalingen.services.betalingen.betaling_rest_refund_book`` books it, under the entry's lock).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from schwifty import IBAN
from sepaxml import SepaTransfer

from inningen.bedragen import euro
from inningen.betalingen.models import Betaling, Terugbetaalbestand, Terugbetaling
from inningen.betalingen.services.betalingen import (
    BetalingFout,
    betaling_rest_lock,
    betaling_rest_refund_book,
    betaling_rest_refundable,
)
from inningen.betalingen.services.tegoed import (
    Verrekening,
    tegoed_lock,
    tegoed_offset_book,
    tegoed_refund_book,
    tegoed_saldo,
)
from inningen.choices import AFGESLOTEN_STATUSSEN, Briefsoort, VoorstelStatus
from inningen.debiteuren.models import Debiteur
from inningen.grootboek.models import Vordering
from inningen.invordering.models import Brief
from inningen.invordering.selectors.blokkades import (
    met_actieve_opschorting,
    met_open_afboekingsvoorstel,
)
from inningen.invordering.services.brieven import (
    brief_gegevens,
    brieven_create,
    debiteur_gegevens,
    organisatie_gegevens,
    vordering_gegevens,
)
from inningen.organisaties.models import Bankrekening, Organisatie
from inningen.organisaties.selectors import organisatie_ids_for_user
from inningen.validators import normalize_iban
from inningen.xsd import xsd_fout

PERMISSIE_VERREKENEN = "inningen.verrekenen_tegoed"
PERMISSIE_VOORSTELLEN = "inningen.add_terugbetaling"
PERMISSIE_BEOORDELEN = "inningen.beoordelen_terugbetaling"
PAIN_001_XSD = Path(__file__).resolve().parent.parent / "schemas" / "pain.001.001.03.xsd"


class TerugbetaalFout(ValidationError):
    """A refund file cannot be made (message for the user)."""


def _organisatie_van(user, organisatie_id: int) -> None:
    if organisatie_id not in organisatie_ids_for_user(user):
        raise PermissionDenied("Organisatie niet gevonden.")


# --- verrekenen ----------------------------------------------------------------------------------


def te_verrekenen(*, organisatie_id: int, debiteur_id: int, datum: dt.date) -> QuerySet[Vordering]:
    """The debtor's open claims of the organisation that credit may be offset against, in the
    legal order: oldest first."""
    return (
        Vordering.objects.filter(
            organisatie_id=organisatie_id, debiteur_id=debiteur_id, openstaand_bedrag__gt=0
        )
        .exclude(status__in=AFGESLOTEN_STATUSSEN)
        .annotate(
            _opgeschort=met_actieve_opschorting(datum),
            _afboeking=met_open_afboekingsvoorstel(),
            _oud=Coalesce("vervaldatum", "factuurdatum", "creatiedatum"),
        )
        .filter(_opgeschort=False, _afboeking=False)
        .order_by("_oud", "creatiedatum", "pk")
    )


def verrekening_plan(*, organisatie_id: int, debiteur_id: int) -> list[tuple[Vordering, int]]:
    """What offsetting would take off each claim now (a preview: the booking recomputes)."""
    over = tegoed_saldo(organisatie_id=organisatie_id, debiteur_id=debiteur_id)
    plan = []
    for v in te_verrekenen(
        organisatie_id=organisatie_id, debiteur_id=debiteur_id, datum=timezone.localdate()
    ).select_related("organisatie"):
        if over <= 0:
            break
        neem = min(over, v.openstaand_bedrag)
        plan.append((v, neem))
        over -= neem
    return plan


@transaction.atomic
def tegoed_verrekenen(
    *, organisatie: Organisatie, debiteur: Debiteur, user
) -> tuple[Verrekening, Brief]:
    """Offset the debtor's credit at ``organisatie`` against its open claims there, book it,
    push the statuses to the TSA and write the debtor a letter (soort verrekening)."""
    if not user.has_perm(PERMISSIE_VERREKENEN):
        raise PermissionDenied("Geen recht om tegoed te verrekenen.")
    _organisatie_van(user, organisatie.pk)
    vandaag = timezone.localdate()
    # Debtor and credit entries before the claims: the work list's allocation locks an entry
    # before its claims, so the same order here cannot deadlock with it.
    bronnen = tegoed_lock(organisatie_id=organisatie.pk, debiteur_id=debiteur.pk)
    vorderingen = list(
        te_verrekenen(organisatie_id=organisatie.pk, debiteur_id=debiteur.pk, datum=vandaag)
        .select_for_update(of=("self",))
        .only("pk", "organisatie_id", "debiteur_id", "openstaand_bedrag")
    )
    uitkomst = tegoed_offset_book(
        organisatie_id=organisatie.pk,
        debiteur_id=debiteur.pk,
        vorderingen=vorderingen,
        door=user.get_username(),
        bronnen=bronnen,
    )
    if not uitkomst.regels:
        if not uitkomst.tegoed_voor:
            raise ValidationError("Deze debiteur heeft bij deze organisatie geen tegoed.")
        raise ValidationError(
            "Er is niets te verrekenen: geen openstaande vorderingen bij deze organisatie "
            "(vorderingen met uitstel, bezwaar of een afboekingsvoorstel tellen niet mee)."
        )
    brief = _verrekeningsbrief(organisatie, debiteur, uitkomst, vandaag)
    [brief] = brieven_create(brieven=[brief])
    return uitkomst, brief


def _verrekeningsbrief(
    organisatie: Organisatie, debiteur: Debiteur, uitkomst: Verrekening, datum: dt.date
) -> Brief:
    verrekend = {v.pk: bedrag for v, bedrag in uitkomst.regels}
    # Read again after booking: the letter shows what is still open now.
    vorderingen = {v.pk: v for v in Vordering.objects.filter(pk__in=list(verrekend))}
    regels = [
        {**vordering_gegevens(vorderingen[pk]), "met_tegoed": bedrag}
        for pk, bedrag in verrekend.items()
    ]
    tekst = (
        f"Uw tegoed was {euro(uitkomst.tegoed_voor)}; daarvan is {euro(uitkomst.totaal)} "
        f"verrekend. "
        + (
            f"U houdt een tegoed van {euro(uitkomst.tegoed_na)}."
            if uitkomst.tegoed_na
            else "U heeft nu geen tegoed meer bij ons."
        )
    )
    return Brief(
        organisatie=organisatie,
        debiteur=debiteur,
        vordering=next(iter(vorderingen.values())) if len(vorderingen) == 1 else None,
        soort=Briefsoort.VERREKENING,
        datum=datum,
        gegevens=brief_gegevens(
            soort=Briefsoort.VERREKENING,
            datum=datum,
            onderwerp="Verrekening van uw tegoed",
            organisatie=organisatie_gegevens(organisatie),
            debiteur=debiteur_gegevens(debiteur),
            vorderingen=regels,
            totaal=uitkomst.totaal,
            tekst=tekst,
        ),
    )


# --- terugbetalen ----------------------------------------------------------------------------------


def tegenrekeningen(*, organisatie_id: int, debiteur_id: int) -> QuerySet[Betaling]:
    """The debtor's receipts at the organisation with a counter account: where a refund can go
    (the newest payment per account first)."""
    return (
        Betaling.objects.filter(
            organisatie_id=organisatie_id, debiteur_id=debiteur_id, bedrag__gt=0
        )
        .exclude(tegenrekening="")
        .order_by("-boekdatum", "-pk")
    )


def _voorgesteld(organisatie_id: int, debiteur_id: int) -> int:
    return Terugbetaling.objects.filter(
        organisatie_id=organisatie_id,
        debiteur_id=debiteur_id,
        status=VoorstelStatus.VOORGESTELD,
    ).aggregate(s=Coalesce(Sum("bedrag"), 0))["s"]


def _iban(tekst: str) -> str:
    try:
        return normalize_iban(tekst)
    except ValidationError:
        raise ValidationError(
            "De tegenrekening van deze betaling is geen geldig IBAN; terugbetalen kan daar niet "
            "naartoe."
        ) from None


@transaction.atomic
def terugbetaling_propose(*, betaling: Betaling, bedrag: int, reden: str, user) -> Terugbetaling:
    """Propose refunding ``bedrag`` cents of the credit of the debtor of ``betaling`` to that
    payment's counter account. Never more than the credit minus the refunds already proposed."""
    if not user.has_perm(PERMISSIE_VOORSTELLEN):
        raise PermissionDenied("Geen recht om terugbetalingen voor te stellen.")
    _organisatie_van(user, betaling.organisatie_id)
    reden = (reden or "").strip()
    if not reden:
        raise ValidationError("Geef een reden voor de terugbetaling.")
    if betaling.debiteur_id is None or betaling.bedrag <= 0 or not betaling.tegenrekening:
        raise ValidationError("Kies een ontvangst van de debiteur met een tegenrekening.")
    iban = _iban(betaling.tegenrekening)
    # Serialise proposals for one debtor, so two at once cannot both fit the same credit.
    Debiteur.objects.select_for_update().filter(pk=betaling.debiteur_id).first()
    tegoed = tegoed_saldo(organisatie_id=betaling.organisatie_id, debiteur_id=betaling.debiteur_id)
    vrij = tegoed - _voorgesteld(betaling.organisatie_id, betaling.debiteur_id)
    if bedrag is None or bedrag <= 0:
        raise ValidationError("Het bedrag moet groter dan nul zijn.")
    if bedrag > vrij:
        raise ValidationError(
            f"Het tegoed is {euro(tegoed)}, waarvan {euro(tegoed - vrij)} al is voorgesteld om "
            f"terug te betalen: ten hoogste {euro(max(vrij, 0))} kan nog worden voorgesteld."
        )
    debiteur = betaling.debiteur
    naam = (betaling.naam or str(debiteur)).strip()[:70] or "Onbekend"
    return Terugbetaling.objects.create(
        organisatie_id=betaling.organisatie_id,
        debiteur=debiteur,
        betaling=betaling,
        bedrag=bedrag,
        iban=iban,
        naam=naam,
        reden=reden[:500],
        voorgesteld_door=user,
    )


def _rest_voorgesteld(betaling_id: int) -> int:
    return Terugbetaling.objects.filter(
        betaling_id=betaling_id, debiteur__isnull=True, status=VoorstelStatus.VOORGESTELD
    ).aggregate(s=Coalesce(Sum("bedrag"), 0))["s"]


@transaction.atomic
def terugbetaling_rest_propose(
    *, betaling: Betaling, bedrag: int, reden: str, user
) -> Terugbetaling:
    """Propose paying back ``bedrag`` cents of the unallocated rest of a receipt on the work list
    (no debtor: money that is not for us) to the receipt's own counter account and name. Never
    more than the rest minus the refunds of it already proposed."""
    if not user.has_perm(PERMISSIE_VOORSTELLEN):
        raise PermissionDenied("Geen recht om terugbetalingen voor te stellen.")
    _organisatie_van(user, betaling.organisatie_id)
    reden = (reden or "").strip()
    if not reden:
        raise ValidationError("Geef een reden voor de terugbetaling.")
    # Serialise proposals for one entry, so two at once cannot both fit the same rest.
    betaling = betaling_rest_lock(betaling_id=betaling.pk)
    try:
        betaling_rest_refundable(betaling)
    except BetalingFout as exc:
        raise ValidationError(str(exc)) from None
    if not betaling.tegenrekening:
        raise ValidationError("Geen tegenrekening bekend: terugbetalen kan niet.")
    iban = _iban(betaling.tegenrekening)
    if bedrag is None or bedrag <= 0:
        raise ValidationError("Het bedrag moet groter dan nul zijn.")
    voorgesteld = _rest_voorgesteld(betaling.pk)
    vrij = betaling.restbedrag - voorgesteld
    if bedrag > vrij:
        raise ValidationError(
            f"Nog te verdelen is {euro(betaling.restbedrag)}, waarvan {euro(voorgesteld)} al is "
            f"voorgesteld om terug te betalen: ten hoogste {euro(max(vrij, 0))} kan nog worden "
            f"voorgesteld."
        )
    return Terugbetaling.objects.create(
        organisatie_id=betaling.organisatie_id,
        debiteur=None,
        betaling=betaling,
        bedrag=bedrag,
        iban=iban,
        naam=(betaling.naam or "").strip()[:70] or "Onbekend",
        reden=reden[:500],
        voorgesteld_door=user,
    )


@transaction.atomic
def terugbetaling_review(
    *, terugbetaling: Terugbetaling, user, goedkeuren: bool, toelichting: str = ""
) -> Terugbetaling:
    """Approve (book it, once) or reject a proposed refund: four eyes, so never by the user who
    proposed it."""
    if not user.has_perm(PERMISSIE_BEOORDELEN):
        raise PermissionDenied("Geen recht om terugbetalingen te beoordelen.")
    toelichting = (toelichting or "").strip()
    tb = Terugbetaling.objects.select_for_update().filter(pk=terugbetaling.pk).first()
    if tb is None:
        raise PermissionDenied("Terugbetaling niet gevonden.")
    _organisatie_van(user, tb.organisatie_id)
    if tb.status != VoorstelStatus.VOORGESTELD:
        raise ValidationError("Deze terugbetaling is al beoordeeld.")
    if tb.voorgesteld_door_id == user.pk:
        raise ValidationError(
            "Vier ogen: een terugbetaling wordt beoordeeld door een ander dan de indiener."
        )
    tb.beoordeeld_door = user
    tb.beoordeeld_op = timezone.now()
    tb.toelichting_beoordeling = toelichting[:1000]
    velden = ["status", "beoordeeld_door", "beoordeeld_op", "toelichting_beoordeling"]
    if not goedkeuren:
        if not toelichting:
            raise ValidationError("Geef bij afwijzen een toelichting.")
        tb.status = VoorstelStatus.AFGEWEZEN
        tb.save(update_fields=velden)
        return tb
    door = user.get_username()
    wie = f"voorgesteld door {tb.voorgesteld_door.get_username()}, goedgekeurd door {door}"
    if tb.debiteur_id is None:
        # The entry's own rest: its row lock (taken in the booking) makes approvals at once
        # take turns, the later one sees the lower rest.
        try:
            betaling_rest_refund_book(
                betaling_id=tb.betaling_id,
                bedrag=tb.bedrag,
                omschrijving=f"Terugbetaling {tb.pk} van de ontvangst ({wie})",
                door=door,
            )
        except BetalingFout as exc:
            raise ValidationError(str(exc)) from None
    else:
        tegoed_refund_book(
            organisatie_id=tb.organisatie_id,
            debiteur_id=tb.debiteur_id,
            bedrag=tb.bedrag,
            eerst=tb.betaling,
            omschrijving=f"Terugbetaling {tb.pk} van tegoed ({wie})",
            door=door,
        )
    tb.status = VoorstelStatus.GOEDGEKEURD
    # Not a betalingskenmerk and unique: the debit on a later statement is not a receipt.
    tb.eind_tot_eind_id = f"TERUGBETALING-{tb.pk}"
    tb.save(update_fields=[*velden, "eind_tot_eind_id"])
    return tb


# --- the credit transfer file ------------------------------------------------------------------


def pain001_validate(xml: bytes) -> None:
    """Raise TerugbetaalFout when the document does not conform to pain.001.001.03."""
    fout = xsd_fout(xml, PAIN_001_XSD)
    if fout is not None:
        raise TerugbetaalFout(
            f"Het betaalbestand voldoet niet aan pain.001.001.03 (regel {fout.line}): "
            f"{fout.message}"
        )


def _bic(iban: str) -> str | None:
    bic = IBAN(iban).bic
    return bic.compact if bic is not None else None


def _omschrijving(tb: Terugbetaling, organisatie: Organisatie) -> str:
    """What the receiver reads on the statement: a refund of credit, or of which transfer."""
    if tb.debiteur_id is None:
        return (
            f"Terugbetaling van uw overboeking van {tb.betaling.boekdatum:%d-%m-%Y} aan "
            f"{organisatie.naam}"
        )
    return f"Terugbetaling tegoed {organisatie.naam}"


def te_betalen(*, organisatie_ids) -> QuerySet[Terugbetaling]:
    """Approved refunds not yet in a file, oldest approval first."""
    return Terugbetaling.objects.filter(
        organisatie_id__in=organisatie_ids, status=VoorstelStatus.GOEDGEKEURD, bestand__isnull=True
    ).order_by("beoordeeld_op", "pk")


@transaction.atomic
def terugbetaalbestand_create(
    *, organisatie: Organisatie, user, uitvoerdatum: dt.date | None = None
) -> Terugbetaalbestand | None:
    """The credit transfer file (pain.001.001.03) of every approved refund of the organisation
    not yet in a file; None when there is none. The rows are locked, so two requests at once
    cannot put one refund in two files."""
    if not user.has_perm(PERMISSIE_BEOORDELEN):
        raise PermissionDenied("Geen recht om betaalbestanden te maken.")
    _organisatie_van(user, organisatie.pk)
    uitvoerdatum = uitvoerdatum or timezone.localdate()
    rekening = Bankrekening.objects.filter(organisatie=organisatie).order_by("pk").first()
    if rekening is None:
        raise TerugbetaalFout(f"{organisatie} heeft geen bankrekening om van te betalen.")
    posten = list(
        te_betalen(organisatie_ids=[organisatie.pk])
        .select_related("betaling")
        .select_for_update(of=("self",))
    )
    if not posten:
        return None
    config = {
        "name": organisatie.naam[:70],
        "IBAN": rekening.iban,
        "batch": True,
        "currency": "EUR",
    }
    eigen_bic = _bic(rekening.iban)
    if eigen_bic:
        config["BIC"] = eigen_bic
    sepa = SepaTransfer(config, schema="pain.001.001.03", clean=True)
    for tb in posten:
        betaling = {
            "name": tb.naam,
            "IBAN": tb.iban,
            "amount": tb.bedrag,
            "execution_date": uitvoerdatum,
            "description": _omschrijving(tb, organisatie)[:140],
            "endtoend_id": tb.eind_tot_eind_id,
        }
        bic = _bic(tb.iban)
        if bic:
            betaling["BIC"] = bic
        sepa.add_payment(betaling)
    xml = sepa.export(validate=False)
    pain001_validate(xml)
    bestand = Terugbetaalbestand.objects.create(
        organisatie=organisatie,
        bankrekening=rekening,
        uitvoerdatum=uitvoerdatum,
        berichtid=sepa.msg_id[:35],
        xml=xml.decode(),
        aantal=len(posten),
        totaal=sum(tb.bedrag for tb in posten),
        door=user.get_username(),
    )
    Terugbetaling.objects.filter(pk__in=[tb.pk for tb in posten]).update(bestand=bestand)
    return bestand
