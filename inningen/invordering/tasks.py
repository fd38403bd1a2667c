"""Celery tasks of the invordering: thin wrappers that call the services. Their names stay
"inningen.tasks.*" (beat schedules and queued messages name them)."""

from celery import shared_task
from django.utils import timezone

from inningen.invordering.services.brieven import brieven_render, brieven_render_sweep
from inningen.invordering.services.invordering import (
    invordering_run_daily,
    invorderingsrun_adressen_refresh,
    invorderingsrun_approved_execute,
)


# One failing letter is logged and left for the sweep inside brieven_render; Celery's retry is
# for the whole chunk failing (database gone, time limit), and rendering again is idempotent.
@shared_task(
    name="inningen.tasks.brieven_renderen",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    retry_jitter=True,
)
def brieven_renderen(ids: list[int]) -> int:
    return brieven_render(ids=ids)


@shared_task(name="inningen.tasks.brieven_opruimen", acks_late=True)
def brieven_opruimen() -> int:
    return brieven_render_sweep()


@shared_task(name="inningen.tasks.invordering_dagelijks", acks_late=True)
def invordering_dagelijks() -> int:
    """Daily beat: monitor regelingen and run (or propose) collection for every organisation."""
    return len(invordering_run_daily(datum=timezone.localdate()))


# The service is idempotent per run (it only acts on a run in status "bezig"); a task redelivered
# after a lost worker finds the claims already stepped today and the run completed.
@shared_task(
    name="inningen.tasks.invorderingsrun_uitvoeren",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
)
def invorderingsrun_uitvoeren(run_id: int) -> None:
    invorderingsrun_approved_execute(run_id=run_id)


# Before an approved run's letters: the addresses of its debtors, one block per task
# (INVORDERING_ADRESSEN_PER_TAAK debtors, well inside the time limit), each task queueing the
# next and the last one the execution. Idempotent: progress is kept on the run.
@shared_task(
    bind=True,
    name="inningen.tasks.invorderingsrun_adressen",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
)
def invorderingsrun_adressen(self, run_id: int, vanaf: int = 0) -> None:
    while True:
        vervolg = invorderingsrun_adressen_refresh(run_id=run_id, vanaf=vanaf)
        if vervolg.volgende is not None and self.request.is_eager:
            # In-process (no broker) a task queued from itself would run inside itself, one
            # level deeper per block: loop instead.
            vanaf = vervolg.volgende
            continue
        if vervolg.volgende is not None:
            invorderingsrun_adressen.delay(run_id, vervolg.volgende)
        elif vervolg.uitvoeren:
            invorderingsrun_uitvoeren.delay(run_id)
        return
