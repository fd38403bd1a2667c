from celery import shared_task

from stuffin.services.berichtenlog import berichtenlog_prune
from stuffin.services.uitgaand import uitgaand_deliver, uitgaand_sweep


@shared_task(acks_late=True)
def berichtenlog_opschonen() -> int:
    return berichtenlog_prune()


# Retries are scheduled by the service itself (backoff stored in the row); Celery's own retry
# covers only unexpected crashes, and the sweep covers everything else.
@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    retry_jitter=True,
)
def uitgaand_afleveren(koppeling_id: int) -> int:
    return uitgaand_deliver(koppeling_id=koppeling_id)


@shared_task(acks_late=True)
def uitgaand_opruimen() -> int:
    return uitgaand_sweep()
