import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from inningen.bedragen import euro
from inningen.organisaties.models import Organisatie
from verantwoording.services.aansluiting import aansluiting_compute


class Command(BaseCommand):
    help = (
        "Aansluiting per organisatie: beginsaldo + opgelegd − ontvangen ± correcties = eindsaldo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisatie", metavar="RSIN", required=True)
        parser.add_argument("--van", type=datetime.date.fromisoformat, metavar="YYYY-MM-DD")
        parser.add_argument("--tot", type=datetime.date.fromisoformat, metavar="YYYY-MM-DD")

    def handle(self, *args, **o):
        organisatie = Organisatie.objects.filter(rsin=o["organisatie"]).first()
        if organisatie is None:
            raise CommandError(f"Onbekende organisatie {o['organisatie']}.")
        tot = o["tot"] or timezone.localdate()
        van = o["van"] or tot.replace(day=1)
        a = aansluiting_compute(organisatie=organisatie, begindatum=van, einddatum=tot)
        regels = [
            ("beginsaldo", a.beginsaldo),
            ("+ opgelegd", a.opgelegd),
            ("− ontvangen", a.ontvangen),
            ("± correcties", a.correcties),
            ("= eindsaldo", a.eindsaldo),
            ("openstaand op vorderingen (nu)", a.openstaand_vorderingen),
        ]
        self.stdout.write(f"{organisatie}, {van:%d-%m-%Y} t/m {tot:%d-%m-%Y}")
        for label, cent in regels:
            self.stdout.write(f"  {label:<32} {euro(cent):>18}")
        if not a.sluit:
            raise CommandError("De aansluiting sluit niet.")
        if tot >= timezone.localdate() and not a.sluit_met_vorderingen:
            raise CommandError(
                "Eindsaldo op vorderingen wijkt af van de som van de openstaande vorderingen."
            )
        self.stdout.write("  sluit tot op de cent")
