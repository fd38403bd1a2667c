"""`manage.py planner`: the beat schedule in the embedded default (issue #15, operation)."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from config.celery import app
from inningen.planner import geplande_taken_uitvoeren

pytestmark = pytest.mark.django_db

AANROEPEN: list = []


@app.task(name="tests.planner.teller")
def teller(waarde):
    AANROEPEN.append(waarde)


@app.task(name="tests.planner.kapot")
def kapot():
    raise RuntimeError("taak faalt")


@pytest.fixture(autouse=True)
def alleen_eigen_taken():
    # The migrations' tasks (sweeps, preview) are not what these tests are about.
    PeriodicTask.objects.update(enabled=False)
    AANROEPEN.clear()


def _taak(naam, task="tests.planner.teller", geleden=120, **schema):
    if not schema:
        schema = {
            "interval": IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
        }
    return PeriodicTask.objects.create(
        name=naam, task=task, args=f'["{naam}"]' if task.endswith("teller") else "[]",
        last_run_at=timezone.now() - timedelta(seconds=geleden), **schema,
    )  # fmt: skip


def test_due_task_runs_once_and_not_again_until_due():
    taak = _taak("elke minuut")
    assert geplande_taken_uitvoeren() == ["elke minuut"]
    assert AANROEPEN == ["elke minuut"]
    taak.refresh_from_db()
    assert taak.total_run_count == 1
    assert timezone.now() - taak.last_run_at < timedelta(seconds=10)

    # Not due again within its minute.
    assert geplande_taken_uitvoeren() == []
    assert AANROEPEN == ["elke minuut"]

    # A minute later it is.
    PeriodicTask.objects.filter(pk=taak.pk).update(last_run_at=taak.last_run_at - timedelta(60))
    assert geplande_taken_uitvoeren() == ["elke minuut"]
    assert AANROEPEN == ["elke minuut", "elke minuut"]


def test_task_not_yet_due_does_not_run():
    _taak("net gedaan", geleden=5)
    assert geplande_taken_uitvoeren() == []
    assert AANROEPEN == []


def test_missed_crontab_runs_once():
    """The 06:30 preview when the laptop was off at 06:30: run once, as beat does."""
    dagelijks = CrontabSchedule.objects.create(minute="30", hour="6", timezone="Europe/Amsterdam")
    _taak("dagelijks", geleden=2 * 24 * 3600, crontab=dagelijks)
    assert geplande_taken_uitvoeren() == ["dagelijks"]
    assert geplande_taken_uitvoeren() == []
    assert AANROEPEN == ["dagelijks"]


def test_disabled_task_does_not_run():
    taak = _taak("uit")
    PeriodicTask.objects.filter(pk=taak.pk).update(enabled=False)
    assert geplande_taken_uitvoeren() == []


def test_failing_task_is_logged_and_waits_for_its_turn(caplog):
    _taak("kapot", task="tests.planner.kapot")
    _taak("daarna")
    with caplog.at_level(logging.ERROR, logger="inningen.planner"):
        assert geplande_taken_uitvoeren() == ["kapot", "daarna"]
    assert AANROEPEN == ["daarna"]
    assert "Geplande taak kapot (tests.planner.kapot) mislukt" in caplog.text
    assert geplande_taken_uitvoeren() == []


def test_command_one_pass():
    _taak("commando")
    uit = StringIO()
    call_command("planner", "--eenmalig", stdout=uit)
    assert "Uitgevoerd: commando" in uit.getvalue()
    assert AANROEPEN == ["commando"]


def test_command_leaves_scheduling_to_beat_with_a_broker(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _taak("met broker")
    uit = StringIO()
    call_command("planner", "--eenmalig", stdout=uit)
    assert "celery -A config beat" in uit.getvalue()
    assert AANROEPEN == []


def test_migrated_schedule_is_runnable():
    """Every task of the migrations' schedule is a registered Celery task."""
    namen = set(PeriodicTask.objects.values_list("task", flat=True))
    assert namen >= {"inningen.tasks.invordering_dagelijks", "stuffin.tasks.uitgaand_opruimen"}
    assert namen <= set(app.tasks)
