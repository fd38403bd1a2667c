from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inningen.betalingen.services.afschriften import AfschriftFout, afschrift_import


class Command(BaseCommand):
    help = (
        "Leest een bankafschrift in (CAMT.053 of MT940), matcht de posten met vorderingen en "
        "boekt ze; alles of niets. Een al ingelezen afschrift verandert niets. Exitstatus 0 bij "
        "succes (ook 'al ingelezen'), 1 bij een geweigerd bestand."
    )

    def add_arguments(self, parser):
        parser.add_argument("bestand", help="Pad naar het CAMT.053- of MT940-bestand")
        parser.add_argument("--door", default="importeer_afschrift", help="Naam voor de boekingen")

    def handle(self, *args, bestand, door, **options):
        pad = Path(bestand)
        try:
            inhoud = pad.read_bytes()
        except OSError as exc:
            raise CommandError(f"{pad}: niet te lezen ({exc.strerror}).") from exc
        try:
            resultaat = afschrift_import(inhoud=inhoud, door=door, bestandsnaam=pad.name)
        except AfschriftFout as exc:
            raise CommandError(f"{pad.name}: geweigerd, niets ingelezen: {exc}") from exc
        self.stdout.write(f"{pad.name}: {resultaat.samenvatting()}")
