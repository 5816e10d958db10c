"""Emissions of a panel of regions: per-region tables, the sum of regions, region ranks
and the coverage of the panel.

The accounting of one region is exactly that of a one-region study; a panel stacks the
regions' tables with a ``region`` column first (:func:`stack`).  On top:

- ``by_region``: each region's whole economy (the ``modern`` scope: all member sectors)
  per year, with ranks among the regions of that year (1 = highest CO2, highest
  intensity, highest efficiency; ties share the lowest rank);
- ``sum_of_regions``: per year and scope, the sums over every region of CO2, output
  value, energy, employment and electricity, and the indicators of the sums
  (intensity = sum CO2 / sum output x 1e8 ...).  A sum is missing (NaN) in a year in
  which any region lacks the scope: a total is never silently a partial sum;
- ``coverage``: the region-years with emissions, and the region-years without (and why).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonpath.accounting.results import EmissionsResults
from carbonpath.core.results import Coverage as PanelCoverage
from carbonpath.core.results import table

__all__ = [
    "EmissionsCoverage",
    "PanelEmissionsResults",
    "by_region",
    "coverage",
    "stack",
    "sum_of_regions",
]

#: the summed quantities of ``sum_of_regions``
_SUMS = ("co2_t", "output_value_yuan", "energy_tce", "employment", "electricity_kwh")
_RANKS = {
    "rank_co2": "co2_t",
    "rank_intensity": "intensity_t_per_1e8_yuan",
    "rank_efficiency": "efficiency_yuan_per_tce",
}


@dataclass(frozen=True, kw_only=True)
class EmissionsCoverage(PanelCoverage):
    """Which region-years have emissions: ``units`` x ``years`` used, ``dropped`` lists
    each region-year without emissions with the reason (nothing is filled in)."""

    dropped: pd.DataFrame = table("emissions_coverage_dropped")


@dataclass(frozen=True, kw_only=True)
class PanelEmissionsResults(EmissionsResults):
    """:class:`EmissionsResults` of a panel study: every table has a ``region`` column
    first; ``by_region``, ``sum_of_regions``, ``trend_by_region`` and ``coverage`` are
    described in the module docstring."""

    regions: tuple[str, ...]
    by_region: pd.DataFrame = table("emissions_by_region")
    sum_of_regions: pd.DataFrame = table("emissions_sum_of_regions")
    trend_by_region: pd.DataFrame = table("emissions_trend_by_region")
    coverage: EmissionsCoverage


def stack(parts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The regions' tables one under the other, with ``region`` as the first column."""
    frames = [f.assign(region=code) for code, f in parts.items() if f is not None and len(f)]
    if not frames:
        first = next(iter(parts.values()), pd.DataFrame())
        cols = ["region", *[c for c in first.columns if c != "region"]]
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    return out[["region", *[c for c in out.columns if c != "region"]]]


def by_region(intensity: pd.DataFrame) -> pd.DataFrame:
    """Each region's ``modern`` indicators per year, ranked among the regions."""
    cols = ["region", "year", "co2_t", "output_value_yuan", "intensity_t_per_1e8_yuan",
            "energy_tce", "efficiency_yuan_per_tce", "employment", "co2_per_employee_t"]  # fmt: skip
    out = intensity.loc[intensity["scope"] == "modern", cols].reset_index(drop=True)
    for rank_col, col in _RANKS.items():
        r = out.groupby("year")[col].rank(ascending=False, method="min")
        out[rank_col] = pd.array(
            [pd.NA if np.isnan(v) else int(v) for v in r.to_numpy(dtype=float)], dtype="Int64"
        )
    return out.sort_values("year", kind="stable").reset_index(drop=True)


def sum_of_regions(intensity: pd.DataFrame, regions: list[str], years: list[int]) -> pd.DataFrame:
    """Sums over all regions per year and scope, and the indicators of the sums."""
    scopes = list(dict.fromkeys(intensity["scope"]))
    types = dict(zip(intensity["scope"], intensity["scope_type"], strict=False))
    grid = pd.MultiIndex.from_product([regions, years, scopes], names=["region", "year", "scope"])
    full = intensity.set_index(["region", "year", "scope"])[list(_SUMS)].reindex(grid)
    present = full["co2_t"].notna().groupby(level=["year", "scope"]).sum()
    sums = full.groupby(level=["year", "scope"], sort=False).sum(min_count=len(regions))
    out = sums.reset_index()
    out.insert(2, "scope_type", out["scope"].map(types))
    counts = present.to_dict()
    out["regions_with_data"] = [
        int(counts[(y, sc)]) for y, sc in zip(out["year"], out["scope"], strict=True)
    ]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["intensity_t_per_1e8_yuan"] = out["co2_t"] / out["output_value_yuan"] * 1e8
        out["efficiency_yuan_per_tce"] = out["output_value_yuan"] / out["energy_tce"]
        out["co2_per_employee_t"] = out["co2_t"] / out["employment"]
    order = ["year", "scope", "scope_type", "regions_with_data", "co2_t", "output_value_yuan",
             "intensity_t_per_1e8_yuan", "energy_tce", "efficiency_yuan_per_tce",
             "employment", "co2_per_employee_t", "electricity_kwh"]  # fmt: skip
    return out[order].sort_values(["year"], kind="stable").reset_index(drop=True)


def coverage(by_fuel: pd.DataFrame, regions: list[str], years: list[int]) -> EmissionsCoverage:
    """The region-years with emissions (any sector or fuel) and those without."""
    have = set(zip(by_fuel["region"].astype(str), by_fuel["year"].astype(int), strict=True))
    dropped = [
        {"region": r, "year": y, "reason": f"no energy or emissions data for region {r} in {y}"}
        for r in regions
        for y in years
        if (r, y) not in have
    ]
    used_units = [r for r in regions if any((r, y) in have for y in years)]
    used_years = [y for y in years if any((r, y) in have for r in regions)]
    return EmissionsCoverage(
        unit="region",
        units=tuple(used_units),
        years=tuple(used_years),
        rows_used=len(regions) * len(years) - len(dropped),
        rows_possible=len(regions) * len(years),
        balanced=not dropped,
        units_dropped=tuple(r for r in regions if r not in used_units),
        dropped=pd.DataFrame(dropped, columns=["region", "year", "reason"]),
    )
