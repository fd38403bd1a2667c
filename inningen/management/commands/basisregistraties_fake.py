from django.core.management.base import BaseCommand

from inningen.basisregistraties.fake import BasisregistratiesFake


class Command(BaseCommand):
    help = (
        "Start een lokale nabootsing van de BRP API Personen 2.7 en de KvK API Basisprofiel "
        "voor de demo en handmatige tests (zie inningen/basisregistraties/LEESMIJ.md). "
        "Nooit in productie: alleen testpersonen en testbedrijven."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8090)
        parser.add_argument(
            "--vertraging-ms",
            type=int,
            default=0,
            help="Wachttijd per verzoek, om de latency van een echte gateway na te doen.",
        )
        parser.add_argument(
            "--genereer-onbekende",
            action="store_true",
            help="Verzin een gewone persoon voor elk onbekend BSN (benchmarks).",
        )
        parser.add_argument("--brp-api-key", default="fake-brp-sleutel")
        parser.add_argument("--kvk-api-key", default="fake-kvk-sleutel")

    def handle(self, *args, **options):
        fake = BasisregistratiesFake(
            host=options["host"],
            port=options["port"],
            brp_api_key=options["brp_api_key"],
            kvk_api_key=options["kvk_api_key"],
            vertraging_ms=options["vertraging_ms"],
            genereer_onbekende=options["genereer_onbekende"],
        )
        url = f"http://{options['host']}:{options['port']}"
        self.stdout.write(f"BRP_API_URL={url}/haalcentraal/api/brp  (X-API-KEY {fake.brp_api_key})")
        self.stdout.write(f"KVK_API_URL={url}/kvk/api/v1  (apikey {fake.kvk_api_key})")
        self.stdout.write("Stoppen met Ctrl-C.")
        try:
            fake.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            fake.stop()
