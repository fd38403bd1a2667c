"""StUF-tijdstippen en -datums."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from stuffin.stuf.build import format_tijdstip, parse_tijdstip
from stuffin.stuf.tijd import (
    NL,
    format_datum_en_tijd,
    format_stuf_datum,
    parse_datum,
    parse_datum_en_tijd,
    parse_stuf_datum,
)


def test_format_tijdstip_is_nederlandse_tijd_met_milliseconden():
    moment = datetime(2026, 3, 14, 14, 9, 26, 535897, tzinfo=UTC)
    assert format_tijdstip(moment) == "20260314150926535"  # UTC+1 in maart
    zomer = datetime(2026, 7, 1, 10, 0, 0, tzinfo=UTC)
    assert format_tijdstip(zomer) == "20260701120000000"  # UTC+2
    assert format_tijdstip(datetime(2026, 1, 2, 3, 4, 5)) == "20260102030405000"  # naïef = NL


@pytest.mark.parametrize(
    ("waarde", "verwacht"),
    [
        ("20260314150926535", datetime(2026, 3, 14, 15, 9, 26, 535000, tzinfo=NL)),
        ("20260314", datetime(2026, 3, 14, tzinfo=NL)),
        ("202603141509", datetime(2026, 3, 14, 15, 9, tzinfo=NL)),
    ],
)
def test_parse_tijdstip(waarde, verwacht):
    moment = parse_tijdstip(waarde)
    assert moment == verwacht
    assert moment.tzinfo is not None


@pytest.mark.parametrize("waarde", ["00000000", "2026031", "20261314", "abc", ""])
def test_parse_tijdstip_ongeldig(waarde):
    with pytest.raises(ValueError):
        parse_tijdstip(waarde)


def test_tijdstip_heen_en_terug():
    moment = datetime(2026, 10, 25, 3, 30, 0, 123000, tzinfo=UTC)
    assert parse_tijdstip(format_tijdstip(moment)) == moment


def test_tijdstip_in_het_dubbele_uur_van_de_wintertijd_is_dubbelzinnig():
    # StUF:Tijdstip heeft geen tijdzone: 02:30 op de ochtend van de overgang naar wintertijd
    # bestaat twee keer. We lezen dan de eerste (zomertijd), zoals zoneinfo met fold=0.
    moment = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 wintertijd
    assert format_tijdstip(moment) == "20261025023000000"
    gelezen = parse_tijdstip("20261025023000000").astimezone(UTC)
    assert gelezen == moment - timedelta(hours=1)


@pytest.mark.parametrize(
    ("waarde", "verwacht"),
    [
        ("19640224", date(1964, 2, 24)),
        ("19642424", None),  # uit het officiële max-bericht
        ("0", None),
        ("", None),
        (None, None),
        ("1964022", None),
    ],
)
def test_parse_stuf_datum(waarde, verwacht):
    assert parse_stuf_datum(waarde) == verwacht


def test_format_stuf_datum():
    assert format_stuf_datum(date(1964, 2, 4)) == "19640204"


def test_xs_date_en_datetime():
    assert parse_datum("2014-01-01") == date(2014, 1, 1)
    assert parse_datum("2014-01-01Z") == date(2014, 1, 1)
    assert parse_datum("2014-01-01+01:00") == date(2014, 1, 1)
    assert parse_datum("") is None
    assert parse_datum_en_tijd("2001-12-17T09:30:47Z") == datetime(
        2001, 12, 17, 9, 30, 47, tzinfo=UTC
    )
    naief = parse_datum_en_tijd("2001-12-17T09:30:47")
    assert naief is not None and naief.tzinfo is NL
    assert parse_datum_en_tijd("2001-12-17T24:00:00Z") == datetime(2001, 12, 18, tzinfo=UTC)
    assert parse_datum_en_tijd("geen") is None


def test_format_datum_en_tijd():
    assert format_datum_en_tijd(datetime(2001, 12, 17, 9, 30, 47, tzinfo=UTC)) == (
        "2001-12-17T09:30:47Z"
    )
    plus1 = datetime(2001, 12, 17, 10, 30, 47, tzinfo=NL)
    assert format_datum_en_tijd(plus1) == "2001-12-17T10:30:47+01:00"
    assert parse_datum_en_tijd(format_datum_en_tijd(plus1)) == plus1
    fractie = datetime(2001, 12, 17, 9, 30, 47, 250000, tzinfo=UTC) + timedelta(0)
    assert format_datum_en_tijd(fractie) == "2001-12-17T09:30:47.250000Z"
