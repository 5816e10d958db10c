"""Study-level decomposition, targets and scenarios: config, errors, JSON output."""

from __future__ import annotations

import json
import math
import tomllib

import numpy as np
import pandas as pd
import pytest

from carbonpath.core.errors import StudyError
from carbonpath.pathways import step as ps

# the block proposed for the built-in Beijing study (its study.toml belongs to the lead)
BEIJING_TOML = """
[decomposition]
periods = ["chained", "first_last", [2015, 2020], [2020, 2022]]
delta = 1e-10

[[targets]]
name = "manufacturing_intensity_2025"
type = "intensity"
scope = "reference"
base_year = 2020
target_year = 2025
reduction = 0.20
source = "Beijing 14th Five-Year Plan for green and low-carbon manufacturing: carbon intensity 20% below 2020 by 2025 (binding; reported_figures.csv TARGET_2025)"

[scenarios]
horizon = 2030
trend_years = 3

[scenarios.baseline]
label = "Baseline: every driver continues its 2019-2022 compound growth"

[scenarios.low_carbon]
label = "Low-carbon (illustrative): output +5%/yr, employment -1%/yr, energy efficiency +5%/yr, R&D +7%/yr"
lnP = -0.01
lnA = 0.05
lnT = 0.05
lnRE = 0.07

[scenarios.enhanced]
label = "Enhanced (illustrative): as low-carbon with energy efficiency +8%/yr and R&D +10%/yr"
lnP = -0.01
lnA = 0.05
lnT = 0.08
lnRE = 0.10
"""


def test_beijing_block_validates() -> None:
    cfg = ps.validate_config(tomllib.loads(BEIJING_TOML))
    assert cfg["decomposition"]["periods"] == ["chained", "first_last", [2015, 2020], [2020, 2022]]
    t = cfg["targets"][0]
    assert (t["scope"], t["reduction"], t["trend_years"]) == ("reference", 0.20, 3)
    assert set(cfg["scenarios"]) >= {"baseline", "low_carbon", "enhanced", "horizon"}
    assert cfg["scenarios"]["low_carbon"]["lnT"] == 0.05
    assert ps.validate_config(cfg) == cfg  # idempotent


def test_defaults() -> None:
    cfg = ps.validate_config({})
    assert cfg["decomposition"] == {
        "periods": ["chained", "first_last"],
        "delta": 1e-10,
        "zero_limits": True,
    }
    assert cfg["targets"] == []
    assert cfg["scenarios"]["horizon"] == 2030 and cfg["scenarios"]["trend_years"] == 3
    assert cfg["scenarios"]["baseline"] == {"label": "Recent trends"}


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"scenarios": {"low_carbon": {"lnX": 0.1}}}, "scenarios.low_carbon.lnX"),
        ({"scenarios": {"low_carbon": {"lnA": 5}}}, "scenarios.low_carbon.lnA"),
        ({"scenarios": {"low_carbon": {"lnA": "fast"}}}, "scenarios.low_carbon.lnA"),
        ({"scenarios": {"horizon": "2030"}}, "scenarios.horizon"),
        ({"scenarios": {"speed": 3}}, "scenarios.speed"),
        ({"decomposition": {"delta": 0.1}}, "decomposition.delta"),
        ({"decomposition": {"periods": [[2020, 2015]]}}, "decomposition.periods"),
        ({"decomposition": {"method": "lmdi2"}}, "decomposition.method"),
        (
            {
                "targets": [
                    {"type": "intensity", "base_year": 2020, "target_year": 2025, "reduction": 20}
                ]
            },
            "targets[0].reduction",
        ),
        (
            {
                "targets": [
                    {"type": "relative", "base_year": 2020, "target_year": 2025, "reduction": 0.2}
                ]
            },
            "targets[0].type",
        ),
    ],
)
def test_config_errors_carry_key(raw: dict, key: str) -> None:
    with pytest.raises(StudyError) as exc:
        ps.validate_config(raw)
    assert exc.value.key == key and exc.value.file == "study.toml"
    assert "\n" not in str(exc.value)


def test_drivers_from_stirpat_section() -> None:
    raw = {
        "stirpat": {"regressors": {"lnP": "employment[modern]", "lnA": "output_value[modern]"}},
        "scenarios": {"s": {"lnT": 0.1}},
    }
    with pytest.raises(StudyError) as exc:
        ps.validate_config(raw)
    assert exc.value.key == "scenarios.s.lnT"


def lmdi_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rows_e, rows_c, rows_q = [], [], []
    fac = {"coal": 0.095, "gas": 0.056}
    data = {
        2015: {("26", "coal"): 40.0, ("26", "gas"): 10.0, ("39", "gas"): 20.0},
        2016: {("26", "coal"): 20.0, ("26", "gas"): 25.0, ("39", "gas"): 22.0},
        2017: {("26", "coal"): 0.0, ("26", "gas"): 35.0, ("39", "gas"): 21.0},
    }
    for y, cells in data.items():
        rows_q += [(y, "26", 300.0 + 10 * (y - 2015)), (y, "39", 500.0 + 80 * (y - 2015))]
        for (s, f), e in cells.items():
            rows_e.append((y, s, f, e))
            rows_c.append((y, s, f, e * fac[f]))
    return (
        pd.DataFrame(rows_c, columns=["year", "sector", "fuel", "co2_t"]),
        pd.DataFrame(rows_e, columns=["year", "sector", "fuel", "value"]),
        pd.DataFrame(rows_q, columns=["year", "sector", "value"]),
    )


def test_run_decomposition_to_dict() -> None:
    co2, energy, output = lmdi_tables()
    res = ps.run_decomposition(co2, energy, output, {})
    d = res.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["mode"] == "energy" and d["insensitivity"]["insensitive"] is True
    assert d["periods"] == [[2015, 2016], [2016, 2017], [2015, 2017]]
    assert {r["effect"] for r in d["effects"]} == set(d["effects_names"])
    # chained cumulative sums to C_2017 - C_2015 (written out)
    c15 = 40 * 0.095 + 10 * 0.056 + 20 * 0.056
    c17 = 35 * 0.056 + 21 * 0.056
    tot = [r["additive"] for r in d["chained"] if r["sector"] == "total"]
    assert sum(tot) == pytest.approx(c17 - c15, abs=1e-9)
    assert set(res.tables()) >= {"decomposition_effects", "decomposition_totals"}
    inv = ps.run_decomposition(co2, None, output, {"decomposition": {"periods": "first_last"}})
    assert inv.mode == "inventory" and any("inventory" in n for n in inv.notes)
    assert inv.to_dict()["chained"] == []


def test_run_decomposition_period_outside_data() -> None:
    co2, energy, output = lmdi_tables()
    with pytest.raises(StudyError) as exc:
        ps.run_decomposition(co2, energy, output, {"decomposition": {"periods": [[2014, 2016]]}})
    assert exc.value.key == "decomposition.periods"


TARGETS = {
    "targets": [
        {
            "name": "t1",
            "type": "intensity",
            "base_year": 2020,
            "target_year": 2025,
            "reduction": 0.2,
            "trend_years": 2,
        }
    ]
}


def test_run_targets_hand_example() -> None:
    # intensity 100 -> 85 (t per 10^8 yuan expressed via output 1e8 yuan)
    co2 = pd.Series({2020: 100.0, 2021: 92.0, 2022: 85.0})
    out = pd.Series({2020: 1e8, 2021: 1e8, 2022: 1e8})
    res = ps.run_targets(TARGETS, co2, out)
    rec = res.to_dict()["records"][0]
    json.dumps(rec, allow_nan=False)
    assert rec["required_rate"] == pytest.approx((80 / 85) ** (1 / 3) - 1, rel=1e-12)
    assert rec["unit"] == "t/yuan" and rec["scope"] == "modern" and rec["status"] == "on_track"
    # per-scope series
    res2 = ps.run_targets(TARGETS, {"modern": co2}, {"modern": out})
    assert res2.records == res.records
    assert list(res.tables()["targets"]["name"]) == ["t1"]


def test_run_targets_year_errors() -> None:
    co2 = pd.Series({2021: 92.0, 2022: 85.0})
    out = pd.Series({2021: 1e8, 2022: 1e8})
    with pytest.raises(StudyError) as exc:
        ps.run_targets(TARGETS, co2, out)
    assert exc.value.key == "targets[0].base_year"
    co2b = pd.Series({2020: 100.0, 2021: 92.0, 2022: 85.0})
    outb = pd.Series({2020: 1e8, 2021: 1e8, 2022: 1e8})
    bad = {"targets": [dict(TARGETS["targets"][0], trend_years=5)]}
    with pytest.raises(StudyError) as exc:
        ps.run_targets(bad, co2b, outb)
    assert exc.value.key == "targets[0].trend_years"
    with pytest.raises(StudyError) as exc:
        ps.run_targets(
            {"targets": [dict(TARGETS["targets"][0], scope="reference")]},
            {"modern": co2b},
            {"modern": outb},
        )
    assert exc.value.key == "targets[0].scope"


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
    res = ps.run_scenarios(cfg, drivers, co2, ELAST, boot, output, cfg["targets"])
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
    el = {"lnA": 0.125, "lnT": -0.648}
    with pytest.raises(StudyError) as exc:
        ps.run_scenarios(
            {"scenarios": {"low_carbon": {"lnRE": 0.1}}}, drivers, co2, el, None, None, []
        )
    assert exc.value.key == "scenarios.low_carbon.lnRE"
    with pytest.raises(StudyError) as exc:
        ps.run_scenarios({"scenarios": {"horizon": 2021}}, drivers, co2, el, None, None, [])
    assert exc.value.key == "scenarios.horizon"
    with pytest.raises(StudyError) as exc:
        ps.run_scenarios({"scenarios": {"trend_years": 9}}, drivers, co2, el, None, None, [])
    assert exc.value.key == "scenarios.trend_years"
    # no bootstrap: lo/hi are null in JSON
    res = ps.run_scenarios({}, drivers, co2, el, None, None, [])
    d = res.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["records"][0]["lo"] is None and d["interval"] is None
