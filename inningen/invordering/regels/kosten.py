"""Collection costs in integer cents.

Public law: Kostenwet invordering rijksbelastingen (aanmaning art. 2, dwangbevel art. 3) and
Awb 4:113 — a dated tariff with two bands around a threshold. Private law: the WIK staffel
(Besluit vergoeding voor buitengerechtelijke incassokosten) over the principal.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tarief:
    drempel: int
    bedrag_onder: int
    bedrag_vanaf: int
    verhoging_per_stap: int = 0
    stapgrootte: int | None = None
    maximum: int | None = None


@dataclass(frozen=True, slots=True)
class Staffel:
    # (upper bound of the band in cents or None for the rest, percentage in hundredths)
    schijven: tuple[tuple[int | None, int], ...]
    minimum: int
    maximum: int


def kostenwet_kosten(tarief: Tarief, grondslag: int) -> int:
    """The tariff for a claim of ``grondslag`` cents: below the threshold the low band, from the
    threshold the high band (plus any increase per whole step above it), capped at the maximum."""
    if grondslag <= 0:
        return 0
    if grondslag < tarief.drempel:
        bedrag = tarief.bedrag_onder
    else:
        bedrag = tarief.bedrag_vanaf
        if tarief.verhoging_per_stap and tarief.stapgrootte:
            bedrag += tarief.verhoging_per_stap * (
                (grondslag - tarief.drempel) // tarief.stapgrootte
            )
    if tarief.maximum is not None:
        bedrag = min(bedrag, tarief.maximum)
    return bedrag


def _rond(teller: int, noemer: int) -> int:
    """teller / noemer rounded half up (amounts here are never negative)."""
    return (2 * teller + noemer) // (2 * noemer)


def wik_kosten(staffel: Staffel, hoofdsom: int) -> int:
    """Buitengerechtelijke incassokosten over the principal: each band's percentage over the part
    of the principal in that band, summed exactly and rounded once to the cent, then at least
    the minimum and at most the maximum."""
    if hoofdsom <= 0:
        return 0
    teller = 0  # in cent × hundredths of a percent (÷ 10,000 gives cents)
    ondergrens = 0
    for bovengrens, percentage in staffel.schijven:
        deel = (
            hoofdsom - ondergrens if bovengrens is None else min(hoofdsom, bovengrens) - ondergrens
        )
        if deel <= 0:
            break
        teller += deel * percentage
        if bovengrens is None:
            break
        ondergrens = bovengrens
    return max(staffel.minimum, min(staffel.maximum, _rond(teller, 10_000)))
