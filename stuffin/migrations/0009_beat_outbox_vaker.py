"""The outbox sweep every 15 seconds instead of every minute (issue #15, finding 12): a row a
crashed worker left "bezig" is offered again within the window STUF_UITGAAND_VASTGELOPEN_NA
(default 70 s) plus this interval. Only when the schedule is still the default of 0004: an
operator's change stays."""

from django.db import migrations

TAAK = "stuffin.tasks.uitgaand_opruimen"


def _interval(apps, oud: int, nieuw: int) -> None:
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schema, _ = IntervalSchedule.objects.get_or_create(every=nieuw, period="seconds")
    PeriodicTask.objects.filter(task=TAAK, interval__every=oud, interval__period="seconds").update(
        interval=schema
    )


def forwards(apps, schema_editor):
    _interval(apps, 60, 15)


def backwards(apps, schema_editor):
    _interval(apps, 15, 60)


class Migration(migrations.Migration):
    dependencies = [
        ("stuffin", "0008_koppeling_uitgaand_versleuteld"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
