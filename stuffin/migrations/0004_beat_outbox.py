"""Beat schedule for the outbox sweep (every minute), created only when missing."""

from django.db import migrations


def forwards(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    elke_minuut, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    PeriodicTask.objects.get_or_create(
        name="Outbox: vastgelopen en verschuldigde berichten opnieuw aanbieden",
        defaults={"task": "stuffin.tasks.uitgaand_opruimen", "interval": elke_minuut},
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task="stuffin.tasks.uitgaand_opruimen"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("stuffin", "0003_outbox")]
    operations = [migrations.RunPython(forwards, backwards)]
