from django.core.management.base import BaseCommand

from stuffin.services.berichtenlog import berichtenlog_prune


class Command(BaseCommand):
    help = "Verwijdert berichten uit de berichtenlog die ouder zijn dan de bewaartermijn."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dagen", type=int, help="Bewaartermijn in dagen (standaard uit de instellingen)."
        )

    def handle(self, *args, **options):
        aantal = berichtenlog_prune(dagen=options["dagen"])
        self.stdout.write(f"{aantal} bericht(en) verwijderd uit de berichtenlog.")
