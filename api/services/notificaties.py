"""Recording notifications for REST abonnementen in the outbox (VNG Notificaties API shape).

The outbox (stuffin.services.uitgaand) delivers them like the StUF status pushes: same retries,
order per receiver and claim, admin visibility. Here only the recording: one row per status
change per active abonnement on the kanaal whose client may see the claim.
"""

import uuid
from collections import defaultdict

from django.utils import timezone

from api.models import Abonnement, Kanaal, Scope
from inningen.db.bulk import rijen_insert
from stuffin.models import UitgaandBericht, UitgaandSoort
from stuffin.services.uitgaand import notificaties_queue_on_commit

_VELDEN = (
    "soort",
    "abonnement_id",
    "vordering_id",
    "vorderingstatus_id",
    "referentienummer",
    "volgende_poging",
)


def _ontvangers_per_organisatie() -> dict[int, list[tuple[int, frozenset[str]]]]:
    """Per organisation the (abonnement, TSA codes of its client) that want status changes.
    One query while nobody subscribes; a second one (the codes) only when somebody does."""
    per_organisatie: dict[int, list[tuple[int, frozenset[str]]]] = defaultdict(list)
    for abonnement in (
        Abonnement.objects.filter(actief=True, client__actief=True)
        .select_related("client")
        .prefetch_related("client__tsa_codes")
        .order_by("pk")
    ):
        # kanalen is a short JSON list: filtered here, as SQLite has no JSON containment.
        if Kanaal.VORDERINGSTATUSSEN not in (abonnement.kanalen or []):
            continue
        client = abonnement.client
        if not client.has_scope(Scope.VORDERINGEN_LEZEN):
            # A notification tells the claim's status: what only a reader may know.
            continue
        codes = frozenset(t.code for t in client.tsa_codes.all())
        per_organisatie[client.organisatie_id].append((abonnement.pk, codes))
    return per_organisatie


def notificaties_enqueue(*, statussen) -> int:
    """Outbox rows for the status changes ``statussen`` (saved Vorderingstatus rows with their
    vordering loaded), in the caller's transaction; returns how many. A client hears only of
    claims in its scope: its organisation and, when it has TSA codes, one of those. An
    invorderingsrun changes 100,000 statuses at once: the abonnementen are read once, the rows
    go in with one COPY on PostgreSQL. Not atomic itself: the signal is sent inside the
    writer's transaction, and a savepoint would cost queries on every status change."""
    if not statussen:
        return 0
    per_organisatie = _ontvangers_per_organisatie()
    if not per_organisatie:
        return 0
    nu = timezone.now()
    soort = UitgaandSoort.NOTIFICATIE.value
    rijen = []
    for status in statussen:
        vordering = status.vordering
        for abonnement_id, codes in per_organisatie.get(vordering.organisatie_id, ()):
            if not codes or vordering.tsa in codes:
                rijen.append((soort, abonnement_id, vordering.pk, status.pk, uuid.uuid4().hex, nu))
    rijen_insert(UitgaandBericht, _VELDEN, rijen)
    notificaties_queue_on_commit({r[1] for r in rijen})
    return len(rijen)
