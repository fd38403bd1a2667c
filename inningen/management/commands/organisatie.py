from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from inningen.organisaties.services.organisaties import organisatie_upsert


class Command(BaseCommand):
    help = "Maakt of wijzigt een vorderende organisatie (idempotent, op RSIN)."

    def add_arguments(self, parser):
        parser.add_argument("--rsin", required=True)
        parser.add_argument("--naam")
        parser.add_argument("--gemeentecode")
        parser.add_argument("--iban", nargs="+", default=[], help="Ontvangende rekening(en).")
        parser.add_argument("--incassant-id", help="SEPA incassant-ID (creditor identifier).")

    def handle(self, *args, **options):
        try:
            organisatie, created = organisatie_upsert(
                rsin=options["rsin"],
                naam=options["naam"],
                gemeentecode=options["gemeentecode"],
                ibans=options["iban"],
                incassant_id=options["incassant_id"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Organisatie {'aangemaakt' if created else 'bijgewerkt'}: {organisatie}")
