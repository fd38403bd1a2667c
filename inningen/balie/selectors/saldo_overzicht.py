"""The saldo-overzicht (#19 finding 4): a printable statement for the citizen of every open
claim of the user's organisations, what was paid, what is due by when and how to pay it."""

from __future__ import annotations

from django.utils import timezone

from inningen.balie.selectors.positie import debiteur_positie
from inningen.choices import AFGESLOTEN_STATUSSEN, RegelingStatus
from inningen.invordering.selectors.regelingen import regelingen_van_debiteur
from inningen.invordering.services.brieven import datum_voluit, debiteur_gegevens
from inningen.organisaties.models import Bankrekening


def _iban(iban: str) -> str:
    iban = (iban or "").replace(" ", "")
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def saldo_overzicht(user, pk) -> dict:
    """Template context for brieven/saldo_overzicht.html, grouped per organisation (each has
    its own account). Money in cents, formatted by the template. Raises Http404 outside the
    user's scope, like the debtor page."""
    positie = debiteur_positie(user, pk)
    vandaag = timezone.localdate()
    open_ = [
        v
        for v in positie.vorderingen
        if v.openstaand_bedrag > 0 and v.status not in AFGESLOTEN_STATUSSEN
    ]
    org_ids = {v.organisatie_id for v in open_}
    ibans: dict[int, str] = {}
    for rekening in Bankrekening.objects.filter(organisatie_id__in=org_ids).order_by("pk"):
        ibans.setdefault(rekening.organisatie_id, rekening.iban)
    regelingen = [
        r
        for r in regelingen_van_debiteur(user, pk)
        if r.status == RegelingStatus.ACTIEF and r.organisatie_id in org_ids
    ]
    per_org: dict[int, dict] = {}
    for v in sorted(open_, key=lambda v: (v.organisatie.naam, v.vervaldatum or vandaag, v.pk)):
        groep = per_org.setdefault(
            v.organisatie_id,
            {
                "naam": v.organisatie.naam,
                "iban": _iban(ibans.get(v.organisatie_id, "")),
                "vorderingen": [],
                "openstaand": 0,
                "regelingen": [],
            },
        )
        betaald = -sum(b.bedrag_incl_btw for b in v.betalingen)
        groep["vorderingen"].append(
            {
                "vorderingnummer": v.vorderingnummer,
                "omschrijving": v.algemene_factuuromschrijving,
                "factuurdatum": v.factuurdatum,
                "vervaldatum": v.vervaldatum,
                "achterstallig": v.is_achterstallig,
                "bedrag": v.totaalbedrag_incl_btw,
                "betaald": betaald,
                "openstaand": v.openstaand_bedrag,
                "betalingskenmerk": v.betalingskenmerk,
                "in_regeling": v.pk in positie.in_regeling,
                "termijnen": [t for t in v.termijnlijst if t.open > 0],
            }
        )
        groep["openstaand"] += v.openstaand_bedrag
    for r in regelingen:
        per_org[r.organisatie_id]["regelingen"].append(
            {
                "vorderingen": [v.vorderingnummer for v in r.vorderingen.all()],
                "termijnbedrag": r.termijnbedrag,
                "aantal_termijnen": r.aantal_termijnen,
                "open": r.open,
                # What is still to come; a missed termijn stays due and is listed too.
                "termijnen": [
                    t for t in r.termijnen.all() if t.vervaldatum >= vandaag or t.gemist_op
                ],
            }
        )
    return {
        "datum": vandaag,
        "datum_voluit": datum_voluit(vandaag),
        "debiteur": debiteur_gegevens(positie.debiteur),
        "organisaties": list(per_org.values()),
        "totaal": sum(g["openstaand"] for g in per_org.values()),
        "tegoed": positie.credit,
        "positie": positie,
    }
