import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from inningen.organisaties.models import Organisatie
from verantwoording.services.verantwoordingen import VerantwoordingFout, verantwoording_create


class Command(BaseCommand):
    help = (
        "Maakt en verstuurt nu de financiële verantwoording(en) t/m een datum (standaard gisteren)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisatie", metavar="RSIN", help="Alleen deze organisatie.")
        parser.add_argument(
            "--tot",
            type=datetime.date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="Laatste boekdatum (standaard gisteren).",
        )

    def handle(self, *args, **options):
        tot = options["tot"] or timezone.localdate() - datetime.timedelta(days=1)
        organisaties = Organisatie.objects.all()
        if options["organisatie"]:
            organisaties = organisaties.filter(rsin=options["organisatie"])
            if not organisaties.exists():
                raise CommandError(f"Onbekende organisatie {options['organisatie']}.")
        fouten = []
        for organisatie in organisaties:
            try:
                fvw = verantwoording_create(organisatie=organisatie, tot=tot, door="beheercommando")
            except VerantwoordingFout as exc:
                fouten.append(str(exc))
                self.stderr.write(str(exc))
                continue
            if fvw is None:
                self.stdout.write(f"{organisatie}: niets te verantwoorden t/m {tot:%d-%m-%Y}.")
                continue
            totaal = sum(r.bedrag_incl_btw for r in fvw.regels.all())
            verzonden = (
                "verstuurd via de outbox"
                if fvw.uitgaand.exists()
                else "geen financiële koppeling: alleen export"
            )
            self.stdout.write(
                f"{organisatie}: verantwoording {fvw.verantwoordingsnummer} ({fvw.omschrijving}), "
                f"{fvw.aantal_boekingen} boekingen, {fvw.regels.count()} boekingssleutels, "
                f"saldo {totaal} cent; {verzonden}."
            )
        if fouten:
            raise CommandError(f"{len(fouten)} organisatie(s) niet verantwoord; zie hierboven.")
