"""Read side of invordering for the balie: a debtor's regelingen and opschortingen, the
write-off work list. A fixed number of queries each, scoped to the user's organisations."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from inningen.choices import AFGESLOTEN_STATUSSEN, VoorstelStatus
from inningen.grootboek.models import Vordering
from inningen.invordering.models import (
    Afboekingsvoorstel,
    Betalingsregeling,
    Opschorting,
    Regelingtermijn,
)
from inningen.invordering.selectors.blokkades import opschorting_actief
from inningen.organisaties.selectors import organisatie_ids_for_user


def regelingen_van_debiteur(
    user, debiteur_pk: int, *, organisatie_ids: list[int] | None = None
) -> list[Betalingsregeling]:
    """Regelingen with their termijnen and claims (three queries); each gets ``betaald`` and
    ``open`` by the rule of services/regelingen.py. ``organisatie_ids``: the user's, when the
    caller already has them (saves a query on the debtor page)."""
    if organisatie_ids is None:
        organisatie_ids = organisatie_ids_for_user(user)
    regelingen = list(
        Betalingsregeling.objects.filter(
            debiteur_id=debiteur_pk, organisatie_id__in=organisatie_ids
        )
        .select_related("organisatie", "machtiging")
        .prefetch_related(
            Prefetch("termijnen", queryset=Regelingtermijn.objects.order_by("volgnummer")),
            Prefetch(
                "vorderingen",
                queryset=Vordering.objects.only(
                    "pk", "vorderingnummer", "tsa", "status", "openstaand_bedrag"
                ).order_by("pk"),
            ),
        )
        .order_by("-created_at", "-pk")
    )
    for r in regelingen:
        r.open = sum(
            v.openstaand_bedrag for v in r.vorderingen.all() if v.status not in AFGESLOTEN_STATUSSEN
        )
        r.betaald = max(0, r.totaalbedrag - r.open)
    return regelingen


def opschortingen_van_debiteur(
    user, debiteur_pk: int, *, organisatie_ids: list[int] | None = None
) -> list[Opschorting]:
    """All suspensions of the debtor's claims, newest first, each marked ``actief`` today
    (one query, plus one for the user's organisations when not given)."""
    if organisatie_ids is None:
        organisatie_ids = organisatie_ids_for_user(user)
    vandaag = timezone.localdate()
    scope = {
        "vordering__debiteur_id": debiteur_pk,
        "vordering__organisatie_id__in": organisatie_ids,
    }
    opschortingen = list(
        Opschorting.objects.filter(**scope).select_related("vordering").order_by("-vanaf", "-pk")
    )
    for o in opschortingen:
        o.actief = opschorting_actief(o, vandaag)
    return opschortingen


def open_afboekingsvoorstellen(user) -> QuerySet[Afboekingsvoorstel]:
    """Proposals waiting for a second pair of eyes in the user's organisations."""
    return (
        Afboekingsvoorstel.objects.filter(
            status=VoorstelStatus.VOORGESTELD,
            vordering__organisatie_id__in=organisatie_ids_for_user(user),
        )
        .select_related("vordering__organisatie", "vordering__debiteur", "voorgesteld_door")
        .order_by("voorgesteld_op", "pk")
    )
