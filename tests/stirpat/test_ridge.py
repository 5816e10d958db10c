"""Ridge (SPSS RIDGEREG convention) against NAG g02kbc, a hand-derived table, statsmodels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from carbonpath.core.errors import InputError
from carbonpath.stirpat.errors import CollinearityError
from carbonpath.stirpat.krule import KGrid
from carbonpath.stirpat.ridge import fit_ridge, k_convention, k_grid, ridge_trace

BODYFAT = Path(__file__).resolve().parents[1] / "data" / "bodyfat_neter.csv"


@pytest.fixture(scope="module")
def bodyfat():
    d = pd.read_csv(BODYFAT)
    return d["bodyfat"].to_numpy(), d[["triceps", "thigh", "midarm"]].to_numpy()


def test_nag_g02kbc_bodyfat_k0(bodyfat):
    y, X = bodyfat
    fit = fit_ridge(y, X, 0.0, ["triceps", "thigh", "midarm"])
    assert fit.const == pytest.approx(117.0847, abs=5e-5)
    np.testing.assert_allclose(fit.b, [4.3341, -2.8568, -2.1861], atol=5e-5)
    np.testing.assert_allclose(fit.vif, [708.8429, 564.3434, 104.6060], atol=5e-5)


def test_nag_g02kbc_bodyfat_k002(bodyfat):
    y, X = bodyfat
    fit = fit_ridge(y, X, 0.02)
    np.testing.assert_allclose(fit.b, [0.5554, 0.3681, -0.1916], atol=5e-5)
    np.testing.assert_allclose(fit.vif, [1.1026, 1.0805, 1.0105], atol=5e-5)
    tr = ridge_trace(y, X, grid=[0.0, 0.02])
    np.testing.assert_allclose(tr.vif[1], [1.1026, 1.0805, 1.0105], atol=5e-5)


# A small data set for a table derived by hand, step by step, below.
HAND_Y = np.array([12.1, 14.3, 13.0, 17.8, 16.2, 19.9, 18.1, 22.4, 21.0, 24.6])
HAND_X = np.array(
    [
        [3.1, 10.2, 1.0],
        [3.9, 11.0, 1.4],
        [3.6, 11.1, 0.7],
        [5.0, 13.2, 1.9],
        [4.7, 12.4, 1.1],
        [5.9, 14.8, 2.2],
        [5.4, 13.9, 1.6],
        [6.8, 16.1, 2.5],
        [6.1, 15.7, 1.8],
        [7.5, 17.0, 2.9],
    ]
)


def test_hand_derived_spss_macro_table():
    y, X, k = HAND_Y, HAND_X, 0.1
    n, p = X.shape
    # correlation matrix and correlations with y, from sums of products
    xc = X - X.mean(axis=0)
    yc = y - y.mean()
    sxx = xc.T @ xc
    R = sxx / np.sqrt(np.outer(np.diag(sxx), np.diag(sxx)))
    r = (xc.T @ yc) / np.sqrt(np.diag(sxx) * (yc @ yc))
    M = R + k * np.eye(p)
    beta = np.linalg.solve(M, r)
    r2 = 2 * beta @ r - beta @ R @ beta
    sx, sy = X.std(axis=0, ddof=1), y.std(ddof=1)
    B = beta * sy / sx
    b0 = y.mean() - B @ X.mean(axis=0)
    # R2 formula equals 1 - SSE/SST computed from residuals on the original scale
    resid = y - b0 - X @ B
    assert r2 == pytest.approx(1 - (resid @ resid) / (yc @ yc), rel=1e-12)
    sst = (n - 1) * sy**2
    sse = sst * (1 - r2)
    df = n - p - 1
    Minv = np.linalg.inv(M)
    var_beta = sse / (sst * df) * Minv @ R @ Minv
    var_B = np.diag(sy / sx) @ var_beta @ np.diag(sy / sx)
    se = np.sqrt(np.diag(var_B))
    se0 = np.sqrt(sse / (n * df) + X.mean(axis=0) @ var_B @ X.mean(axis=0))
    t = B / se
    pv = 2 * stats.t.sf(abs(t), df)
    adj = 1 - (1 - r2) * (n - 1) / df
    F = ((sst - sse) / p) / (sse / df)
    Fp = stats.f.sf(F, p, df)
    vif = np.diag(Minv @ R @ Minv)

    fit = fit_ridge(y, X, k, ["a", "b", "c"])
    assert list(fit.params.index) == ["const", "a", "b", "c"]
    np.testing.assert_allclose(fit.beta, beta, rtol=1e-10)
    np.testing.assert_allclose(fit.params, np.r_[b0, B], rtol=1e-10)
    np.testing.assert_allclose(fit.bse, np.r_[se0, se], rtol=1e-10)
    np.testing.assert_allclose(fit.tvalues, np.r_[b0 / se0, t], rtol=1e-10)
    np.testing.assert_allclose(fit.pvalues, np.r_[2 * stats.t.sf(abs(b0 / se0), df), pv], rtol=1e-8)
    np.testing.assert_allclose(fit.vif, vif, rtol=1e-10)
    q = stats.t.ppf(0.975, df)
    np.testing.assert_allclose(fit.conf_int()["lower"], np.r_[b0, B] - q * np.r_[se0, se])
    assert fit.const == pytest.approx(b0, rel=1e-10)
    assert fit.rsquared == pytest.approx(r2, rel=1e-12)
    assert fit.rsquared_adj == pytest.approx(adj, rel=1e-12)
    assert fit.fvalue == pytest.approx(F, rel=1e-10)
    assert fit.f_pvalue == pytest.approx(Fp, rel=1e-8)
    assert fit.df_resid == df and fit.nobs == n


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(6, 40), p=st.integers(1, 4))
def test_ridge_at_k0_equals_ols(seed, n, p):
    rng = np.random.default_rng(seed)
    if n < p + 3:
        n = p + 3
    X = rng.normal(size=(n, p)) * rng.uniform(0.1, 100, size=p) + rng.normal(size=p) * 10
    y = X @ rng.normal(size=p) + rng.normal(size=n) * rng.uniform(0.1, 5)
    ref = sm.OLS(y, sm.add_constant(X)).fit()
    fit = fit_ridge(y, X, 0.0)
    np.testing.assert_allclose(fit.b, ref.params[1:], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(fit.bse, ref.bse, rtol=1e-6)
    np.testing.assert_allclose(fit.pvalues.iloc[1:], ref.pvalues[1:], rtol=1e-5, atol=1e-12)
    assert fit.const == pytest.approx(ref.params[0], rel=1e-6, abs=1e-8)
    assert fit.r2 == pytest.approx(ref.rsquared, rel=1e-8, abs=1e-12)
    assert fit.adj_r2 == pytest.approx(ref.rsquared_adj, rel=1e-6, abs=1e-10)
    assert fit.f == pytest.approx(ref.fvalue, rel=1e-6)


def test_k_conventions_statsmodels_and_mass(bodyfat):
    y, X = bodyfat
    n, k = len(y), 0.05
    fit = fit_ridge(y, X, k)
    Z = (X - X.mean(axis=0)) / (X.std(axis=0, ddof=1) * np.sqrt(n - 1))
    zy = (y - y.mean()) / (y.std(ddof=1) * np.sqrt(n - 1))
    conv = k_convention(n, k)
    sm_fit = sm.OLS(zy, Z).fit_regularized(alpha=conv.statsmodels_alpha, L1_wt=0.0)
    np.testing.assert_allclose(sm_fit.params, fit.beta, rtol=1e-8)
    # MASS: X scaled to sqrt(sum x^2 / n), y centred, (X'X + lambda I) b = X'y
    Xm = (X - X.mean(axis=0)) / np.sqrt(((X - X.mean(axis=0)) ** 2).sum(axis=0) / n)
    bm = np.linalg.solve(Xm.T @ Xm + conv.mass_lambda * np.eye(3), Xm.T @ (y - y.mean()))
    scales = np.sqrt(((X - X.mean(axis=0)) ** 2).sum(axis=0) / n)
    np.testing.assert_allclose(bm / scales, fit.b, rtol=1e-10)
    # MATLAB: z-scores (sd with n - 1), (Z'Z + k_m I) b = Z'y
    Zs = (X - X.mean(axis=0)) / X.std(axis=0, ddof=1)
    bl = np.linalg.solve(Zs.T @ Zs + conv.matlab_k * np.eye(3), Zs.T @ (y - y.mean()))
    np.testing.assert_allclose(bl / X.std(axis=0, ddof=1), fit.b, rtol=1e-10)
    assert conv.sklearn_alpha == k
    assert "lambda = n*k" in conv.text
    assert conv.to_dict()["mass_lambda"] == pytest.approx(n * k)


def test_trace_matches_pointwise_fits(bodyfat):
    y, X = bodyfat
    tr = ridge_trace(y, X, ["a", "b", "c"], grid=k_grid(0, 0.1, 0.02))
    assert list(tr.k) == [0.0, 0.02, 0.04, 0.06, 0.08, 0.1]
    for i, k in enumerate(tr.k):
        f = fit_ridge(y, X, k)
        np.testing.assert_allclose(tr.beta[i], f.beta, rtol=1e-12)
        assert tr.r2[i] == pytest.approx(f.r2, rel=1e-12)
    frame = tr.to_frame()
    assert list(frame.columns) == ["k", "r2", "a", "b", "c"]
    np.testing.assert_allclose(frame["a"], tr.beta[:, 0])
    assert list(tr.vif_frame().columns) == ["k", "a", "b", "c"]


def test_k_grid_default():
    g = k_grid()
    assert g.size == 101 and g[0] == 0.0 and g[-1] == 1.0 and g[10] == 0.1
    np.testing.assert_array_equal(k_grid(KGrid(0, 0.1, 0.02)), k_grid(0, 0.1, 0.02))


def test_collinear_at_k0_raises_but_k_positive_works():
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=12), rng.normal(size=12)
    X = np.column_stack([a, b, a + b])
    y = a - b + rng.normal(size=12) * 0.1
    with pytest.raises(CollinearityError, match="collinear"):
        fit_ridge(y, X, 0.0)
    fit = fit_ridge(y, X, 0.1)
    assert np.all(np.isfinite(fit.b))
    tr = ridge_trace(y, X, grid=[0.0, 0.1])
    assert np.all(np.isnan(tr.beta[0])) and np.all(np.isfinite(tr.beta[1]))


def test_bad_inputs():
    rng = np.random.default_rng(6)
    with pytest.raises(InputError, match="too few"):
        fit_ridge(rng.normal(size=4), rng.normal(size=(4, 3)), 0.1)
    X = np.column_stack([rng.normal(size=8), np.ones(8)])
    with pytest.raises(InputError, match="constant"):
        fit_ridge(rng.normal(size=8), X, 0.1)
    with pytest.raises(InputError, match="k = -1"):
        fit_ridge(rng.normal(size=8), rng.normal(size=(8, 2)), -1)
