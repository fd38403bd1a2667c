import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inningen.betalingen.services.afschriften import AfschriftFout, afschrift_import


def _ongekleurd(tekst: str) -> str:
    # Progress is not an error: without this, Django colours everything on stderr red.
    return tekst


class Voortgangsbalk:
    """``voortgang(done, total)`` for the command: a bar redrawn in place on a terminal, plain
    lines (every tenth, at most one a second) when stderr is a file or a pipe (logs, cron)."""

    BREEDTE = 30

    def __init__(self, uit, *, terminal: bool):
        self.uit = uit
        self.terminal = terminal
        self.laatst = float("-inf")
        self.getoond = -1
        self.klaar = False

    def __call__(self, done: int, totaal: int) -> None:
        if self.klaar or totaal <= 0:
            return
        procent = min(100, done * 100 // totaal)
        nu = time.monotonic()
        einde = done >= totaal
        if self.terminal:
            if not einde and nu - self.laatst < 0.2:
                return
            vol = self.BREEDTE * procent // 100
            balk = "#" * vol + "-" * (self.BREEDTE - vol)
            self.uit.write(
                f"\r[{balk}] {procent:3d}% {done}/{totaal} posten", _ongekleurd, ending=""
            )
            self.uit.flush()
        else:
            tiende = procent // 10
            if not einde and (tiende <= self.getoond or nu - self.laatst < 1):
                return
            self.getoond = tiende
            self.uit.write(f"voortgang: {procent}% ({done}/{totaal} posten)", _ongekleurd)
        self.laatst = nu
        if einde:
            self.klaar = True
            if self.terminal:
                self.uit.write("", _ongekleurd)

    def afsluiten(self) -> None:
        """End a bar left half-way (a refused file) with a newline."""
        if self.terminal and self.laatst > float("-inf") and not self.klaar:
            self.uit.write("", _ongekleurd)


class Command(BaseCommand):
    help = (
        "Leest een bankafschrift in (CAMT.053 of MT940), matcht de posten met vorderingen en "
        "boekt ze; alles of niets, in dit proces (niet via de wachtrij). Een al ingelezen "
        "afschrift verandert niets. Voortgang op stderr (een balk op een terminal). Exitstatus "
        "0 bij succes (ook 'al ingelezen'), 1 bij een geweigerd bestand."
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
        balk = Voortgangsbalk(self.stderr, terminal=self.stderr.isatty())
        try:
            resultaat = afschrift_import(
                inhoud=inhoud, door=door, bestandsnaam=pad.name, voortgang=balk
            )
        except AfschriftFout as exc:
            balk.afsluiten()
            raise CommandError(f"{pad.name}: geweigerd, niets ingelezen: {exc}") from exc
        self.stdout.write(f"{pad.name}: {resultaat.samenvatting()}")
