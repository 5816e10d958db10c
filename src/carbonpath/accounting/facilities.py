"""Facility data in the accounting: the cells' ``u_scale`` and the kept facilities' CO2.

A study with a ``facility`` column arrives with its facilities folded into sector cells
(``study/facilities.py``): each cell carries ``u_scale`` = sqrt(sum x_i^2) / sum x_i.
:func:`with_u_scale` puts it on the CO2 cells of the uncertainty; where a CO2 cell sums
several input rows (regions summed by a one-region accounting), it takes the largest
of their u_scale: the relative half-width of a sum of independent parts is never above
that of its most uncertain part, so the bound is conservative.

:func:`facility_co2` is the CO2 of the facilities a study asked to keep, by year,
sector, facility and fuel: the rows' CO2 by the same rules as every other row
(:func:`~.emissions.compute_emissions`, each facility taken as its own "sector").
"""

from __future__ import annotations

import pandas as pd

from carbonpath.accounting.emissions import compute_emissions
from carbonpath.accounting.factors import FactorSet

__all__ = ["facility_co2", "with_u_scale"]

_CELL = ["year", "sector", "fuel"]


def with_u_scale(cells: pd.DataFrame, table: pd.DataFrame | None) -> pd.DataFrame:
    """``cells`` with the ``u_scale`` of their input rows (unchanged without one)."""
    if table is None or "u_scale" not in table.columns or cells.empty:
        return cells
    scale = table.assign(year=table["year"].astype(int), sector=table["sector"].astype(str))
    scale = scale.groupby(_CELL, as_index=False)["u_scale"].max()
    return cells.merge(scale, on=_CELL, how="left")


def facility_co2(rows: pd.DataFrame | None, factors: FactorSet, mode: str) -> pd.DataFrame | None:
    """CO2 (t) by ``[region,] year, sector, facility, fuel`` of the kept facility rows."""
    if rows is None or rows.empty:
        return None
    keys = [k for k in ("region", "year", "sector", "facility", "fuel") if k in rows.columns]
    if mode == "inventory":
        out = rows.groupby(keys, as_index=False, sort=True)["co2_t"].sum()
        return out.reset_index(drop=True)
    owner = rows.drop_duplicates("facility").set_index("facility")
    as_sector = rows.assign(sector=rows["facility"].astype(str))
    co2 = compute_emissions(as_sector, factors).rename(columns={"sector": "facility"})
    co2["sector"] = co2["facility"].map(owner["sector"]).astype(str)
    if "region" in owner.columns:
        co2["region"] = co2["facility"].map(owner["region"]).astype(str)
    return co2[keys + ["co2_t"]].sort_values(keys).reset_index(drop=True)
