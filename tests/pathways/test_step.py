"""Study-level targets and scenarios on series handed in: numbers, errors, JSON output."""

from __future__ import annotations

import json
import math
import tomllib

import numpy as np
import pandas as pd
import pytest

from carbonpath.core.errors import StudyError
from carbonpath.pathways import step as ps
from carbonpath.pathways.settings import parse_scenarios, parse_targets
from tests.pathways.test_settings import BEIJING_TOML

T1 = {
    "name": "t1",
    "type": "intensity",
    "base_year": 2020,
    "target_year": 2025,
    "reduction": 0.2,
    "trend_years": 2,
}
TARGETS = parse_targets([T1])


def test_run_targets_hand_example() -> None:
    # intensity 100 -> 85 (t per 10^8 yuan expressed via output 1e8 yuan)
    co2 = pd.Series({2020: 100.0, 2021: 92.0, 2022: 85.0})
    out = pd.Series({2020: 1e8, 2021: 1e8, 2022: 1e8})
    res = ps.track_targets(TARGETS, co2, out)
    rec = res.to_dict()["records"][0]
    json.dumps(rec, allow_nan=False)
    assert rec["required_rate"] == pytest.approx((80 / 85) ** (1 / 3) - 1, rel=1e-12)
    assert rec["unit"] == "t/yuan" and rec["scope"] == "modern" and rec["status"] == "on_track"
    # per-scope series
    res2 = ps.track_targets(TARGETS, {"modern": co2}, {"modern": out})
    pd.testing.assert_frame_equal(res2.records, res.records)
    assert list(res.tables()["targets"]["name"]) == ["t1"]


def test_run_targets_year_errors() -> None:
    co2 = pd.Series({2021: 92.0, 2022: 85.0})
    out = pd.Series({2021: 1e8, 2022: 1e8})
    with pytest.raises(StudyError) as exc:
        ps.track_targets(TARGETS, co2, out)
    assert exc.value.key == "targets[1].base_year"
    co2b = pd.Series({2020: 100.0, 2021: 92.0, 2022: 85.0})
    outb = pd.Series({2020: 1e8, 2021: 1e8, 2022: 1e8})
    bad = parse_targets([dict(T1, trend_years=5)])
    with pytest.raises(StudyError) as exc:
        ps.track_targets(bad, co2b, outb)
    assert exc.value.key == "targets[1].trend_years"
    with pytest.raises(StudyError) as exc:
        ps.track_targets(
            parse_targets([dict(T1, scope="reference")]),
            {"modern": co2b},
            {"modern": outb},
        )
    assert exc.value.key == "targets[1].scope"


def scenario_inputs() -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    years = [2018, 2019, 2020, 2021, 2022]
    drivers = pd.DataFrame(
        {
            "P": [100.0, 101.0, 99.0, 98.0, 97.0],
            "A": [1.0e10, 1.1e10, 1.15e10, 1.3e10, 1.331e10],
            "T": [5.0, 5.5, 6.0, 6.2, 6.5],
            "RE": [10.0, 11.0, 12.5, 13.0, 14.0],
        },
        index=years,
    )
    co2 = pd.Series([500.0, 480.0, 450.0, 455.0, 440.0], index=years)
    return drivers, co2, drivers["A"]


ELAST = {"lnP": -0.015, "lnA": 0.125, "lnT": -0.648, "lnRE": -0.372}


def test_run_scenarios_beijing_block() -> None:
    drivers, co2, output = scenario_inputs()
    cfg = tomllib.loads(BEIJING_TOML)
    boot = np.random.default_rng(3).normal(list(ELAST.values()), 0.05, size=(200, 4))
    res = ps.project_scenarios(
        parse_scenarios(cfg["scenarios"]),
        parse_targets(cfg["targets"]),
        drivers=drivers,
        co2=co2,
        elasticities=pd.Series(ELAST),
        bootstrap=boot,
        output=output,
    )
    d = res.to_dict()
    json.dumps(d, allow_nan=False)
    assert set(d["records"][0]) == {"year", "scenario", "co2_t", "lo", "hi"}
    assert {r["scenario"] for r in d["records"]} == {"baseline", "low_carbon", "enhanced"}
    assert d["anchor_year"] == 2022 and d["horizon"] == 2030
    # low_carbon 2030 written out: C0 * prod (1+g_j)^(b_j * 8)
    lc = 440.0 * math.exp(
        8
        * (
            -0.015 * math.log(0.99)
            + 0.125 * math.log(1.05)
            - 0.648 * math.log(1.05)
            - 0.372 * math.log(1.07)
        )
    )
    got = [r for r in d["records"] if r["scenario"] == "low_carbon" and r["year"] == 2030][0]
    assert got["co2_t"] == pytest.approx(lc, rel=1e-12)
    assert got["lo"] <= got["co2_t"] <= got["hi"]
    # intensity target check, written out: base = 450 / 1.15e10, projected 2025 intensity
    chk = res.target_checks.set_index("scenario").loc["low_carbon"]
    base = 450.0 / 1.15e10
    c2025 = 440.0 * math.exp(
        3
        * (
            -0.015 * math.log(0.99)
            + 0.125 * math.log(1.05)
            - 0.648 * math.log(1.05)
            - 0.372 * math.log(1.07)
        )
    )
    i2025 = c2025 / (1.331e10 * 1.05**3)
    assert chk["base_value"] == pytest.approx(base, rel=1e-12)
    assert chk["projected_value"] == pytest.approx(i2025, rel=1e-12)
    assert bool(chk["met"]) == (i2025 <= 0.8 * base)
    assert chk["declared_scope"] == "reference" and chk["applied_scope"] == "modern"
    assert any("declared for scope 'reference'" in n for n in d["notes"])
    assert {p["scenario"] for p in d["peaks"]} == {"baseline", "low_carbon", "enhanced"}
    assert set(res.tables()) >= {"scenarios", "scenario_assumptions", "scenario_peaks"}


def test_run_scenarios_errors() -> None:
    drivers, co2, output = scenario_inputs()
    el = pd.Series({"lnA": 0.125, "lnT": -0.648})
    none = parse_targets(None)

    def project(raw: dict) -> ps.ScenarioResults:
        return ps.project_scenarios(
            parse_scenarios(raw), none, drivers=drivers, co2=co2, elasticities=el
        )

    with pytest.raises(StudyError) as exc:
        project({"low_carbon": {"lnRE": 0.1}})
    assert exc.value.key == "scenarios.low_carbon.lnRE"
    with pytest.raises(StudyError) as exc:
        project({"horizon": 2021})
    assert exc.value.key == "scenarios.horizon"
    with pytest.raises(StudyError) as exc:
        project({"trend_years": 9})
    assert exc.value.key == "scenarios.trend_years"
    # no bootstrap: lo/hi are null in JSON
    res = project({})
    d = res.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["records"][0]["lo"] is None and d["interval"] is None
