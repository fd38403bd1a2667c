from django.conf import settings
from django.core.checks import Error, register


@register()
def check_stuf_identity(app_configs, **kwargs):
    """Without our own StUF identity no ontvanger can be checked and no message addressed."""
    if not settings.STUF_APPLICATIE:
        return [
            Error(
                "STUF_APPLICATIE is leeg.",
                hint="Zet de eigen StUF-applicatiecode.",
                id="stuffin.E001",
            )
        ]
    if settings.STUF_MAX_BODY_BYTES < 1024:
        return [Error("STUF_MAX_BODY_BYTES is onredelijk klein.", id="stuffin.E002")]
    return []
