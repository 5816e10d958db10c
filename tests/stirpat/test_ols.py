"""OLS against statsmodels and R (Longley) and the paper's printed Table 10/11 figures."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.outliers_influence import variance_inflation_factor
from statsmodels.stats.stattools import durbin_watson

from carbonpath.core.errors import InputError
from carbonpath.stirpat.design import adjusted_r2, f_statistic
from carbonpath.stirpat.errors import (
    CollinearityError,
    ConstantColumnError,
    TooFewObservationsError,
)
from carbonpath.stirpat.ols import fit_ols

LONGLEY_X = ["GNP", "UNEMP", "ARMED", "POP", "YEAR", "TOTEMP"]


@pytest.fixture(scope="module")
def longley():
    d = sm.datasets.longley.load_pandas().data
    # R's longley: GNP.deflator ~ GNP + Unemployed + Armed.Forces + Population + Year + Employed
    return d["GNPDEFL"].to_numpy(), d[LONGLEY_X].to_numpy()


def test_ols_matches_statsmodels_on_longley(longley):
    y, X = longley
    ref = sm.OLS(y, sm.add_constant(X)).fit()
    res = fit_ols(y, X, LONGLEY_X)
    assert list(res.params.index) == ["const", *LONGLEY_X]
    np.testing.assert_allclose(res.params, ref.params, rtol=1e-8)
    np.testing.assert_allclose(res.bse, ref.bse, rtol=1e-8)
    np.testing.assert_allclose(res.tvalues, ref.tvalues, rtol=1e-8)
    np.testing.assert_allclose(res.pvalues, ref.pvalues, rtol=1e-6)
    np.testing.assert_allclose(res.conf_int(), ref.conf_int(), rtol=1e-8)
    assert res.rsquared == pytest.approx(ref.rsquared, rel=1e-10)
    assert res.rsquared_adj == pytest.approx(ref.rsquared_adj, rel=1e-10)
    assert res.fvalue == pytest.approx(ref.fvalue, rel=1e-8)
    assert res.f_pvalue == pytest.approx(ref.f_pvalue, rel=1e-6)
    assert res.nobs == ref.nobs and res.df_resid == ref.df_resid
    assert res.durbin_watson == pytest.approx(durbin_watson(ref.resid), rel=1e-8)
    np.testing.assert_allclose(res.resid, ref.resid, rtol=1e-7, atol=1e-9)


def test_condition_number_from_singular_values_on_r_longley(longley):
    """R: kappa(model.matrix(lm(GNP.deflator ~ ., longley)), exact = TRUE) = 38,570,534
    (R's longley holds GNP, Unemployed, Armed.Forces, Population and Employed in thousands
    of statsmodels' units); statsmodels' condition_number is the same s_max / s_min.  The
    eigenvalues of D'D square the conditioning and gave 38,573,975 in carbonpath 0.1.0."""
    y, X = longley
    X_r = X / np.array([1000, 10, 10, 1000, 1, 1000])
    res = fit_ols(y, X_r, LONGLEY_X)
    ref = sm.OLS(y, sm.add_constant(X_r)).fit()
    assert res.condition_number == pytest.approx(ref.condition_number, rel=1e-9)
    assert res.condition_number == pytest.approx(38_570_534, abs=1)
    assert abs(res.condition_number - 38_573_975) > 3000


def test_vif_with_constant_matches_statsmodels(longley):
    y, X = longley
    exog = sm.add_constant(X)
    ref = [variance_inflation_factor(exog, j) for j in range(1, exog.shape[1])]
    np.testing.assert_allclose(fit_ols(y, X, LONGLEY_X).vif, ref, rtol=1e-6)
    assert list(fit_ols(y, X, LONGLEY_X).vif.index) == LONGLEY_X


def test_standardized_beta_and_condition_index_by_hand(longley):
    y, X = longley
    res = fit_ols(y, X, LONGLEY_X)
    # Beta = B * s_x / s_y, written out
    beta = [res.params.iloc[j + 1] * np.std(X[:, j], ddof=1) / np.std(y, ddof=1) for j in range(6)]
    np.testing.assert_allclose(res.beta, beta, rtol=1e-12)
    # Belsley condition index: unit-length columns including the constant
    D = np.column_stack([np.ones(len(y)), X])
    D = D / np.sqrt((D**2).sum(axis=0))
    ev = np.linalg.eigvalsh(D.T @ D)
    assert res.condition_index == pytest.approx(np.sqrt(ev[-1] / ev[0]), rel=1e-6)


def test_too_few_observations():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 4))
    with pytest.raises(TooFewObservationsError, match="too few"):
        fit_ols(rng.normal(size=5), X)


def test_constant_regressor():
    rng = np.random.default_rng(1)
    X = np.column_stack([rng.normal(size=10), np.full(10, 3.0)])
    with pytest.raises(ConstantColumnError, match="'x2' is constant"):
        fit_ols(rng.normal(size=10), X)


def test_perfect_collinearity():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=10), rng.normal(size=10)
    X = np.column_stack([a, b, 2 * a - b])
    with pytest.raises(CollinearityError, match="collinear") as err:
        fit_ols(rng.normal(size=10), X, ["lnP", "lnA", "lnT"])
    assert isinstance(err.value, InputError)


def test_paper_table11_internal_consistency():
    """Table 11: n = 8, p = 4, printed R2 0.939, adj R2 0.857, F 11.499, lnT t = -3.797, p = 0.032."""
    n, p = 8, 4
    # t on n - p - 1 = 3 df
    assert round(2 * stats.t.sf(3.797, n - p - 1), 3) == 0.032
    assert round(2 * stats.t.sf(2.206, n - p - 1), 3) == 0.115
    # R2 is printed rounded; the R2 that gives F = 11.499 exactly rounds to the printed 0.939
    r2 = 11.499 * p / (11.499 * p + (n - p - 1))
    assert round(r2, 3) == 0.939
    assert round(adjusted_r2(r2, n, p), 3) == 0.857
    assert round(f_statistic(r2, n, p)[0], 3) == 11.499
    # and the printed triple is consistent: R2 in [0.9385, 0.9395) covers both printed values
    lo, hi = 0.9385, 0.9395
    assert adjusted_r2(lo, n, p) <= 0.857 <= adjusted_r2(hi, n, p)
    assert f_statistic(lo, n, p)[0] <= 11.499 <= f_statistic(hi, n, p)[0]


def test_paper_table10_fits_three_regressors_not_four():
    """GUIDE: Table 10's adj R2 0.876 and F 17.502 fit p = 3, not the four regressors shown."""
    n = 8
    r2 = 17.502 * 3 / (17.502 * 3 + (n - 3 - 1))
    assert round(r2, 3) == 0.929
    assert round(adjusted_r2(r2, n, 3), 3) == 0.876
    assert round(adjusted_r2(0.929, n, 4), 3) != 0.876
