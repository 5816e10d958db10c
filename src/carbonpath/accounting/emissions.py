"""Scope-1 CO2 from fuel combustion on a tidy activity table.

Input: ``year, sector, fuel, value, unit[, dimension]`` with values in canonical units
(mass ``t``, volume ``m3``, energy ``GJ``; other unit strings are converted with
:func:`carbonpath.core.units.parse_unit`).  Per row:

- mass or volume: ``CO2 = value x EF`` with EF in t CO2 per t (or per m3); the
  dimension must match the fuel's physical unit (a gas in tonnes without a density, or
  coal in m3, is an error);
- energy (tce converted to GJ at the edge): ``CO2 = GJ / 29.3076 / tce_per_unit x EF``,
  i.e. GJ -> tce -> physical quantity via the fuel's tce factor -> CO2, so the same
  consumption written in t or in tce gives the same emissions.

``electricity`` and ``heat`` are not burnt on site: they are skipped here (scope 2).
Output: ``year, sector, fuel, co2_t`` (one row per year x sector x fuel).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonpath.accounting.factors import NON_COMBUSTION, FactorSet, unknown_fuel_error
from carbonpath.core.errors import InputError
from carbonpath.core.units import parse_unit

OUTPUT_COLUMNS = ["year", "sector", "fuel", "co2_t"]


def _canonical(activity: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Values in canonical units and their dimension, one per row."""
    units = activity["unit"].astype(str).to_numpy()
    values = activity["value"].to_numpy(dtype=float)
    factor = np.empty(len(units))
    dims = np.empty(len(units), dtype=object)
    for u in np.unique(units):
        parsed = parse_unit(u)
        mask = units == u
        factor[mask] = parsed.factor
        dims[mask] = parsed.dimension
    if "dimension" in activity.columns:
        given = activity["dimension"].astype(str).to_numpy()
        bad = (given != dims) & (given != "") & (given != "nan")
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"row {i}: unit '{units[i]}' is {dims[i]} but the dimension column says {given[i]}",
                fix="let the loader set the dimension from the unit",
            )
    return values * factor, dims


def _check_values(activity: pd.DataFrame, values: np.ndarray) -> None:
    nan = np.isnan(values)
    if nan.any():
        r = activity.iloc[int(np.flatnonzero(nan)[0])]
        raise InputError(
            f"year {r['year']}, sector {r['sector']}, fuel {r['fuel']}: consumption is missing",
            fix="fill the gap (see [quality] gap filling) or give 0 when nothing was used",
        )
    neg = values < 0
    if neg.any():
        r = activity.iloc[int(np.flatnonzero(neg)[0])]
        raise InputError(
            f"year {r['year']}, sector {r['sector']}, fuel {r['fuel']}: consumption "
            f"{r['value']} {r['unit']} is negative",
            fix="energy consumption cannot be negative; correct the value or add a "
            "corrections.csv row with a reason",
        )


def compute_emissions(activity: pd.DataFrame, factors: FactorSet) -> pd.DataFrame:
    """CO2 (t) per year x sector x fuel from fuel consumption; see the module docstring."""
    needed = {"year", "sector", "fuel", "value", "unit"}
    missing = needed - set(activity.columns)
    if missing:
        raise InputError(
            f"activity table lacks column(s) {', '.join(sorted(missing))}",
            fix="give year, sector, fuel, value, unit",
        )
    act = activity.loc[~activity["fuel"].astype(str).isin(NON_COMBUSTION)].reset_index(drop=True)
    if act.empty:
        return pd.DataFrame(
            {
                "year": pd.Series(dtype=int),
                "sector": pd.Series(dtype=str),
                "fuel": pd.Series(dtype=str),
                "co2_t": pd.Series(dtype=float),
            }
        )
    fuels = act["fuel"].astype(str).to_numpy()
    for f in pd.unique(fuels):
        if f not in factors:
            raise unknown_fuel_error(str(f), factors)
    values, dims = _canonical(act)
    _check_values(act, values)

    co2 = np.empty(len(act))
    for f in pd.unique(fuels):
        entry = factors.get(str(f))
        mask = fuels == f
        fdims = dims[mask]
        physical_dim = "mass" if entry.physical_unit == "t" else "volume"
        ok_phys = fdims == physical_dim
        ok_energy = fdims == "energy"
        wrong = ~(ok_phys | ok_energy)
        if wrong.any():
            i = int(np.flatnonzero(mask)[int(np.flatnonzero(wrong)[0])])
            r = act.iloc[i]
            given_dim = dims[i]
            if entry.physical_unit == "m3" and given_dim == "mass":
                fix = (
                    f"{f} is a gas measured in m3: give it in m3 (e.g. 10^4 m^3, 10^8 m^3) or in "
                    "tce; carbonpath does not guess a density (convert with your gas's density "
                    "first, or add a factors.csv row for a mass-based variant)"
                )
            else:
                fix = (
                    f"give {f} in {entry.physical_unit} (any {physical_dim} unit) or in an "
                    "energy unit such as tce"
                )
            raise InputError(
                f"year {r['year']}, sector {r['sector']}: fuel '{f}' is given in "
                f"'{r['unit']}' ({given_dim}) but its factor in set '{factors.name}' is per "
                f"{entry.physical_unit} ({physical_dim})",
                fix=fix,
            )
        out = np.empty(int(mask.sum()))
        out[ok_phys] = values[mask][ok_phys] * entry.co2_per_unit
        if ok_energy.any():
            if entry.co2_per_gj is None:
                raise InputError(
                    f"fuel '{f}' is given in energy units but factor set '{factors.name}' has no "
                    "tce_factor for it",
                    fix="add tce_factor for it in factors.csv, or give the fuel in "
                    f"{entry.physical_unit}",
                )
            out[ok_energy] = values[mask][ok_energy] * entry.co2_per_gj
        co2[mask] = out
    res = pd.DataFrame(
        {
            "year": act["year"].astype(int).to_numpy(),
            "sector": act["sector"].astype(str).to_numpy(),
            "fuel": fuels,
            "co2_t": co2,
        }
    )
    return res.groupby(["year", "sector", "fuel"], as_index=False, sort=True)["co2_t"].sum()


def activity_tce(activity: pd.DataFrame, factors: FactorSet) -> pd.DataFrame:
    """Energy use in tce per year x sector x fuel, all carriers.

    Combustion fuels in physical units use their tce factor; energy-valued rows
    (including electricity and heat, at their calorific equivalent) are GJ / 29.3076.
    """
    from carbonpath.core.units import TCE_GJ

    values, dims = _canonical(activity)
    tce = np.full(len(values), np.nan)
    fuels = activity["fuel"].astype(str).to_numpy()
    energy = dims == "energy"
    tce[energy] = values[energy] / TCE_GJ
    for f in pd.unique(fuels[~energy]):
        mask = (fuels == f) & ~energy
        entry = factors.get(str(f))
        if entry.tce_per_unit is not None:
            tce[mask] = values[mask] * entry.tce_per_unit
    return pd.DataFrame(
        {
            "year": activity["year"].astype(int).to_numpy(),
            "sector": activity["sector"].astype(str).to_numpy(),
            "fuel": fuels,
            "tce": tce,
        }
    )


def activity_gj(activity: pd.DataFrame, factors: FactorSet) -> pd.DataFrame:
    """Energy use in GJ (net calorific value) per row: physical quantity x NCV.

    Energy-valued rows (tce converted at the edge, electricity, heat) are kept as they
    are.  For decompositions (LMDI) that need every carrier in one energy unit.
    Output: ``year, sector, fuel, value, unit`` with unit ``GJ``.
    """
    values, dims = _canonical(activity)
    fuels = activity["fuel"].astype(str).to_numpy()
    gj = values.copy()
    phys = dims != "energy"
    for f in pd.unique(fuels[phys]):
        mask = (fuels == f) & phys
        entry = factors.get(str(f))
        physical_dim = "mass" if entry.physical_unit == "t" else "volume"
        if (dims[mask] != physical_dim).any():
            raise InputError(
                f"fuel '{f}' is given in {sorted(set(dims[mask]))} but its NCV is per "
                f"{entry.physical_unit}",
                fix=f"give {f} in {entry.physical_unit} or in tce",
            )
        gj[mask] = values[mask] * entry.ncv_gj_per_unit
    return pd.DataFrame(
        {
            "year": activity["year"].astype(int).to_numpy(),
            "sector": activity["sector"].astype(str).to_numpy(),
            "fuel": fuels,
            "value": gj,
            "unit": "GJ",
        }
    )
