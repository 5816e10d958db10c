"""ADF/KPSS against statsmodels; verdicts follow the numbers."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.tsa.adfvalues import mackinnoncrit
from statsmodels.tsa.stattools import adfuller, kpss

from carbonpath.stirpat.unitroot import (
    AdfResult,
    TestNotComputed,
    adf_test,
    kpss_test,
    unit_root_frame,
    unit_root_table,
)

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning")


@pytest.fixture(scope="module")
def longley():
    return sm.datasets.longley.load_pandas().data


def test_adf_short_series_matches_statsmodels_maxlag0(longley):
    s = longley["GNPDEFL"].to_numpy()  # n = 16 < 20: maxlag 0
    res = adf_test(s)
    ref = adfuller(s, maxlag=0, autolag=None, regression="c")
    assert isinstance(res, AdfResult)
    assert res.stat == pytest.approx(ref[0], rel=1e-10)
    assert res.p_asymptotic == pytest.approx(ref[1], rel=1e-10)
    assert res.lags == 0 and res.nobs == 15
    cv = mackinnoncrit(N=1, regression="c", nobs=15)
    assert res.crit["5%"] == pytest.approx(cv[1], rel=1e-12)
    assert res.crit["5%"] == pytest.approx(ref[4]["5%"], rel=1e-12)
    assert set(res.to_dict()) == {
        "test", "n", "regression", "status", "stat", "p_asymptotic", "lags", "nobs", "crit",
        "verdict",
    }  # fmt: skip


def test_adf_long_series_uses_aic(longley):
    rng = np.random.default_rng(0)
    s = np.cumsum(rng.normal(size=60))
    res = adf_test(s, regression="ct")
    ref = adfuller(s, autolag="AIC", regression="ct")
    assert res.stat == pytest.approx(ref[0], rel=1e-10)
    assert res.lags == ref[2]


def test_paper_table8_values_are_critical_values():
    # Table 8 prints -3.478 and -3.646: the finite-sample 5% critical values at 7 and 6
    # observations (n = 8 levels / first differences), not test statistics.
    assert round(mackinnoncrit(N=1, regression="c", nobs=7)[1], 3) == -3.478
    assert round(mackinnoncrit(N=1, regression="c", nobs=6)[1], 3) == -3.646


def test_verdict_follows_finite_sample_value_not_asymptotic_p():
    rng = np.random.default_rng(1)
    s = np.cumsum(rng.normal(size=8))
    res = adf_test(s)
    assert res.p_asymptotic < 0.05  # asymptotic p says "reject"
    assert res.stat > res.crit["5%"]  # finite-sample critical value says no
    assert res.verdict.startswith("unit root not rejected")
    assert "overstates" in res.verdict


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(8, 30))
def test_verdicts_never_claim_stationarity_against_numbers(seed, n):
    rng = np.random.default_rng(seed)
    s = np.cumsum(rng.normal(size=n)) * rng.uniform(0, 1) + rng.normal(size=n)
    for rec in unit_root_table({"x": s}):
        a, k = rec.adf, rec.kpss
        if a.status == "ok":
            rejected = a.verdict.startswith("unit root rejected")
            assert rejected == (a.stat < a.crit["5%"])
            assert "stationary" not in a.verdict
        if k.status == "ok":
            assert "stationary" not in k.verdict
            assert k.verdict.startswith("stationarity rejected") == (k.stat > k.crit["5%"])


def test_kpss_matches_statsmodels(longley):
    s = longley["GNP"].to_numpy()
    res = kpss_test(s)
    ref = kpss(s, regression="c", nlags=0)
    assert res.stat == pytest.approx(ref[0], rel=1e-10)
    assert res.p == pytest.approx(ref[1], rel=1e-10)


def test_table_has_levels_and_two_differences():
    rng = np.random.default_rng(2)
    tab = unit_root_table({"lnC": np.cumsum(rng.normal(size=8)), "lnP": rng.normal(size=8)})
    assert [(r.variable, r.order) for r in tab] == [
        ("lnC", 0),
        ("lnC", 1),
        ("lnC", 2),
        ("lnP", 0),
        ("lnP", 1),
        ("lnP", 2),
    ]
    assert tab[0].adf.nobs == 7 and tab[2].adf.nobs == 5
    frame = unit_root_frame(tab)
    assert list(frame.columns) == [
        "variable", "difference", "adf_stat", "adf_p_asymptotic", "adf_lags",
        "adf_crit_5pct_finite_sample", "adf_verdict", "kpss_stat", "kpss_p", "kpss_verdict",
    ]  # fmt: skip
    assert frame["adf_stat"].iloc[0] == tab[0].adf.stat


def test_too_short_series_says_so():
    res = adf_test(np.array([1.0, 2.0, 1.5, 3.0, 2.0]))
    assert isinstance(res, TestNotComputed) and res.status == "too few observations"
    assert "stat" not in res.to_dict() and res.verdict == "not computed"
