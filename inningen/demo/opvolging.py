"""Demo follow-ups (#19): a few "terugbellen" items so the start page and "mijn werk" show
something, one of them overdue. Idempotent; kept apart from the bulk demo build."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from inningen.demo.gegevens import DEMO_RSINS
from inningen.grootboek.models import Vordering
from inningen.invordering.models import Opvolging

# (days from today, owner's username or None, note, on the claim rather than only the debtor)
DEMO_OPVOLGINGEN = (
    (-3, "invorderaar", "Terugbellen over de gemiste termijn van de regeling", False),
    (0, None, "Debiteur belt terug over de aanmaning; wie pakt het op?", True),
    (7, "balie", "Terugbellen: bewijs van betaling zou worden gemaild", True),
)


@transaction.atomic
def demo_opvolgingen_ensure() -> int:
    """Create the demo follow-ups once (on the first open demo claims with a debtor); returns
    how many were created."""
    vorderingen = list(
        Vordering.objects.filter(organisatie__rsin__in=DEMO_RSINS, debiteur__isnull=False)
        .open()
        .select_related("organisatie", "debiteur")
        .order_by("pk")[: len(DEMO_OPVOLGINGEN)]
    )
    if not vorderingen or Opvolging.objects.filter(organisatie__rsin__in=DEMO_RSINS).exists():
        return 0
    gebruikers = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["invorderaar", "balie", "beheer"])
    }
    door = gebruikers.get("beheer") or next(iter(gebruikers.values()), None)
    if door is None:
        return 0
    vandaag = timezone.localdate()
    nieuw = [
        Opvolging(
            organisatie=v.organisatie,
            debiteur=v.debiteur,
            vordering=v if op_vordering else None,
            eigenaar=gebruikers.get(eigenaar) if eigenaar else None,
            # Written directly: the service refuses a date in the past, the demo wants one.
            datum=vandaag + dt.timedelta(days=dagen),
            notitie=notitie,
            aangemaakt_door=door,
        )
        for v, (dagen, eigenaar, notitie, op_vordering) in zip(
            vorderingen, DEMO_OPVOLGINGEN, strict=False
        )
    ]
    Opvolging.objects.bulk_create(nieuw)
    return len(nieuw)
