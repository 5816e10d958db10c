"""Panel index over unit-years: pooled (panel) entropy by hand, ranks, unbalanced
panels and the step's region and sector paths."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from carbonpath.core.errors import InputError, StudyError
from carbonpath.index.panel import panel_index, year_ranks
from carbonpath.index.settings import parse_index
from carbonpath.index.step import run

UNITS = ["A", "B", "C"]
YEARS = [2020, 2021, 2022]
# rows A2020, A2021, A2022, B2020, ..., C2022
X = [1, 2, 3, 2, 3, 5, 1, 4, 5]  # larger is better
Y = [10, 8, 6, 9, 7, 6, 10, 8, 2]  # smaller is better
Z = [3, 3, 4, 2, 5, 6, 2, 4, 6]  # larger is better
DIRS = {"x": "+", "y": "-", "z": "+"}

# min-max over all nine unit-years, by hand:
#   x: (x - 1) / 4     y: (10 - y) / 8     z: (z - 2) / 4
X_N = [0, 1 / 4, 1 / 2, 1 / 4, 1 / 2, 1, 0, 3 / 4, 1]
Y_N = [0, 1 / 4, 1 / 2, 1 / 8, 3 / 8, 1 / 2, 0, 1 / 4, 1]
Z_N = [1 / 4, 1 / 4, 1 / 2, 0, 3 / 4, 1, 0, 1 / 2, 1]


def raw_panel() -> pd.DataFrame:
    idx = pd.MultiIndex.from_product([UNITS, YEARS], names=["region", "year"])
    return pd.DataFrame({"x": X, "y": Y, "z": Z}, index=idx, dtype=float)


def hand_entropy_weights(columns: list[list[float]]) -> list[float]:
    """p = X / sum X over all N unit-years, E = -(1/ln N) sum p ln p (0 ln 0 = 0),
    D = 1 - E, w = D / sum D -- written out with the math module."""
    n = len(columns[0])
    d = []
    for col in columns:
        total = sum(col)
        e = -sum((v / total) * math.log(v / total) for v in col if v > 0) / math.log(n)
        d.append(1 - e)
    return [v / sum(d) for v in d]


def hand_ranks(scores: list[float], years: list[int]) -> list[int]:
    """1 + the number of units with a higher score in the same year."""
    return [
        1 + sum(1 for s2, y2 in zip(scores, years, strict=True) if y2 == y and s2 > s)
        for s, y in zip(scores, years, strict=True)
    ]


def test_panel_entropy_hand_calculation() -> None:
    p = panel_index(raw_panel(), DIRS, unit="region")
    vals = p.indicator_values.pivot_table(
        index=["region", "year"], columns="indicator", values="normalised", sort=False
    )
    np.testing.assert_allclose(vals["x"], X_N, rtol=0, atol=1e-15)
    np.testing.assert_allclose(vals["y"], Y_N, rtol=0, atol=1e-15)
    np.testing.assert_allclose(vals["z"], Z_N, rtol=0, atol=1e-15)
    w = hand_entropy_weights([X_N, Y_N, Z_N])
    np.testing.assert_allclose(p.weights["weight"], w, rtol=1e-12)
    # E_j uses ln(n T) = ln 9, not ln n = ln 3 (the per-year convention)
    e_x = -sum((v / 4.25) * math.log(v / 4.25) for v in X_N if v > 0) / math.log(9)
    assert p.weights["entropy"].iloc[0] == pytest.approx(e_x, rel=1e-12)
    score = [w[0] * a + w[1] * b + w[2] * c for a, b, c in zip(X_N, Y_N, Z_N, strict=True)]
    np.testing.assert_allclose(p.scores["score"], score, rtol=1e-12, atol=1e-15)
    years = YEARS * 3
    assert p.scores["rank"].tolist() == hand_ranks(score, years)
    assert p.scores["region"].tolist() == [u for u in UNITS for _ in YEARS]
    # the wide rank table: one row per region, one column per year
    ranks = p.ranks.set_index("region")
    assert list(ranks.columns) == YEARS
    want = hand_ranks(score, years)
    for k, u in enumerate(UNITS):
        assert ranks.loc[u].tolist() == want[3 * k : 3 * k + 3]
    assert ranks.loc["C", 2020] == 3 and ranks.loc["C", 2022] == 1
    assert p.coverage.balanced and p.coverage.rows_used == 9
    assert p.coverage.units == ("A", "B", "C") and p.coverage.years == (2020, 2021, 2022)
    assert len(p.coverage.dropped) == 0 and p.warnings == ()


def test_year_ranks_ties_share_the_smallest_rank() -> None:
    idx = pd.MultiIndex.from_product([["a", "b", "c"], [1, 2]])
    s = pd.Series([0.5, 0.1, 0.5, 0.3, 0.2, 0.3], index=idx)
    assert year_ranks(s).tolist() == [1, 3, 1, 1, 3, 1]


def test_unbalanced_panel_drops_unit_years_and_reports_them() -> None:
    raw = raw_panel()
    raw.loc[("B", 2021), "y"] = np.nan  # B lacks y in 2021
    raw = raw.drop(index=("C", 2020))  # C has no row at all for 2020
    p = panel_index(raw, DIRS, unit="region", units=UNITS, years=YEARS)
    cov = p.coverage
    assert (cov.rows_used, cov.rows_possible, cov.balanced) == (7, 9, False)
    assert cov.dropped.to_dict(orient="records") == [
        {"region": "B", "year": 2021, "reason": "no value for indicator(s) y"},
        {"region": "C", "year": 2020, "reason": "no value for indicator(s) x, y, z"},
    ]
    assert cov.units == ("A", "B", "C") and cov.units_dropped == ()
    # the weights are the panel entropy of the 7 complete rows (their own min-max)
    keep = [0, 1, 2, 3, 5, 7, 8]
    cols = []
    for raw_col, sign in ((X, 1), (Y, -1), (Z, 1)):
        v = [raw_col[i] for i in keep]
        lo, hi = min(v), max(v)
        cols.append([(a - lo) / (hi - lo) if sign > 0 else (hi - a) / (hi - lo) for a in v])
    np.testing.assert_allclose(p.weights["weight"], hand_entropy_weights(cols), rtol=1e-12)
    ranks = p.ranks.set_index("region")
    assert pd.isna(ranks.loc["B", 2021]) and pd.isna(ranks.loc["C", 2020])
    assert any("2 of 9 region-years dropped" in w for w in p.warnings)
    d = p.to_dict()
    assert d["coverage"]["dropped"][0]["reason"] == "no value for indicator(s) y"
    assert d["ranks"][1]["2021"] is None
    assert set(p.tables()) == {
        "index_panel_weights",
        "index_panel_scores",
        "index_panel_indicator_values",
        "index_panel_ranks",
        "index_panel_dropped",
    }


def test_panel_with_too_few_complete_rows_is_an_error() -> None:
    raw = raw_panel()
    raw["y"] = np.nan
    raw.iloc[0, 1] = 1.0
    with pytest.raises(InputError, match="1 complete unit-year"):
        panel_index(raw, DIRS, unit="region")


# ----------------------------------------------------------------- the step
def unit_resolver(values: dict[str, list[float]], missing: dict[str, list[int]] | None = None):
    """A region's resolver: variable[modern] -> its series over YEARS (some years absent)."""

    def resolve(var: str, scope: str) -> pd.Series:
        if var not in values or scope != "modern":
            raise InputError(f"unknown variable '{var}' at scope '{scope}'")
        s = pd.Series(values[var], index=YEARS, dtype=float)
        return s.drop(index=(missing or {}).get(var, []))

    return resolve


def region_units(missing: dict[str, dict[str, list[int]]] | None = None):
    out = {}
    for k, u in enumerate(UNITS):
        rows = slice(3 * k, 3 * k + 3)
        data = {"xv": X[rows], "yv": Y[rows], "zv": Z[rows]}
        out[u] = unit_resolver(data, (missing or {}).get(u))
    return out


def total_resolver(var: str, scope: str) -> pd.Series:
    """The aggregate: the sum over the three regions."""
    parts = [r(var, scope) for r in region_units().values()]
    return sum(parts[1:], parts[0])


def region_settings(**over):
    cfg = {
        "unit": "region",
        "robustness": False,
        "bootstrap": 0,
        "indicators": [
            {"name": "x", "expr": "xv[modern]", "direction": "+"},
            {"name": "y", "expr": "yv[modern]", "direction": "-"},
            {"name": "z", "expr": "zv[modern]", "direction": "+"},
        ],
    }
    cfg.update(over)
    return parse_index(cfg)


STUDY = SimpleNamespace(years=YEARS, seed=3, members=[])


def test_step_region_panel_with_a_resolver_per_region() -> None:
    res = run(STUDY, region_settings(), resolver=total_resolver, units=region_units())
    p = res.panel
    assert p is not None and p.unit == "region"
    np.testing.assert_allclose(
        p.weights["weight"], hand_entropy_weights([X_N, Y_N, Z_N]), rtol=1e-12
    )
    assert p.scores.columns.tolist() == ["region", "year", "score", "rank"]
    assert p.to_frame().loc[("C", 2022), "rank"] == 1
    # the aggregate index is still computed, from the resolver of the sum of regions
    assert len(res.scores) == 3
    d = res.to_dict()
    assert d["settings"]["unit"] == "region" and d["settings"]["panel"] is False
    assert d["panel"]["coverage"]["balanced"] is True
    assert "index_panel_ranks" in res.tables()


def test_step_region_panel_unbalanced() -> None:
    units = region_units({"B": {"yv": [2021]}})
    res = run(STUDY, region_settings(), resolver=total_resolver, units=units)
    cov = res.panel.coverage
    assert cov.rows_used == 8
    assert cov.dropped.to_dict(orient="records") == [
        {"region": "B", "year": 2021, "reason": "no value for indicator(s) y"}
    ]
    assert any("1 of 9 region-years dropped" in w for w in res.warnings)


def test_step_region_errors() -> None:
    with pytest.raises(StudyError, match="needs a study with regions") as info:
        run(STUDY, region_settings(), resolver=total_resolver)
    assert info.value.key == "index.unit"
    zero = region_units()
    base = zero["C"]
    zero["C"] = lambda v, s: base(v, s) * 0 if v == "yv" else base(v, s)
    settings = region_settings(
        indicators=[
            {"name": "x", "expr": "xv[modern]", "direction": "+"},
            {"name": "ratio", "expr": "xv[modern] / yv[modern]", "direction": "+"},
        ]
    )
    with pytest.raises(StudyError, match=r"indicator 'ratio' \(region C\): division by zero"):
        run(STUDY, settings, resolver=total_resolver, units=zero)


def test_step_sector_panel_drops_a_missing_sector_year() -> None:
    """Panel mode: ``modern`` becomes each member; a member lacking a year loses that
    sector-year only (the aggregate here reads a separately reported modern total)."""
    data = {
        ("a", "modern"): [3, 6, 8],
        ("a", "s1"): [1, 2, 3],
        ("a", "s2"): [2, 4, 5],
        ("b", "modern"): [11, 7, 3],
        ("b", "s1"): [5, 4, 2],
        ("b", "s2"): [6, 3],  # no 2022
    }

    def resolve(var: str, scope: str) -> pd.Series:
        values = data[(var, scope)]
        return pd.Series(values, index=YEARS[: len(values)], dtype=float)

    cfg = {
        "panel": True,
        "robustness": False,
        "bootstrap": 0,
        "indicators": [
            {"name": "ia", "expr": "a[modern] / a[s1]", "direction": "+"},
            {"name": "ib", "expr": "b[modern]", "direction": "-"},
        ],
    }
    study = SimpleNamespace(years=YEARS, seed=1, members=["s1", "s2"])
    res = run(study, parse_index(cfg), resolver=resolve)
    cov = res.panel.coverage
    assert (cov.unit, cov.rows_used, cov.rows_possible) == ("sector", 5, 6)
    assert cov.dropped.to_dict(orient="records") == [
        {"sector": "s2", "year": 2022, "reason": "no value for indicator(s) ib"}
    ]
    assert res.panel.scores[["sector", "year"]].values.tolist() == [
        ["s1", 2020],
        ["s1", 2021],
        ["s1", 2022],
        ["s2", 2020],
        ["s2", 2021],
    ]
    # modern -> each sector: ia of s2 in 2021 is a[s2] / a[s1] = 4 / 2
    v = res.panel.indicator_values
    row = v[(v["sector"] == "s2") & (v["year"] == 2021) & (v["indicator"] == "ia")]
    assert row["value"].iloc[0] == 2.0
    assert any("1 of 6 sector-years dropped" in w for w in res.warnings)
