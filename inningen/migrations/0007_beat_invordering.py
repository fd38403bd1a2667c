"""Beat schedule: the daily invorderingsrun (06:30) and the letter-rendering sweep (every 10
minutes), created only when missing so a beheerder's changes stay."""

from django.db import migrations


def forwards(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    dagelijks, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="6", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Europe/Amsterdam",
    )
    PeriodicTask.objects.get_or_create(
        name="Invordering: dagelijkse run (of voorstel ter goedkeuring)",
        defaults={"task": "inningen.tasks.invordering_dagelijks", "crontab": dagelijks},
    )
    tien_minuten, _ = IntervalSchedule.objects.get_or_create(every=600, period="seconds")
    PeriodicTask.objects.get_or_create(
        name="Brieven: nog niet aangemaakte PDF's opnieuw aanbieden",
        defaults={"task": "inningen.tasks.brieven_opruimen", "interval": tien_minuten},
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task__in=["inningen.tasks.invordering_dagelijks", "inningen.tasks.brieven_opruimen"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inningen", "0006_tarieven"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
