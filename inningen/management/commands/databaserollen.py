from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from inningen.db.rollen import grant_statements


class Command(BaseCommand):
    help = (
        "Drukt de GRANT-statements af die de applicatierol precies de rechten geeft die het "
        "product gebruikt, voor het huidige schema (PostgreSQL). Geen eigenaarschap, dus geen "
        "ALTER, DISABLE TRIGGER of TRUNCATE; op de boekingen alleen lezen en toevoegen. Na elke "
        "migrate opnieuw uitvoeren, bv. `manage.py databaserollen | psql ...`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--app-rol",
            default="inningen_app",
            help="De rol van de applicatie (standaard %(default)s).",
        )
        parser.add_argument(
            "--migratie-rol",
            default="inningen_migratie",
            help="De eigenaar die migrate draait, alleen ter vermelding (standaard %(default)s).",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Databaserollen bestaan alleen op PostgreSQL (DATABASE_URL).")
        for regel in grant_statements(
            app_rol=options["app_rol"], migratie_rol=options["migratie_rol"]
        ):
            self.stdout.write(regel)
