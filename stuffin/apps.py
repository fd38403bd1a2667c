from django.apps import AppConfig


class StuffinConfig(AppConfig):
    name = "stuffin"
    verbose_name = "StUF-FIN koppelingen"

    def ready(self):
        from stuffin import checks, receivers  # noqa: F401  (registers checks and signal receivers)
