"""Celery tasks of the betalingen: thin wrappers that call the services. Their names stay
"inningen.tasks.*" like the other sub-packages' tasks (beat schedules and messages name them)."""

from celery import shared_task

from inningen.betalingen.services.afschriftimport import (
    TAAK_HARD,
    TAAK_ZACHT,
    afschriftimport_run,
    afschriftimport_sweep,
)

_MAX_POGINGEN = 3


# Idempotent: the service only takes a queued row and writes "klaar" in the import's own
# transaction. Celery's retry is for unexpected errors (database gone); a refused file is a
# result, not an error. In-process (no broker) there is no retry: the request waits.
@shared_task(
    bind=True,
    name="inningen.tasks.afschrift_importeren",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=_MAX_POGINGEN,
    retry_jitter=True,
    soft_time_limit=TAAK_ZACHT,
    time_limit=TAAK_HARD,
)
def afschrift_importeren(self, import_id: int) -> str:
    laatste = self.request.is_eager or self.request.retries >= _MAX_POGINGEN
    return afschriftimport_run(import_id=import_id, laatste_poging=laatste)


@shared_task(name="inningen.tasks.afschriftimport_opruimen", acks_late=True)
def afschriftimport_opruimen() -> int:
    return afschriftimport_sweep()
