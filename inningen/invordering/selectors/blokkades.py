"""Why a claim is not collected today: reusable subqueries for the invorderingsrun and screens.

Each function returns a ``django.db.models.Exists`` over ``OuterRef("pk")`` of a Vordering
queryset, so a run can filter or annotate tens of thousands of claims in one statement::

    Vordering.objects.filter(...).exclude(geblokkeerd(datum))
    Vordering.objects.annotate(in_regeling=in_actieve_regeling())
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from inningen.choices import RegelingStatus, VoorstelStatus
from inningen.invordering.models import Afboekingsvoorstel, Betalingsregeling, Opschorting


def actieve_opschortingen(datum: dt.date) -> QuerySet[Opschorting]:
    """Suspensions in force on ``datum``: started, not past ``tot`` (inclusive) and not ended.

    Ending on a date (``beeindigd_op``) lifts the suspension from that day on."""
    return Opschorting.objects.filter(
        Q(tot__isnull=True) | Q(tot__gte=datum),
        Q(beeindigd_op__isnull=True) | Q(beeindigd_op__gt=datum),
        vanaf__lte=datum,
    )


def opschorting_actief(opschorting: Opschorting, datum: dt.date) -> bool:
    """The rule of actieve_opschortingen for one loaded row (no query); keep them together."""
    o = opschorting
    return (
        o.vanaf <= datum
        and (o.tot is None or o.tot >= datum)
        and (o.beeindigd_op is None or o.beeindigd_op > datum)
    )


def in_actieve_regeling() -> Exists:
    """The claim is part of an active betalingsregeling (lapsed or ended ones do not count)."""
    return Exists(
        Betalingsregeling.vorderingen.through.objects.filter(
            vordering_id=OuterRef("pk"), betalingsregeling__status=RegelingStatus.ACTIEF
        )
    )


def met_actieve_opschorting(datum: dt.date) -> Exists:
    return Exists(actieve_opschortingen(datum).filter(vordering_id=OuterRef("pk")))


def met_open_afboekingsvoorstel() -> Exists:
    """A write-off waits for its second pair of eyes: collecting meanwhile would add costs to
    an amount that may be written off."""
    return Exists(
        Afboekingsvoorstel.objects.filter(
            vordering_id=OuterRef("pk"), status=VoorstelStatus.VOORGESTELD
        )
    )


def geblokkeerd(datum: dt.date) -> Q:
    """Any of the three reasons; for ``.exclude(geblokkeerd(datum))``."""
    return (
        Q(in_actieve_regeling())
        | Q(met_actieve_opschorting(datum))
        | Q(met_open_afboekingsvoorstel())
    )
