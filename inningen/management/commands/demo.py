import time

from django.core.management.base import BaseCommand, CommandError

from inningen.demo.gegevens import KOPPELINGEN
from inningen.demo.opvolging import demo_opvolgingen_ensure
from inningen.demo.services import (
    DemoInProductieError,
    demo_invordering_overzicht,
    demo_load,
    demo_statusverdeling,
    demo_users_ensure,
    tellingen_tekst,
)


class Command(BaseCommand):
    help = (
        "Laadt demodata (organisaties, koppelingen, debiteuren, vorderingen met betalingen en "
        "statushistorie, invorderingsruns met brieven, regelingen, opschortingen en "
        "afboekingsvoorstellen) en demogebruikers. Idempotent: een tweede keer voegt niets toe. "
        "Alleen voor ontwikkeling en demonstraties."
    )

    def handle(self, *args, **options):
        start = time.perf_counter()
        try:
            tellingen = demo_load(stdout=self.stdout)
            gebruikers = demo_users_ensure()
            demo_opvolgingen_ensure()  # follow-ups for the start page and "mijn werk" (#19)
        except DemoInProductieError as exc:
            raise CommandError(str(exc)) from exc
        duur = f"{time.perf_counter() - start:.1f}".replace(".", ",")

        if tellingen["bestond_al"]:
            self.stdout.write("Er is niets toegevoegd; demogebruikers zijn gecontroleerd.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demodata aangemaakt in {duur} s: {tellingen_tekst(tellingen)}."
                )
            )
            verdeling = ", ".join(f"{code} {n}" for code, n in demo_statusverdeling().items())
            self.stdout.write(f"Statussen: {verdeling}.")
            for naam, aantallen in demo_invordering_overzicht().items():
                tekst = ", ".join(f"{soort} {n}" for soort, n in aantallen.items()) or "geen"
                self.stdout.write(f"{naam}: {tekst}.")

        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING(
                "ALLEEN VOOR DEMO: onderstaande wachtwoorden zijn openbaar; gebruik ze nooit in "
                "productie."
            )
        )
        self.stdout.write(
            "Gebruikers (inloggen op /inloggen/), wachtwoord alleen gezet bij het aanmaken:"
        )
        self.stdout.write(f"  {'gebruiker':<13} {'wachtwoord':<24} {'rol(len)':<16} ziet")
        for g in gebruikers:
            rollen = ", ".join(g.rollen) or g.rol
            self.stdout.write(
                f"  {g.gebruikersnaam:<13} {g.wachtwoord:<24} {rollen:<16} "
                f"{', '.join(g.organisaties) or 'geen organisaties'}"
            )
        self.stdout.write("Koppelingen (HTTP Basic, inkomend):")
        for k in KOPPELINGEN:
            self.stdout.write(f"  {k.gebruikersnaam:<22} {k.wachtwoord:<28} {k.naam}")
