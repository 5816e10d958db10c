"""IPCC 2006 Vol. 1 Ch. 3 uncertainty: Approach 1 by hand, Approach 2 against Approach 1."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from carbonpath.accounting import uncertainty as unc
from carbonpath.core.errors import InputError


def test_product_and_sum_rules_by_hand():
    # eq. 3.1: sqrt(3^2 + 4^2) = 5
    assert unc.combine_product([3.0, 4.0]) == pytest.approx(5.0)
    # eq. 3.2: x = 100, 200 with U = 10%, 5% -> sqrt(10^2 + 10^2) / 300 = 4.7140%
    assert unc.combine_sum([100.0, 200.0], [0.10, 0.05]) == pytest.approx(
        math.sqrt(200.0) / 300.0, rel=1e-12
    )
    with pytest.raises(InputError):
        unc.combine_sum([1.0, -1.0], [0.1, 0.1])


CELLS = pd.DataFrame(
    {
        "year": [2020, 2020, 2020, 2021, 2021, 2021],
        "sector": ["A", "B", "A", "A", "B", "A"],
        "fuel": ["coal", "coal", "gas", "coal", "coal", "gas"],
        "co2_t": [100.0, 300.0, 50.0, 120.0, 250.0, 80.0],
    }
)
FU = {"coal": 0.10, "gas": 0.04}


def test_level_with_factor_shared_across_sectors_by_hand():
    lev = unc.approach1_level(CELLS, 0.05, FU, ["year"]).set_index("year")
    # 2020: activity (5% x 100, 300, 50)^2 + coal factor (10% x 400)^2 + gas (4% x 50)^2
    var = 5.0**2 + 15.0**2 + 2.5**2 + 40.0**2 + 2.0**2
    assert lev.loc[2020, "co2_t"] == 450.0
    assert lev.loc[2020, "u"] == pytest.approx(math.sqrt(var) / 450.0, rel=1e-12)
    assert lev.loc[2020, "lower"] == pytest.approx(450.0 - math.sqrt(var), rel=1e-12)
    sec = unc.approach1_level(CELLS, 0.05, FU, ["year", "sector"]).set_index(["year", "sector"])
    # sector A 2020: product rule per cell, sum rule across fuels
    ua = math.sqrt(0.05**2 + 0.10**2)
    ug = math.sqrt(0.05**2 + 0.04**2)
    assert sec.loc[(2020, "A"), "u"] == pytest.approx(
        unc.combine_sum([100.0, 50.0], [ua, ug]), rel=1e-12
    )


def test_trend_single_category_by_hand():
    cells = pd.DataFrame(
        {
            "year": [2020, 2021],
            "sector": ["A", "A"],
            "fuel": ["coal", "coal"],
            "co2_t": [100.0, 80.0],
        }
    )
    tr = unc.approach1_trend(cells, 0.05, {"coal": 0.10}, 2020, 2021)
    # one category: type A sensitivity 0 (factor cancels); type B = 80/100;
    # U = 0.8 x sqrt(2) x 5 = 5.657 percentage points around a -20% trend
    assert tr.trend_pct == pytest.approx(-20.0)
    assert tr.type_a_by_fuel["coal"] == pytest.approx(0.0, abs=1e-9)
    assert tr.u_pct_points == pytest.approx(0.8 * math.sqrt(2.0) * 5.0, rel=1e-12)


def test_trend_two_fuels_by_hand():
    tr = unc.approach1_trend(CELLS, 0.05, FU, 2020, 2021)
    t0, t1 = 450.0, 450.0
    # type A (IPCC Vol. 1 Table 3.2) for coal: E0 = 400, E1 = 370; gas: E0 = 50, E1 = 80
    a_coal = abs(((0.01 * 370 + t1) / (0.01 * 400 + t0) - 1) * 100 - (t1 / t0 - 1) * 100)
    a_gas = abs(((0.01 * 80 + t1) / (0.01 * 50 + t0) - 1) * 100 - (t1 / t0 - 1) * 100)
    b = np.array([120.0, 250.0, 80.0]) / t0
    u = math.sqrt((a_coal * 10) ** 2 + (a_gas * 4) ** 2 + np.sum((b * math.sqrt(2) * 5) ** 2))
    assert tr.u_pct_points == pytest.approx(u, rel=1e-12)
    assert tr.trend_pct == pytest.approx(0.0, abs=1e-12)


def _groupings(cells):
    years = sorted(cells["year"].unique())
    keys = list(dict.fromkeys(zip(cells["year"], cells["sector"], strict=True)))
    pos = {k: i for i, k in enumerate(keys)}
    return [
        unc.Grouping(
            "year", cells["year"].map({y: i for i, y in enumerate(years)}).to_numpy(), years
        ),
        unc.Grouping(
            "sector",
            np.array([pos[k] for k in zip(cells["year"], cells["sector"], strict=True)]),
            keys,
        ),
    ]


def _study_cells(seed=5):
    rng = np.random.default_rng(seed)
    rows = []
    for y in range(2015, 2023):
        for s in range(9):
            for f in range(7):
                rows.append((y, f"s{s}", f"f{f}", float(rng.uniform(10, 1000))))
    return pd.DataFrame(rows, columns=["year", "sector", "fuel", "co2_t"])


def test_approach2_converges_to_approach1_for_small_symmetric_uncertainty():
    cells = _study_cells()
    fu = {f"f{i}": 0.02 for i in range(7)}
    mc = unc.monte_carlo(cells, 0.02, fu, _groupings(cells), draws=20_000, seed=11)
    a1 = unc.approach1_level(cells, 0.02, fu, ["year"]).set_index("year")
    s = mc.summary("year").set_index("label")
    assert np.allclose(s["mean"], a1["co2_t"], rtol=1e-3)
    assert np.allclose(s["half_width"], a1["u"], rtol=0.05)
    a1s = unc.approach1_level(cells, 0.02, fu, ["year", "sector"])
    ss = mc.summary("sector")
    assert np.allclose(ss["mean"].to_numpy(), a1s["co2_t"].to_numpy(), rtol=1e-3)
    assert np.allclose(ss["half_width"].to_numpy(), a1s["u"].to_numpy(), rtol=0.06)


def test_approach2_trend_agrees_with_approach1():
    cells = _study_cells(7)
    fu = {f"f{i}": 0.02 for i in range(7)}
    mc = unc.monte_carlo(cells, 0.02, fu, _groupings(cells)[:1], draws=20_000, seed=3)
    d = mc.groups["year"]
    tr_mc = (d[:, -1] / d[:, 0] - 1) * 100
    lo, hi = np.percentile(tr_mc, [2.5, 97.5])
    tr = unc.approach1_trend(cells, 0.02, fu, 2015, 2022)
    assert (hi - lo) / 2 == pytest.approx(tr.u_pct_points, rel=0.06)
    assert np.mean(tr_mc) == pytest.approx(tr.trend_pct, abs=0.05)


def test_fixed_seed_gives_identical_numbers():
    cells = _study_cells()
    fu = {f"f{i}": 0.05 for i in range(7)}
    a = unc.monte_carlo(cells, 0.05, fu, _groupings(cells), draws=1000, seed=42)
    b = unc.monte_carlo(cells, 0.05, fu, _groupings(cells), draws=1000, seed=42)
    c = unc.monte_carlo(cells, 0.05, fu, _groupings(cells), draws=1000, seed=43)
    assert np.array_equal(a.groups["sector"], b.groups["sector"])
    assert not np.array_equal(a.groups["sector"], c.groups["sector"])


@pytest.mark.parametrize("dist", unc.DISTRIBUTIONS)
def test_distributions_have_mean_one_and_stated_half_width(dist):
    rng = np.random.default_rng(0)
    u = np.array([0.05, 0.20])
    x = unc.draw_multipliers(rng, u, 400_000, dist)
    lo, hi = np.percentile(x, [2.5, 97.5], axis=0)
    assert np.allclose(x.mean(axis=0), 1.0, atol=2e-3)
    if dist == "lognormal":  # sd of the multiplier = U / 1.96 (skewed interval)
        assert np.allclose(x.std(axis=0), u / unc.Z95, rtol=0.02)
    else:
        assert np.allclose((hi - lo) / 2, u, rtol=0.02)


def test_truncation_at_zero():
    rng = np.random.default_rng(1)
    x = unc.draw_multipliers(rng, np.array([3.0]), 50_000, "normal")
    assert (x > 0).all()
    with pytest.raises(InputError):
        unc.draw_multipliers(rng, np.array([0.1]), 10, "gamma")


def test_factor_shared_across_sectors_and_years():
    # two sectors, two years, one fuel, no activity uncertainty: every cell moves with
    # the same factor draw, so their ratio is constant across draws
    cells = pd.DataFrame(
        {
            "year": [1, 1, 2, 2],
            "sector": ["a", "b", "a", "b"],
            "fuel": ["x"] * 4,
            "co2_t": [1.0, 2.0, 3.0, 4.0],
        }
    )
    g = unc.Grouping("cell", np.arange(4), list(range(4)))
    mc = unc.monte_carlo(cells, 0.0, {"x": 0.3}, [g], draws=500, seed=2)
    d = mc.groups["cell"]
    assert np.allclose(d / d[:, [0]], np.array([1.0, 2.0, 3.0, 4.0])[None, :])
    assert d[:, 0].std() > 0.05


def test_rank_probability():
    draws = np.array([[3.0, 2.0, 1.0], [3.0, 2.0, 1.0], [1.0, 2.0, 3.0], [3.0, 1.0, 2.0]])
    rp = unc.rank_probability(draws, np.array([3.0, 2.0, 1.0]), ["a", "b", "c"])
    # ranking holds in draws 1 and 2 only
    assert rp.p_ranking_holds == pytest.approx(0.5)
    items = {i["scope"]: i for i in rp.items.to_dict(orient="records")}
    assert items["a"]["rank"] == 1 and items["a"]["p_rank_holds"] == pytest.approx(0.75)
    assert items["c"]["rank"] == 3 and items["c"]["p_rank_holds"] == pytest.approx(0.5)


def test_missing_factor_uncertainty_is_an_error():
    with pytest.raises(InputError, match="gas"):
        unc.approach1_level(CELLS, 0.05, {"coal": 0.1}, ["year"])


def test_rank_probability_when_the_central_order_is_not_the_column_order():
    # central values a=1, b=3, c=2: ranks b 1, c 2, a 3 (hand-counted per draw below)
    draws = np.array(
        [
            [1.0, 3.0, 2.0],  # b, c, a: all hold
            [3.0, 1.0, 2.0],  # a, c, b: c holds
            [0.0, 5.0, 6.0],  # c, b, a: a holds
            [1.0, 4.0, 3.0],  # b, c, a: all hold
        ]
    )
    rp = unc.rank_probability(draws, np.array([1.0, 3.0, 2.0]), ["a", "b", "c"], chunk_elements=3)
    assert rp.p_ranking_holds == pytest.approx(0.5)
    items = {i["scope"]: i for i in rp.items.to_dict(orient="records")}
    assert [items[k]["rank"] for k in "abc"] == [3, 1, 2]
    assert [items[k]["p_rank_holds"] for k in "abc"] == pytest.approx([0.75, 0.5, 0.75])


def test_conditional_sums_are_f_mean_plus_root_f2_var_times_z():
    from carbonpath.accounting.uncertainty_sums import column_plan, column_sums

    rng = np.random.default_rng(4)
    mean, var = rng.uniform(1, 2, (3, 2)), rng.uniform(0, 0.1, (3, 2))
    f = rng.uniform(0.9, 1.1, (5, 2))
    got = unc.conditional_sums(mean, var, f, np.random.default_rng(9))
    z = np.random.default_rng(9).standard_normal((5, 3))
    for d in range(5):
        for k in range(3):
            m = f[d, 0] * mean[k, 0] + f[d, 1] * mean[k, 1]
            v = f[d, 0] ** 2 * var[k, 0] + f[d, 1] ** 2 * var[k, 1]
            assert got[d, k] == pytest.approx(m + v**0.5 * z[d, k], rel=1e-14)
    target = np.array([1, -1, 1])
    plan = column_plan(target)
    for _ in range(2):  # the plan is reused chunk after chunk
        sums = column_sums(got, target, 2, plan)
        np.testing.assert_array_equal(sums[:, 0], 0.0)
        np.testing.assert_allclose(sums[:, 1], got[:, 0] + got[:, 2], rtol=1e-15)
