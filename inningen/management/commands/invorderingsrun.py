import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from inningen.bedragen import euro
from inningen.csvbestand import csv_tekst
from inningen.invordering.services.invordering import (
    PLAN_KOLOMMEN,
    RunGeweigerd,
    invordering_plan,
    invorderingsrun_execute,
    plan_rijen,
)
from inningen.invordering.services.regelingen import regelingen_monitor
from inningen.organisaties.models import Organisatie


class Command(BaseCommand):
    help = (
        "Voert de invorderingsrun uit: herinneringen, aanmaningen, veertiendagenbrieven, "
        "dwangbevelen/overdracht, met kosten, rente, brieven en statussen. Met --dry-run: "
        "alleen tonen wat er zou gebeuren."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Niets wijzigen; alleen tonen.")
        parser.add_argument("--datum", help="Rekenen alsof het deze dag is (JJJJ-MM-DD).")
        parser.add_argument("--organisatie", help="RSIN van één organisatie (standaard: alle).")
        parser.add_argument(
            "--forceer", action="store_true", help="Ook uitvoeren als het bankafschrift te oud is."
        )
        parser.add_argument(
            "--csv", help="Schrijf alle voorstellen en overgeslagen naar dit bestand."
        )

    def handle(self, *args, **opts):
        try:
            datum = dt.date.fromisoformat(opts["datum"]) if opts["datum"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Ongeldige --datum {opts['datum']!r}: gebruik JJJJ-MM-DD.") from exc
        organisaties = Organisatie.objects.order_by("pk")
        if opts["organisatie"]:
            organisaties = organisaties.filter(rsin=opts["organisatie"])
            if not organisaties:
                raise CommandError(f"Geen organisatie met RSIN {opts['organisatie']}.")
        geweigerd = []
        regels = []
        for organisatie in organisaties:
            if opts["dry_run"]:
                plan = invordering_plan(organisatie=organisatie, datum=datum)
                if plan.afschrift_melding:
                    self.stdout.write(self.style.WARNING(
                        f"{plan.afschrift_melding} Een echte run zou weigeren (tenzij --forceer)."
                    ))  # fmt: skip
            else:
                regelingen_monitor(organisatie=organisatie, datum=datum, door="invorderingsrun")
                try:
                    plan = invorderingsrun_execute(
                        organisatie=organisatie, datum=datum, door="invorderingsrun",
                        forceer=opts["forceer"],
                    ).plan  # fmt: skip
                except RunGeweigerd as exc:
                    geweigerd.append(str(exc))
                    self.stderr.write(self.style.ERROR(f"Geweigerd: {exc}"))
                    continue
            self._toon(organisatie, plan, opts["dry_run"])
            regels.extend([organisatie.rsin, *rij] for rij in plan_rijen(plan))
        if opts["csv"]:
            with open(opts["csv"], "w", newline="", encoding="utf-8") as f:
                f.write(csv_tekst(["organisatie", *PLAN_KOLOMMEN], regels))
        if geweigerd:
            raise CommandError(
                "Run geweigerd voor: " + " ".join(geweigerd) + " Lees het bankafschrift in of "
                "gebruik --forceer."
            )

    def _toon(self, organisatie, plan, droog):
        s = plan.samenvatting(voorbeelden=0)
        kop = "Droge run" if droog else "Uitgevoerd"
        self.stdout.write(
            f"{kop} {organisatie.naam} ({organisatie.rsin}) op {plan.datum:%d-%m-%Y}:"
        )
        for stap, f in s["per_stap"].items():
            self.stdout.write(
                f"  {stap:<14} {f['aantal']:>7} vorderingen  openstaand {euro(f['openstaand'])}"
                f"  kosten {euro(f['kosten'])}  rente {euro(f['rente'])}"
            )
        self.stdout.write(
            f"  totaal {s['aantal']} stappen, kosten {euro(s['kosten'])}, rente {euro(s['rente'])}"
        )
        for reden, aantal in s["overgeslagen"].items():
            self.stdout.write(f"  overgeslagen: {aantal} × {reden}")
