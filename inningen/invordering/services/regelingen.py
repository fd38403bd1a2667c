"""Betalingsregelingen: plan, create, monitor, end.

A regeling covers open claims of one debtor at one organisation (they may come from different
TSAs). While it is active the invorderingsrun skips those claims
(selectors/invordering_blokkades.py); the monitoring below runs once per run.

Progress rule: what the debtor has paid towards the regeling is the decrease of the open sum of
its claims since the start, ``max(0, totaalbedrag - open now)``. Payments, credits and
write-offs therefore all count and a storno counts against, whatever part of the claim (costs,
interest, principal) the allocation put the money on. Claims with a closed status count as 0
open. ``betaald_bij_start`` records what had been paid on the claims before the regeling (sum
of payment Boekingen), for the record and the screens; the rule does not need it.

A termijn is missed when, more than ``regeling_respijt_dagen`` after its due date, the
cumulative amount due up to and including it exceeds what was paid. Each missed termijn is counted once
(``gemist_op``), so running twice on a day changes nothing. One reminder letter per regeling per
run with new misses; reaching ``regeling_max_gemist`` misses lapses the regeling instead (one
lapse letter) and the run collects the claims again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from inningen.choices import (
    AFGESLOTEN_STATUSSEN,
    BETAALSOORTEN,
    Betaalwijze,
    Briefsoort,
    MachtigingStatus,
    Regelingsoort,
    RegelingStatus,
    VoorstelStatus,
)
from inningen.db.bulk import bulk_insert, update_per_pk
from inningen.debiteuren.models import Debiteur, Machtiging
from inningen.grootboek.models import Boeking, Vordering
from inningen.invordering.models import (
    Afboekingsvoorstel,
    Betalingsregeling,
    Brief,
    Regelingtermijn,
)
from inningen.invordering.regels.termijnen import maanden_erbij
from inningen.invordering.services.brieven import (
    brief_gegevens,
    brieven_create,
    debiteur_gegevens,
    organisatie_gegevens,
    vordering_gegevens,
)
from inningen.invordering.services.invordering import invorderingsinstelling_get
from inningen.organisaties.models import Organisatie

# Without a setting a regeling runs at most three years; longer needs a deliberate choice.
STANDAARD_MAX_TERMIJNEN = 36


def max_termijnen() -> int:
    return getattr(settings, "INNINGEN_REGELING_MAX_TERMIJNEN", STANDAARD_MAX_TERMIJNEN)


@dataclass(frozen=True, slots=True)
class PlanTermijn:
    volgnummer: int
    vervaldatum: dt.date
    bedrag: int


@dataclass(slots=True)
class RegelingPlan:
    """A computed, validated regeling that is not stored yet (shown before saving)."""

    organisatie: Organisatie
    debiteur: Debiteur
    vorderingen: list[Vordering]
    soort: str
    startdatum: dt.date
    totaalbedrag: int
    termijnbedrag: int
    termijnen: list[PlanTermijn] = field(default_factory=list)

    @property
    def aantal_termijnen(self) -> int:
        return len(self.termijnen)

    @property
    def einddatum(self) -> dt.date:
        return self.termijnen[-1].vervaldatum


def _controleer_vorderingen(vorderingen: list[Vordering]) -> None:
    if not vorderingen:
        raise ValidationError("Kies minstens één openstaande vordering.")
    if any(v.debiteur_id is None for v in vorderingen):
        raise ValidationError("Een vordering zonder debiteur kan niet in een regeling.")
    if len({v.debiteur_id for v in vorderingen}) > 1:
        raise ValidationError("Alle vorderingen moeten van dezelfde debiteur zijn.")
    if len({v.organisatie_id for v in vorderingen}) > 1:
        raise ValidationError(
            "Alle vorderingen moeten van dezelfde organisatie zijn; "
            "maak per organisatie een regeling."
        )
    niet_open = [
        v.vorderingnummer
        for v in vorderingen
        if v.openstaand_bedrag <= 0 or v.status in AFGESLOTEN_STATUSSEN
    ]
    if niet_open:
        raise ValidationError(f"Niet (meer) open: {', '.join(sorted(niet_open))}.")
    pks = [v.pk for v in vorderingen]
    al_in_regeling = sorted(
        Betalingsregeling.vorderingen.through.objects.filter(
            vordering_id__in=pks, betalingsregeling__status=RegelingStatus.ACTIEF
        ).values_list("vordering__vorderingnummer", flat=True)
    )
    if al_in_regeling:
        raise ValidationError(f"Al in een lopende regeling: {', '.join(al_in_regeling)}.")
    met_voorstel = sorted(
        Afboekingsvoorstel.objects.filter(
            vordering_id__in=pks, status=VoorstelStatus.VOORGESTELD
        ).values_list("vordering__vorderingnummer", flat=True)
    )
    if met_voorstel:
        raise ValidationError(
            f"Er ligt een afboekingsvoorstel ter beoordeling: {', '.join(met_voorstel)}."
        )


def regeling_plan(
    *,
    vorderingen,
    soort: str,
    startdatum: dt.date,
    maandbedrag: int | None = None,
    aantal_termijnen: int | None = None,
) -> RegelingPlan:
    """Validate a proposed regeling and compute its monthly termijnen (no writes).

    ``soort`` VAST_BEDRAG takes ``maandbedrag`` (cents): as many termijnen as needed, the last
    one smaller. AANTAL_TERMIJNEN takes ``aantal_termijnen``: equal amounts, the remainder of
    the division on the last one. Either way the termijnen add up to the open total exactly.
    """
    vorderingen = sorted(vorderingen, key=lambda v: (v.vervaldatum or dt.date.max, v.pk))
    _controleer_vorderingen(vorderingen)
    totaal = sum(v.openstaand_bedrag for v in vorderingen)
    if startdatum < timezone.localdate():
        raise ValidationError("De startdatum ligt in het verleden.")
    maximum = max_termijnen()
    if soort == Regelingsoort.VAST_BEDRAG:
        if not maandbedrag or maandbedrag <= 0:
            raise ValidationError("Geef een maandbedrag groter dan nul.")
        if maandbedrag > totaal:
            raise ValidationError("Het maandbedrag is hoger dan het openstaande totaal.")
        aantal = -(-totaal // maandbedrag)
        if aantal > maximum:
            raise ValidationError(
                f"Met dit maandbedrag duurt de regeling {aantal} maanden; het maximum is "
                f"{maximum}. Kies een hoger maandbedrag."
            )
        termijnbedrag = maandbedrag
    elif soort == Regelingsoort.AANTAL_TERMIJNEN:
        aantal = aantal_termijnen or 0
        if not 1 <= aantal <= maximum:
            raise ValidationError(f"Kies tussen 1 en {maximum} termijnen.")
        if aantal > totaal:
            raise ValidationError("Meer termijnen dan centen: kies minder termijnen.")
        termijnbedrag = totaal // aantal
    else:
        raise ValidationError("Onbekende soort regeling.")
    termijnen = [
        PlanTermijn(
            volgnummer=i + 1,
            vervaldatum=maanden_erbij(startdatum, i),
            bedrag=termijnbedrag if i < aantal - 1 else totaal - termijnbedrag * (aantal - 1),
        )
        for i in range(aantal)
    ]
    eerste = vorderingen[0]
    return RegelingPlan(
        organisatie=eerste.organisatie,
        debiteur=eerste.debiteur,
        vorderingen=vorderingen,
        soort=soort,
        startdatum=startdatum,
        totaalbedrag=totaal,
        termijnbedrag=termijnbedrag,
        termijnen=termijnen,
    )


def _regeling_gegevens(regeling: Betalingsregeling, termijnen) -> dict:
    return {
        "termijnbedrag": regeling.termijnbedrag,
        "aantal_termijnen": regeling.aantal_termijnen,
        "startdatum": regeling.startdatum.isoformat(),
        "betaalwijze": regeling.betaalwijze,
        "termijnen": [
            {
                "volgnummer": t.volgnummer,
                "vervaldatum": t.vervaldatum.isoformat(),
                "bedrag": t.bedrag,
                "gemist": t.gemist_op is not None,
            }
            for t in termijnen
        ],
    }


def _brief(
    regeling: Betalingsregeling,
    vorderingen: list[Vordering],
    termijnen,
    *,
    soort: str,
    datum: dt.date,
    onderwerp: str,
    org_gegevens: dict,
    totaal: int | None = None,
    betalen_voor: dt.date | None = None,
    tekst: str = "",
) -> Brief:
    open_ = [v for v in vorderingen if v.openstaand_bedrag > 0] or vorderingen
    return Brief(
        organisatie_id=regeling.organisatie_id,
        debiteur=regeling.debiteur,
        regeling=regeling,
        vordering=vorderingen[0] if len(vorderingen) == 1 else None,
        soort=soort,
        datum=datum,
        gegevens=brief_gegevens(
            soort=soort,
            datum=datum,
            onderwerp=onderwerp,
            organisatie=org_gegevens,
            debiteur=debiteur_gegevens(regeling.debiteur),
            vorderingen=[vordering_gegevens(v) for v in vorderingen],
            totaal=totaal,
            betalen_voor=betalen_voor,
            # One reference for all termijnen: that of the first claim still open (the
            # allocation puts a payment on the claim it names).
            betalingskenmerk=open_[0].betalingskenmerk,
            regeling=_regeling_gegevens(regeling, termijnen),
            tekst=tekst,
        ),
    )


@transaction.atomic
def regeling_create(
    *, plan: RegelingPlan, betaalwijze: str, machtiging: Machtiging | None = None, door: str
) -> Betalingsregeling:
    """Store a planned regeling with its termijnen and a confirmation letter.

    The claims are locked and checked again: the plan may have been shown minutes ago."""
    pks = [v.pk for v in plan.vorderingen]
    vorderingen = list(
        Vordering.objects.select_for_update(of=("self",))
        .filter(pk__in=pks)
        .select_related("organisatie", "debiteur__brief_adres")
        .order_by("pk")
    )
    if len(vorderingen) != len(pks):
        raise ValidationError("Een vordering bestaat niet meer.")
    _controleer_vorderingen(vorderingen)
    if sum(v.openstaand_bedrag for v in vorderingen) != plan.totaalbedrag:
        raise ValidationError(
            "Het openstaande bedrag is intussen gewijzigd; bereken het plan opnieuw."
        )
    if betaalwijze == Betaalwijze.INCASSO:
        if (
            machtiging is None
            or machtiging.status != MachtigingStatus.ACTIEF
            or machtiging.debiteur_id != plan.debiteur.pk
            or machtiging.organisatie_id != plan.organisatie.pk
        ):
            raise ValidationError(
                "Automatische incasso vraagt een actieve machtiging van deze debiteur "
                "voor deze organisatie."
            )
    elif betaalwijze == Betaalwijze.OVERMAKING:
        if machtiging is not None:
            raise ValidationError("Een machtiging hoort alleen bij automatische incasso.")
    else:
        raise ValidationError("Onbekende betaalwijze.")
    betaald = -(
        Boeking.objects.filter(vordering_id__in=pks, soort__in=BETAALSOORTEN).aggregate(
            s=Coalesce(Sum("bedrag_incl_btw"), 0)
        )["s"]
    )
    vandaag = timezone.localdate()
    regeling = Betalingsregeling.objects.create(
        organisatie=plan.organisatie,
        debiteur=plan.debiteur,
        soort=plan.soort,
        totaalbedrag=plan.totaalbedrag,
        termijnbedrag=plan.termijnbedrag,
        aantal_termijnen=plan.aantal_termijnen,
        startdatum=plan.startdatum,
        betaalwijze=betaalwijze,
        machtiging=machtiging,
        betaald_bij_start=betaald,
        status_datum=vandaag,
        door=door,
    )
    regeling.vorderingen.set(vorderingen)
    termijnen = bulk_insert(
        Regelingtermijn(
            regeling=regeling, volgnummer=t.volgnummer, vervaldatum=t.vervaldatum, bedrag=t.bedrag
        )
        for t in plan.termijnen
    )
    brieven_create(
        brieven=[
            _brief(
                regeling,
                plan.vorderingen,
                termijnen,
                soort=Briefsoort.REGELING_BEVESTIGING,
                datum=vandaag,
                onderwerp="Bevestiging betalingsregeling",
                org_gegevens=organisatie_gegevens(plan.organisatie),
                totaal=plan.totaalbedrag,
                betalen_voor=plan.startdatum,
            )
        ]
    )
    return regeling


@transaction.atomic
def regeling_end(*, regeling: Betalingsregeling, door: str, reden: str) -> Betalingsregeling:
    """End an active regeling by hand (e.g. the debtor asks, or a new one replaces it); the
    claims go back to normal collection."""
    reden = (reden or "").strip()
    if not reden:
        raise ValidationError("Geef een reden voor het beëindigen.")
    regeling = Betalingsregeling.objects.select_for_update().get(pk=regeling.pk)
    if regeling.status != RegelingStatus.ACTIEF:
        raise ValidationError("Alleen een lopende regeling kan worden beëindigd.")
    regeling.status = RegelingStatus.BEEINDIGD
    regeling.status_datum = timezone.localdate()
    regeling.opmerking = f"{reden} ({door})"[:1000]
    regeling.save(update_fields=["status", "status_datum", "opmerking"])
    return regeling


@transaction.atomic
def regelingen_monitor(*, organisatie: Organisatie, datum: dt.date, door: str) -> dict:
    """Check every active regeling of the organisation on ``datum`` (see the module docstring).

    A fixed number of queries whatever the number of regelingen. Returns counts:
    gecontroleerd, gemiste_termijnen, herinneringen, vervallen, voldaan.
    """
    uitkomst = dict(gecontroleerd=0, gemiste_termijnen=0, herinneringen=0, vervallen=0, voldaan=0)
    regelingen = {
        r.pk: r
        for r in Betalingsregeling.objects.select_for_update(of=("self",))
        .select_related("debiteur__brief_adres")
        .filter(organisatie=organisatie, status=RegelingStatus.ACTIEF)
        .order_by("pk")
    }
    if not regelingen:
        return uitkomst
    uitkomst["gecontroleerd"] = len(regelingen)
    door_regeling = Betalingsregeling.vorderingen.through.objects.filter(
        betalingsregeling_id__in=list(regelingen)
    )
    open_per = dict(
        door_regeling.values_list("betalingsregeling_id")
        .annotate(
            open=Coalesce(
                Sum(
                    "vordering__openstaand_bedrag",
                    filter=~Q(vordering__status__in=AFGESLOTEN_STATUSSEN),
                ),
                0,
            )
        )
        .order_by()
    )
    termijnen = defaultdict(list)
    for t in Regelingtermijn.objects.filter(regeling_id__in=list(regelingen)).order_by(
        "regeling_id", "volgnummer"
    ):
        termijnen[t.regeling_id].append(t)
    inst = invorderingsinstelling_get(organisatie)
    grens = datum - dt.timedelta(days=inst.regeling_respijt_dagen)

    voldaan, vervallen, herinneren = [], [], []  # regeling pks
    achterstand: dict[int, int] = {}
    gemist_termijnen: list[int] = []
    for pk, regeling in regelingen.items():
        open_ = open_per.get(pk, 0)
        if open_ <= 0:
            voldaan.append(pk)
            continue
        betaald = max(0, regeling.totaalbedrag - open_)
        verschuldigd = 0
        nieuw = 0
        for t in termijnen[pk]:
            if t.vervaldatum >= grens:  # still within the grace days
                break
            verschuldigd += t.bedrag
            if verschuldigd > betaald and t.gemist_op is None:
                t.gemist_op = datum
                gemist_termijnen.append(t.pk)
                nieuw += 1
        if not nieuw:
            continue
        regeling.gemist += nieuw
        achterstand[pk] = verschuldigd - betaald
        if regeling.gemist >= inst.regeling_max_gemist:
            vervallen.append(pk)
        else:
            herinneren.append(pk)

    if gemist_termijnen:
        Regelingtermijn.objects.filter(pk__in=gemist_termijnen).update(gemist_op=datum)
        update_per_pk(
            Betalingsregeling,
            "gemist",
            [(pk, regelingen[pk].gemist) for pk in vervallen + herinneren],
        )
    for status, pks, opmerking in (
        (RegelingStatus.VOLDAAN, voldaan, f"Voldaan: alles betaald ({door})"),
        (
            RegelingStatus.VERVALLEN,
            vervallen,
            f"Vervallen na {inst.regeling_max_gemist} gemiste termijnen ({door})",
        ),
    ):
        if pks:
            Betalingsregeling.objects.filter(pk__in=pks).update(
                status=status, status_datum=datum, opmerking=opmerking[:1000]
            )
            for pk in pks:
                regelingen[pk].status, regelingen[pk].status_datum = status, datum
    _brieven_bij_bewaking(
        regelingen, termijnen, herinneren, vervallen, achterstand, organisatie, inst, datum
    )
    uitkomst.update(
        gemiste_termijnen=len(gemist_termijnen),
        herinneringen=len(herinneren),
        vervallen=len(vervallen),
        voldaan=len(voldaan),
    )
    return uitkomst


def _brieven_bij_bewaking(
    regelingen, termijnen, herinneren, vervallen, achterstand, organisatie, inst, datum
) -> None:
    met_brief = herinneren + vervallen
    if not met_brief:
        return
    vorderingen: dict[int, list[Vordering]] = defaultdict(list)
    for rij in (
        Betalingsregeling.vorderingen.through.objects.filter(betalingsregeling_id__in=met_brief)
        .select_related("vordering")
        .order_by("vordering__vervaldatum", "vordering_id")
    ):
        vorderingen[rij.betalingsregeling_id].append(rij.vordering)
    debiteuren = Debiteur.objects.in_bulk({regelingen[pk].debiteur_id for pk in met_brief})
    org = organisatie_gegevens(organisatie)
    brieven = []
    for pk in met_brief:
        regeling = regelingen[pk]
        regeling.debiteur = debiteuren[regeling.debiteur_id]
        if pk in vervallen:
            open_ = sum(max(v.openstaand_bedrag, 0) for v in vorderingen[pk])
            brieven.append(
                _brief(
                    regeling,
                    vorderingen[pk],
                    termijnen[pk],
                    soort=Briefsoort.REGELING_VERVALLEN,
                    datum=datum,
                    onderwerp="Uw betalingsregeling is vervallen",
                    org_gegevens=org,
                    totaal=open_,
                    tekst=(
                        f"U heeft {regeling.gemist} termijnen van uw betalingsregeling niet op "
                        f"tijd betaald. De regeling is daarom vervallen en wij vorderen het "
                        f"openstaande bedrag weer op de gewone manier in."
                    ),
                )
            )
        else:
            brieven.append(
                _brief(
                    regeling,
                    vorderingen[pk],
                    termijnen[pk],
                    soort=Briefsoort.REGELING_HERINNERING,
                    datum=datum,
                    onderwerp="Herinnering termijn betalingsregeling",
                    org_gegevens=org,
                    totaal=achterstand[pk],
                    betalen_voor=datum + dt.timedelta(days=inst.herinnering_termijn_dagen),
                    tekst=(
                        f"Wij hebben {regeling.gemist} termijn(en) van uw betalingsregeling "
                        f"niet (volledig) ontvangen. Na {inst.regeling_max_gemist} gemiste "
                        f"termijnen vervalt de regeling."
                    ),
                )
            )
    brieven_create(brieven=brieven)
