"""The identity check: a product of the regressors that reproduces the response."""

from __future__ import annotations

import numpy as np
import pytest

from carbonpath.stirpat.identity import check_identity


def _kaya(n: int = 8, seed: int = 1, digits: int | None = None):
    """C = P x (A/P) x (E/A) x (C/E) in levels, optionally rounded to ``digits`` figures."""
    rng = np.random.default_rng(seed)
    P = 1e6 * np.exp(np.cumsum(rng.normal(0.01, 0.01, n)))
    A = 5e10 * np.exp(np.cumsum(rng.normal(0.06, 0.03, n)))
    E = 2e7 * np.exp(np.cumsum(rng.normal(0.02, 0.03, n)))
    C = 5e7 * np.exp(np.cumsum(rng.normal(0.0, 0.03, n)))
    terms = [P, A / P, E / A, C / E]
    if digits is not None:
        terms = [np.array([float(f"{v:.{digits}g}") for v in t]) for t in terms]
        C = np.array([float(f"{v:.{digits}g}") for v in C])
    X = np.column_stack([np.log(t) for t in terms])
    return np.log(C), X


def _centred(y, X):
    return y - y.mean(), X - X.mean(axis=0)


def test_exact_kaya_product_is_found():
    y, X = _centred(*_kaya())
    res = check_identity(y, X, ["lnP", "lnA", "lnEI", "lnCI"], tol=0.005)
    assert res.holds and res.max_deviation < 1e-12
    assert res.weights.to_dict() == {"lnP": 1, "lnA": 1, "lnEI": 1, "lnCI": 1}
    assert res.equation == "lnC = const + lnP + lnA + lnEI + lnCI"
    assert "accounting identity" in res.message


def test_rounded_published_data_still_count_as_an_identity():
    # four significant figures: each of the 5 series is off by at most 0.05 %, so r is off
    # by at most 0.25 % in any year; the default tolerance of 0.5 % accepts that
    y, X = _centred(*_kaya(digits=4))
    res = check_identity(y, X, ["lnP", "lnA", "lnEI", "lnCI"], tol=0.005)
    assert res.holds and 1e-6 < res.max_deviation < 2.5e-3


def test_inverse_ratio_gets_weight_minus_one():
    y, X = _kaya()
    X[:, 2] = -X[:, 2]  # T = A / E (energy efficiency) instead of E / A
    y, X = _centred(y, X)
    res = check_identity(y, X, ["lnP", "lnA", "lnT", "lnCI"], tol=0.005)
    assert res.holds and list(res.weights) == [1, 1, -1, 1]
    assert res.equation == "lnC = const + lnP + lnA - lnT + lnCI"


def test_a_behavioural_model_is_not_an_identity():
    rng = np.random.default_rng(2)
    X = np.cumsum(rng.normal(size=(8, 4)), axis=0) * 0.1
    y = X @ [0.8, 0.3, -0.5, 0.2] + rng.normal(size=8) * 0.05
    res = check_identity(*_centred(y, X), ["a", "b", "c", "d"], tol=0.005)
    assert not res.holds and res.message is None and res.max_deviation > 0.005


def test_subset_and_many_regressors():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(30, 12))
    y = X[:, 0] + X[:, 5] - X[:, 11]
    res = check_identity(*_centred(y, X), [f"x{i}" for i in range(12)], tol=1e-9)
    assert res.holds
    expected = np.zeros(12, dtype=int)
    expected[[0, 5, 11]] = [1, 1, -1]
    np.testing.assert_array_equal(res.weights.to_numpy(), expected)


def test_tolerance_is_a_relative_deviation():
    y, X = _centred(*_kaya())
    y = y + np.r_[0.004, -0.004, np.zeros(6)]  # 0.4 % and -0.4 % in two years
    y = y - y.mean()
    assert check_identity(y, X, list("abcd"), tol=0.005).holds
    res = check_identity(y, X, list("abcd"), tol=0.001)
    assert not res.holds and res.max_deviation == pytest.approx(0.004, rel=1e-9)
