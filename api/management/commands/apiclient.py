from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api.models import ApiClient, Scope
from api.services.clients import apiclient_revoke, apiclient_save
from inningen.organisaties.models import Organisatie


class Command(BaseCommand):
    help = (
        "Maakt of wijzigt een API-client (op --naam) en geeft een nieuw token uit; het token "
        "staat op de laatste regel van de uitvoer en wordt alleen gehasht bewaard (een eerder "
        "token vervalt). Zonder --tsa-code houdt een bestaande client zijn TSA-codes. "
        "Met --intrekken wordt het token van de client ingetrokken (geen nieuw token; "
        "opnieuw uitvoeren zonder --intrekken geeft een nieuw token en maakt de client weer "
        f"actief). Scopes: {', '.join(Scope.values)}."
    )

    def add_arguments(self, parser):
        parser.add_argument("--naam", required=True, help="Unieke naam van de client.")
        parser.add_argument(
            "--organisatie", metavar="RSIN", help="RSIN van de vorderende organisatie."
        )
        parser.add_argument(
            "--tsa-code",
            action="append",
            dest="tsa_codes",
            metavar="CODE",
            help="Herhaalbaar. Gegeven: vervangt de TSA-codes van de client.",
        )
        parser.add_argument(
            "--scopes", metavar="SCOPE[,SCOPE...]", help="Kommagescheiden lijst van scopes."
        )
        parser.add_argument(
            "--intrekken",
            action="store_true",
            help="Trek het token van de client in (alleen --naam nodig).",
        )

    def handle(self, *args, **o):
        if o["intrekken"]:
            return self._intrekken(o["naam"])
        if not o["organisatie"] or o["scopes"] is None:
            raise CommandError(
                "--organisatie en --scopes zijn verplicht (behalve met --intrekken)."
            )
        organisatie = Organisatie.objects.filter(rsin=o["organisatie"].strip()).first()
        if organisatie is None:
            raise CommandError(f"Geen vorderende organisatie met RSIN {o['organisatie']!r}.")
        scopes = [s.strip() for s in o["scopes"].split(",") if s.strip()]
        bestond = ApiClient.objects.filter(naam=o["naam"].strip()).exists()
        try:
            nieuw = apiclient_save(
                naam=o["naam"],
                organisatie=organisatie,
                scopes=scopes,
                tsa_codes=o["tsa_codes"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        client = nieuw.client
        codes = ", ".join(sorted(client.tsa_code_set)) or "geen (alleen lezen, hele organisatie)"
        self.stdout.write(
            f"API-client {'bijgewerkt' if bestond else 'aangemaakt'}: {client.naam}\n"
            f"  organisatie: {organisatie}\n"
            f"  scopes:      {', '.join(client.scopes) or 'geen'}\n"
            f"  TSA-codes:   {codes}\n"
            "Nieuw token (wordt niet opnieuw getoond; een eerder token werkt niet meer):"
        )
        self.stdout.write(nieuw.token)

    def _intrekken(self, naam: str) -> None:
        client = ApiClient.objects.filter(naam=naam.strip()).first()
        if client is None:
            raise CommandError(f"Geen API-client met naam {naam!r}.")
        apiclient_revoke(client=client)
        self.stdout.write(f"Token van API-client {client.naam} ingetrokken.")
