"""Study-level index step: run() on a synthetic resolver, against hand calculations."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from carbonpath.core.errors import InputError, StudyError
from carbonpath.index.results import IndexResults
from carbonpath.index.settings import parse_index
from carbonpath.index.step import run

ALL_YEARS = list(range(2014, 2021))
YEARS = list(range(2015, 2021))
DATA = {
    ("output_value", "modern"): [100, 108, 120, 125, 140, 150, 149],
    ("output_value", "reference"): [400, 410, 420, 430, 445, 460, 455],
    ("employment", "modern"): [10, 10.5, 10.8, 11.0, 11.1, 11.5, 11.2],
    ("co2", "modern"): [50, 49, 47, 45, 40, 38, 37],
    ("output_value", "39"): [60, 62, 70, 71, 80, 85, 84],
    ("output_value", "27"): [40, 46, 50, 54, 60, 65, 65],
    ("employment", "39"): [6, 6.1, 6.2, 6.3, 6.2, 6.4, 6.1],
    ("employment", "27"): [4, 4.4, 4.6, 4.7, 4.9, 5.1, 5.1],
    ("co2", "39"): [30, 30, 29, 28, 25, 24, 23],
    ("co2", "27"): [20, 19, 18, 17, 15, 14, 14],
}


def resolve(var: str, scope: str) -> pd.Series:
    if (var, scope) not in DATA:
        raise InputError(f"unknown variable '{var}' at scope '{scope}'")
    return pd.Series(DATA[(var, scope)], index=ALL_YEARS, dtype=float)


def config(**over) -> dict:
    cfg = {
        "indicators": [
            {
                "name": "share",
                "label": "Share of modern output",
                "expr": "output_value[modern] / output_value[reference]",
                "direction": "+",
                "subsystem": "modernisation",
            },
            {
                "name": "growth",
                "expr": "growth(output_value[modern])",
                "direction": "+",
                "subsystem": "modernisation",
            },
            {
                "name": "productivity",
                "expr": "output_value[modern] / employment[modern]",
                "direction": "+",
                "subsystem": "modernisation",
            },
            {
                "name": "intensity",
                "expr": "co2[modern] / output_value[modern]",
                "direction": "-",
                "subsystem": "low_carbon",
            },
            {
                "name": "per_capita",
                "expr": "co2[modern] / employment[modern]",
                "direction": "-",
                "subsystem": "low_carbon",
            },
        ],
        "robustness": {"draws": 100},
        "bootstrap": 100,
    }
    cfg.update(over)
    return cfg


def run_index(cfg: dict, resolver, years, seed: int, members=None) -> IndexResults:
    """The step on a study that has ``years``, ``seed`` and ``members``."""
    study = SimpleNamespace(years=years, seed=seed, members=members or [])
    return run(study, parse_index(cfg), resolver=resolver)


def hand_index(raw: pd.DataFrame, directions: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Paper eqs. 2-6 written out with numpy."""
    x = {}
    for c in raw.columns:
        v = raw[c].to_numpy()
        lo, hi = v.min(), v.max()
        x[c] = (v - lo) / (hi - lo) if directions[c] == "+" else (hi - v) / (hi - lo)
    X = np.column_stack([x[c] for c in raw.columns])
    P = X / X.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        E = -np.nansum(np.where(P > 0, P * np.log(P), 0.0), axis=0) / math.log(len(raw))
    D = 1 - E
    w = D / D.sum()
    return w, X @ w


def test_run_index_matches_hand_calculation() -> None:
    res = run_index(config(), resolve, YEARS, seed=1)
    ov = pd.Series(DATA[("output_value", "modern")], index=ALL_YEARS, dtype=float)
    ref = pd.Series(DATA[("output_value", "reference")], index=ALL_YEARS, dtype=float)
    emp = pd.Series(DATA[("employment", "modern")], index=ALL_YEARS, dtype=float)
    co2 = pd.Series(DATA[("co2", "modern")], index=ALL_YEARS, dtype=float)
    raw = pd.DataFrame(
        {
            "share": ov / ref,
            "growth": ov / ov.shift(1) - 1,  # 2015 uses the 2014 value from the resolver
            "productivity": ov / emp,
            "intensity": co2 / ov,
            "per_capita": co2 / emp,
        }
    ).loc[YEARS]
    dirs = {"share": "+", "growth": "+", "productivity": "+", "intensity": "-", "per_capita": "-"}
    w, y = hand_index(raw, dirs)
    d = res.to_dict()
    np.testing.assert_allclose([r["weight"] for r in d["weights"]], w, rtol=1e-10)
    np.testing.assert_allclose([r["score"] for r in d["scores"]], y, rtol=1e-10)
    assert [r["year"] for r in d["scores"]] == YEARS
    vals = pd.DataFrame(d["indicator_values"]).pivot(
        index="year", columns="indicator", values="value"
    )
    np.testing.assert_allclose(vals[list(raw.columns)].to_numpy(), raw.to_numpy(), rtol=1e-12)
    ranks = {r["indicator"]: r["rank"] for r in d["weights"]}
    assert ranks[raw.columns[int(np.argmax(w))]] == 1
    assert d["weights"][0]["label"] == "Share of modern output"
    # subsystems: weights renormalised within; coupling uses both subsystems
    sub = pd.DataFrame(d["subsystems"]).pivot(index="year", columns="subsystem", values="score")
    X = raw.copy()
    for c in X.columns:
        v = raw[c]
        X[c] = (
            (v - v.min()) / (v.max() - v.min())
            if dirs[c] == "+"
            else (v.max() - v) / (v.max() - v.min())
        )
    wm = w[:3] / w[:3].sum()
    np.testing.assert_allclose(sub["modernisation"], X.iloc[:, :3].to_numpy() @ wm, rtol=1e-10)
    coup = pd.DataFrame(d["coupling"])
    u1, u2 = sub["modernisation"].to_numpy(), sub["low_carbon"].to_numpy()
    c = 2 * np.sqrt(u1 * u2) / (u1 + u2)
    np.testing.assert_allclose(coup["c"], c, rtol=1e-10)
    np.testing.assert_allclose(coup["d"], np.sqrt(c * (u1 + u2) / 2), rtol=1e-10)
    # obstacles sum to 1 in every year that is not perfect
    obs = pd.DataFrame(d["obstacles"]).groupby("year")["obstacle"].sum()
    np.testing.assert_allclose(obs, 1.0)
    # JSON-ready and complete
    json.dumps(d, allow_nan=False)
    for key in (
        "weights",
        "scores",
        "subsystems",
        "coupling",
        "topsis",
        "obstacles",
        "alternative_weights",
        "sensitivity",
        "indicator_values",
        "settings",
        "warnings",
    ):
        assert key in d
    assert len(d["sensitivity"]["per_year"]) == len(YEARS)
    assert len(d["sensitivity"]["weight_intervals"]) == 5
    assert d["sensitivity"]["mean_abs_rank_shift"] >= 0
    alt = pd.DataFrame(d["alternative_weights"])
    np.testing.assert_allclose(alt["entropy"], w, rtol=1e-10)
    np.testing.assert_allclose(alt["equal"], 0.2)
    assert set(res.tables()) >= {"index_weights", "index_scores", "index_obstacles"}


def test_same_seed_same_results() -> None:
    a = run_index(config(), resolve, YEARS, seed=9).to_dict()
    b = run_index(config(), resolve, YEARS, seed=9).to_dict()
    assert a == b


def test_missing_previous_year_names_indicator_and_year() -> None:
    def short(var: str, scope: str) -> pd.Series:
        return resolve(var, scope).loc[2015:]

    with pytest.raises(StudyError, match="indicator 'growth' has no value for year 2015") as info:
        run_index(config(), short, YEARS, seed=1)
    assert info.value.key == "index.indicators[2].expr"


def test_division_by_zero_series_names_year() -> None:
    def zero(var: str, scope: str) -> pd.Series:
        s = resolve(var, scope)
        if var == "employment":
            s = s.copy()
            s[2018] = 0.0
        return s

    with pytest.raises(StudyError, match="indicator 'productivity': division by zero.*year 2018"):
        run_index(config(), zero, YEARS, seed=1)


def test_unknown_variable_from_resolver_names_indicator() -> None:
    cfg = config()
    cfg["indicators"][0]["expr"] = "outputvalue[modern] / output_value[reference]"
    with pytest.raises(StudyError, match="indicator 'share': unknown variable 'outputvalue'"):
        run_index(cfg, resolve, YEARS, seed=1)


def test_user_weights_and_constant_indicator() -> None:
    cfg = config(
        method="user",
        weights={"share": 1, "growth": 1, "productivity": 1, "intensity": 1, "per_capita": 2},
    )
    cfg["indicators"].append(
        {"name": "flat", "expr": "0 * co2[modern] + 1", "direction": "+", "subsystem": "low_carbon"}
    )
    cfg["weights"]["flat"] = 1
    res = run_index(cfg, resolve, YEARS, seed=1)
    w = {r["indicator"]: r["weight"] for r in res.to_dict()["weights"]}
    assert w["flat"] == 0.0
    assert w["per_capita"] == pytest.approx(2 / 6)
    assert any("flat" in m and "constant" in m for m in res.warnings)


def test_panel_mode_pooled() -> None:
    res = run_index(
        config(panel=True, robustness=False, bootstrap=0),
        resolve,
        YEARS,
        seed=1,
        members=["39", "27"],
    )
    d = res.to_dict()
    scores = pd.DataFrame(d["panel"]["scores"])
    assert len(scores) == 2 * len(YEARS)
    assert set(scores["sector"]) == {"39", "27"}
    vals = pd.DataFrame(d["panel"]["indicator_values"])
    # pooled min-max: over all sector-years every indicator spans exactly [0, 1]
    g = vals.groupby("indicator")["normalised"]
    np.testing.assert_allclose(g.min(), 0.0, atol=1e-15)
    np.testing.assert_allclose(g.max(), 1.0)
    # modern -> sector: productivity of 39 in 2016 = 70 / 6.2
    row = vals[(vals.sector == "39") & (vals.year == 2016) & (vals.indicator == "productivity")]
    assert row["value"].iloc[0] == pytest.approx(70 / 6.2)
    assert sum(r["weight"] for r in d["panel"]["weights"]) == pytest.approx(1.0)
    with pytest.raises(StudyError, match="member sectors"):
        run_index(config(panel=True), resolve, YEARS, seed=1)


def test_typed_results_remember_every_step() -> None:
    res = run_index(config(robustness=False, bootstrap=0), resolve, YEARS, seed=1)
    # raw matrix -> normalised -> weights -> aggregate, as fields
    assert list(res.raw.index) == YEARS and list(res.raw.columns) == [
        "share",
        "growth",
        "productivity",
        "intensity",
        "per_capita",
    ]
    v = res.raw["intensity"]
    np.testing.assert_allclose(res.normalised["intensity"], (v.max() - v) / (v.max() - v.min()))
    np.testing.assert_allclose(
        res.normalised.to_numpy() @ res.weight_result.weights.to_numpy(),
        res.scores["score"],
        rtol=1e-14,
    )
    frame = res.to_frame()
    assert list(frame.index) == YEARS
    assert list(frame.columns) == [
        "score",
        "closeness",
        "modernisation",
        "low_carbon",
        "c",
        "t",
        "d",
    ]
    assert res.weight_series().index.tolist() == res.weights["indicator"].tolist()
    # results.json keys and tables as in carbonpath 0.1 (plus panel and coverage)
    d = res.to_dict()
    assert list(d) == [
        "weights",
        "scores",
        "subsystems",
        "coupling",
        "topsis",
        "obstacles",
        "alternative_weights",
        "sensitivity",
        "indicator_values",
        "settings",
        "warnings",
        "panel",
        "coverage",
    ]
    assert list(d["sensitivity"]) == [
        "per_year",
        "mean_abs_rank_shift",
        "weight_intervals",
        "settings",
    ]
    assert d["sensitivity"]["settings"] == d["settings"]["sensitivity"]
    assert d["sensitivity"]["settings"]["robustness"] is False and d["panel"] is None
    assert list(res.tables()) == [
        "index_weights",
        "index_scores",
        "index_subsystems",
        "index_coupling",
        "index_topsis",
        "index_obstacles",
        "index_alternative_weights",
        "index_sensitivity",
        "index_weight_intervals",
        "index_indicator_values",
    ]
    assert "score" in res.summary()
    assert "raw" not in d and "normalised" not in d
