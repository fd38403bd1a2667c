"""Banking days: weekdays that are not TARGET2 closing days (the ECB calendar Dutch banks book
by: New Year, Good Friday, Easter Monday, 1 May, 25 and 26 December)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _sluitingsdagen(jaar: int) -> frozenset[dt.date]:
    return frozenset(holidays.financial_holidays("XECB", years=jaar))


def is_bankdag(datum: dt.date) -> bool:
    return datum.weekday() < 5 and datum not in _sluitingsdagen(datum.year)


def vorige_bankdag(datum: dt.date) -> dt.date:
    """The last banking day strictly before ``datum``."""
    dag = datum - dt.timedelta(days=1)
    while not is_bankdag(dag):
        dag -= dt.timedelta(days=1)
    return dag
