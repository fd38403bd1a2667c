"""The 11-proef helpers: stdnum's rules, with a shortcut for numbers that are already compact."""

import pytest
from stdnum.nl import bsn as stdnum_bsn

from inningen.validators import is_valid_elfproef, normalize_elfproef


@pytest.mark.parametrize(
    "waarde",
    ["111222333", "1112.22.333", " 111 222 333 ", "11122233", "1-1", "", "٣١١٢٢٢٣٣٣", "12345678a"],
)
def test_normalize_is_stdnum_compact(waarde):
    assert normalize_elfproef(waarde) == stdnum_bsn.compact(waarde)


def test_normalize_of_nothing():
    assert normalize_elfproef(None) == normalize_elfproef("") == "000000000"


@pytest.mark.parametrize(
    ("waarde", "geldig"),
    [
        ("111222333", True),
        ("1112.22.333", True),
        ("111222334", False),
        ("000000000", False),
        ("", False),
        ("11122233x", False),
        ("1112223333", False),
    ],
)
def test_is_valid_elfproef(waarde, geldig):
    assert is_valid_elfproef(waarde) is geldig
