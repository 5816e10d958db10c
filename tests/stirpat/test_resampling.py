"""Bootstrap, leave-one-out and the fit check, against independent re-derivations."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from carbonpath.stirpat.resampling import bootstrap_ridge, check_fit, loo_predictions
from tests.stirpat.test_ridge import HAND_X, HAND_Y


def test_bootstrap_percentiles_reproduced_independently():
    y, X, k = HAND_Y, HAND_X, 0.1
    res = bootstrap_ridge(y, X, k, replications=300, seed=42)
    # independent re-derivation with the same draws: solve the correlation form per resample
    rng = np.random.default_rng(42)
    n = len(y)
    draws = []
    for _ in range(300):
        idx = rng.integers(0, n, size=n)
        ys, Xs = y[idx], X[idx]
        if np.ptp(ys) == 0 or np.any(np.ptp(Xs, axis=0) == 0):
            continue
        C = np.corrcoef(np.column_stack([Xs, ys]), rowvar=False)
        beta = np.linalg.solve(C[:3, :3] + k * np.eye(3), C[:3, 3])
        draws.append(beta * ys.std(ddof=1) / Xs.std(axis=0, ddof=1))
    expected = np.percentile(np.array(draws), [2.5, 97.5], axis=0).T
    np.testing.assert_allclose(res.b, expected, rtol=1e-9)
    np.testing.assert_allclose(res.draws, np.array(draws), rtol=1e-9)  # scenario intervals use them
    assert res.valid == len(draws)
    again = bootstrap_ridge(y, X, k, replications=300, seed=42)
    np.testing.assert_array_equal(again.b, res.b)
    other = bootstrap_ridge(y, X, k, replications=300, seed=43)
    assert not np.array_equal(other.b, res.b)


def test_loo_at_k0_equals_hat_matrix_identity():
    y, X = HAND_Y, HAND_X
    ref = sm.OLS(y, sm.add_constant(X)).fit()
    h = ref.get_influence().hat_matrix_diag
    expected = y - ref.resid / (1 - h)
    np.testing.assert_allclose(loo_predictions(y, X, 0.0), expected, rtol=1e-9)


def test_check_fit_against_scipy():
    a = np.array([10.0, 12.0, 9.0, 14.0, 11.0])
    pr = np.array([10.5, 11.0, 9.5, 13.0, 12.0])
    lo = np.array([11.0, 10.5, 9.0, 12.5, 12.5])
    c = check_fit(a, pr, lo)
    ref = stats.ttest_rel(a, pr)
    assert c.paired_t == pytest.approx(ref.statistic, rel=1e-12)
    assert c.paired_p == pytest.approx(ref.pvalue, rel=1e-12)
    assert c.mape == pytest.approx(100 * np.mean([0.5 / 10, 1 / 12, 0.5 / 9, 1 / 14, 1 / 11]))
    assert c.rmse == pytest.approx(np.sqrt((0.25 + 1 + 0.25 + 1 + 1) / 5))
    assert c.loo.press == pytest.approx(1 + 2.25 + 0 + 2.25 + 2.25)
    assert c.loo.rmse == pytest.approx(np.sqrt((1 + 2.25 + 0 + 2.25 + 2.25) / 5))
    d = c.to_dict()
    assert set(d) == {"actual", "predicted", "paired_t", "paired_p", "mape", "rmse", "loo"}
    assert set(d["loo"]) == {"predicted", "rmse", "mape", "press"}
