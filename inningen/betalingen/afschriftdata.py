"""What a bank statement file says, independent of its format (CAMT.053 or MT940): the statement's
own account, its entries in integer cents, and the refusal with a message for the user.

No database here: the readers (``camt``, ``mt940_lezer``) only read; the service
``afschriften.afschrift_import`` decides which organisation's account a statement belongs to.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from schwifty import IBAN
from schwifty.exceptions import InvalidChecksumDigits, SchwiftyException


class AfschriftFout(Exception):
    """The file is refused as a whole; the message says why (shown to the user)."""


@dataclass(slots=True)
class Post:
    """One entry as read from the file, before matching. ``bedrag`` signed cents."""

    boekdatum: datetime.date
    bedrag: int
    valutadatum: datetime.date | None = None
    tegenrekening: str = ""
    naam: str = ""
    omschrijving: str = ""
    betalingskenmerk: str = ""
    eind_tot_eind_id: str = ""
    bank_referentie: str = ""
    retourcode: str = ""


@dataclass(frozen=True, slots=True)
class Rekening:
    """The statement's own account as the file names it: an IBAN, or (older MT940 exports) a
    Dutch account number without bank code, recognised later through a registered IBAN.
    ``bank`` is the bank code (``INGB``, ``TRIO``, ...) when the file tells it."""

    iban: str = ""
    bban: str = ""
    bank: str = ""
    tekst: str = ""

    def __str__(self) -> str:
        return self.iban or self.tekst


@dataclass(slots=True)
class Afschriftdata:
    formaat: str
    iban: str  # the IBAN as read; for a BBAN statement the import fills in the registered IBAN
    identificatie: str
    datum: datetime.date | None
    posten: list[Post] = field(default_factory=list)
    rekening: Rekening = field(default_factory=Rekening)
    # What identifies the statement besides its account and entries (the bank's own id does
    # not: de Volksbank repeats it every year): sequence number (MT940 :28C:, CAMT
    # ElctrncSeqNb/LglSeqNb), the opening and closing balance (signed cents) and their dates.
    volgnummer: str = ""
    begindatum: datetime.date | None = None
    einddatum: datetime.date | None = None
    beginsaldo: int | None = None
    eindsaldo: int | None = None


def cent_uit(tekst: str) -> int:
    """A decimal amount with a dot or comma ("121.00", "121,5") to integer cents, exactly."""
    try:
        waarde = Decimal(tekst.strip().replace(",", "."))
    except (InvalidOperation, AttributeError):
        raise AfschriftFout(f"Bedrag {tekst!r} is geen getal.") from None
    cent = waarde * 100
    if not waarde.is_finite() or cent != cent.to_integral_value():
        raise AfschriftFout(f"Bedrag {tekst!r} heeft meer dan twee decimalen.")
    return int(cent)


# --- the statement's own account ------------------------------------------------------------------

_IBAN_VORM = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
_VALUTA = re.compile(r"[A-Z]{3}")
# A Dutch account number before IBAN: up to 10 digits, written with dots by some banks
# (Rabobank "1291.99.348"); the IBAN's account part is the same number padded to 10 digits.
_BBAN = re.compile(r"\d{1,10}")
# Bank names some banks put before the account number in :25: ("TRIODOSBANK/0390123456").
_BANKNAMEN = {"TRIODOSBANK": "TRIO"}


def iban_of_niets(tekst: str) -> str:
    """``tekst`` as a compact IBAN when it has an IBAN's shape and length; else "".

    The check digits are not required to be right: a statement's own account must equal a
    registered (validated) IBAN anyway, and the public sample files use invented numbers."""
    kandidaat = re.sub(r"\s", "", tekst or "").upper()
    if not _IBAN_VORM.fullmatch(kandidaat):
        return ""
    try:
        return str(IBAN(kandidaat).compact)
    except InvalidChecksumDigits:
        return kandidaat
    except SchwiftyException:
        return ""


def rekening_lezen(tekst: str, *, bank: str = "") -> Rekening:
    """The account of MT940 :25: (or CAMT Acct/Id) as the banks write it:

    - an IBAN, also in groups of four with spaces (Knab);
    - an IBAN directly followed by its currency (ING: ``NL..INGB..........EUR``);
    - a BIC or bank name before a slash (``INGBNL2A/NL..``, ``TRIODOSBANK/0390123456``);
    - an old Dutch account number (BBAN), also with dots or a currency (Rabobank).

    ``bank`` is the bank code known from elsewhere in the file (the MT940 header's BIC)."""
    bron = (tekst or "").strip()
    compact = re.sub(r"\s", "", bron).upper()
    if "/" in compact:
        voor, _, compact = compact.rpartition("/")
        voor = voor.strip("/")
        bank = _BANKNAMEN.get(
            voor, voor[:4] if re.fullmatch(r"[A-Z]{6}[A-Z0-9]{2,5}", voor) else bank
        )
    kandidaten = [compact]
    if len(compact) > 3 and _VALUTA.fullmatch(compact[-3:]):
        kandidaten.append(compact[:-3])
    for kandidaat in kandidaten:
        iban = iban_of_niets(kandidaat)
        if iban:
            return Rekening(iban=iban, bank=iban[4:8], tekst=bron)
    for kandidaat in kandidaten:
        cijfers = kandidaat.replace(".", "")
        if _BBAN.fullmatch(cijfers) and int(cijfers):
            return Rekening(bban=cijfers.zfill(10), bank=bank, tekst=bron)
    return Rekening(tekst=bron)


def iban_bevat_bban(iban: str, bban: str) -> bool:
    """Whether a Dutch IBAN embeds the old account number (its last ten digits)."""
    compact = re.sub(r"\s", "", iban or "").upper()
    return len(compact) == 18 and compact.startswith("NL") and compact[8:] == bban.zfill(10)
