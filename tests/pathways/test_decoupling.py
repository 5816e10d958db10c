"""Tapio (2005) decoupling states on constructed cases, one per state, and the effort."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from carbonpath.core.errors import InputError
from carbonpath.decomposition.identity import KAYA, decompose_identity
from carbonpath.pathways.decoupling import STATES, decoupling, tapio_state

# (G0, G1, C0, C1) -> state; e = (C1/C0 - 1) / (G1/G0 - 1)
CASES = {
    "strong decoupling": (100.0, 110.0, 50.0, 45.0),  # e = -0.1 / 0.1 = -1
    "weak decoupling": (100.0, 110.0, 50.0, 52.0),  # e = 0.04 / 0.1 = 0.4
    "expansive coupling": (100.0, 110.0, 50.0, 55.0),  # e = 0.1 / 0.1 = 1
    "expansive negative decoupling": (100.0, 110.0, 50.0, 60.0),  # e = 2
    "strong negative decoupling": (100.0, 90.0, 50.0, 55.0),  # e = 0.1 / -0.1 = -1
    "weak negative decoupling": (100.0, 90.0, 50.0, 48.0),  # e = -0.04 / -0.1 = 0.4
    "recessive coupling": (100.0, 90.0, 50.0, 45.0),  # e = 1
    "recessive decoupling": (100.0, 90.0, 50.0, 40.0),  # e = -0.2 / -0.1 = 2
}
ELASTICITY = {
    "strong decoupling": -1.0,
    "weak decoupling": 0.4,
    "expansive coupling": 1.0,
    "expansive negative decoupling": 2.0,
    "strong negative decoupling": -1.0,
    "weak negative decoupling": 0.4,
    "recessive coupling": 1.0,
    "recessive decoupling": 2.0,
}


def test_one_constructed_case_per_state() -> None:
    assert set(CASES) == set(STATES)
    rows = []
    for unit, (g0, g1, c0, c1) in CASES.items():
        rows += [(unit, 2020, g0, c0), (unit, 2021, g1, c1)]
    levels = pd.DataFrame(rows, columns=["region", "year", "gdp", "co2"])
    res = decoupling(levels, periods="first_last")
    got = res.states.set_index("region")
    for unit in CASES:
        assert got.loc[unit, "state"] == unit
        assert got.loc[unit, "elasticity"] == pytest.approx(ELASTICITY[unit], rel=1e-12)
    assert res.to_frame() is res.states and (res.weak, res.strong) == (0.8, 1.2)
    # the sum of the eight units: G 800 -> 800 (unchanged): the elasticity is undefined
    assert got.loc["total", "state"] == "undefined"
    assert math.isnan(got.loc["total", "elasticity"])


@pytest.mark.parametrize(
    ("pct_driver", "e", "state"),
    [
        (0.1, 0.0, "weak decoupling"),  # no change of C while growing
        (0.1, 0.8, "expansive coupling"),  # boundaries belong to coupling
        (0.1, 1.2, "expansive coupling"),
        (0.1, 1.2000001, "expansive negative decoupling"),
        (-0.1, 0.0, "weak negative decoupling"),
        (-0.1, 0.7999999, "weak negative decoupling"),
        (-0.1, 0.8, "recessive coupling"),
        (0.0, 1.0, "undefined"),
    ],
)
def test_boundaries(pct_driver: float, e: float, state: str) -> None:
    assert tapio_state(pct_driver, e) == state


def test_effort_from_kaya_effects_sums_to_the_elasticity() -> None:
    rows = [
        ("A", 2020, 10.0, 100.0, 50.0, 40.0),
        ("A", 2021, 11.0, 120.0, 54.0, 41.0),
        ("B", 2020, 20.0, 150.0, 80.0, 70.0),
        ("B", 2021, 20.0, 160.0, 76.0, 60.0),
    ]
    levels = pd.DataFrame(rows, columns=["region", "year", "population", "gdp", "energy", "co2"])
    lmdi = decompose_identity(levels, KAYA, periods="first_last")
    res = decoupling(levels, periods="first_last", effects=lmdi.effects)
    states = res.states.set_index("region")
    # region A by hand: e = (41/40 - 1) / (120/100 - 1) = 0.025 / 0.2 = 0.125
    assert states.loc["A", "elasticity"] == pytest.approx(0.125, rel=1e-12)
    assert states.loc["A", "state"] == "weak decoupling"
    assert states.loc["B", "state"] == "strong decoupling"
    # total: C 110 -> 101, G 250 -> 280: e = (-9/110) / (30/250)
    assert states.loc["total", "elasticity"] == pytest.approx((-9 / 110) / (30 / 250), rel=1e-12)
    effort = res.effort.groupby("region")["contribution"].sum()
    for r in ("A", "B", "total"):
        assert effort[r] == pytest.approx(states.loc[r, "elasticity"], rel=1e-9)
    a = res.effort.set_index(["region", "effect"])
    # contribution written out: dC_k / C_0 / (dG / G_0)
    e_k = a.loc[("A", "energy_intensity"), "additive"] / 40.0 / 0.2
    assert a.loc[("A", "energy_intensity"), "contribution"] == pytest.approx(e_k, rel=1e-14)
    assert a.loc[("A", "energy_intensity"), "contribution"] < 0
    assert set(res.tables()) == {"decoupling", "decoupling_effort"}


def test_chained_single_unit_and_errors() -> None:
    levels = pd.DataFrame(
        {"year": [2019, 2020, 2021], "output_value": [100.0, 95.0, 105.0], "co2": [10.0, 9.0, 9.5]}
    )
    res = decoupling(levels, driver="output_value")
    assert list(res.states["state"]) == ["recessive decoupling", "weak decoupling"]
    assert res.keys == () and res.effort.empty
    with pytest.raises(InputError, match="lacks columns"):
        decoupling(levels)
    with pytest.raises(InputError, match="positive"):
        decoupling(levels.assign(co2=[10.0, 0.0, 1.0]), driver="output_value")
