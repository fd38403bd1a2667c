"""Due dates and termijnen the collection rules derive when the TSA sent none."""

from __future__ import annotations

import calendar
import datetime as dt


def maanden_erbij(datum: dt.date, maanden: int) -> dt.date:
    """The same day ``maanden`` months later, or that month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = datum.month - 1 + maanden
    jaar, maand = datum.year + index // 12, index % 12 + 1
    return dt.date(jaar, maand, min(datum.day, calendar.monthrange(jaar, maand)[1]))


def vervaldatum_afleiden(
    *, publiekrechtelijk: bool, basisdatum: dt.date, maanden_publiek: int, dagen_privaat: int
) -> dt.date:
    """Invorderingswet art. 9: an aanslag is due two months after its dagtekening; a private-law
    invoice after the organisation's payment term (30 days by default)."""
    if publiekrechtelijk:
        return maanden_erbij(basisdatum, maanden_publiek)
    return basisdatum + dt.timedelta(days=dagen_privaat)


def termijnen_verdelen(
    *, totaal: int, eerste_vervaldatum: dt.date, aantal: int
) -> list[tuple[int, dt.date, int]]:
    """``aantal`` monthly termijnen (volgnummer, vervaldatum, bedrag) summing exactly to
    ``totaal``: equal whole cents, the remainder on the first termijnen one cent each."""
    if aantal < 1:
        raise ValueError("Minstens één termijn.")
    basis, rest = divmod(totaal, aantal)
    return [
        (i + 1, maanden_erbij(eerste_vervaldatum, i), basis + (1 if i < rest else 0))
        for i in range(aantal)
    ]
