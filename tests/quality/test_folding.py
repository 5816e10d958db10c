"""Totals that jump only because the cells under them are zero for several years are
folded into the zero-run finding (docs/quality-checks.md, `totals`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonpath.quality import folding
from carbonpath.quality.checks import run_checks

YEARS = list(range(2000, 2011))
SECTORS = pd.DataFrame({"code": ["A", "B", "C", "D"], "role": "member"})


def inventory(zero_years: range, sectors: tuple[str, ...]) -> pd.DataFrame:
    """Four sectors x four fuels, steady 3 %/yr growth, in t CO2; every fuel of
    ``sectors`` zero in ``zero_years`` (the real pattern: one province with every
    combustion fuel zero in its manufacturing sectors for three years)."""
    rows = []
    base = {"A": 400.0, "B": 300.0, "C": 200.0, "D": 100.0}
    for s, level in base.items():
        for fuel in ("coal", "oil", "gas", "coke"):
            for y in YEARS:
                v = level * 1.03 ** (y - 2000)
                if s in sectors and y in zero_years:
                    v = 0.0
                rows.append((y, s, fuel, v))
    df = pd.DataFrame(rows, columns=["year", "sector", "fuel", "value"])
    return df.assign(unit="t", dimension="mass")


def test_fill_zero_runs_puts_the_run_on_its_line() -> None:
    df = inventory(range(2004, 2007), ("A",))
    filled = folding.fill_zero_runs(df, ["sector", "fuel"])
    a = filled[(filled["sector"] == "A") & (filled["fuel"] == "coal")].set_index("year")["value"]
    x3, x7 = 400 * 1.03**3, 400 * 1.03**7
    for t in (2004, 2005, 2006):  # x_a + (x_b - x_a)(t - a)/(b - a), by hand
        assert a[t] == x3 + (x7 - x3) * (t - 2003) / 4
    assert folding.fill_zero_runs(inventory(range(2005, 2006), ("A",)), ["sector", "fuel"]) is None


def test_sector_totals_fold_into_the_common_zero_run() -> None:
    """The totals of A, B and C are zero for three years: found by the totals check (no
    one cell is half of them), they are the same break as the cells' runs."""
    df = inventory(range(2002, 2005), ("A", "B", "C"))
    flags = run_checks(df, "fuel", sectors=SECTORS)
    common = [f for f in flags if f["check"] == "zero_between" and f["sector"] == "*"]
    assert len(common) == 1 and "12 series are zero in every year 2002-2004" in common[0]["message"]
    assert not [f for f in flags if f["check"] == "totals"]
    names = common[0]["message"].split("; the totals above show the same break: ", 1)[1]
    assert names == (
        "the total of sector A (2002); the total of sector B (2002); the total of sector C "
        "(2002) (3 totals finding(s) folded in here)"
    )


def test_without_the_zero_run_check_the_totals_are_listed() -> None:
    """The control: with ``zero_between`` skipped nothing is folded."""
    df = inventory(range(2002, 2005), ("A", "B", "C"))
    flags = run_checks(df, "fuel", sectors=SECTORS, config={"skip": ["zero_between"]})
    sums = [(f["sector"], f["year"]) for f in flags if f["check"] == "totals"]
    assert sums == [("A", 2002), ("B", 2002), ("C", 2002)]


def test_a_single_zero_year_is_not_folded() -> None:
    """Many cells zero in one year (Hainan 2002): the region total's fall is listed."""
    df = inventory(range(2005, 2006), ("A", "B", "C"))
    flags = run_checks(df, "fuel", sectors=SECTORS)
    region = [f for f in flags if f["check"] == "totals" and f["sector"] == "*"]
    assert [f["year"] for f in region] == [2005]
    assert not any("totals above" in f["message"] for f in flags)


def test_a_small_run_does_not_swallow_a_large_break() -> None:
    """A two-year run of one small cell under a total that falls for other reasons
    (a slip in another cell) lacks far less than half the total's fall: kept."""
    df = inventory(range(2004, 2006), ())
    small = (df["sector"] == "D") & (df["fuel"] == "gas") & df["year"].isin([2004, 2005])
    df.loc[small, "value"] = 0.0
    slip = df["year"].eq(2005) & df["sector"].isin(["A", "B", "C"])
    df.loc[slip, "value"] = df.loc[slip, "value"] / 10
    flags = run_checks(df, "fuel", sectors=SECTORS)
    region = [f for f in flags if f["check"] == "totals" and f["sector"] == "*"]
    assert [f["year"] for f in region] == [2005]
    assert np.isfinite(region[0]["size"])
