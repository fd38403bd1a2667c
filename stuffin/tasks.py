from celery import shared_task

from stuffin.services.berichtenlog import berichtenlog_prune
from stuffin.services.uitgaand import tijdslimieten, uitgaand_deliver, uitgaand_sweep


@shared_task(acks_late=True)
def berichtenlog_opschonen() -> int:
    return berichtenlog_prune()


_ZACHT, _HARD = tijdslimieten()

# Retries are scheduled by the service itself (backoff stored in the row); Celery's own retry
# covers only unexpected crashes, and the sweep covers everything else. The time limits stay
# below the window after which the sweep offers a "bezig" row again (see tijdslimieten).
_AFLEVEREN = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
    "retry_jitter": True,
    "soft_time_limit": _ZACHT,
    "time_limit": _HARD,
}


@shared_task(**_AFLEVEREN)
def uitgaand_afleveren(self, koppeling_id: int) -> int:
    # In-process (no broker) a task queued from itself would run inside itself: it queues nothing.
    return uitgaand_deliver(koppeling_id=koppeling_id, zelf_inplannen=not self.request.is_eager)


@shared_task(**_AFLEVEREN)
def notificaties_afleveren(self, abonnement_id: int) -> int:
    """Notifications to one REST abonnement, through the same outbox as the StUF pushes."""
    return uitgaand_deliver(abonnement_id=abonnement_id, zelf_inplannen=not self.request.is_eager)


@shared_task(acks_late=True)
def uitgaand_opruimen() -> int:
    return uitgaand_sweep()
