"""Interest per day from dated rate tables, in integer cents.

A rate applies from its ``geldig_vanaf`` until the next row. Interest over the days after
``van`` up to and including ``tot``: each day at that day's rate, divided by the number of days
in that day's year (365 or 366). The sum is exact (fractions) and rounded half up once, so
splitting a period never loses or gains a cent through rounding per segment.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import itertools
from fractions import Fraction

Tarieven = list[tuple[dt.date, int]]  # (geldig_vanaf, percentage in hundredths), ascending


def _grenzen(van: dt.date, tot: dt.date, tarieven: Tarieven):
    """Segments (start, end] within (van, tot] that have one rate and lie in one year."""
    punten = {van, tot}
    for vanaf, _ in tarieven:
        # A rate valid from date D applies to day D: the segment boundary is the day before.
        grens = vanaf - dt.timedelta(days=1)
        if van < grens < tot:
            punten.add(grens)
    for jaar in range(van.year, tot.year):
        grens = dt.date(jaar, 12, 31)
        if van < grens < tot:
            punten.add(grens)
    lijst = sorted(punten)
    return itertools.pairwise(lijst)


def _tarief_op(dag: dt.date, tarieven: Tarieven) -> int:
    i = bisect.bisect_right([vanaf for vanaf, _ in tarieven], dag) - 1
    return tarieven[i][1] if i >= 0 else 0


def rente_exact(hoofdsom: int, van: dt.date, tot: dt.date, tarieven: Tarieven) -> Fraction:
    if hoofdsom <= 0 or tot <= van:
        return Fraction(0)
    totaal = Fraction(0)
    for begin, eind in _grenzen(van, tot, tarieven):
        dag = begin + dt.timedelta(days=1)  # first day of this segment
        dagen = (eind - begin).days
        jaardagen = 366 if calendar.isleap(dag.year) else 365
        totaal += Fraction(hoofdsom * _tarief_op(dag, tarieven) * dagen, 10_000 * jaardagen)
    return totaal


def _half_omhoog(exact: Fraction) -> int:
    return int((exact * 2 + 1) // 2)


def rente(hoofdsom: int, van: dt.date, tot: dt.date, tarieven: Tarieven) -> int:
    """Simple interest on ``hoofdsom`` cents for the days after ``van`` up to ``tot``."""
    return _half_omhoog(rente_exact(hoofdsom, van, tot, tarieven))


MILJOENSTE = 1_000_000  # the unit of a carried remainder: a millionth of a cent


def rente_met_rest(
    hoofdsom: int, van: dt.date, tot: dt.date, tarieven: Tarieven, rest: int
) -> tuple[int, int]:
    """:func:`rente` for one period of several (one per run), with ``rest``, what rounding the
    earlier periods left over (millionths of a cent), added before rounding. Returns the cents
    to book now and the new rest: over any number of periods the cents booked are the exact
    interest over all of them rounded once (to within a millionth of a cent per period)."""
    exact = rente_exact(hoofdsom, van, tot, tarieven) + Fraction(rest, MILJOENSTE)
    cent = _half_omhoog(exact)
    return cent, round((exact - cent) * MILJOENSTE)
