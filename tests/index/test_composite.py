"""Composite index, subsystems, TOPSIS, coupling coordination and obstacle degree
against hand calculations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from carbonpath.core.errors import InputError
from carbonpath.index.composite import (
    composite_scores,
    coupling_coordination,
    obstacle_degree,
    subsystem_scores,
    topsis_closeness,
)

X = pd.DataFrame(
    {"a": [0.0, 0.5, 1.0], "b": [1.0, 0.25, 0.0], "c": [0.2, 1.0, 0.6]},
    index=pd.Index([2020, 2021, 2022], name="year"),
)
W = pd.Series({"a": 0.5, "b": 0.3, "c": 0.2})


def test_composite_eq6() -> None:
    want = [
        0.5 * 0 + 0.3 * 1 + 0.2 * 0.2,
        0.5 * 0.5 + 0.3 * 0.25 + 0.2 * 1,
        0.5 * 1 + 0 + 0.2 * 0.6,
    ]
    np.testing.assert_allclose(composite_scores(X, W), want, rtol=1e-12)


def test_subsystem_weights_renormalised_within() -> None:
    u = subsystem_scores(X, W, {"a": "m", "b": "m", "c": "l"})
    assert list(u.columns) == ["m", "l"]
    # m: weights 0.5, 0.3 -> 0.625, 0.375 ; l: c alone -> 1
    np.testing.assert_allclose(u["m"], [0.375, 0.625 * 0.5 + 0.375 * 0.25, 0.625], rtol=1e-12)
    np.testing.assert_allclose(u["l"], X["c"], rtol=1e-12)


def test_subsystem_with_zero_weight_is_an_error() -> None:
    with pytest.raises(InputError, match="total weight 0"):
        subsystem_scores(
            X, pd.Series({"a": 0.5, "b": 0.5, "c": 0.0}), {"a": "m", "b": "m", "c": "l"}
        )


def test_topsis_hand_calculation() -> None:
    v = [[0.5 * X.iloc[i, 0], 0.3 * X.iloc[i, 1], 0.2 * X.iloc[i, 2]] for i in range(3)]
    best = [max(r[j] for r in v) for j in range(3)]  # 0.5, 0.3, 0.2
    worst = [min(r[j] for r in v) for j in range(3)]  # 0, 0, 0.04
    want = []
    for r in v:
        dp = math.sqrt(sum((r[j] - best[j]) ** 2 for j in range(3)))
        dn = math.sqrt(sum((r[j] - worst[j]) ** 2 for j in range(3)))
        want.append(dn / (dp + dn))
    # first year written out: V = (0, 0.3, 0.04); d+ = sqrt(0.25 + 0 + 0.0256), d- = 0.3
    assert want[0] == pytest.approx(0.3 / (math.sqrt(0.2756) + 0.3))
    np.testing.assert_allclose(topsis_closeness(X, W), want, rtol=1e-12)


def test_coupling_two_subsystems_hand() -> None:
    u = pd.DataFrame({"m": [0.4, 0.8], "l": [0.9, 0.8]})
    cc = coupling_coordination(u)
    c0 = 2 * math.sqrt(0.4 * 0.9) / (0.4 + 0.9)  # = 1.2 / 1.3
    assert c0 == pytest.approx(1.2 / 1.3)
    t0 = (0.4 + 0.9) / 2
    np.testing.assert_allclose(cc["c"], [c0, 1.0], rtol=1e-12)
    np.testing.assert_allclose(cc["t"], [t0, 0.8], rtol=1e-12)
    np.testing.assert_allclose(cc["d"], [math.sqrt(c0 * t0), math.sqrt(0.8)], rtol=1e-12)


def test_coupling_three_subsystems_and_alpha() -> None:
    u = pd.DataFrame({"a": [0.2], "b": [0.5], "c": [0.8]})
    cc = coupling_coordination(u, {"a": 0.5, "b": 0.25, "c": 0.25})
    c = 3 * (0.2 * 0.5 * 0.8) ** (1 / 3) / 1.5  # geometric mean / arithmetic mean
    # the normative form [prod U / (mean U)^n]^(1/n) (Wang et al. 2021) is the same number
    assert c == pytest.approx((0.2 * 0.5 * 0.8 / 0.5**3) ** (1 / 3))
    t = 0.5 * 0.2 + 0.25 * 0.5 + 0.25 * 0.8
    np.testing.assert_allclose(
        cc.loc[0, ["c", "t", "d"]].to_numpy(dtype=float), [c, t, math.sqrt(c * t)], rtol=1e-12
    )


def test_coupling_zero_and_all_zero_rows() -> None:
    cc = coupling_coordination(pd.DataFrame({"m": [0.0, 0.0], "l": [0.6, 0.0]}))
    assert cc.loc[0, "c"] == 0.0 and cc.loc[0, "d"] == 0.0
    assert math.isnan(cc.loc[1, "c"]) and cc.loc[1, "d"] == 0.0
    with pytest.raises(InputError, match="sum to 1"):
        coupling_coordination(pd.DataFrame({"m": [0.1], "l": [0.2]}), {"m": 0.5, "l": 0.6})
    with pytest.raises(InputError, match="at least 2"):
        coupling_coordination(pd.DataFrame({"m": [0.1]}))


def test_obstacle_degree_hand() -> None:
    o = obstacle_degree(X, W)
    # 2020: deviations w(1-X) = 0.5*1, 0.3*0, 0.2*0.8 -> total 0.66
    np.testing.assert_allclose(o.loc[2020], [0.5 / 0.66, 0.0, 0.16 / 0.66], rtol=1e-12)
    np.testing.assert_allclose(o.sum(axis=1), 1.0)
    perfect = pd.DataFrame({"a": [1.0, 0.0], "b": [1.0, 0.5]})
    o2 = obstacle_degree(perfect, pd.Series({"a": 0.5, "b": 0.5}))
    assert o2.loc[0].tolist() == [0.0, 0.0]


def test_subsystem_scores_are_linear_in_the_number_of_subsystems() -> None:
    """Every indicator its own subsystem: grouped once, not one column scan per subsystem."""
    from tests.index.test_normalise import Label

    m = 3000
    cols = pd.Index([Label(j) for j in range(m)], dtype=object)
    x = pd.DataFrame(np.random.default_rng(1).random((4, m)), columns=cols)
    w = pd.Series(np.full(m, 1.0 / m), index=pd.Index([Label(j) for j in range(m)], dtype=object))
    subs = {Label(j): Label(10**6 + j) for j in range(m)}  # subsystem names count too
    Label.calls = 0
    u = subsystem_scores(x, w, subs)
    assert Label.calls <= 6 * m
    # one indicator per subsystem: U_s is that indicator's normalised value
    np.testing.assert_allclose(u.to_numpy(), x.to_numpy())
    Label.calls = 0
    composite_scores(x, w)
    assert Label.calls <= 4 * m
