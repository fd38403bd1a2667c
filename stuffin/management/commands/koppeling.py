from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from stuffin.services.koppelingen import koppeling_upsert


class Command(BaseCommand):
    help = (
        "Maakt of wijzigt een koppeling (TSA of financiële administratie), "
        "idempotent op StUF-identiteit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--applicatie", required=True)
        parser.add_argument("--organisatie", default="")
        parser.add_argument("--administratie", default="")
        parser.add_argument("--rol", required=True, choices=["tsa", "financiele-administratie"])
        parser.add_argument("--tsa-code", nargs="+", default=[], dest="tsa_codes")
        parser.add_argument(
            "--vorderende-organisatie",
            nargs="+",
            default=[],
            dest="organisaties",
            metavar="RSIN",
            help="De eerste is de standaard.",
        )
        parser.add_argument("--url", default="", help="Endpoint voor berichten die wij sturen.")
        parser.add_argument(
            "--gebruikersnaam", required=True, help="Inkomende HTTP Basic gebruikersnaam."
        )
        parser.add_argument(
            "--wachtwoord", required=True, help="Inkomend wachtwoord (wordt gehasht)."
        )
        parser.add_argument("--uitgaand-gebruikersnaam", default="")
        parser.add_argument("--uitgaand-wachtwoord", default="")
        parser.add_argument("--naam", default="")

    def handle(self, *args, **o):
        try:
            koppeling, created = koppeling_upsert(
                applicatie=o["applicatie"],
                organisatie=o["organisatie"],
                administratie=o["administratie"],
                rol=o["rol"],
                tsa_codes=o["tsa_codes"],
                vorderende_organisaties=o["organisaties"],
                url=o["url"],
                gebruikersnaam=o["gebruikersnaam"],
                wachtwoord=o["wachtwoord"],
                uitgaand_gebruikersnaam=o["uitgaand_gebruikersnaam"],
                uitgaand_wachtwoord=o["uitgaand_wachtwoord"],
                naam=o["naam"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Koppeling {'aangemaakt' if created else 'bijgewerkt'}: {koppeling} ({koppeling.rol})"
        )
