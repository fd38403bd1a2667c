"""Queueing Celery tasks once a transaction has committed, without ever failing it (issue #15).

What a request committed is its answer: a broker that is down (or a task that fails when run
in-process without one) must not turn that into an error. Every task queued this way has a
sweep that finds the work again (outbox, letters), so a lost queueing is logged and left to it.
"""

import logging
from collections.abc import Callable

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def na_commit(inplannen: Callable[[], object], *, wat: str, using: str | None = None) -> None:
    """Call ``inplannen`` (which queues tasks) after the current transaction commits, through
    :func:`veilig_inplannen`. ``wat`` names the work in the log ("aflevering outbox")."""
    transaction.on_commit(lambda: veilig_inplannen(inplannen, wat=wat), using=using)


def veilig_inplannen(inplannen: Callable[[], object], *, wat: str) -> bool:
    """Call ``inplannen``; False (and a log record) instead of an exception when it fails: a
    WARNING when the broker is unreachable, an ERROR with traceback for anything else (a task
    run in-process that failed is a real error, but the committed work still stands)."""
    try:
        inplannen()
    except (OperationalError, ConnectionError) as exc:
        logger.warning(
            "%s niet in de wachtrij gezet, de broker is onbereikbaar (%s); "
            "de periodieke taak pakt het later op",
            wat,
            exc,
        )
        return False
    except Exception:
        logger.exception("%s na de commit mislukt; de periodieke taak pakt het later op", wat)
        return False
    return True
