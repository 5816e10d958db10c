"""Pathways of the synthetic panel study: targets and scenarios per region and the sum.

The expected numbers are written out here from the study's inputs (CO2 accounted per
region, output value, employment, energy_total) with the formulas of
docs/methods/pathways.md; they do not come from carbonpath's pathways code.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import carbonpath
from carbonpath.core.errors import StudyError
from carbonpath.pathways.step import region_elasticities
from tests.decomposition.panel_fixture import panel_study, region_emissions

STIRPAT = """
[stirpat]
bootstrap = 200

[stirpat.regressors]
lnP = "employment[modern]"
lnA = "output_value[modern]"
lnT = "output_value[modern] / energy[modern]"
"""
TARGETS = """
[[targets]]
name = "intensity"
type = "intensity"
base_year = 2012
target_year = 2025
reduction = 0.2

[[targets]]
name = "east"
type = "absolute"
scope = "regiongroup:east:modern"
base_year = 2012
target_year = 2025
reduction = 0.1
"""
SCENARIOS = """
[scenarios]
horizon = 2030

[scenarios.high]
label = "High growth"
lnA = 0.08

[scenarios.high.regions.BJ]
lnA = 0.03
"""


def _run(tmp_path: Path, monkeypatch, toml: str, only: list[str] | None = None):
    region_emissions(monkeypatch)
    study = carbonpath.load_study(panel_study(tmp_path / "p", toml))
    return study, study.run(only=only)


def _inputs(study, res) -> dict[str, pd.Series]:
    """(region, year)-indexed CO2 and the member sectors' sums of the inputs."""
    eco = study.economy
    out = {"co2": res.emissions.by_sector.groupby(["region", "year"])["co2_t"].sum()}
    for v in ("output_value", "employment", "energy_total"):
        out[v] = eco[eco["variable"] == v].groupby(["region", "year"])["value"].sum()
    return out


def test_targets_per_region_and_for_the_sum(tmp_path, monkeypatch) -> None:
    study, res = _run(tmp_path, monkeypatch, TARGETS, only=["emissions", "targets"])
    rec = res.targets.records
    assert list(rec.columns[:2]) == ["region", "name"]
    d = _inputs(study, res)
    x = d["co2"] / d["output_value"]
    rows = rec[rec["name"] == "intensity"].set_index("region")
    assert list(rows.index) == sorted(study.region_codes) + ["total"]
    for r in study.region_codes:
        base, last = x[(r, 2012)], x[(r, 2019)]
        assert rows.loc[r, "base_value"] == pytest.approx(base, rel=1e-12)
        assert rows.loc[r, "target_value"] == pytest.approx(0.8 * base, rel=1e-12)
        assert rows.loc[r, "required_rate"] == pytest.approx(
            (0.8 * base / last) ** (1 / 6) - 1, rel=1e-10
        )
        assert rows.loc[r, "trend_rate"] == pytest.approx(
            (last / x[(r, 2016)]) ** (1 / 3) - 1, rel=1e-10
        )
    # the sum: sum C / sum Q over the regions (every region has 2012-2019)
    c = d["co2"].groupby(level="year").sum()
    q = d["output_value"].groupby(level="year").sum()
    assert rows.loc["total", "base_value"] == pytest.approx(c[2012] / q[2012], rel=1e-12)
    assert rows.loc["total", "last_value"] == pytest.approx(c[2019] / q[2019], rel=1e-12)
    east = rec[rec["name"] == "east"].set_index("region")
    assert list(east.index) == ["regiongroup:east"]
    base = d["co2"][("BJ", 2012)] + d["co2"][("TJ", 2012)]
    assert east.loc["regiongroup:east", "base_value"] == pytest.approx(base, rel=1e-12)
    assert east.loc["regiongroup:east", "target_value"] == pytest.approx(0.9 * base, rel=1e-12)


def test_a_base_year_a_region_lacks_names_it(tmp_path, monkeypatch) -> None:
    toml = TARGETS.replace("base_year = 2012", "base_year = 2008", 1)
    with pytest.raises(StudyError) as exc:
        _run(tmp_path, monkeypatch, toml, only=["emissions", "targets"])
    assert exc.value.key == "targets[1].base_year" and "region XJ" in str(exc.value)


def test_scenarios_per_region_with_their_own_rates(tmp_path, monkeypatch) -> None:
    # the time-series model of the sum of regions gives the elasticities here
    aggregate = STIRPAT.replace("bootstrap = 200", 'bootstrap = 200\nunit = "aggregate"')
    study, res = _run(tmp_path, monkeypatch, aggregate + SCENARIOS)
    sc = res.scenarios
    assert sc.unit == "region" and sc.anchor_year == 2019 and sc.horizon == 2030
    assert "time-series ridge model" in sc.elasticities and sc.n_bootstrap > 0
    b = res.stirpat.ridge.params.drop("const")
    d = _inputs(study, res)
    levels = {
        "lnP": d["employment"],
        "lnA": d["output_value"],
        "lnT": d["output_value"] / d["energy_total"],
    }
    paths = sc.paths.set_index(["region", "scenario", "year"])
    total = 0.0
    for r in study.region_codes:
        growth = 1.0
        for term, level in levels.items():
            rate = (level[(r, 2019)] / level[(r, 2016)]) ** (1 / 3) - 1  # the region's trend
            if term == "lnA":
                rate = 0.03 if r == "BJ" else 0.08
            growth *= (1 + rate) ** (b[term] * 11)
        expected = d["co2"][(r, 2019)] * growth
        assert paths.loc[(r, "high", 2030), "co2_t"] == pytest.approx(expected, rel=1e-6)
        total += expected
    assert paths.loc[("total", "high", 2030), "co2_t"] == pytest.approx(total, rel=1e-6)
    lo, hi = paths.loc[("total", "high", 2030), ["lo", "hi"]]
    assert lo < total < hi
    peaks = sc.peaks.set_index("region")
    assert set(peaks.index) == {*study.region_codes, "total"}
    own = sc.assumptions.set_index(["region", "driver"])
    assert own.loc[("BJ", "lnA"), "rate"] == 0.03 and own.loc[("BJ", "lnA"), "source"] == "given"
    assert own.loc[("NM", "lnA"), "rate"] == 0.08


def test_scenario_region_errors(tmp_path, monkeypatch) -> None:
    toml = STIRPAT + SCENARIOS.replace("regions.BJ]", "regions.HK]")
    with pytest.raises(StudyError) as exc:
        _run(tmp_path / "a", monkeypatch, toml)
    assert exc.value.key == "scenarios.high.regions.HK" and "not in regions.csv" in str(exc.value)
    toml = STIRPAT + SCENARIOS.replace("lnA = 0.03", "lnQ = 0.03")
    with pytest.raises(StudyError) as exc:
        _run(tmp_path / "b", monkeypatch, toml)
    assert exc.value.key == "scenarios.high.regions.BJ.lnQ"


def test_panel_elasticities_are_used_when_the_panel_model_is_over_regions() -> None:
    params = pd.Series({"const": 1.0, "lnP": 0.5, "lnA": 0.9})
    bse = pd.Series({"const": 0.1, "lnP": 0.05, "lnA": 0.2})
    fit = SimpleNamespace(
        status="ok", members=("A", "B"), params=params, bse=bse, model="FE", cov="cluster"
    )
    ridge = SimpleNamespace(params=pd.Series({"const": 0.0, "lnP": 9.0, "lnA": 9.0}))
    stirpat = SimpleNamespace(panel=fit, ridge=ridge, bootstrap_draws=None)
    b, draws, words, interval = region_elasticities(stirpat, ["A", "B"], seed=3, draws=4000)
    assert list(b.index) == ["lnP", "lnA"] and b["lnA"] == 0.9
    assert "panel model over the regions" in words and "4000 draws" in interval
    assert draws.shape == (4000, 2)
    assert draws.mean(axis=0) == pytest.approx([0.5, 0.9], abs=4 * 0.2 / np.sqrt(4000))
    assert draws.std(axis=0) == pytest.approx([0.05, 0.2], rel=0.05)
    again = region_elasticities(stirpat, ["A", "B"], seed=3, draws=4000)[1]
    assert np.array_equal(draws, again)
    # a panel over other entities (sectors) is not used for regions
    sectors = SimpleNamespace(panel=SimpleNamespace(**{**vars(fit), "members": ("26", "27")}))
    sectors.ridge, sectors.bootstrap_draws = ridge, None
    b2, _, words2, _ = region_elasticities(sectors, ["A", "B"], seed=3, draws=10)
    assert b2["lnP"] == 9.0 and "time-series" in words2


def test_the_whole_panel_run(tmp_path, monkeypatch) -> None:
    """load_study(panel).run(): decomposition, decoupling, targets and scenarios."""
    toml = STIRPAT + TARGETS + SCENARIOS + '\n[decomposition]\nidentity = "kaya"\n'
    study, res = _run(tmp_path, monkeypatch, toml)
    for name in ("decomposition", "decoupling", "targets", "scenarios"):
        assert res[name] is not None and name not in res.skipped
    assert res.decomposition.keys == ("region",)
    assert set(res["decoupling"].states["region"]) == {*study.region_codes, "total"}
    out = res.write(tmp_path / "out", formats=["json", "csv"])
    assert (out / "results.json").is_file()
    for t in ("decoupling", "scenarios", "scenarios_scenario_peaks", "decomposition_effects"):
        assert (out / "tables" / f"{t}.csv").is_file(), t


def test_the_whole_panel_run_with_the_studys_own_emissions(tmp_path) -> None:
    """The same without the test's region-aware emissions: the emissions step accounts
    region by region."""
    toml = STIRPAT + TARGETS + SCENARIOS + '\n[decomposition]\nidentity = "kaya"\n'
    study = carbonpath.load_study(panel_study(tmp_path / "p", toml))
    assert "region" in study.run(only=["emissions"]).emissions.by_fuel.columns
    res = study.run()
    for name in ("decomposition", "decoupling", "targets", "scenarios"):
        assert res[name] is not None and name not in res.skipped


def test_targets_checked_on_every_regions_path(tmp_path, monkeypatch) -> None:
    study, res = _run(tmp_path, monkeypatch, STIRPAT + TARGETS + SCENARIOS)
    sc = res.scenarios
    checks = sc.target_checks.set_index(["target", "scenario", "region"])
    assert any("'east' names regions" in n for n in sc.notes)
    d = _inputs(study, res)
    paths = sc.paths.set_index(["region", "scenario", "year"])["co2_t"]
    q_2025 = {}
    for r in study.region_codes:
        g = 0.03 if r == "BJ" else 0.08  # the scenario's output (lnA) rate
        q_2025[r] = d["output_value"][(r, 2019)] * (1 + g) ** 6
        row = checks.loc[("intensity", "high", r)]
        base = d["co2"][(r, 2012)] / d["output_value"][(r, 2012)]
        assert row["base_value"] == pytest.approx(base, rel=1e-12)
        assert row["target_value"] == pytest.approx(0.8 * base, rel=1e-12)
        value = paths[(r, "high", 2025)] / q_2025[r]
        assert row["projected_value"] == pytest.approx(value, rel=1e-12)
        assert row["met"] == (value <= 0.8 * base)
    tot = checks.loc[("intensity", "high", "total")]
    c12 = sum(d["co2"][(r, 2012)] for r in study.region_codes)
    q12 = sum(d["output_value"][(r, 2012)] for r in study.region_codes)
    assert tot["base_value"] == pytest.approx(c12 / q12, rel=1e-12)
    assert tot["projected_value"] == pytest.approx(
        paths[("total", "high", 2025)] / sum(q_2025.values()), rel=1e-12
    )
    assert tot["projected_lo"] < tot["projected_value"] < tot["projected_hi"]
