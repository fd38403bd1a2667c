"""The Dutch structured payment reference (betalingskenmerk) of 16 digits.

Per the Betaalvereniging/Currence rules the first digit is a check digit over the other 15:
multiplied from right to left by the weights 2, 4, 8, 5, 10, 9, 7, 3, 6, 1 (repeating), summed,
modulo 11; the check digit is 11 minus that remainder, where 11 becomes 0 and 10 becomes 1.

Our 15 digits are the claim's primary key (13 digits) and the termijn's volgnummer (2 digits,
00 for the claim as a whole): a kenmerk decodes to its claim without a lookup table, and
every claim and termijn has one from the moment it exists.
"""

import re

_GEWICHTEN = (2, 4, 8, 5, 10, 9, 7, 3, 6, 1)
# Printed in groups of four ("1234 5678 9012 3456"), sometimes with dots or dashes.
KENMERK_IN_TEKST = re.compile(r"(?<![\d])(\d{4}[ .-]?\d{4}[ .-]?\d{4}[ .-]?\d{4})(?![\d])")


def controlecijfer(vijftien: str) -> str:
    totaal = sum(int(c) * _GEWICHTEN[i % 10] for i, c in enumerate(reversed(vijftien)))
    cijfer = 11 - totaal % 11
    return {11: "0", 10: "1"}.get(cijfer, str(cijfer))


def betalingskenmerk(vordering_pk: int, termijn_volgnummer: int = 0) -> str:
    if not 0 <= termijn_volgnummer <= 99 or not 0 < vordering_pk < 10**13:
        raise ValueError("Betalingskenmerk: vordering of termijnnummer buiten bereik.")
    vijftien = f"{vordering_pk:013d}{termijn_volgnummer:02d}"
    return controlecijfer(vijftien) + vijftien


def compact(value: str) -> str:
    return re.sub(r"[ .-]", "", value or "")


def is_valid_betalingskenmerk(value: str) -> bool:
    value = compact(value)
    return len(value) == 16 and value.isdigit() and controlecijfer(value[1:]) == value[0]


def decode(value: str) -> tuple[int, int] | None:
    """(vordering pk, termijn volgnummer) of a valid kenmerk of ours, else None."""
    value = compact(value)
    if not is_valid_betalingskenmerk(value):
        return None
    pk = int(value[1:14])
    return (pk, int(value[14:])) if pk else None


def formatteer(value: str) -> str:
    """For print: groups of four."""
    value = compact(value)
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def kenmerken_in(*teksten: str) -> list[str]:
    """Valid kenmerken found anywhere in the given texts, in order, without duplicates."""
    gevonden: list[str] = []
    for tekst in teksten:
        if not tekst:
            continue
        kandidaten = [tekst] if compact(tekst).isdigit() else []
        kandidaten += KENMERK_IN_TEKST.findall(tekst)
        for kandidaat in kandidaten:
            kenmerk = compact(kandidaat)
            if is_valid_betalingskenmerk(kenmerk) and kenmerk not in gevonden:
                gevonden.append(kenmerk)
    return gevonden
