from celery import shared_task

from inningen.organisaties.models import Organisatie
from verantwoording.services.verantwoordingen import verantwoording_scheduled


@shared_task(acks_late=True)
def verantwoording_maken(organisatie_id: int) -> str:
    """Scheduled per organisation by the database beat schedule."""
    return verantwoording_scheduled(organisatie=Organisatie.objects.get(pk=organisatie_id))
