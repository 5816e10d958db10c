"""Optional scope 2: CO2 of purchased electricity and heat, reported beside scope 1.

- Electricity: kWh x grid factor (kg CO2/kWh) / 1000 = t CO2, with the published
  average grid factors shipped in ``carbonpath/data/grid/grid_factors.csv`` (national
  2021-2023, North China grid 2022-2023; see the README there).  Electricity arrives in
  GJ (canonical) and is converted with 1 kWh = 0.0036 GJ.
- Heat: GJ x 0.11 t CO2/GJ (GB/T 32150-2015 default for purchased heat).

Year of the grid factor: by default each data year uses the factor published for that
year; a year without one is an error listing the published years.  With an explicit
``year = <int>`` in ``[accounting.scope2]`` that year's factor is applied to every data
year, and if that year itself is not published the nearest published year is used and
said so.  Scope 2 is never added to scope 1.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from carbonpath.accounting.results import Scope2Results
from carbonpath.core.errors import InputError
from carbonpath.core.units import KWH_GJ, parse_unit

#: t CO2 per GJ of purchased heat (GB/T 32150-2015, default factor)
HEAT_T_PER_GJ = 0.11
HEAT_SOURCE = "GB/T 32150-2015 default for purchased heat: 0.11 t CO2/GJ"


@lru_cache(maxsize=1)
def grid_factors() -> pd.DataFrame:
    """The shipped grid factors: ``grid, year, kg_co2_per_kwh, source``."""
    path = resources.files("carbonpath") / "data" / "grid" / "grid_factors.csv"
    df = pd.read_csv(path, dtype={"grid": str, "year": int, "kg_co2_per_kwh": float})  # type: ignore[arg-type]
    return df


def available_grids() -> list[str]:
    return sorted(grid_factors()["grid"].unique().tolist())


def select_grid_factor(grid: str, year: int, *, explicit: bool) -> dict[str, Any]:
    """Grid factor for ``grid`` and ``year``.

    ``explicit``: the user named this year in study.toml; then the nearest published
    year is used when ``year`` itself has no factor (earlier year on a tie).  Otherwise a
    missing year is an InputError listing the published years.
    """
    gf = grid_factors()
    if grid not in set(gf["grid"]):
        from carbonpath.core.errors import suggest

        raise InputError(
            f"unknown grid '{grid}'{suggest(grid, available_grids())}",
            fix=f"choose one of {', '.join(available_grids())}",
        )
    sub = gf[gf["grid"] == grid].sort_values("year")
    years = sub["year"].astype(int).tolist()
    if year in years:
        row = sub[sub["year"] == year].iloc[0]
        return {
            "grid": grid,
            "year": int(year),
            "factor_year": int(year),
            "kg_co2_per_kwh": float(row["kg_co2_per_kwh"]),
            "source": str(row["source"]),
            "note": "",
        }
    if not explicit:
        raise InputError(
            f"no published {grid} grid factor for {year}; published years: "
            f"{', '.join(str(y) for y in years)}",
            fix="set [accounting.scope2] year = <one of those years> to apply one published "
            "year's factor to every year (the nearest published year is used if it is missing)",
        )
    nearest = min(years, key=lambda y: (abs(y - year), y))
    row = sub[sub["year"] == nearest].iloc[0]
    return {
        "grid": grid,
        "year": int(year),
        "factor_year": int(nearest),
        "kg_co2_per_kwh": float(row["kg_co2_per_kwh"]),
        "source": str(row["source"]),
        "note": f"{year} has no published factor; the nearest published year {nearest} is used",
    }


def compute_scope2(
    activity: pd.DataFrame, grid: str = "national", year: int | str = "auto"
) -> Scope2Results:
    """Scope-2 CO2 of electricity and heat per year x sector (never added to scope 1).

    ``activity``: tidy ``year, sector, fuel, value, unit`` (canonical: GJ for
    electricity and heat).  ``year``: ``"auto"`` (each data year its own factor) or an
    int (that year's factor, or the nearest published one, for every data year).
    """
    sub = activity[activity["fuel"].isin(["electricity", "heat"])].copy()
    if sub.empty:
        years = sorted(activity["year"].astype(int).unique().tolist())
        sectors = sorted(activity["sector"].astype(str).unique().tolist())
        recs = pd.DataFrame(
            [
                {"year": y, "sector": s, "electricity_t": 0.0, "heat_t": 0.0}
                for y in years
                for s in sectors
            ],
            columns=["year", "sector", "electricity_t", "heat_t"],
        )
        return _result(grid, recs, [])
    gj = []
    for val, unit in zip(sub["value"].to_numpy(dtype=float), sub["unit"].astype(str), strict=True):
        parsed = parse_unit(unit)
        if parsed.dimension != "energy":
            raise InputError(
                f"electricity/heat given in '{unit}' ({parsed.dimension})",
                fix="give electricity in kWh (or 10^4 kWh, 亿千瓦时) and heat in GJ",
            )
        gj.append(val * parsed.factor)
    sub["gj"] = gj
    if (sub["gj"] < 0).any():
        r = sub[sub["gj"] < 0].iloc[0]
        raise InputError(
            f"year {r['year']}, sector {r['sector']}: {r['fuel']} consumption is negative"
        )
    explicit = not (isinstance(year, str) and year == "auto")
    factors_used = []
    kg_per_kwh = {}
    for y in sorted(sub["year"].astype(int).unique()):
        target = int(year) if explicit else int(y)
        sel = select_grid_factor(grid, target, explicit=explicit)
        sel["data_year"] = int(y)
        kg_per_kwh[int(y)] = sel["kg_co2_per_kwh"]
        factors_used.append(sel)
    elec = sub["fuel"] == "electricity"
    sub["t"] = 0.0
    sub.loc[elec, "t"] = (
        sub.loc[elec, "gj"] / KWH_GJ * sub.loc[elec, "year"].astype(int).map(kg_per_kwh) / 1000.0
    )
    sub.loc[~elec, "t"] = sub.loc[~elec, "gj"] * HEAT_T_PER_GJ
    piv = sub.pivot_table(
        index=["year", "sector"], columns="fuel", values="t", aggfunc="sum", fill_value=0.0
    )
    records = pd.DataFrame(
        {
            "year": [int(i[0]) for i in piv.index],
            "sector": [str(i[1]) for i in piv.index],
            "electricity_t": piv["electricity"].to_numpy(dtype=float)
            if "electricity" in piv
            else 0.0,
            "heat_t": piv["heat"].to_numpy(dtype=float) if "heat" in piv else 0.0,
        }
    )
    return _result(grid, records, factors_used)


def _result(grid: str, records: pd.DataFrame, factors_used: list[dict[str, Any]]) -> Scope2Results:
    return Scope2Results(
        enabled=True,
        grid=grid,
        heat_t_per_gj=HEAT_T_PER_GJ,
        heat_source=HEAT_SOURCE,
        factors_used=pd.DataFrame(factors_used),
        records=records,
    )
