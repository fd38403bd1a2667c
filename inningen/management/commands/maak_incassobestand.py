import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inningen.betalingen.services.afschriften import euro
from inningen.invordering.services.incasso import (
    IncassoFout,
    incassobestand_create,
    machtigingen_expire,
)
from inningen.organisaties.models import Organisatie


class Command(BaseCommand):
    help = (
        "Maakt het SEPA-incassobestand (pain.008.001.02) van een organisatie voor de termijnen "
        "die op de incassodatum vervallen, en schrijft het naar UITVOER. Zet eerst machtigingen "
        "die 36 maanden niet gebruikt zijn op verlopen. Een termijn wordt per datum één keer geïnd."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rsin", required=True, help="RSIN van de organisatie")
        parser.add_argument("--datum", required=True, help="Incassodatum, JJJJ-MM-DD")
        parser.add_argument("uitvoer", help="Pad voor het XML-bestand")

    def handle(self, *args, rsin, datum, uitvoer, **options):
        try:
            incassodatum = datetime.date.fromisoformat(datum)
        except ValueError as exc:
            raise CommandError(f"Datum {datum!r} is geen JJJJ-MM-DD.") from exc
        organisatie = Organisatie.objects.filter(rsin=rsin).first()
        if organisatie is None:
            raise CommandError(f"Geen organisatie met RSIN {rsin}.")
        verlopen = machtigingen_expire(peildatum=incassodatum)
        try:
            bestand = incassobestand_create(
                organisatie=organisatie, incassodatum=incassodatum, door="maak_incassobestand"
            )
        except IncassoFout as exc:
            raise CommandError(str(exc)) from exc
        if bestand is None:
            self.stdout.write(
                f"Niets te incasseren op {incassodatum} ({verlopen} machtigingen verlopen)."
            )
            return
        Path(uitvoer).write_text(bestand.xml, encoding="utf-8")
        self.stdout.write(
            f"{uitvoer}: {bestand.aantal} incasso's, {euro(bestand.totaal)}, bericht "
            f"{bestand.berichtid} ({verlopen} machtigingen verlopen)."
        )
