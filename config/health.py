"""Health endpoints for load balancers and monitoring (issue #15).

/health/live: the process answers (no dependencies). /health/ready: database, cache, broker (when
one is configured) and the beat schedule (the newest run of an enabled interval/crontab task is
recent). No authentication and no personal data: only check names, "ok"/"fout" and a short reason.
Nothing is logged at INFO per probe; a failing check is logged at WARNING.
"""

import logging
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_celery_beat.models import PeriodicTask
from kombu import Connection

logger = logging.getLogger(__name__)


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache() -> str:
    sleutel = f"health:{uuid.uuid4().hex}"
    cache.set(sleutel, "1", timeout=10)
    gelezen = cache.get(sleutel)
    cache.delete(sleutel)
    if gelezen != "1":
        raise RuntimeError("cache gaf de geschreven waarde niet terug")
    return "ok"


def _broker() -> str:
    url = settings.CELERY_BROKER_URL
    if not url:
        return "niet geconfigureerd (taken in-process)"
    timeout = settings.HEALTH_TIMEOUT_SECONDEN
    opties = {"socket_connect_timeout": timeout, "socket_timeout": timeout, "max_retries": 0}
    with Connection(url, connect_timeout=timeout, transport_options=opties) as verbinding:
        verbinding.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=timeout
        )
    return "ok"


def _beat() -> str:
    stand = (
        PeriodicTask.objects.filter(enabled=True)
        .exclude(interval=None, crontab=None)
        .aggregate(aantal=Count("pk"), laatste=Max("last_run_at"))
    )
    if not stand["aantal"]:
        return "ok (geen geplande taken)"
    laatste = stand["laatste"]
    if laatste is None:
        raise RuntimeError("nog geen geplande taak uitgevoerd")
    stilte = timezone.now() - laatste
    if stilte > timedelta(seconds=settings.HEALTH_BEAT_MAX_STILTE_SECONDEN):
        raise RuntimeError(f"laatste geplande taak {int(stilte.total_seconds())} s geleden")
    return "ok"


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "beat": _beat}


@never_cache
@require_GET
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request):
    resultaten = {}
    gezond = True
    for naam, check in CHECKS.items():
        start = time.monotonic()
        try:
            melding = check()
            status = "ok"
        except Exception as exc:  # every failure is a "not ready", never a 500
            gezond = False
            status = "fout"
            # The reason is ours (RuntimeError) or only the class name: no hosts or credentials.
            melding = str(exc) if isinstance(exc, RuntimeError) else type(exc).__name__
            logger.warning("Readiness-check %s faalt: %r", naam, exc)
        resultaten[naam] = {
            "status": status,
            "melding": melding,
            "ms": round((time.monotonic() - start) * 1000, 1),
        }
    return JsonResponse(
        {"status": "ok" if gezond else "fout", "checks": resultaten},
        status=200 if gezond else 503,
    )
