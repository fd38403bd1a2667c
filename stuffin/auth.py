"""Authentication of calling systems (spec §6.1): HTTP Basic against the koppeling, and
optionally the client-certificate fingerprint a TLS-terminating proxy passes on.

Failed attempts are throttled per username and client IP (toegang.throttle): once locked out, a
caller gets TeVeelPogingen before any password is hashed."""

import base64
import binascii
import hmac
import logging

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from stuffin.models import Koppeling
from toegang.throttle import TeVeelPogingen, Throttle, client_ip

__all__ = ["TeVeelPogingen", "authenticate_koppeling", "basic_credentials"]

logger = logging.getLogger(__name__)

# Hash something even for unknown users, so timing does not reveal which usernames exist.
_DUMMY_HASH = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = make_password("onbekende-koppeling")
    return _DUMMY_HASH


def basic_credentials(request) -> tuple[str, str] | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    return (username, password) if sep else None


# Verified credentials, so that a TSA's every request does not pay a full password hash
# (PBKDF2 with a million iterations: ~0.5 s on a small server). Kept in Django's cache (shared
# by all processes), keyed by an HMAC (SECRET_KEY) of the stored hash and the presented
# password: a changed password never matches an old entry, and the cache's contents are no
# shortcut for guessing the password.
_VERIFIED_TTL = 300


def _cache_key(koppeling: Koppeling, password: str) -> str:
    digest = salted_hmac(
        "stuffin.auth.verified", f"{koppeling.pk}\0{koppeling.wachtwoord}\0{password}"
    ).hexdigest()
    return f"stuffin:auth:ok:{digest}"


def _check_password_cached(koppeling: Koppeling, password: str) -> bool:
    key = _cache_key(koppeling, password)
    if cache.get(key):
        return True
    if not koppeling.check_wachtwoord(password):
        return False
    cache.set(key, True, timeout=_VERIFIED_TTL)
    return True


def _normalize_fingerprint(value: str) -> str:
    return value.replace(":", "").replace(" ", "").lower()


def _throttle() -> Throttle:
    return Throttle("stuf", settings.STUF_AUTH_MAX_POGINGEN, settings.STUF_AUTH_BLOKKADE_SECONDEN)


def _check(request, username: str, password: str) -> Koppeling | None:
    koppeling = (
        Koppeling.objects.filter(gebruikersnaam=username, actief=True)
        .select_related("standaard_organisatie")
        .first()
    )
    if koppeling is None:
        Koppeling(wachtwoord=_dummy_hash()).check_wachtwoord(password)
        return None
    if not _check_password_cached(koppeling, password):
        return None
    if koppeling.certificaat_vingerafdruk:
        presented = _normalize_fingerprint(request.META.get(settings.STUF_CLIENT_CERT_HEADER, ""))
        if not hmac.compare_digest(
            presented, _normalize_fingerprint(koppeling.certificaat_vingerafdruk)
        ):
            return None
    return koppeling


def authenticate_koppeling(request) -> Koppeling | None:
    """The koppeling whose credentials the request carries, or None. Raises TeVeelPogingen
    while this username has failed too often from this address (nothing is hashed then)."""
    credentials = basic_credentials(request)
    if credentials is None:
        return None
    username, password = credentials
    throttle = _throttle()
    sleutel = f"{username}\0{client_ip(request)}"
    throttle.controleren(sleutel)
    koppeling = _check(request, username, password)
    if koppeling is None:
        if throttle.mislukt(sleutel) == throttle.limiet:
            logger.warning(
                "StUF-aanmelding voor %r vanaf %s geblokkeerd na %d mislukte pogingen",
                username,
                client_ip(request),
                throttle.limiet,
            )
        return None
    throttle.gelukt(sleutel)
    return koppeling
