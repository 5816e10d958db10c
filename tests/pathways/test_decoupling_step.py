"""The decoupling step: Tapio elasticities of the decomposition's units, and the effort.

Elasticities are written out from the study's inputs (CO2 per sector or region, output
value or GDP): e = (C_1 / C_0 - 1) / (G_1 / G_0 - 1).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import carbonpath
from carbonpath.core.errors import StudyError
from carbonpath.pathways.decoupling import STATES, tapio_state
from tests.decomposition.panel_fixture import panel_study, region_emissions


@pytest.fixture(scope="module")
def builtin():
    return carbonpath.load_study(None).run(only=["emissions", "decoupling"])


def _effort_sums(res) -> None:
    """Every unit's effort contributions sum to its elasticity (Ang 2004 additivity)."""
    d = res["decoupling"]
    keys = list(d.keys)
    on = [*keys, "period_start", "period_end"]
    sums = d.effort.groupby(on)["contribution"].sum()
    e = d.states.set_index(on)["elasticity"]
    assert len(sums) == len(e)
    for idx, v in e.items():
        assert sums[idx] == pytest.approx(v, rel=1e-9, abs=1e-12)


def test_builtin_study_per_sector_against_output(builtin) -> None:
    d = builtin["decoupling"]
    assert d.driver == "output_value" and d.keys == ("sector",)
    assert (d.weak, d.strong) == (0.8, 1.2)
    assert set(d.states["state"]) <= {*STATES, "undefined"}
    # 2015 -> 2022 for sector 26, from the inputs
    c = builtin.emissions.by_sector.set_index(["sector", "year"])["co2_t"]
    study = carbonpath.load_study(None)
    eco = study.economy[study.economy["variable"] == "output_value"]
    q = eco.set_index(["sector", "year"])["value"]
    row = d.states.set_index(["sector", "period_start", "period_end"]).loc[("26", 2015, 2022)]
    e = (c[("26", 2022)] / c[("26", 2015)] - 1) / (q[("26", 2022)] / q[("26", 2015)] - 1)
    assert row["elasticity"] == pytest.approx(e, rel=1e-12)
    assert row["state"] == tapio_state(q[("26", 2022)] / q[("26", 2015)] - 1, e)
    # the sum of the members: total CO2 over total output
    members = study.members
    tot = d.states.set_index(["sector", "period_start", "period_end"]).loc[("total", 2015, 2022)]
    c0 = sum(c[(s, 2015)] for s in members)
    c1 = sum(c[(s, 2022)] for s in members)
    q0 = sum(q[(s, 2015)] for s in members)
    q1 = sum(q[(s, 2022)] for s in members)
    assert tot["elasticity"] == pytest.approx((c1 / c0 - 1) / (q1 / q0 - 1), rel=1e-12)
    _effort_sums(builtin)
    assert {"decoupling", "decoupling_effort"} <= set(builtin.tables())


def test_panel_per_region_against_gdp(tmp_path: Path, monkeypatch) -> None:
    region_emissions(monkeypatch)
    study = carbonpath.load_study(
        panel_study(tmp_path / "p", '[decomposition]\nidentity = "kaya"\n')
    )
    res = study.run(only=["emissions", "decoupling"])
    d = res["decoupling"]
    assert d.driver == "gdp" and d.keys == ("region",)
    assert list(dict.fromkeys(d.states["region"])) == [*sorted(study.region_codes), "total"]
    eco = study.economy
    gdp = eco[(eco["variable"] == "gdp") & (eco["sector"] == "")].set_index(["region", "year"])[
        "value"
    ]
    co2 = res.emissions.by_sector.groupby(["region", "year"])["co2_t"].sum()
    states = d.states.set_index(["region", "period_start", "period_end"])
    for r in study.region_codes:
        e = (co2[(r, 2019)] / co2[(r, 2010)] - 1) / (gdp[(r, 2019)] / gdp[(r, 2010)] - 1)
        assert states.loc[(r, 2010, 2019), "elasticity"] == pytest.approx(e, rel=1e-10)
    g0 = sum(gdp[(r, 2010)] for r in study.region_codes)
    g1 = sum(gdp[(r, 2019)] for r in study.region_codes)
    c0 = sum(co2[(r, 2010)] for r in study.region_codes)
    c1 = sum(co2[(r, 2019)] for r in study.region_codes)
    assert states.loc[("total", 2010, 2019), "elasticity"] == pytest.approx(
        (c1 / c0 - 1) / (g1 / g0 - 1), rel=1e-10
    )
    _effort_sums(res)
    # the sectoral identity per region and sector: the regions' totals are the units
    study2 = carbonpath.load_study(panel_study(tmp_path / "q"))
    d2 = study2.run(only=["emissions", "decoupling"])["decoupling"]
    assert d2.keys == ("region",) and "sector" not in d2.states.columns
    assert np.isfinite(d2.states["elasticity"]).all()
    # per sector of the whole panel (regions summed), against the sector's output
    study3 = carbonpath.load_study(
        panel_study(tmp_path / "s", '[decomposition]\nunit = "sector"\n')
    )
    res3 = study3.run(only=["emissions", "decoupling"])
    d3 = res3["decoupling"]
    assert d3.driver == "output_value" and d3.keys == ("sector",)
    out = study3.economy[study3.economy["variable"] == "output_value"]
    q = out.groupby(["sector", "year"])["value"].sum()
    c = res3.emissions.by_sector.groupby(["sector", "year"])["co2_t"].sum()
    row = d3.states.set_index(["sector", "period_start", "period_end"]).loc[("B", 2010, 2019)]
    e = (c[("B", 2019)] / c[("B", 2010)] - 1) / (q[("B", 2019)] / q[("B", 2010)] - 1)
    assert row["elasticity"] == pytest.approx(e, rel=1e-10)
    _effort_sums(res3)


def test_off_and_driver_errors(tmp_path: Path, monkeypatch) -> None:
    off = panel_study(tmp_path / "off", "[decomposition.decoupling]\nenabled = false\n")
    region_emissions(monkeypatch)
    res = carbonpath.load_study(off).run(only=["emissions", "decoupling"])
    assert "decoupling" not in res.sections and "decoupling" in res.skipped
    assert "enabled = false" in res.skipped["decoupling"]
    one = carbonpath.load_study(None)
    bad = one.settings.decomposition.model_copy(
        update={
            "decoupling": one.settings.decomposition.decoupling.model_copy(update={"driver": "gdp"})
        }
    )
    one.settings = one.settings.model_copy(update={"decomposition": bad})
    with pytest.raises(StudyError) as exc:
        one.run(only=["emissions", "decoupling"])
    assert exc.value.key == "decomposition.decoupling.driver" and "gdp" in str(exc.value)


def test_run_decoupling_on_frames() -> None:
    """The step function on a decomposition's tables built here (no study)."""
    from carbonpath.pathways.step import run_decoupling

    totals = pd.DataFrame(
        {
            "period_start": [2020] * 3,
            "period_end": [2021] * 3,
            "region": ["A", "B", "total"],
            "co2_start": [100.0, 50.0, 150.0],
            "co2_end": [90.0, 60.0, 150.0],
            "change": [-10.0, 10.0, 0.0],
            "ratio": [0.9, 1.2, 1.0],
        }
    )
    effects = pd.DataFrame(
        {
            "period_start": [2020] * 6,
            "period_end": [2021] * 6,
            "region": ["A", "A", "B", "B", "total", "total"],
            "effect": ["x", "y"] * 3,
            "additive": [5.0, -15.0, 4.0, 6.0, 9.0, -9.0],
            "multiplicative": [np.nan] * 6,
        }
    )
    gdp = pd.Series(
        [10.0, 11.0, 20.0, 18.0],
        index=pd.MultiIndex.from_tuples(
            [("A", 2020), ("A", 2021), ("B", 2020), ("B", 2021)], names=["region", "year"]
        ),
    )

    class R:
        def panel(self, variable: str, scope: str) -> pd.Series:
            assert (variable, scope) == ("gdp", "*")
            return gdp

    d = run_decoupling(
        resolver=R(),  # type: ignore[arg-type]
        totals=totals,
        effects=effects,
        keys=("region",),
        periods=[(2020, 2021)],
        panel=True,
    )
    s = d.states.set_index("region")
    assert s.loc["A", "elasticity"] == pytest.approx(-0.1 / 0.1)
    assert s.loc["A", "state"] == "strong decoupling"
    assert s.loc["B", "elasticity"] == pytest.approx(0.2 / -0.1)
    assert s.loc["B", "state"] == "strong negative decoupling"
    assert s.loc["total", "elasticity"] == 0.0  # C 150 -> 150 while G 30 -> 29
    assert s.loc["total", "state"] == "weak negative decoupling"
    eff = d.effort.set_index(["region", "effect"])["contribution"]
    assert eff[("A", "x")] == pytest.approx(5.0 / 100.0 / 0.1)
    assert eff[("B", "y")] == pytest.approx(6.0 / 50.0 / -0.1)
