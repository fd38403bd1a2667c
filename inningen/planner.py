"""The beat schedule without a broker (issue #15): `manage.py planner`, started by `make run`.

The embedded default (no CELERY_BROKER_URL) runs tasks in-process and has no `celery beat`, so
the 06:30 invordering preview, the outbox sweep and the clean-ups never ran there. This reads
the same schedule (django-celery-beat's PeriodicTask rows, with its own due-rules) and runs each
due task once in this process, updating last_run_at as beat does. With a broker, `celery beat`
is used instead (README).
"""

import functools
import logging

from celery import current_app
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import ModelEntry

logger = logging.getLogger(__name__)


@functools.cache
def _taken_laden() -> None:
    """Import every installed app's tasks module, once per process (a worker does this at start;
    lazily otherwise)."""
    current_app.autodiscover_tasks(force=True)


def geplande_taken_uitvoeren() -> list[str]:
    """Run every enabled periodic task that is due, once; return their names."""
    _taken_laden()
    uitgevoerd = []
    for taak in PeriodicTask.objects.filter(enabled=True).order_by("pk"):
        entry = ModelEntry(taak, app=current_app)
        if not entry.is_due().is_due:
            continue
        # Mark the run before it starts, as beat does: a failing task waits for its next turn
        # instead of running again on every pass.
        next(entry).save()
        uitgevoerd.append(taak.name)
        celery_taak = current_app.tasks.get(taak.task)
        if celery_taak is None:
            logger.error("Geplande taak %s: onbekende taak %s", taak.name, taak.task)
            continue
        logger.info("Geplande taak %s (%s) start", taak.name, taak.task)
        try:
            celery_taak.apply(args=entry.args, kwargs=entry.kwargs, throw=True)
        except Exception:
            logger.exception("Geplande taak %s (%s) mislukt", taak.name, taak.task)
    return uitgevoerd
