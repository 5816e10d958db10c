"""Engle-Granger: the statistic against statsmodels, the critical values against the
paper's Table 2 coefficients by hand (statsmodels' own copy has typing errors)."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.tsa.stattools import coint

from carbonpath.stirpat.cointegration import (
    EngleGranger,
    EngleGrangerNotComputed,
    engle_granger,
)

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning")


def test_too_few_observations():
    rng = np.random.default_rng(3)
    res = engle_granger(rng.normal(size=8), rng.normal(size=(8, 4)))
    assert isinstance(res, EngleGrangerNotComputed)
    assert res.status == "too few observations" and res.df_resid == 3
    assert set(res.to_dict()) == {"test", "n", "regressors", "df_resid", "status", "message"}


def test_two_regressors_statistic_and_hand_critical_values():
    rng = np.random.default_rng(4)
    x = np.cumsum(rng.normal(size=(50, 2)), axis=0)
    y = x @ [1.0, -0.5] + rng.normal(size=50)
    res = engle_granger(y, x)
    ref = coint(y, x, trend="c", autolag="aic")
    assert isinstance(res, EngleGranger) and res.status == "ok"
    assert res.stat == pytest.approx(ref[0], rel=1e-10)
    assert res.p_asymptotic == pytest.approx(ref[1], rel=1e-8)
    # N = 3 variables, constant, T = n - 1 = 49; Table 2: 5 % (-3.74066, -8.5631, -10.852,
    # 27.982), 1 % (-4.29374, -14.4354, -33.195, 47.433), 10 % (-3.45218, -6.2143, -3.718)
    T = 49
    assert res.crit["5%"] == pytest.approx(
        -3.74066 - 8.5631 / T - 10.852 / T**2 + 27.982 / T**3, abs=1e-12
    )
    assert res.crit["1%"] == pytest.approx(
        -4.29374 - 14.4354 / T - 33.195 / T**2 + 47.433 / T**3, abs=1e-12
    )
    assert res.crit["10%"] == pytest.approx(-3.45218 - 6.2143 / T - 3.718 / T**2, abs=1e-12)
    # statsmodels prints b1 = -8.5632 for the 5 % value: 0.0001 / T apart
    assert ref[2][1] - res.crit["5%"] == pytest.approx(-0.0001 / T, rel=1e-6)
    assert res.verdict.startswith("residual unit root rejected")


def test_one_regressor_uses_the_corrected_1pct_coefficient():
    rng = np.random.default_rng(5)
    x = np.cumsum(rng.normal(size=40))
    y = 2.0 * x + rng.normal(size=40)
    res = engle_granger(y, x)
    ref = coint(y, x[:, None], trend="c", autolag="aic")
    T = 39
    assert res.crit["1%"] == pytest.approx(-3.89644 - 10.9519 / T - 22.527 / T**2, abs=1e-12)
    assert ref[2][0] - res.crit["1%"] == pytest.approx(-11.0 / T**2, rel=1e-9)
    assert res.crit["5%"] == pytest.approx(ref[2][1], rel=1e-12)  # the tables agree here


def test_more_variables_than_the_table_covers():
    rng = np.random.default_rng(6)
    res = engle_granger(rng.normal(size=40), rng.normal(size=(40, 12)))
    assert res.status == "not computed" and "at most 12 variables" in res.message
