"""MacKinnon (2010) Table 2 as carbonpath carries it: printed coefficients, values by hand.

The literals below are the paper's Table 2 entries (Queen's Economics Department Working
Paper 1227); finite-sample values are computed here by hand from
c(T) = b_inf + b1/T + b2/T^2 + b3/T^3.
"""

from __future__ import annotations

import math

import pytest
from statsmodels.tsa.adfvalues import mackinnoncrit

from carbonpath.core.errors import InputError
from carbonpath.stirpat.critical_values import coefficients, critical_values, max_variables

#: (variant, N, level) -> the paper's (b_inf, b1, b2, b3)
PRINTED = {
    ("c", 1, 1): (-3.43035, -6.5393, -16.786, -79.433),
    ("c", 1, 5): (-2.86154, -2.8903, -4.234, -40.040),
    ("c", 1, 10): (-2.56677, -1.5384, -2.809, 0.0),
    ("c", 2, 1): (-3.89644, -10.9519, -22.527, 0.0),
    ("c", 2, 5): (-3.33613, -6.1101, -6.823, 0.0),
    ("c", 2, 10): (-3.04445, -4.2412, -2.720, 0.0),
    ("c", 3, 5): (-3.74066, -8.5631, -10.852, 27.982),
    ("c", 5, 5): (-4.41519, -14.0406, -12.575, 0.0),
    ("c", 7, 10): (-4.69648, -15.7315, -6.922, 67.721),
    ("c", 12, 1): (-6.63790, -50.2095, -124.156, 579.622),
    ("ct", 1, 5): (-3.41049, -4.3904, -9.036, -45.374),
    ("ct", 2, 10): (-3.49631, -7.0815, -7.538, 21.892),
    ("ctt", 4, 1): (-5.26780, -27.2836, -78.971, 137.871),
    ("nc", 1, 5): (-1.94100, -0.2686, -3.365, 31.223),
}


@pytest.mark.parametrize(("key", "printed"), list(PRINTED.items()))
def test_coefficients_are_the_printed_ones(key, printed):
    assert coefficients(*key) == printed


def test_asymptotic_values_are_b_inf():
    assert critical_values("c", 2) == {"1%": -3.89644, "5%": -3.33613, "10%": -3.04445}
    assert critical_values("c", 1)["5%"] == -2.86154


def test_finite_sample_values_by_hand():
    # N = 2, constant, 1 %, T = 100: -3.89644 - 10.9519/100 - 22.527/100^2
    assert critical_values("c", 2, 100)["1%"] == pytest.approx(-4.0082117, abs=1e-12)
    # N = 3, constant, 5 %, T = 50: -3.74066 - 8.5631/50 - 10.852/2500 + 27.982/125000
    assert critical_values("c", 3, 50)["5%"] == pytest.approx(-3.916038944, abs=1e-12)
    # N = 7, constant, 10 %, T = 40: -4.69648 - 15.7315/40 - 6.922/1600 + 67.721/64000
    assert critical_values("c", 7, 40)["10%"] == pytest.approx(
        -4.69648 - 0.3932875 - 0.00432625 + 0.001058140625, abs=1e-12
    )
    # N = 1, constant and trend, 5 %, T = 25
    assert critical_values("ct", 1, 25)["5%"] == pytest.approx(
        -3.41049 - 4.3904 / 25 - 9.036 / 625 - 45.374 / 15625, abs=1e-12
    )


def test_reference_paper_table8_prints_the_5pct_values_for_7_and_6_observations():
    assert round(critical_values("c", 1, 7)["5%"], 3) == -3.478
    assert round(critical_values("c", 1, 6)["5%"], 3) == -3.646


def test_statsmodels_typing_error_is_not_carried():
    """statsmodels uses b2 = -33.527 for N = 2, 1 %: its value is lower by 11/T^2."""
    for T in (20, 50, 100):
        ours = critical_values("c", 2, T)["1%"]
        theirs = float(mackinnoncrit(N=2, regression="c", nobs=T)[0])
        assert theirs - ours == pytest.approx(-11.0 / T**2, rel=1e-9)


@pytest.mark.parametrize("regression", ["c", "ct"])
@pytest.mark.parametrize("nobs", [5, 6, 7, 15, 19, 60, math.inf])
def test_unit_root_values_equal_statsmodels_to_the_bit(regression, nobs):
    """For N = 1 both tables agree, so the ADF critical values are unchanged."""
    ours = critical_values(regression, 1, nobs)
    theirs = mackinnoncrit(N=1, regression=regression, nobs=nobs)
    assert [ours["1%"], ours["5%"], ours["10%"]] == [float(v) for v in theirs]


def test_table_bounds():
    assert max_variables("c") == 12 and max_variables("nc") == 1
    with pytest.raises(InputError, match="at most 12 variables"):
        critical_values("c", 13, 100)
