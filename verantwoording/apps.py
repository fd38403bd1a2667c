from django.apps import AppConfig


class VerantwoordingConfig(AppConfig):
    name = "verantwoording"
    verbose_name = "Financiële verantwoording"
