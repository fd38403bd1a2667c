"""The calculation rules of collection, to the cent: Kostenwet/Awb bands, WIK staffel, dated
interest per day, due dates, termijnen and banking days."""

import datetime as dt
from fractions import Fraction

import pytest

from inningen.invordering.regels.bankdagen import is_bankdag, vorige_bankdag
from inningen.invordering.regels.kosten import Staffel, Tarief, kostenwet_kosten, wik_kosten
from inningen.invordering.regels.rente import rente, rente_exact
from inningen.invordering.regels.termijnen import (
    maanden_erbij,
    termijnen_verdelen,
    vervaldatum_afleiden,
)

D = dt.date
AANMANING = Tarief(drempel=45400, bedrag_onder=800, bedrag_vanaf=1800)
WIK = Staffel(
    schijven=((250000, 1500), (500000, 1000), (1000000, 500), (20000000, 100), (None, 50)),
    minimum=4000,
    maximum=677500,
)


@pytest.mark.parametrize(
    ("grondslag", "kosten"),
    [(0, 0), (1, 800), (45399, 800), (45400, 1800), (45401, 1800), (10_000_000, 1800)],
)
def test_kostenwet_banden_rond_de_drempel(grondslag, kosten):
    assert kostenwet_kosten(AANMANING, grondslag) == kosten


def test_kostenwet_verhoging_per_stap_en_maximum():
    dwangbevel = Tarief(
        45400, 4500, 4500, verhoging_per_stap=4500, stapgrootte=45400, maximum=1344900
    )
    assert kostenwet_kosten(dwangbevel, 45400 + 45399) == 4500
    assert kostenwet_kosten(dwangbevel, 45400 + 45400) == 9000
    assert kostenwet_kosten(dwangbevel, 10**12) == 1344900


@pytest.mark.parametrize(
    ("hoofdsom", "kosten"),
    [
        (1, 4000),  # minimum € 40
        (26666, 4000),  # 15% = € 39,9990 → minimum
        (26700, 4005),  # 15% of € 267 = € 40,05
        (250000, 37500),  # edge of the first band
        (250001, 37500),  # + 10% of 1 cent = 0.1 cent: rounded once
        (250005, 37501),  # + 0.5 cent rounds half up
        (500000, 62500),
        (1000000, 87500),
        (20000000, 277500),
        (100000000, 677500),  # 277500 + 0.5% of 800,000 = 677500: exactly the maximum
        (200000000, 677500),  # capped
    ],
)
def test_wik_staffel(hoofdsom, kosten):
    assert wik_kosten(WIK, hoofdsom) == kosten


def test_wik_niets_bij_geen_hoofdsom():
    assert wik_kosten(WIK, 0) == 0


TARIEVEN = [(D(2023, 7, 1), 600), (D(2024, 1, 1), 700), (D(2025, 1, 1), 600)]


def test_rente_per_dag_in_schrikkeljaar():
    # € 1.000 at 7% for all of 2024 (366 days, leap year) = € 70,00 exactly.
    assert rente(100000, D(2023, 12, 31), D(2024, 12, 31), TARIEVEN) == 7000


def test_rente_over_tariefwissel_en_jaargrens():
    # 31 days of December 2023 at 6%/365 + 31 days of January 2024 at 7%/366.
    verwacht = 100000 * 600 * 31 / (10000 * 365) + 100000 * 700 * 31 / (10000 * 366)
    assert rente(100000, D(2023, 11, 30), D(2024, 1, 31), TARIEVEN) == round(verwacht)


def test_rente_opsplitsen_verliest_geen_cent_in_afronding():
    # 305 days of 2024 at 7%/366 and 60 days of 2025 at 6%/365: 7201.66 + 1217.66 cent.
    # Rounding each segment would give 7202 + 1218 = 8420; the exact sum rounded once is 8419.
    exact = Fraction(123457 * 700 * 305, 10000 * 366) + Fraction(123457 * 600 * 60, 10000 * 365)
    assert rente_exact(123457, D(2024, 3, 1), D(2025, 3, 1), TARIEVEN) == exact
    assert rente(123457, D(2024, 3, 1), D(2025, 3, 1), TARIEVEN) == 8419
    # Split anywhere, the exact parts add up to the exact whole: nothing lost before the rounding.
    assert (
        rente_exact(123457, D(2024, 3, 1), D(2024, 9, 1), TARIEVEN)
        + rente_exact(123457, D(2024, 9, 1), D(2025, 3, 1), TARIEVEN)
        == exact
    )


def test_rente_nul_zonder_periode_of_tarief():
    assert rente(100000, D(2024, 5, 1), D(2024, 5, 1), TARIEVEN) == 0
    assert rente(100000, D(2020, 1, 1), D(2020, 12, 31), TARIEVEN) == 0  # no rate then
    assert rente(-500, D(2024, 1, 1), D(2024, 12, 31), TARIEVEN) == 0


def test_vervaldatum_publiek_twee_maanden_privaat_dertig_dagen():
    assert vervaldatum_afleiden(
        publiekrechtelijk=True, basisdatum=D(2026, 12, 31), maanden_publiek=2, dagen_privaat=30
    ) == D(2027, 2, 28)
    assert vervaldatum_afleiden(
        publiekrechtelijk=False, basisdatum=D(2026, 12, 31), maanden_publiek=2, dagen_privaat=30
    ) == D(2027, 1, 30)


def test_termijnen_tellen_exact_op_en_volgen_maandeinde():
    termijnen = termijnen_verdelen(totaal=100001, eerste_vervaldatum=D(2027, 1, 31), aantal=3)
    assert [b for _, _, b in termijnen] == [33334, 33334, 33333]
    assert sum(b for _, _, b in termijnen) == 100001
    assert [d for _, d, _ in termijnen] == [D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31)]
    assert maanden_erbij(D(2028, 1, 31), 1) == D(2028, 2, 29)
    with pytest.raises(ValueError):
        termijnen_verdelen(totaal=100, eerste_vervaldatum=D(2027, 1, 1), aantal=0)


def test_bankdagen_target2():
    assert vorige_bankdag(D(2026, 11, 23)) == D(2026, 11, 20)  # Monday → Friday
    assert vorige_bankdag(D(2026, 4, 7)) == D(2026, 4, 2)  # Easter: Good Friday, Easter Monday
    assert vorige_bankdag(D(2026, 12, 28)) == D(2026, 12, 24)  # 25/26 Dec closed
    assert not is_bankdag(D(2026, 5, 1))
    assert is_bankdag(D(2026, 5, 5))  # Bevrijdingsdag: banks are open


def test_rente_met_rest_boekt_over_perioden_wat_een_periode_zou_boeken():
    from inningen.invordering.regels.rente import rente_met_rest

    tarieven = [(dt.date(2020, 1, 1), 600)]
    begin, eind = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    for hoofdsom in (50050, 12345, 1, 999_999):
        geheel = rente(hoofdsom, begin, eind, tarieven)
        rest, geboekt, van = 0, 0, begin
        for tot in (dt.date(2026, 2, 9), dt.date(2026, 2, 24), dt.date(2026, 7, 1), eind):
            cent, rest = rente_met_rest(hoofdsom, van, tot, tarieven, rest)
            geboekt, van = geboekt + cent, tot
            assert -500_000 <= rest <= 500_000
        assert geboekt == geheel, hoofdsom
