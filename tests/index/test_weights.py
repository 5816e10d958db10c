"""Weights: published vectors, a hand calculation, and properties."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from carbonpath.core.errors import InputError
from carbonpath.index.composite import composite_scores
from carbonpath.index.normalise import normalise
from carbonpath.index.weights import (
    compute_weights,
    critic_weights,
    cv_weights,
    entropy_weights,
    equal_weights,
    user_weights,
)


def frame(rows: list[list[float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[f"c{j + 1}" for j in range(len(rows[0]))], dtype=float)


# Xu, X. (2004). A note on the subjective and objective integrated approach to determine
# attribute weights. EJOR 156(2), 530-532; vector as in pyrepo-mcda's test suite
# (tests/test_weighting_methods.py, Test_Entropy.test_Entropy).
XU = frame([[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]])

# Elsayed, Dawood & Karthikeyan (2017), "Evaluating alternatives through the application
# of TOPSIS method with entropy weight", Int. J. Eng. Trends Technol. 46(2) 60-66;
# matrix and vector as in pymcdm's test suite (TestEntropyWeights).
ELSAYED = frame(
    [
        [7, 312, 1891, 6613, 163],
        [72, 88, 728, 941804, 1078],
        [10, 252, 2594, 3466, 117471],
        [10, 145, 980, 2371, 86329],
        [65, 54, 350, 501, 29897],
        [29, 48, 380, 912, 34051],
        [7, 476, 3300, 78470, 2212],
        [70, 87, 650, 733, 819000],
        [4, 86, 591, 3015, 103],
        [12, 79, 579, 3240, 96098],
        [21, 45, 261, 1253, 453],
        [1, 72, 530, 4333, 0.104800],
    ]
)


def test_entropy_p_to_w_xu_2004() -> None:
    w = entropy_weights(XU).weights.to_numpy()
    np.testing.assert_allclose(w, [0.4630, 0.3992, 0.1378, 0.0000], atol=5e-5)


def test_entropy_p_to_w_elsayed_2017() -> None:
    w = entropy_weights(ELSAYED).weights.to_numpy()
    np.testing.assert_allclose(w, [0.104991, 0.069124, 0.071373, 0.449937, 0.304575], atol=5e-7)


def test_entropy_p_to_w_zavadskas_podvezko_2016() -> None:
    # Zavadskas & Podvezko (2016), IJITDM 15(02) 267-283; vector as in pyrepo-mcda's
    # Test_Entropy.test_Entropy2 (the p -> w step ignores criterion types).
    x = frame([[3.0, 100, 10, 7], [2.5, 80, 8, 5], [1.8, 50, 20, 11], [2.2, 70, 12, 9]])
    np.testing.assert_allclose(
        entropy_weights(x).weights, [0.1146, 0.1981, 0.4185, 0.2689], atol=5e-5
    )


def test_cv_weights_shuai_2012() -> None:
    # Shuai et al. (2012), CCDC pp. 3889-3892, Xu matrix; vector as in pyrepo-mcda's
    # Test_Coeff_var.
    np.testing.assert_allclose(cv_weights(XU).weights, [0.4258, 0.3610, 0.2121, 0.0011], atol=5e-5)


# Tus, A. & Aytac Adali, E. (2019). The new combination with CRITIC and WASPAS methods for
# the time and attendance software selection problem. Opsearch 56(2) 528-538.  Matrix and
# published weights as reproduced in pymcdm's TestCRITICWeights and pyrepo-mcda's
# Test_CRITIC (both normalise every column as larger-is-better).
TUS = frame(
    [
        [5000, 3, 3, 4, 3, 2],
        [680, 5, 3, 2, 2, 1],
        [2000, 3, 2, 3, 4, 3],
        [600, 4, 3, 1, 2, 2],
        [800, 2, 4, 3, 3, 4],
    ]
)


def test_critic_tus_adali_2019() -> None:
    x = normalise(TUS, None, "minmax").values
    w = critic_weights(x).weights.to_numpy()
    np.testing.assert_allclose(w, [0.157, 0.249, 0.168, 0.121, 0.154, 0.151], atol=5e-4)


def test_critic_honours_direction_hand_calculation() -> None:
    # Price (c1) is a cost criterion: flip it in the normalisation, then
    # C_j = s_j * sum_k (1 - r_jk) with the sample sd and Pearson r (statistics module).
    directions = ["-", "+", "+", "+", "+", "+"]
    x = normalise(TUS, directions, "minmax").values
    got = critic_weights(x).weights.to_numpy()
    cols = []
    for j, c in enumerate(TUS.columns):
        v = TUS[c].tolist()
        lo, hi = min(v), max(v)
        cols.append([(hi - a) / (hi - lo) if j == 0 else (a - lo) / (hi - lo) for a in v])
    info = []
    for j in range(6):
        conflict = sum(1 - statistics.correlation(cols[j], cols[k]) for k in range(6))
        info.append(statistics.stdev(cols[j]) * conflict)
    want = [c / sum(info) for c in info]
    np.testing.assert_allclose(got, want, rtol=1e-9)
    # and it differs from treating the cost column as a benefit
    assert abs(got[0] - 0.157) > 0.01


def test_minmax_entropy_pipeline_hand_calculation() -> None:
    # 4 years x 3 indicators; c2 is negative (smaller is better).
    raw = frame([[2, 10, 5], [4, 8, 3], [6, 4, 9], [8, 6, 4]])
    # Step 1, range method: c1 (x-2)/6, c2 (10-x)/6, c3 (x-3)/6
    X = [
        [0.0, 0.0, 2 / 6],
        [2 / 6, 2 / 6, 0.0],
        [4 / 6, 1.0, 1.0],
        [1.0, 4 / 6, 1 / 6],
    ]
    # Step 2, p_ij = X_ij / sum_i X_ij (column sums 2, 2, 1.5)
    sums = [sum(r[j] for r in X) for j in range(3)]
    assert sums == pytest.approx([2.0, 2.0, 1.5])
    p = [[X[i][j] / sums[j] for j in range(3)] for i in range(4)]
    # Step 3, E_j = -(1/ln 4) sum p ln p with 0 ln 0 = 0
    E = [
        -sum(p[i][j] * math.log(p[i][j]) for i in range(4) if p[i][j] > 0) / math.log(4)
        for j in range(3)
    ]
    # c1: p = 0, 1/6, 1/3, 1/2 -> E1 = (ln6/6 + ln3/3 + ln2/2) / ln4
    assert E[0] == pytest.approx(
        (math.log(6) / 6 + math.log(3) / 3 + math.log(2) / 2) / math.log(4)
    )
    # Step 4-5, D = 1 - E, w = D / sum D
    D = [1 - e for e in E]
    w = [d / sum(D) for d in D]
    # Step 6, Y_i = sum_j w_j X_ij
    Y = [sum(w[j] * X[i][j] for j in range(3)) for i in range(4)]

    norm = normalise(raw, ["+", "-", "+"], "minmax")
    np.testing.assert_allclose(norm.values.to_numpy(), X, rtol=1e-12, atol=1e-15)
    res = entropy_weights(norm.values)
    np.testing.assert_allclose(res.diagnostics["entropy"], E, rtol=1e-12)
    np.testing.assert_allclose(res.diagnostics["divergence"], D, rtol=1e-12)
    np.testing.assert_allclose(res.weights, w, rtol=1e-12)
    np.testing.assert_allclose(composite_scores(norm.values, res.weights), Y, rtol=1e-12)


def test_entropy_epsilon_shift_hand_calculation() -> None:
    x = frame([[0.0, 1.0], [0.5, 0.0], [1.0, 0.25]])
    eps = 0.01
    want = []
    for j in range(2):
        col = [r[j] + eps for r in x.to_numpy().tolist()]
        p = [c / sum(col) for c in col]
        want.append(1 + sum(q * math.log(q) for q in p) / math.log(3))
    want = [d / sum(want) for d in want]
    res = entropy_weights(x, epsilon=eps)
    np.testing.assert_allclose(res.weights, want, rtol=1e-12)
    assert res.epsilon == eps


def test_constant_column_is_excluded_not_nan() -> None:
    x = frame([[0.0, 5.0, 1.0], [0.5, 5.0, 0.0], [1.0, 5.0, 0.25]])
    for method in ("entropy", "critic", "cv", "equal"):
        res = compute_weights(x, method)
        assert not res.weights.isna().any()
        assert res.weights["c2"] == 0.0
        assert res.excluded == ("c2",)
        assert any("constant" in m for m in res.warnings)
        assert res.weights.sum() == pytest.approx(1.0)
        # the others are weighted exactly as without the constant column
        alone = compute_weights(x[["c1", "c3"]], method).weights
        np.testing.assert_allclose(res.weights[["c1", "c3"]], alone, rtol=1e-12)


def test_all_constant_is_an_error() -> None:
    with pytest.raises(InputError, match="every indicator is constant"):
        entropy_weights(frame([[1, 2], [1, 2], [1, 2]]))


def test_entropy_rejects_negative_values() -> None:
    with pytest.raises(InputError, match="non-negative"):
        entropy_weights(frame([[-1, 2], [1, 3], [0, 2]]))


def test_user_weights_validated_and_renormalised() -> None:
    x = frame([[0.0, 1.0, 0.2], [1.0, 0.0, 0.4], [0.5, 0.5, 0.9]])
    res = user_weights(x, {"c1": 2, "c2": 1, "c3": 1})
    np.testing.assert_allclose(res.weights, [0.5, 0.25, 0.25])
    assert any("renormalised" in m for m in res.warnings)
    with pytest.raises(InputError, match="did you mean 'c1'"):
        user_weights(x, {"c1x": 1, "c2": 1, "c3": 1})
    with pytest.raises(InputError, match="no weight given"):
        user_weights(x, {"c1": 1})
    with pytest.raises(InputError, match=">= 0"):
        user_weights(x, {"c1": -1, "c2": 1, "c3": 1})


def test_equal_weights() -> None:
    np.testing.assert_allclose(equal_weights(XU).weights, [0.25] * 4)


def test_unknown_method_suggests() -> None:
    with pytest.raises(InputError, match="did you mean 'critic'"):
        compute_weights(XU, "critc")


# ------------------------------------------------------------------ properties
def matrices(min_rows: int = 3, max_rows: int = 8, cols: int = 4):
    value = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)
    return st.integers(min_rows, max_rows).flatmap(
        lambda n: st.lists(st.lists(value, min_size=cols, max_size=cols), min_size=n, max_size=n)
    )


def varied(rows: list[list[float]]) -> bool:
    a = np.array(rows)
    rng = a.max(axis=0) - a.min(axis=0)
    return bool((rng > 1e-3 * (1 + np.abs(a).max(axis=0))).all())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(rows=matrices(), method=st.sampled_from(["entropy", "critic", "cv", "equal"]))
def test_weights_sum_to_one(rows, method) -> None:
    assume(any(len(set(col)) > 1 for col in zip(*rows, strict=True)))
    x = normalise(frame(rows), ["+", "-", "+", "-"], "minmax").values
    w = compute_weights(x, method).weights
    assert np.isfinite(w).all()
    assert (w >= 0).all()
    assert w.sum() == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    rows=matrices().filter(varied),
    method=st.sampled_from(["entropy", "critic", "cv", "equal"]),
    col=st.integers(0, 3),
    a=st.floats(min_value=0.01, max_value=100),
    b=st.floats(min_value=-1e4, max_value=1e4),
)
def test_minmax_makes_weights_and_scores_affine_invariant(rows, method, col, a, b) -> None:
    raw = frame(rows)
    directions = ["+", "-", "+", "-"]
    moved = raw.copy()
    moved.iloc[:, col] = a * moved.iloc[:, col] + b
    x0 = normalise(raw, directions, "minmax").values
    x1 = normalise(moved, directions, "minmax").values
    w0 = compute_weights(x0, method).weights
    w1 = compute_weights(x1, method).weights
    np.testing.assert_allclose(w1, w0, atol=1e-7)
    np.testing.assert_allclose(composite_scores(x1, w1), composite_scores(x0, w0), atol=1e-7)


@settings(max_examples=40, deadline=None)
@given(
    rows=matrices(),
    const=st.floats(-100, 100),
    col=st.integers(0, 3),
    method=st.sampled_from(["entropy", "critic", "cv", "equal"]),
)
def test_constant_column_property(rows, const, col, method) -> None:
    raw = frame(rows)
    raw.iloc[:, col] = const
    others = [c for i, c in enumerate(raw.columns) if i != col]
    if all(raw[c].max() == raw[c].min() for c in others):
        return
    x = normalise(raw, None, "minmax").values
    res = compute_weights(x, method)
    assert not res.weights.isna().any()
    assert res.weights.iloc[col] == 0.0
    assert raw.columns[col] in res.excluded


# ------------------------------------------------------------------ linear cost
def test_weights_are_linear_in_the_number_of_indicators() -> None:
    """Counting label comparisons: constant columns and user weights are matched by
    position or hash, never by scanning the columns for each column."""
    from tests.index.test_normalise import Label, wide

    m = 3000
    x = normalise(wide(m), None, "minmax").values
    for method in ("entropy", "critic", "cv", "equal"):
        Label.calls = 0
        res = compute_weights(x, method)
        assert Label.calls <= 4 * m, method
        assert len(res.excluded) == m // 2
        assert (res.weights[list(res.excluded)] == 0).all()

    class Key(str):
        calls = 0

        def __eq__(self, other: object) -> bool:
            Key.calls += 1
            return str.__eq__(self, other)

        __hash__ = str.__hash__

    given = {Key(f"c{j}"): 1.0 for j in range(m)}
    res = user_weights(x, given)
    assert Key.calls <= 4 * m
    np.testing.assert_allclose(res.weights.sum(), 1.0)


def test_critic_without_the_correlation_matrix(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above CRITIC_MATRIX_MAX columns the conflict sum_k (1 - r_jk) is computed from the
    standardised columns in O(n m); it equals the matrix form (numpy.corrcoef)."""
    from carbonpath.index import weights as wmod

    m = wmod.CRITIC_MATRIX_MAX + 200
    a = np.random.default_rng(5).random((7, m))
    x = pd.DataFrame(a, columns=[f"c{j}" for j in range(m)])
    r = np.corrcoef(a, rowvar=False)
    info = a.std(axis=0, ddof=1) * (1.0 - r).sum(axis=0)
    want = info / info.sum()

    def no_matrix(*args, **kwargs):
        raise AssertionError("the m x m correlation matrix was formed")

    monkeypatch.setattr(np, "corrcoef", no_matrix)
    got = critic_weights(x).weights.to_numpy()
    np.testing.assert_allclose(got, want, rtol=1e-10)
