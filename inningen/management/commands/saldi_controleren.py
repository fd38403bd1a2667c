from django.core.management.base import BaseCommand, CommandError

from inningen.bedragen import euro
from inningen.grootboek.selectors import saldi_controleren


class Command(BaseCommand):
    help = (
        "Controleert of het openstaand bedrag van elke vordering gelijk is aan de som van haar "
        "boekingen. Toont de afwijkingen en eindigt met exitcode 1 als er één is, 0 als alles "
        "aansluit."
    )

    def handle(self, *args, **options):
        controle = saldi_controleren()
        aantal = f"{controle.aantal_vorderingen:,}".replace(",", ".")
        if not controle.verschillen:
            self.stdout.write(
                self.style.SUCCESS(f"Alle saldi sluiten aan: {aantal} vorderingen gecontroleerd.")
            )
            return
        self.stdout.write("vordering-id;rsin;tsa;vorderingnummer;openstaand;boekingen;verschil")
        for v in controle.verschillen:
            self.stdout.write(
                f"{v.vordering_id};{v.rsin};{v.tsa};{v.vorderingnummer};"
                f"{euro(v.openstaand_bedrag)};{euro(v.saldo_boekingen)};{euro(v.verschil)}"
            )
        totaal = sum(v.verschil for v in controle.verschillen)
        raise CommandError(
            f"{len(controle.verschillen)} van {aantal} vorderingen wijken af van hun boekingen "
            f"(verschil in totaal {euro(totaal)}).",
            returncode=1,
        )
