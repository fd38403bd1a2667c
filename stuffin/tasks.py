from celery import shared_task

from .services.berichtenlog import berichtenlog_prune


@shared_task(acks_late=True)
def berichtenlog_opschonen() -> int:
    return berichtenlog_prune()
