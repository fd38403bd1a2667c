"""Parsing and checking the environment the settings come from (finding 6 of issue #15).

Plain functions without Django settings, so config/settings.py can call them while it loads.
Production refuses to start (ImproperlyConfigured) rather than run with development defaults.
"""

from collections.abc import Mapping

import environ
from django.core.exceptions import ImproperlyConfigured

# Accepted values of INNINGEN_OMGEVING (case-insensitive, surrounding whitespace ignored), with
# the Dutch names as aliases.
OMGEVINGEN = {
    "development": "development",
    "ontwikkeling": "development",
    "production": "production",
    "productie": "production",
}

# Parts of example or placeholder keys people paste from docs; a real key is random.
_PLACEHOLDERS = (
    "changeme",
    "change-me",
    "change_me",
    "insecure",
    "secret",
    "geheim",
    "example",
    "voorbeeld",
    "placeholder",
    "development",
    "wijzigen",
    "vervangen",
    "replace",
    "password",
    "wachtwoord",
)
SECRET_KEY_MIN_LENGTE = 50
SECRET_KEY_MIN_VERSCHILLEND = 20

# Cache backends that each process keeps for itself (or that keep nothing).
_NIET_GEDEELDE_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)

SLEUTEL_MAAK_COMMANDO = (
    "python -c 'from django.core.management.utils import get_random_secret_key; "
    "print(get_random_secret_key())'"
)


def omgeving_parse(waarde: str) -> str:
    """'development' or 'production'; anything else is refused, never silently development."""
    omgeving = OMGEVINGEN.get(waarde.strip().lower())
    if omgeving is None:
        raise ImproperlyConfigured(
            f"INNINGEN_OMGEVING={waarde!r} is onbekend / unknown. Toegestaan / accepted: "
            "development (ontwikkeling) of production (productie), hoofdletters maken niet uit."
        )
    return omgeving


def secret_key_bezwaar(sleutel: str, *, ontwikkelsleutel: str) -> str | None:
    """Why this SECRET_KEY is too weak for production, or None.

    The rule: at least 50 characters, at least 20 different ones, not the development key, no
    "django-insecure" prefix and no placeholder word (changeme, secret, example, ...). A key from
    get_random_secret_key() passes; "a" * 50 or "changeme" repeated does not.
    """
    uitleg = f"Maak een nieuwe met: {SLEUTEL_MAAK_COMMANDO}"
    if sleutel == ontwikkelsleutel:
        return f"SECRET_KEY is de ontwikkelsleutel (of niet gezet). {uitleg}"
    if len(sleutel) < SECRET_KEY_MIN_LENGTE:
        return (
            f"SECRET_KEY is te kort ({len(sleutel)} tekens, minimaal {SECRET_KEY_MIN_LENGTE}). "
            f"{uitleg}"
        )
    if len(set(sleutel)) < SECRET_KEY_MIN_VERSCHILLEND:
        return (
            f"SECRET_KEY is te voorspelbaar ({len(set(sleutel))} verschillende tekens, minimaal "
            f"{SECRET_KEY_MIN_VERSCHILLEND}). {uitleg}"
        )
    klein = sleutel.lower()
    if klein.startswith("django-insecure"):
        return f"SECRET_KEY begint met 'django-insecure'. {uitleg}"
    for woord in _PLACEHOLDERS:
        if woord in klein:
            return f"SECRET_KEY bevat het voorbeeldwoord {woord!r}. {uitleg}"
    return None


def proxy_ssl_header_parse(waarde: str) -> tuple[str, str] | None:
    """'X-Forwarded-Proto: https' (or 'HTTP_X_FORWARDED_PROTO,https') → Django's tuple."""
    if not waarde.strip():
        return None
    scheiding = ":" if ":" in waarde else ","
    header, _, waarde_https = (deel.strip() for deel in waarde.partition(scheiding))
    if not header or not waarde_https:
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER={waarde!r}: verwacht 'Header-Naam: waarde', "
            "bv. 'X-Forwarded-Proto: https'."
        )
    meta = header.upper().replace("-", "_")
    if not meta.startswith("HTTP_"):
        meta = f"HTTP_{meta}"
    return meta, waarde_https


def _cache_backend(instellingen: Mapping, omgeving: environ.Env) -> str | None:
    caches = instellingen.get("CACHES")
    if caches and "default" in caches:
        return caches["default"].get("BACKEND")
    if "CACHE_URL" in omgeving:
        return omgeving.cache_url_config(omgeving.str("CACHE_URL")).get("BACKEND")
    return None


def productie_bezwaren(instellingen: Mapping, omgeving: environ.Env) -> list[str]:
    """Everything that keeps these settings from running in production, all at once."""
    bezwaren = []
    bezwaar = secret_key_bezwaar(
        instellingen["SECRET_KEY"], ontwikkelsleutel=instellingen["INSECURE_SECRET_KEY"]
    )
    if bezwaar:
        bezwaren.append(bezwaar)
    if instellingen["DEBUG"]:
        bezwaren.append("DEBUG staat aan; productie draait nooit met DEBUG.")
    if not instellingen["ALLOWED_HOSTS"]:
        bezwaren.append("ALLOWED_HOSTS is leeg: geef de hostnaam/-namen van de site op.")
    engine = instellingen["DATABASES"]["default"]["ENGINE"]
    if "postgresql" not in engine and "postgis" not in engine:
        bezwaren.append(
            f"DATABASE_URL moet een PostgreSQL-database zijn (postgres://…), niet {engine}."
        )
    if not instellingen.get("CELERY_BROKER_URL"):
        bezwaren.append(
            "CELERY_BROKER_URL ontbreekt: zonder broker draaien taken in het webverzoek."
        )
    backend = _cache_backend(instellingen, omgeving)
    if "CACHE_URL" not in omgeving or backend is None or backend in _NIET_GEDEELDE_CACHES:
        bezwaren.append(
            "CACHE_URL moet een gedeelde cache zijn (bv. redis://…/1): een geheugencache is per "
            "gunicorn-worker, dan werken blokkades en tellers niet."
        )
    if not omgeving.str("INNINGEN_VERSLEUTELING_SLEUTELS", default="").strip() or (
        "VERSLEUTELING_SLEUTELS" in instellingen and not instellingen["VERSLEUTELING_SLEUTELS"]
    ):
        bezwaren.append(
            "INNINGEN_VERSLEUTELING_SLEUTELS ontbreekt: sleutels voor de versleutelde "
            "wachtwoorden van koppelingen."
        )
    return bezwaren


def productie_controleren(instellingen: Mapping, omgeving: environ.Env) -> None:
    bezwaren = productie_bezwaren(instellingen, omgeving)
    if bezwaren:
        regels = "\n".join(f"  - {b}" for b in bezwaren)
        raise ImproperlyConfigured(
            "Productie (INNINGEN_OMGEVING=production) start niet / refuses to start:\n"
            f"{regels}\nZie README.md, 'Productie: draaiboek'."
        )
