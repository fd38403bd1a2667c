from django.apps import AppConfig


class InningenConfig(AppConfig):
    name = "inningen"
    verbose_name = "Inningen"

    def ready(self):
        from . import checks  # noqa: F401  (registers system checks)
