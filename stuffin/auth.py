"""Authentication of calling systems (spec §6.1): HTTP Basic against the koppeling, and
optionally the client-certificate fingerprint a TLS-terminating proxy passes on."""

import base64
import binascii
import hashlib
import hmac
import threading
import time

from django.conf import settings
from django.contrib.auth.hashers import make_password

from stuffin.models import Koppeling

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
# (PBKDF2 with a million iterations: ~0.5 s on a small server). Keyed by a digest of the
# stored hash and the presented password, so a changed password never matches an old entry.
_VERIFIED_TTL = 300.0
_VERIFIED_MAX = 1000
_verified: dict[str, float] = {}
_verified_lock = threading.Lock()


def _cache_key(koppeling: Koppeling, password: str) -> str:
    return hashlib.sha256(
        f"{koppeling.pk}\0{koppeling.wachtwoord}\0{password}".encode()
    ).hexdigest()


def _check_password_cached(koppeling: Koppeling, password: str) -> bool:
    key = _cache_key(koppeling, password)
    now = time.monotonic()
    with _verified_lock:
        expires = _verified.get(key)
        if expires is not None and expires > now:
            return True
    if not koppeling.check_wachtwoord(password):
        return False
    with _verified_lock:
        if len(_verified) >= _VERIFIED_MAX:
            _verified.clear()
        _verified[key] = now + _VERIFIED_TTL
    return True


def _normalize_fingerprint(value: str) -> str:
    return value.replace(":", "").replace(" ", "").lower()


def authenticate_koppeling(request) -> Koppeling | None:
    credentials = basic_credentials(request)
    if credentials is None:
        return None
    username, password = credentials
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
