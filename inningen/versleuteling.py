"""Encryption at rest of secrets we must be able to read back (outbound credentials).

Part of the kernel: imports only Django and cryptography. Fernet (AES-128-CBC + HMAC-SHA256,
authenticated); a MultiFernet over ``settings.VERSLEUTELING_SLEUTELS`` so keys can rotate: the
first key encrypts, every key decrypts (``sleutels_roteren`` re-encrypts under the first)."""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class OntsleutelenMislukt(Exception):
    """The stored value cannot be decrypted with any configured key."""


@lru_cache(maxsize=4)
def _fernet(sleutels: tuple[str, ...]) -> MultiFernet:
    if not sleutels:
        raise ImproperlyConfigured(
            "VERSLEUTELING_SLEUTELS is leeg: zet INNINGEN_VERSLEUTELING_SLEUTELS."
        )
    try:
        return MultiFernet([Fernet(s) for s in sleutels])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "INNINGEN_VERSLEUTELING_SLEUTELS bevat een ongeldige sleutel (verwacht: Fernet-sleutels, "
            "32 bytes url-safe base64, komma-gescheiden)."
        ) from exc


def _huidig() -> MultiFernet:
    return _fernet(tuple(settings.VERSLEUTELING_SLEUTELS))


def versleutel(tekst: str) -> str:
    """``tekst`` encrypted under the first key; an empty string stays empty (nothing to hide)."""
    if not tekst:
        return ""
    return _huidig().encrypt(tekst.encode()).decode("ascii")


def ontsleutel(token: str) -> str:
    """The plaintext of a :func:`versleutel` token; an empty string stays empty."""
    if not token:
        return ""
    try:
        return _huidig().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise OntsleutelenMislukt(
            "Versleutelde waarde niet te ontsleutelen met de sleutels in "
            "INNINGEN_VERSLEUTELING_SLEUTELS (sleutel verwijderd of gewijzigd?)."
        ) from exc


def sleutels_roteren(token: str) -> str:
    """``token`` re-encrypted under the first key (after adding a new key in front)."""
    if not token:
        return ""
    try:
        return _huidig().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise OntsleutelenMislukt("Versleutelde waarde niet te ontsleutelen.") from exc
