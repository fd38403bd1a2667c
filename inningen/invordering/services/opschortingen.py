"""Opschortingen: collection of a claim is suspended (uitstel, bezwaar, kwijtscheldingsverzoek).

The invorderingsrun skips a claim while a suspension is in force on the run's date
(selectors/invordering_blokkades.py); nothing is booked and the TSA is not told, since the
claim's status does not change.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from inningen.choices import Opschortingsoort
from inningen.grootboek.models import Vordering
from inningen.invordering.models import Opschorting
from inningen.invordering.selectors.blokkades import actieve_opschortingen

# Invorderingswet art. 25 (bezwaar) and art. 26 (kwijtschelding) are public-law instruments;
# a private-law debtor disputes or asks for remission through the civil route.
ALLEEN_PUBLIEKRECHTELIJK = {
    Opschortingsoort.BEZWAAR: "Bezwaar schort alleen publiekrechtelijke vorderingen op.",
    Opschortingsoort.KWIJTSCHELDINGSVERZOEK: (
        "Kwijtschelding kan alleen worden aangevraagd voor publiekrechtelijke vorderingen."
    ),
}


@transaction.atomic
def opschorting_create(
    *,
    vordering: Vordering,
    soort: str,
    reden: str,
    vanaf: dt.date,
    tot: dt.date | None = None,
    door: str,
) -> Opschorting:
    reden = (reden or "").strip()
    if soort not in Opschortingsoort.values:
        raise ValidationError("Onbekende soort opschorting.")
    if not reden:
        raise ValidationError("Geef een reden.")
    vordering = Vordering.objects.select_for_update().get(pk=vordering.pk)
    if vordering.is_afgesloten:
        raise ValidationError("Deze vordering is afgesloten; er valt niets op te schorten.")
    if soort in ALLEEN_PUBLIEKRECHTELIJK and not vordering.publiekrechtelijk:
        raise ValidationError(ALLEEN_PUBLIEKRECHTELIJK[soort])
    if soort == Opschortingsoort.UITSTEL and tot is None:
        raise ValidationError("Uitstel geldt tot een datum; vul die in.")
    if tot is not None and tot < vanaf:
        raise ValidationError("De einddatum ligt vóór de begindatum.")
    if actieve_opschortingen(vanaf).filter(vordering=vordering, soort=soort).exists():
        raise ValidationError("Er loopt al een opschorting van deze soort voor deze vordering.")
    return Opschorting.objects.create(
        vordering=vordering, soort=soort, reden=reden[:500], vanaf=vanaf, tot=tot, door=door
    )


@transaction.atomic
def opschorting_end(*, opschorting: Opschorting, door: str, datum: dt.date) -> Opschorting:
    """End a suspension (e.g. the decision on the bezwaar): from ``datum`` on the claim is
    collected again."""
    opschorting = Opschorting.objects.select_for_update().get(pk=opschorting.pk)
    if opschorting.beeindigd_op is not None:
        raise ValidationError("Deze opschorting is al beëindigd.")
    if datum < opschorting.vanaf:
        raise ValidationError("Een opschorting kan niet eindigen vóór zij begon.")
    opschorting.beeindigd_op = datum
    opschorting.beeindigd_door = door
    opschorting.save(update_fields=["beeindigd_op", "beeindigd_door"])
    return opschorting
