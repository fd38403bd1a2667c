"""Default beat schedule in the database (django-celery-beat), so operators can change it in the
admin without a deploy. Only created when missing: an operator's change is never overwritten."""

from django.db import migrations


def forwards(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Europe/Amsterdam")
    PeriodicTask.objects.get_or_create(
        name="Berichtenlog opschonen",
        defaults={"task": "stuffin.tasks.berichtenlog_opschonen", "crontab": crontab},
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="Berichtenlog opschonen").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stuffin", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
