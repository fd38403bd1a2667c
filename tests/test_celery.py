"""Celery wiring: settings, and a real worker on the machine's Redis running a task."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from config.celery import app
from stuffin.models import Bericht, Richting

ROOT = Path(__file__).resolve().parent.parent


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


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_real_worker_on_redis_runs_a_task(redis_url, postgresql, settings):
    oud = Bericht.objects.create(richting=Richting.IN, berichtsoort="test")
    Bericht.objects.filter(pk=oud.pk).update(
        tijdstip=timezone.now() - datetime.timedelta(days=1000)
    )
    nieuw = Bericht.objects.create(richting=Richting.IN, berichtsoort="test")

    db = connection.settings_dict
    broker = redis_url.rsplit("/", 1)[0] + "/14"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        app.conf.task_always_eager = False
        with app.connection_for_write(broker) as conn:
            app.send_task("stuffin.tasks.berichtenlog_opschonen", connection=conn)
        deadline = time.monotonic() + 60
        while Bericht.objects.filter(pk=oud.pk).exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not Bericht.objects.filter(pk=oud.pk).exists(), "the worker did not run the task"
        assert Bericht.objects.filter(pk=nieuw.pk).exists()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
