"""Existing organisations get the default instelling (monthly) and its beat-schedule entry."""

import json

from django.db import migrations


def forwards(apps, schema_editor):
    Organisatie = apps.get_model("inningen", "Organisatie")
    Instelling = apps.get_model("verantwoording", "VerantwoordingInstelling")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="15", hour="5", day_of_week="*", day_of_month="1", month_of_year="*", timezone="Europe/Amsterdam")
    for organisatie in Organisatie.objects.filter(verantwoording_instelling__isnull=True):
        Instelling.objects.create(organisatie=organisatie)
        PeriodicTask.objects.get_or_create(
            name=f"Financiële verantwoording {organisatie.rsin}",
            defaults={"task": "verantwoording.tasks.verantwoording_maken", "crontab": crontab,
                      "kwargs": json.dumps({"organisatie_id": organisatie.pk})},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("verantwoording", "0001_initial"),
        ("inningen", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
