"""Datums en tijdstippen in StUF-berichten.

Drie notaties komen voor:

* ``StUF:Tijdstip`` (stuurgegevens, tijdvakken): ``yyyymmddhhmmssfff``, 8 tot 17 cijfers, zonder
  tijdzone. StUF-systemen in Nederland schrijven lokale tijd; wij lezen en schrijven daarom
  Europe/Amsterdam.
* ``StUF:Datum`` (BG, bv. geboortedatum): ``yyyymmdd`` als getal; ``0`` of een onmogelijke datum
  als ``19642424`` komt voor en wordt ``None``.
* ``FIN:Datum``/``FIN:DatumEnTijd``: ``xs:date``/``xs:dateTime`` (ISO 8601).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "NL",
    "format_datum",
    "format_datum_en_tijd",
    "format_stuf_datum",
    "format_tijdstip",
    "parse_datum",
    "parse_datum_en_tijd",
    "parse_stuf_datum",
    "parse_tijdstip",
]

NL = ZoneInfo("Europe/Amsterdam")

_TIJDSTIP = re.compile(r"^[0-9]{8,17}$")


def format_tijdstip(moment: datetime) -> str:
    """``StUF:Tijdstip`` met milliseconden (17 cijfers), in Nederlandse lokale tijd.

    Een naïeve ``datetime`` wordt als Nederlandse tijd opgevat.
    """
    lokaal = moment.replace(tzinfo=NL) if moment.tzinfo is None else moment.astimezone(NL)
    return lokaal.strftime("%Y%m%d%H%M%S") + f"{lokaal.microsecond // 1000:03d}"


def parse_tijdstip(waarde: str) -> datetime:
    """Lees een ``StUF:Tijdstip`` (8–17 cijfers) als aware ``datetime`` (Europe/Amsterdam).

    Raist ``ValueError`` bij een ongeldige waarde (bv. ``00000000`` uit de test-berichten).
    """
    waarde = waarde.strip()
    if not _TIJDSTIP.match(waarde):
        raise ValueError(f"geen StUF-tijdstip: {waarde!r}")
    # Ontbrekende delen achteraan zijn nul: 8 cijfers is een datum, 12 cijfers hh:mm, enz.
    cijfers = waarde.ljust(17, "0")
    try:
        moment = datetime(
            int(cijfers[0:4]),
            int(cijfers[4:6]),
            int(cijfers[6:8]),
            int(cijfers[8:10]),
            int(cijfers[10:12]),
            int(cijfers[12:14]),
            int(cijfers[14:17]) * 1000,
            tzinfo=NL,
        )
    except ValueError:
        raise ValueError(f"geen geldig StUF-tijdstip: {waarde!r}") from None
    return moment


def parse_stuf_datum(waarde: str | None) -> date | None:
    """Lees een ``StUF:Datum`` (``yyyymmdd``); ``None`` bij leeg, ``0`` of een onmogelijke datum."""
    if not waarde:
        return None
    waarde = waarde.strip()
    if len(waarde) != 8 or not waarde.isdigit():
        return None
    try:
        return date(int(waarde[0:4]), int(waarde[4:6]), int(waarde[6:8]))
    except ValueError:
        return None


def format_stuf_datum(datum: date) -> str:
    return f"{datum.year:04d}{datum.month:02d}{datum.day:02d}"


def parse_datum(waarde: str | None) -> date | None:
    """Lees een ``xs:date`` (eventueel met tijdzone, die voor een datum niets uitmaakt)."""
    if not waarde:
        return None
    waarde = waarde.strip()
    try:
        return date.fromisoformat(waarde[:10])
    except ValueError:
        return None


def format_datum(datum: date) -> str:
    return datum.isoformat()


def parse_datum_en_tijd(waarde: str | None) -> datetime | None:
    """Lees een ``xs:dateTime`` als aware ``datetime``; zonder tijdzone geldt Nederlandse tijd."""
    if not waarde:
        return None
    waarde = waarde.strip()
    extra = timedelta(0)
    # xs:dateTime staat 24:00:00 toe (= middernacht van de volgende dag); Python niet.
    if "T24:00:00" in waarde:
        waarde = waarde.replace("T24:00:00", "T00:00:00", 1)
        extra = timedelta(days=1)
    try:
        moment = datetime.fromisoformat(waarde)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=NL)
    return moment + extra


def format_datum_en_tijd(moment: datetime) -> str:
    """``xs:dateTime`` met expliciete offset; een naïeve ``datetime`` geldt als Nederlandse tijd."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=NL)
    if moment.utcoffset() == timedelta(0):
        moment = moment.astimezone(UTC)
        return moment.isoformat(timespec="seconds" if not moment.microsecond else "auto").replace(
            "+00:00", "Z"
        )
    return moment.isoformat(timespec="seconds" if not moment.microsecond else "auto")
