from celery import shared_task
from django.utils import timezone

from inningen.models import Organisatie

from .services.verantwoordingen import VerantwoordingFout, periode_einde, verantwoording_create


@shared_task(acks_late=True)
def verantwoording_maken(organisatie_id: int) -> str:
    """Scheduled per organisation: account for the last complete period. Idempotent: a period
    that is already accounted for is skipped."""
    organisatie = Organisatie.objects.select_related("verantwoording_instelling").get(
        pk=organisatie_id
    )
    instelling = organisatie.verantwoording_instelling
    tot = periode_einde(instelling.frequentie, timezone.localdate())
    vorige = organisatie.verantwoordingen.order_by("-verantwoordingsnummer").first()
    if vorige and vorige.einddatum >= tot:
        return f"al verantwoord t/m {vorige.einddatum}"
    try:
        fvw = verantwoording_create(organisatie=organisatie, tot=tot, door="planning")
    except VerantwoordingFout as exc:
        # Visible to operators in the worker log and in the admin (no verantwoording appears).
        return f"niet gemaakt: {exc}"
    return f"verantwoording {fvw.verantwoordingsnummer}" if fvw else "niets te verantwoorden"
