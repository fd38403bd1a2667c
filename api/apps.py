from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST/JSON API beside StUF (issue #17): the same services, the same rules."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    label = "api"
    verbose_name = "REST-API"

    def ready(self):
        from api import (
            receivers,  # noqa: F401  (signal receivers)
            schema,  # noqa: F401  (OpenAPI extension for the Bearer scheme)
        )
