"""System checks for configuration errors that would otherwise surface at the first message."""

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_production_services(app_configs, **kwargs):
    messages = []
    if not settings.IS_PRODUCTION:
        return messages
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        messages.append(
            Warning(
                "Productie draait op SQLite.",
                hint="Zet DATABASE_URL naar PostgreSQL.",
                id="inningen.W001",
            )
        )
    if not settings.CELERY_BROKER_URL:
        messages.append(
            Error(
                "Productie zonder CELERY_BROKER_URL voert taken in het webproces uit.",
                hint="Zet CELERY_BROKER_URL, bv. redis://127.0.0.1:6379/0.",
                id="inningen.E001",
            )
        )
    return messages
