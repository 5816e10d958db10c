"""Scenario projections against closed-form hand calculations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from carbonpath.core.errors import InputError
from carbonpath.pathways.scenarios import ScenarioSpec, intensity_paths, project, trend_rates


def drivers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "P": [100.0, 101.0, 99.0, 98.0, 97.0],
            "A": [1000.0, 1100.0, 1150.0, 1300.0, 1331.0],
            "T": [5.0, 5.5, 6.0, 6.2, 6.5],
            "RE": [10.0, 11.0, 12.5, 13.0, 14.0],
        },
        index=[2018, 2019, 2020, 2021, 2022],
    )


CO2 = pd.Series({2018: 500.0, 2019: 480.0, 2020: 450.0, 2021: 455.0, 2022: 440.0})
ELAST = {"lnP": -0.015, "lnA": 0.125, "lnT": -0.648, "lnRE": -0.372}
ZERO = {"lnP": 0.0, "lnA": 0.0, "lnT": 0.0, "lnRE": 0.0}


def test_zero_growth_is_flat_at_last_actual() -> None:
    p = project(drivers(), CO2, ELAST, [ScenarioSpec("flat", "flat", ZERO)], horizon=2030)
    assert p.anchor_year == 2022
    assert list(p.paths["year"]) == list(range(2022, 2031))
    assert (p.paths["co2_t"] == 440.0).all()
    assert p.peaks.iloc[0]["peak_year"] is None


def test_one_driver_growth_gives_power_law() -> None:
    g, b = 0.05, 0.3
    rates = dict(ZERO, lnA=g)
    p = project(drivers(), CO2, dict(ELAST, lnA=b), [ScenarioSpec("a", "a", rates)], horizon=2030)
    c = p.paths["co2_t"].to_numpy()
    np.testing.assert_allclose(c[1:] / c[:-1], (1.0 + g) ** b, rtol=1e-12)
    assert c[-1] == pytest.approx(440.0 * 1.05 ** (0.3 * 8), rel=1e-12)


def test_several_drivers_closed_form_and_trend_rates() -> None:
    d = drivers()
    spec = ScenarioSpec("mix", "mixed", {"lnA": 0.05, "lnT": 0.06, "lnRE": "trend"})
    p = project(d, CO2, ELAST, [spec], horizon=2025, trend_years=3)
    # trends written out: (X_2022 / X_2019)^(1/3) - 1
    g_p = (97.0 / 101.0) ** (1 / 3) - 1
    g_re = (14.0 / 11.0) ** (1 / 3) - 1
    assert trend_rates(d, 2022, 3)["P"] == pytest.approx(g_p, rel=1e-12)
    expected_2025 = 440.0 * (
        (1 + g_p) ** (-0.015 * 3)
        * 1.05 ** (0.125 * 3)
        * 1.06 ** (-0.648 * 3)
        * (1 + g_re) ** (-0.372 * 3)
    )
    got = p.paths.set_index("year").loc[2025, "co2_t"]
    assert got == pytest.approx(expected_2025, rel=1e-12)
    a = p.assumptions.set_index("driver")
    assert a.loc["lnP", "source"] == "trend 2019-2022"  # not given -> trend
    assert a.loc["lnRE", "rate"] == pytest.approx(g_re, rel=1e-12)
    assert a.loc["lnA", "source"] == "given"
    # falling path: the peak is the last data year
    assert p.peaks.iloc[0]["peak_year"] == 2022
    # driver path levels
    dp = p.driver_paths
    lvl = dp[(dp["driver"] == "lnA") & (dp["year"] == 2025)]["level"].iloc[0]
    assert lvl == pytest.approx(1331.0 * 1.05**3, rel=1e-12)


def test_peaks_rising_and_falling() -> None:
    specs = [
        ScenarioSpec("up", "up", dict(ZERO, lnA=0.5)),
        ScenarioSpec("down", "down", dict(ZERO, lnT=0.1)),
    ]
    peaks = project(drivers(), CO2, ELAST, specs, horizon=2030).peaks.set_index("scenario")
    assert peaks.loc["up", "peak_year"] is None
    assert peaks.loc["down", "peak_year"] == 2022 and isinstance(
        peaks.loc["down", "peak_year"], int
    )
    assert peaks.loc["down", "peak_co2_t"] == 440.0


def test_bootstrap_intervals_are_order_statistics_and_reproducible() -> None:
    rng = np.random.default_rng(7)
    boot = np.column_stack(
        [
            rng.normal(-0.015, 0.1, 41),
            rng.normal(0.125, 0.3, 41),
            rng.normal(-0.648, 0.05, 41),
            rng.normal(-0.372, 0.13, 41),
        ]
    )
    spec = [ScenarioSpec("a", "a", dict(ZERO, lnA=0.05))]
    p1 = project(drivers(), CO2, ELAST, spec, horizon=2030, bootstrap=boot)
    p2 = project(drivers(), CO2, ELAST, spec, horizon=2030, bootstrap=boot.copy())
    pd.testing.assert_frame_equal(p1.paths, p2.paths)
    # only lnA moves: CO2_t = C0 * 1.05^(b_A t), monotone in b_A; with B = 41 the 2.5/97.5
    # percentiles are exactly the 2nd smallest and 2nd largest draws
    b_sorted = np.sort(boot[:, 1])
    row = p1.paths.set_index("year").loc[2030]
    assert row["lo"] == pytest.approx(440.0 * 1.05 ** (8 * b_sorted[1]), rel=1e-12)
    assert row["hi"] == pytest.approx(440.0 * 1.05 ** (8 * b_sorted[39]), rel=1e-12)
    first = p1.paths.set_index("year").loc[2022]
    assert first["lo"] == first["hi"] == 440.0
    assert p1.n_bootstrap == 41
    # a constant column in front is dropped when the elasticities name it
    with_const = np.column_stack([np.ones(41), boot])
    p3 = project(drivers(), CO2, {"const": 1.0, **ELAST}, spec, horizon=2030, bootstrap=with_const)
    pd.testing.assert_frame_equal(p1.paths, p3.paths)


def test_intensity_path() -> None:
    spec = [ScenarioSpec("a", "a", dict(ZERO, lnA=0.05))]
    p = project(drivers(), CO2, ELAST, spec, horizon=2025)
    out = pd.Series({2022: 2.0e10})
    ip = intensity_paths(p, out).set_index("year")
    expected = 440.0 * 1.05 ** (0.125 * 3) / (2.0e10 * 1.05**3)
    assert ip.loc[2025, "intensity"] == pytest.approx(expected, rel=1e-12)
    assert math.isclose(ip.loc[2022, "intensity"], 440.0 / 2.0e10, rel_tol=1e-15)


def test_errors() -> None:
    with pytest.raises(InputError, match="unknown driver"):
        project(drivers(), CO2, ELAST, [ScenarioSpec("x", "x", {"lnX": 0.1})])
    with pytest.raises(InputError, match="horizon"):
        project(drivers(), CO2, ELAST, [ScenarioSpec("x", "x", {})], horizon=2020)
    with pytest.raises(InputError, match="trend window"):
        project(drivers(), CO2, ELAST, [ScenarioSpec("x", "x", {})], trend_years=10)
    # log columns are accepted in place of levels
    logs = np.log(drivers()).rename(columns=lambda c: f"ln{c}")
    spec = [ScenarioSpec("a", "a", {"lnA": 0.05, "lnT": "trend"})]
    pd.testing.assert_frame_equal(
        project(logs, CO2, ELAST, spec).paths,
        project(drivers(), CO2, ELAST, spec).paths,
        rtol=1e-12,
    )
    with pytest.raises(InputError, match="column"):
        project(drivers().drop(columns="RE"), CO2, ELAST, [ScenarioSpec("x", "x", {})])
    with pytest.raises(InputError, match="bootstrap"):
        project(drivers(), CO2, ELAST, [ScenarioSpec("x", "x", {})], bootstrap=np.ones((5, 3)))
