"""Result tables: units and totals in order, chaining over periods with region keys."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonpath.core.errors import InputError
from carbonpath.decomposition import frames
from carbonpath.decomposition.identity import KAYA, decompose_identity


def test_scopes_order() -> None:
    one = frames.scopes([("A",), ("B",)], 1)
    assert [s.label for s in one] == [("A",), ("B",), ("total",)]
    two = frames.scopes([("N", "A"), ("N", "B"), ("S", "A")], 2)
    assert [s.label for s in two] == [
        ("N", "A"),
        ("N", "B"),
        ("N", "total"),
        ("S", "A"),
        ("S", "total"),
        ("total", "A"),
        ("total", "B"),
        ("total", "total"),
    ]
    assert list(two[5].index) == [0, 2]  # sector A over both regions
    single = frames.scopes([("N", "A"), ("N", "B")], 2)
    assert [s.label for s in single][-1] == ("N", "total")  # no region margin for one region
    assert [s.label for s in frames.scopes([()], 0)] == [()]


def test_periods() -> None:
    assert frames.resolve_periods([2017, 2015, 2016], "chained") == [(2015, 2016), (2016, 2017)]
    assert frames.resolve_periods([2015, 2016, 2017], [[2015, 2017], "first_last"]) == [
        (2015, 2017)
    ]
    with pytest.raises(InputError, match="start < end"):
        frames.resolve_periods([2015, 2016], [(2016, 2015)])
    with pytest.raises(InputError, match="two years"):
        frames.resolve_periods([2015], "chained")


def kaya_three_years() -> pd.DataFrame:
    rows = []
    data = {
        "A": [(10.0, 100.0, 50.0, 40.0), (11.0, 120.0, 54.0, 41.0), (11.5, 130.0, 55.0, 39.0)],
        "B": [(20.0, 150.0, 80.0, 70.0), (20.0, 160.0, 76.0, 60.0), (21.0, 170.0, 75.0, 58.0)],
    }
    for r, years in data.items():
        for y, (p, g, e, c) in zip((2020, 2021, 2022), years, strict=True):
            rows.append((r, y, p, g, e, c))
    return pd.DataFrame(rows, columns=["region", "year", "population", "gdp", "energy", "co2"])


def test_chained_effects_per_region_sum_to_the_change_and_multiply_to_the_ratio() -> None:
    res = decompose_identity(kaya_three_years(), KAYA, periods=["chained", "first_last"])
    chained = frames.chain_effects(res)
    assert list(chained.columns) == [
        "period_start",
        "period_end",
        "region",
        "effect",
        "additive",
        "multiplicative",
    ]
    assert set(zip(chained["period_start"], chained["period_end"], strict=True)) == {(2020, 2022)}
    direct = res.totals[(res.totals["period_start"] == 2020) & (res.totals["period_end"] == 2022)]
    direct = direct.set_index("region")
    for r, change in (("A", 39.0 - 40.0), ("B", 58.0 - 70.0), ("total", 97.0 - 110.0)):
        sel = chained[chained["region"] == r]
        assert sel["additive"].sum() == pytest.approx(change, abs=1e-9)
        assert sel["multiplicative"].prod() == pytest.approx(direct.loc[r, "ratio"], rel=1e-12)
    # chaining differs from the direct first -> last split only in the split, not the sum
    d = res.effects[(res.effects["period_start"] == 2020) & (res.effects["period_end"] == 2022)]
    assert d.groupby("region")["additive"].sum()["total"] == pytest.approx(-13.0, abs=1e-9)
