"""Celery wiring: settings, and a real worker on the machine's Redis running a task."""

import datetime

import pytest
from django.utils import timezone

from config.celery import app
from stuffin.models import Bericht, Richting
from stuffin.tasks import berichtenlog_opschonen
from tests.conftest import wait_for


def test_reliability_settings():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    # Autodiscovery is lazy; a worker imports every app's tasks module at start.
    app.loader.import_default_modules()
    assert "stuffin.tasks.berichtenlog_opschonen" in app.tasks


@pytest.mark.django_db
def test_default_beat_schedule_is_in_the_database():
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.filter(
        task="stuffin.tasks.berichtenlog_opschonen", enabled=True
    ).exists()


@pytest.mark.django_db
def test_outbox_sweep_runs_every_15_seconds():
    """Issue #15, finding 12: a crashed worker's rows are offered again within the "bezig"
    window plus this interval (migration stuffin 0009)."""
    from django_celery_beat.models import PeriodicTask

    sweep = PeriodicTask.objects.get(task="stuffin.tasks.uitgaand_opruimen")
    assert (sweep.enabled, sweep.interval.every, sweep.interval.period) == (True, 15, "seconds")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_real_worker_on_redis_runs_a_task(celery_worker_factory):
    oud = Bericht.objects.create(richting=Richting.IN, berichtsoort="test")
    Bericht.objects.filter(pk=oud.pk).update(
        tijdstip=timezone.now() - datetime.timedelta(days=1000)
    )
    nieuw = Bericht.objects.create(richting=Richting.IN, berichtsoort="test")
    celery_worker_factory()
    berichtenlog_opschonen.delay()
    assert wait_for(lambda: not Bericht.objects.filter(pk=oud.pk).exists()), (
        "the worker did not run the task"
    )
    assert Bericht.objects.filter(pk=nieuw.pk).exists()
