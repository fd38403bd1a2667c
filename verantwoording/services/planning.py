"""Each organisation's verantwoording frequency as an entry in the database beat schedule
(django-celery-beat), so operators see and can adjust it in the admin without a deploy."""

import json

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from verantwoording.models import Frequentie, VerantwoordingInstelling

# Early in the morning, after the night's statement imports.
_CRONTAB = {
    Frequentie.DAG: {"day_of_week": "*", "day_of_month": "*"},
    Frequentie.WEEK: {"day_of_week": "1", "day_of_month": "*"},
    Frequentie.MAAND: {"day_of_week": "*", "day_of_month": "1"},
}


def taaknaam(instelling: VerantwoordingInstelling) -> str:
    return f"Financiële verantwoording {instelling.organisatie.rsin}"


@transaction.atomic
def planning_sync(*, instelling: VerantwoordingInstelling) -> PeriodicTask:
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="15",
        hour="5",
        month_of_year="*",
        timezone="Europe/Amsterdam",
        **_CRONTAB[instelling.frequentie],
    )
    taak, _ = PeriodicTask.objects.update_or_create(
        name=taaknaam(instelling),
        defaults={
            "task": "verantwoording.tasks.verantwoording_maken",
            "crontab": crontab,
            "interval": None,
            "kwargs": json.dumps({"organisatie_id": instelling.organisatie_id}),
            "enabled": instelling.actief,
        },
    )
    return taak


@transaction.atomic
def instelling_save(*, instelling: VerantwoordingInstelling) -> VerantwoordingInstelling:
    instelling.full_clean()
    instelling.save()
    planning_sync(instelling=instelling)
    return instelling
