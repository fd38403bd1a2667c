"""Details of the fast Di01 ingest path that must not change what is stored."""

import gc

import pytest
from django.core.exceptions import ValidationError

from inningen.validators import normalize_iban
from stuffin.services import ontvangst
from stuffin.services.verstrek_vordering import _iban


def _normalize_or_none(waarde):
    try:
        return normalize_iban(waarde)
    except ValidationError:
        return None


@pytest.mark.parametrize(
    "waarde",
    [
        "NL91ABNA0417164300",
        "nl91 abna 0417 1643 00",
        " NL91ABNA0417164300\t",
        "NL91ABNA0417164301",  # check digits wrong
        "NL92ABNA0417164300",
        "NL847309983",  # the official max message
        "1",
        "",
        "DE89370400440532013000",
        "NO9386011117947",  # shortest (15)
        "XX91ABNA0417164300",  # no such country
        "NL91ABNA041716430",  # one short
        "NL91ABNA04171643000",
        "NL91-ABNA-0417-1643-00",
        "NL91ABNA0417164300ÄÖ",
    ],
)
def test_iban_is_normalize_iban_without_exception(waarde):
    assert _iban(waarde) == _normalize_or_none(waarde)


def test_receiving_switches_cyclic_gc_off_only_for_the_message():
    gezien = []

    @ontvangst._without_cyclic_gc()
    def bericht():
        gezien.append(gc.isenabled())

    assert gc.isenabled()
    bericht()
    assert gezien == [False] and gc.isenabled()

    # Whoever switched it off switches it on again.
    gc.disable()
    try:
        bericht()
        assert not gc.isenabled()
    finally:
        gc.enable()

    @ontvangst._without_cyclic_gc()
    def fout():
        raise RuntimeError("x")

    with pytest.raises(RuntimeError):
        fout()
    assert gc.isenabled()
