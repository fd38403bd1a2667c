"""Validators for Dutch identifiers, backed by python-stdnum and schwifty."""

from django.core.exceptions import ValidationError
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as stdnum_bsn


def normalize_elfproef(value: str) -> str:
    """BSN and RSIN share the 11-proef; both are 9 digits (shorter ones get leading zeros)."""
    value = value or ""
    if len(value) == 9 and value.isascii() and value.isdigit():
        return value  # already compact (the common case: a Di01 has thousands)
    return stdnum_bsn.compact(value)


def is_valid_elfproef(value: str) -> bool:
    try:
        nummer = stdnum_bsn.validate(value)
    except StdnumError:
        return False
    # 000000000 passes the arithmetic of the 11-proef but is never issued.
    return nummer != "000000000"


def validate_bsn(value: str) -> None:
    if not is_valid_elfproef(value):
        raise ValidationError("%(value)s is geen geldig BSN (11-proef).", params={"value": value})


def validate_rsin(value: str) -> None:
    if not is_valid_elfproef(value):
        raise ValidationError("%(value)s is geen geldig RSIN (11-proef).", params={"value": value})


def normalize_iban(value: str) -> str:
    """Return the IBAN in electronic form (no spaces, upper case) or raise ValidationError."""
    try:
        return IBAN(value).compact
    except SchwiftyException as exc:
        raise ValidationError(
            "%(value)s is geen geldig IBAN: %(reden)s", params={"value": value, "reden": exc}
        ) from exc


def validate_iban(value: str) -> None:
    normalize_iban(value)


def validate_kvk_nummer(value: str) -> None:
    if not (value.isdigit() and len(value) == 8):
        raise ValidationError("%(value)s is geen KvK-nummer (8 cijfers).", params={"value": value})


def validate_telefoonnummer(value: str) -> None:
    """A Dutch (or international) phone number as printed on letters: digits, spaces, hyphens
    and brackets, a '+' only in front. 10 digits from 0, the municipal 14 + gemeentecode
    (6 digits), or 8-15 digits international."""
    tekens = value.strip()
    cijfers = "".join(c for c in tekens if c.isdigit())
    toegestaan = all(c.isdigit() or c in " -()" for c in tekens.removeprefix("+"))
    if tekens.startswith("+"):
        goed = 8 <= len(cijfers) <= 15
    elif cijfers.startswith("14"):
        goed = len(cijfers) == 6
    else:
        goed = cijfers.startswith("0") and len(cijfers) == 10
    if not (tekens and toegestaan and goed):
        raise ValidationError(
            "%(value)s is geen telefoonnummer: 10 cijfers beginnend met 0 (bv. 020 123 4567), "
            "14 met de gemeentecode (bv. 14 0999) of internationaal met + (bv. +31 20 123 4567).",
            params={"value": value},
        )
