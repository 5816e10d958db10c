"""Targets and scenarios per unit (region) and for their sum, against hand calculations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from carbonpath.core.errors import InputError
from carbonpath.pathways.scenarios import ScenarioSpec
from carbonpath.pathways.units import project_units, track_units

# CO2 (t) and output (yuan) of two regions, 2019-2022
CO2 = {"N": [100.0, 98.0, 92.0, 85.0], "S": [40.0, 42.0, 45.0, 44.0]}
OUT = {"N": [10.0, 10.5, 11.0, 12.0], "S": [4.0, 4.2, 4.6, 5.0]}
YEARS = [2019, 2020, 2021, 2022]


def frame(data: dict[str, list[float]], col: str) -> pd.DataFrame:
    return pd.DataFrame(
        [(r, y, v) for r, vals in data.items() for y, v in zip(YEARS, vals, strict=True)],
        columns=["region", "year", col],
    )


def test_intensity_targets_per_region_and_for_the_sum() -> None:
    res = track_units(
        frame(CO2, "co2_t"),
        frame(OUT, "value"),
        base_year=2020,
        target_year=2025,
        reduction=0.2,
        trend_years=2,
    ).set_index("region")
    assert list(res.index) == ["N", "S", "total"]
    # region N: intensity 98/10.5 (2020) -> 85/12 (2022); goal 0.8 * 98/10.5 by 2025
    base, last = 98 / 10.5, 85 / 12
    assert res.loc["N", "base_value"] == pytest.approx(base, rel=1e-14)
    assert res.loc["N", "target_value"] == pytest.approx(0.8 * base, rel=1e-14)
    assert res.loc["N", "required_rate"] == pytest.approx(
        (0.8 * base / last) ** (1 / 3) - 1, rel=1e-12
    )
    assert res.loc["N", "trend_rate"] == pytest.approx((last / base) ** (1 / 2) - 1, rel=1e-12)
    assert res.loc["N", "unit"] == "t/yuan"
    # the sum: (98 + 42) / (10.5 + 4.2) in 2020, (85 + 44) / (12 + 5) in 2022
    tb, tl = 140 / 14.7, 129 / 17
    assert res.loc["total", "base_value"] == pytest.approx(tb, rel=1e-14)
    assert res.loc["total", "last_value"] == pytest.approx(tl, rel=1e-14)
    assert res.loc["total", "progress"] == pytest.approx(tl / tb - 1, rel=1e-12)
    meets = (tl / tb) ** 0.5 - 1 <= (0.8 * tb / tl) ** (1 / 3) - 1
    assert res.loc["total", "status"] == ("on_track" if meets else "off_track")
    # region S: intensity 10 (2020) -> 8.8 (2022), falling faster than required
    s_trend = (8.8 / 10) ** 0.5 - 1
    s_required = (8 / 8.8) ** (1 / 3) - 1
    assert res.loc["S", "trend_rate"] == pytest.approx(s_trend, rel=1e-12)
    assert res.loc["S", "required_rate"] == pytest.approx(s_required, rel=1e-12)
    assert s_trend <= s_required and res.loc["S", "status"] == "on_track"
    assert res.loc["N", "status"] == (
        "on_track"
        if (last / base) ** 0.5 - 1 <= (0.8 * base / last) ** (1 / 3) - 1
        else "off_track"
    )


def test_absolute_targets_per_region() -> None:
    res = track_units(
        frame(CO2, "co2_t"), kind="absolute", base_year=2019, target_year=2021, reduction=0.05
    ).set_index("region")
    # the target year is in the data: judged on the observed value
    assert res.loc["N", "status"] == "met"  # 92 <= 95
    assert res.loc["S", "status"] == "missed"  # 45 > 38
    assert res.loc["total", "observed_target_value"] == 137.0
    assert res.loc["total", "status"] == "missed"  # 137 > 133
    assert res.loc["total", "unit"] == "t"
    with pytest.raises(InputError, match="output"):
        track_units(frame(CO2, "co2_t"), base_year=2019, target_year=2025, reduction=0.1)


def drivers() -> pd.DataFrame:
    a = {"N": [1.0, 1.1, 1.2, 1.3], "S": [2.0, 2.0, 2.2, 2.4]}
    t = {"N": [5.0, 5.5, 6.0, 6.2], "S": [3.0, 3.3, 3.5, 3.6]}
    rows = [(r, y, a[r][k], t[r][k]) for r in ("N", "S") for k, y in enumerate(YEARS)]
    return pd.DataFrame(rows, columns=["region", "year", "A", "T"])


SPEC = ScenarioSpec("low", "low", {"lnA": 0.05, "lnT": 0.04})


def test_scenarios_per_region_with_one_set_of_elasticities() -> None:
    b = pd.Series({"const": 1.0, "lnA": 0.6, "lnT": -0.9})
    res = project_units(drivers(), frame(CO2, "co2_t"), b, [SPEC], horizon=2026)
    p = res.paths.set_index(["region", "year"])
    g = 0.6 * math.log(1.05) - 0.9 * math.log(1.04)
    for r, c0 in (("N", 85.0), ("S", 44.0)):
        assert p.loc[(r, 2026), "co2_t"] == pytest.approx(c0 * math.exp(4 * g), rel=1e-12)
    assert p.loc[("total", 2026), "co2_t"] == pytest.approx(129.0 * math.exp(4 * g), rel=1e-12)
    assert p.loc[("total", 2022), "co2_t"] == 129.0
    peaks = res.peaks.set_index("region")
    assert peaks.loc["N", "peak_year"] == 2022 and peaks.loc["total", "peak_year"] == 2022
    assert res.anchor_year == 2022 and res.n_bootstrap == 0
    assert np.isnan(p.loc[("total", 2026), "lo"])


def test_scenarios_per_region_elasticities_intervals_and_trend() -> None:
    b = pd.DataFrame({"lnA": [0.6, 1.1], "lnT": [-0.9, -0.2]}, index=["N", "S"])
    rng = np.random.default_rng(7)
    draws = {
        "N": rng.normal([0.6, -0.9], 0.1, (300, 2)),
        "S": rng.normal([1.1, -0.2], 0.1, (300, 2)),
    }
    spec = ScenarioSpec("mix", "mix", {"lnA": 0.05, "lnT": "trend"})
    res = project_units(drivers(), frame(CO2, "co2_t"), b, [spec], horizon=2025, bootstrap=draws)
    p = res.paths.set_index(["region", "year"])
    # S by hand: T trend (3.6/3.0)^(1/3) - 1; C = 44 (1.05)^(1.1 * 3) (1 + g_T)^(-0.2 * 3)
    g_t = (3.6 / 3.0) ** (1 / 3) - 1
    s2025 = 44.0 * 1.05 ** (1.1 * 3) * (1 + g_t) ** (-0.2 * 3)
    assert p.loc[("S", 2025), "co2_t"] == pytest.approx(s2025, rel=1e-12)
    # the sum's interval: percentiles over the draw-by-draw sums of the two regions
    steps = 3.0
    g_n = (6.2 / 5.0) ** (1 / 3) - 1
    dln_n = steps * np.log1p([0.05, g_n])
    dln_s = steps * np.log1p([0.05, g_t])
    sums = 85.0 * np.exp(draws["N"] @ dln_n) + 44.0 * np.exp(draws["S"] @ dln_s)
    lo, hi = np.percentile(sums, [2.5, 97.5])
    assert p.loc[("total", 2025), "lo"] == pytest.approx(lo, rel=1e-12)
    assert p.loc[("total", 2025), "hi"] == pytest.approx(hi, rel=1e-12)
    assert p.loc[("total", 2025), "co2_t"] == pytest.approx(
        p.loc[("N", 2025), "co2_t"] + s2025, rel=1e-12
    )
    assert res.n_bootstrap == 300
    a = res.assumptions.set_index(["region", "driver"])
    assert a.loc[("S", "lnT"), "rate"] == pytest.approx(g_t, rel=1e-12)


def test_units_must_share_the_anchor_year() -> None:
    co2 = frame(CO2, "co2_t")
    co2 = co2[~((co2["region"] == "S") & (co2["year"] == 2022))]
    with pytest.raises(InputError, match="last data years differ"):
        project_units(
            drivers(),
            co2,
            pd.Series({"lnA": 0.5, "lnT": -0.5}),
            [SPEC],
            horizon=2026,
            trend_years=2,
        )
