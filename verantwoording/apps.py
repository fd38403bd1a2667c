from django.apps import AppConfig


class VerantwoordingConfig(AppConfig):
    name = "verantwoording"
    verbose_name = "Financiële verantwoording"

    def ready(self):
        from verantwoording import receivers  # noqa: F401  (creates instelling + planning for new organisations)
