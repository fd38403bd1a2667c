"""Management figures per organisation (#19): a handful of set-based aggregates.

Every figure is one SQL aggregate over an index of the organisation (no per-row Python), so
the page stays fast on a million claims (docs/werkbeheer.md says how that was checked)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from inningen.balie.selectors.ouderdom import OUDERDOM
from inningen.choices import AFGESLOTEN_STATUSSEN, Boekingsoort, RegelingStatus, VorderingStatus
from inningen.grootboek.models import Boeking, Vordering
from inningen.invordering.models import Betalingsregeling
from inningen.organisaties.models import Organisatie
from inningen.organisaties.selectors import organisaties_for_user

MAANDNAMEN = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


@dataclass
class Staaf:
    label: str
    waarde: int
    aantal: int | None = None
    kort: str = ""  # the label under the bar in the chart, where space is short
    # Geometry for the inline SVG, in viewBox units (computed here, the template only prints).
    x: float = 0
    y: float = 0
    breedte: float = 0
    hoogte: float = 0
    midden: float = 0


@dataclass
class Dashboard:
    organisatie: Organisatie
    peildatum: dt.date
    open_bedrag: int
    open_aantal: int
    achterstallig_bedrag: int
    achterstallig_aantal: int
    niet_vervallen: Staaf
    ouderdom: list[Staaf]
    geind_deze_maand: int
    geind_per_maand: list[Staaf]
    regelingen_op_schema: int
    regelingen_achter: int
    per_status: list[tuple[str, int]]


def dashboard_organisaties(user) -> list[Organisatie]:
    return list(organisaties_for_user(user).order_by("naam"))


def _maanden(peildatum: dt.date, aantal: int = 12) -> list[dt.date]:
    jaar, maand = peildatum.year, peildatum.month
    uit = []
    for _ in range(aantal):
        uit.append(dt.date(jaar, maand, 1))
        jaar, maand = (jaar, maand - 1) if maand > 1 else (jaar - 1, 12)
    return uit[::-1]


def staven_plaatsen(staven: list[Staaf], *, breedte: float = 600, hoogte: float = 160) -> None:
    """Lay out vertical bars side by side in a ``breedte`` x ``hoogte`` area (0 at the bottom)."""
    if not staven:
        return
    hoogste = max((s.waarde for s in staven), default=0) or 1
    vak = breedte / len(staven)
    for i, s in enumerate(staven):
        s.breedte = round(vak * 0.7, 1)
        s.x = round(i * vak + vak * 0.15, 1)
        s.hoogte = round(max(s.waarde, 0) / hoogste * hoogte, 1)
        s.y = round(hoogte - s.hoogte, 1)
        s.midden = round(s.x + s.breedte / 2, 1)


def dashboard_figures(organisatie: Organisatie, *, peildatum: dt.date | None = None) -> Dashboard:
    peildatum = peildatum or timezone.localdate()
    dag = dt.timedelta(days=1)

    # Open claims: one pass over the organisation's open claims (partial index
    # vordering_org_open_bedrag), all buckets as filtered aggregates.
    emmers = {}
    for i, (_label, van, tot) in enumerate(OUDERDOM):
        q = Q(vervaldatum__lte=peildatum - van * dag)
        if tot is not None:
            q &= Q(vervaldatum__gte=peildatum - tot * dag)
        emmers[f"b{i}"] = Sum("openstaand_bedrag", filter=q, default=0)
        emmers[f"n{i}"] = Count("pk", filter=q)
    niet_vervallen = Q(vervaldatum__isnull=True) | Q(vervaldatum__gte=peildatum)
    open_ = (
        Vordering.objects.filter(organisatie=organisatie, openstaand_bedrag__gt=0)
        .exclude(status__in=list(AFGESLOTEN_STATUSSEN))
        .aggregate(
            bedrag=Sum("openstaand_bedrag", default=0),
            aantal=Count("pk"),
            nv_bedrag=Sum("openstaand_bedrag", filter=niet_vervallen, default=0),
            nv_aantal=Count("pk", filter=niet_vervallen),
            **emmers,
        )
    )
    ouderdom = [
        Staaf(
            label,
            open_[f"b{i}"],
            open_[f"n{i}"],
            kort=label.replace(" dagen", "").replace("meer dan 90", "90+"),
        )
        for i, (label, _, _) in enumerate(OUDERDOM)
    ]
    staven_plaatsen(ouderdom)

    # Receipts on claims per month (partial index boeking_ontvangst_org_datum); payments are
    # booked negative from the debtor's side, a storno positive.
    maanden = _maanden(peildatum)
    per_maand = dict(
        Boeking.objects.filter(
            organisatie=organisatie,
            soort__in=[Boekingsoort.BETALING, Boekingsoort.STORNO],
            vordering__isnull=False,
            boekdatum__gte=maanden[0],
            boekdatum__lte=peildatum,
        )
        .annotate(maand=TruncMonth("boekdatum"))
        .values_list("maand")
        .annotate(s=Sum("bedrag_incl_btw"))
        .order_by()
    )
    per_maand = {(m.date() if isinstance(m, dt.datetime) else m): -s for m, s in per_maand.items()}
    geind = [
        Staaf(
            f"{MAANDNAMEN[m.month - 1]} {m:%y}", per_maand.get(m, 0), kort=MAANDNAMEN[m.month - 1]
        )
        for m in maanden
    ]
    staven_plaatsen(geind)

    regelingen = Betalingsregeling.objects.filter(
        organisatie=organisatie, status=RegelingStatus.ACTIEF
    ).aggregate(
        op_schema=Count("pk", filter=Q(gemist=0)), achter=Count("pk", filter=Q(gemist__gt=0))
    )

    # Index-only on vordering_org_status_tsa (organisation, status, …).
    aantallen = dict(
        Vordering.objects.filter(organisatie=organisatie)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_status = [(s.label, aantallen[s.value]) for s in VorderingStatus if aantallen.get(s.value)]

    return Dashboard(
        organisatie=organisatie,
        peildatum=peildatum,
        open_bedrag=open_["bedrag"],
        open_aantal=open_["aantal"],
        achterstallig_bedrag=sum(s.waarde for s in ouderdom),
        achterstallig_aantal=sum(s.aantal or 0 for s in ouderdom),
        niet_vervallen=Staaf("nog niet vervallen", open_["nv_bedrag"], open_["nv_aantal"]),
        ouderdom=ouderdom,
        geind_deze_maand=per_maand.get(maanden[-1], 0),
        geind_per_maand=geind,
        regelingen_op_schema=regelingen["op_schema"],
        regelingen_achter=regelingen["achter"],
        per_status=per_status,
    )
