import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from inningen.planner import geplande_taken_uitvoeren


class Command(BaseCommand):
    help = (
        "Voert het beat-schema (admin → Periodic tasks) uit zonder broker: elke taak die aan de "
        "beurt is, één keer, in dit proces. Gestart door `make run`. Met CELERY_BROKER_URL "
        "gebruik je `celery -A config beat` en doet dit commando niets."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=30.0, help="seconden tussen twee rondes (30)"
        )
        parser.add_argument("--eenmalig", action="store_true", help="één ronde, dan stoppen")

    def handle(self, *args, **options):
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write(
                "Er is een broker geconfigureerd: de geplande taken lopen via "
                "`celery -A config beat`; de planner doet niets."
            )
            return
        if options["eenmalig"]:
            self._ronde()
            return
        self.stdout.write(f"Planner: geplande taken elke {options['interval']:g} s (Ctrl-C stopt).")
        try:
            while True:
                self._ronde()
                time.sleep(options["interval"])
                # Like after a request: drop a connection that broke or outlived CONN_MAX_AGE.
                close_old_connections()
        except KeyboardInterrupt:
            pass

    def _ronde(self):
        for naam in geplande_taken_uitvoeren():
            self.stdout.write(f"Uitgevoerd: {naam}")
