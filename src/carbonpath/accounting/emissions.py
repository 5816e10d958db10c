"""Scope-1 CO2 and energy use from a tidy activity table.

Input: ``year, sector, fuel, value, unit[, dimension, file, line]`` with values in
canonical units (mass ``t``, volume ``m3``, energy ``GJ``; other unit strings are
converted with :func:`carbonpath.core.units.parse_unit`).

The physical quantity rules.  A combustion fuel's amount is its physical quantity q (t,
or m3 for gases).  A row in mass or volume gives q directly; a row in an energy unit
(tce, 万吨标准煤, GJ ...) is standard-coal equivalent, converted to GJ at the edge
(1 tce = 29.3076 GJ), and gives q through the fuel's tce factor:
``q = GJ / 29.3076 / tce_per_unit``.  Then, whichever unit the row was reported in,

- CO2 = q x EF                    (EF in t CO2 per t or per m3),
- energy in tce = q x tce_per_unit,
- energy in GJ  = q x NCV         (net calorific value, GJ per t or per m3).

So a fuel reported in tonnes and the same fuel reported in tce give the same CO2, the
same tce and the same GJ, also for a set whose NCV and tce factor disagree (fuel oil of
``cn-provincial-2011``: 41,816 kJ/kg against 1.4286 x 29,307.6 = 41,869 kJ/kg).  The
two energy measures differ by that gap; both are as published.

``electricity`` and ``heat`` are not burnt on site: no scope-1 CO2 (see scope 2); in
tce and GJ they count at their calorific equivalent.  A product that overflows is an
input error located at its row (or at the factor, when the factor is the absurd one).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonpath.accounting.factors import NON_COMBUSTION, FactorSet, Fuel, unknown_fuel_error
from carbonpath.accounting.overflow import (
    VALUE_FIX,
    magnitude,
    row_location,
    row_text,
    shown_value,
)
from carbonpath.core.errors import InputError, StudyError
from carbonpath.core.units import TCE_GJ, parse_unit

OUTPUT_COLUMNS = ["year", "sector", "fuel", "co2_t"]
#: what each measure is, for messages, and its unit per canonical unit of a row
_MEASURES = {"co2": "CO2", "tce": "energy in tce", "gj": "energy in GJ"}
_PER_UNIT = {"co2": "t CO2", "tce": "tce", "gj": "GJ"}
_CANONICAL_UNIT = {"mass": "t", "volume": "m3", "energy": "GJ"}


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


def _physical_dim(entry: Fuel) -> str:
    return "mass" if entry.physical_unit == "t" else "volume"


def _wrong_dimension(act: pd.DataFrame, i: int, dim: str, entry: Fuel, set_name: str) -> InputError:
    """A fuel given in a unit that is neither its physical unit nor an energy unit."""
    r = act.iloc[i]
    f, physical_dim = entry.fuel, _physical_dim(entry)
    if entry.physical_unit == "m3" and dim == "mass":
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
    return InputError(
        f"year {r['year']}, sector {r['sector']}: fuel '{f}' is given in "
        f"'{r['unit']}' ({dim}) but its factor in set '{set_name}' is per "
        f"{entry.physical_unit} ({physical_dim})",
        fix=fix,
    )


def _no_tce_factor(entry: Fuel, set_name: str) -> InputError:
    return InputError(
        f"fuel '{entry.fuel}' is given in energy units but factor set '{set_name}' has no "
        "tce_factor for it",
        fix=f"add tce_factor for it in factors.csv, or give the fuel in {entry.physical_unit}",
    )


def _coefficient(entry: Fuel, energy_rows: bool, measure: str, set_name: str) -> float:
    """What one canonical unit of a row of ``entry`` is worth in ``measure``.

    Physical rows: EF, tce per unit, NCV.  Energy rows (GJ of coal equivalent): EF per GJ
    (= EF / tce per unit / 29.3076), 1 / 29.3076, NCV / (tce per unit x 29.3076).
    """
    if not energy_rows:
        value = {
            "co2": entry.co2_per_unit,
            "tce": entry.tce_per_unit,
            "gj": entry.ncv_gj_per_unit,
        }[measure]
        return np.nan if value is None else float(value)
    if measure == "tce":
        return 1.0 / TCE_GJ
    value = entry.co2_per_gj if measure == "co2" else entry.ncv_per_coal_equivalent
    if value is None:
        raise _no_tce_factor(entry, set_name)
    return float(value)


def _product_overflow(
    act: pd.DataFrame, i: int, value: float, k: float, entry: Fuel | None, measure: str, dim: str
) -> InputError:
    """``value x k`` overflowed (``value`` canonical, of dimension ``dim``): name the
    value's row, or the factor's row when the factor is the more extreme of the two
    (orders of magnitude away from 1)."""
    r = act.iloc[i]
    what = f"{_MEASURES[measure]} of {row_text(r)}"
    unit = _CANONICAL_UNIT.get(dim, "")
    if entry is not None and entry.file and magnitude(k) > magnitude(value):
        column = max(
            ("ncv", "carbon_content", "oxidation", "tce_factor"),
            key=lambda c: magnitude(getattr(entry, c) or 1.0),
        )
        return StudyError(
            f"fuel '{entry.fuel}': {column} {getattr(entry, column)!r} makes {what} "
            f"({value:g} {unit} x {k:g} {_PER_UNIT[measure]}/{unit}) too large to represent "
            "(overflow)",
            file=entry.file,
            row=entry.row,
            column=column,
            fix=f"give {column} in its documented unit (`carbonpath factors` shows them)",
        )
    message = (
        f"{row_text(r)}: value {shown_value(r)} makes its {_MEASURES[measure]} too large to "
        "represent (overflow)"
    )
    file, line = row_location(r)
    if file is None:
        return InputError(message, fix=VALUE_FIX)
    return StudyError(message, file=file, row=line, column="value", fix=VALUE_FIX)


def _apply(
    act: pd.DataFrame,
    values: np.ndarray,
    dims: np.ndarray,
    factors: FactorSet,
    measure: str,
) -> np.ndarray:
    """``measure`` (co2, tce or gj) of every row by the physical quantity rules.

    Rows of fuels outside the set must be energy rows of electricity or heat (counted at
    their calorific equivalent; not for CO2).  Energy rows in tce: GJ / 29.3076.
    """
    fuels = act["fuel"].astype(str).to_numpy()
    out = np.full(len(values), np.nan)
    with np.errstate(over="ignore"):  # an overflow is reported by _check_finite
        for f in pd.unique(fuels):
            _apply_fuel(act, fuels == f, values, dims, factors, measure, out)
    _check_finite(act, values, out, dims, factors, measure)
    return out


def _apply_fuel(
    act: pd.DataFrame,
    mask: np.ndarray,
    values: np.ndarray,
    dims: np.ndarray,
    factors: FactorSet,
    measure: str,
    out: np.ndarray,
) -> None:
    """Fill ``out`` for the rows in ``mask`` (one fuel); see :func:`_apply`."""
    f = str(act["fuel"].iloc[int(np.flatnonzero(mask)[0])])
    energy = dims == "energy"
    if f in NON_COMBUSTION and f not in factors and bool(energy[mask].all()):
        out[mask] = values[mask] / TCE_GJ if measure == "tce" else values[mask]
        return
    entry = factors.get(f)
    ok_phys = mask & (dims == _physical_dim(entry))
    wrong = mask & ~ok_phys & ~energy
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise _wrong_dimension(act, i, str(dims[i]), entry, factors.name)
    out[ok_phys] = values[ok_phys] * _coefficient(entry, False, measure, factors.name)
    ok_energy = mask & energy
    if not ok_energy.any():
        return
    if measure == "tce":
        out[ok_energy] = values[ok_energy] / TCE_GJ
    else:
        out[ok_energy] = values[ok_energy] * _coefficient(entry, True, measure, factors.name)


def _check_finite(
    act: pd.DataFrame,
    values: np.ndarray,
    out: np.ndarray,
    dims: np.ndarray,
    factors: FactorSet,
    measure: str,
) -> None:
    """An infinite product is an input error at its row (or at its factor)."""
    bad = np.isinf(out)
    if not bad.any():
        return
    i = int(np.flatnonzero(bad)[0])
    fuel = str(act["fuel"].iloc[i])
    entry = factors.get(fuel) if fuel in factors else None
    k = out[i] / values[i] if values[i] else np.inf
    if entry is not None:
        k = _coefficient(entry, dims[i] == "energy", measure, factors.name)
    raise _product_overflow(act, i, float(values[i]), float(k), entry, measure, str(dims[i]))


def _prepared(
    activity: pd.DataFrame, factors: FactorSet
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Combustion rows, their canonical values and dimensions (checked)."""
    needed = {"year", "sector", "fuel", "value", "unit"}
    missing = needed - set(activity.columns)
    if missing:
        raise InputError(
            f"activity table lacks column(s) {', '.join(sorted(missing))}",
            fix="give year, sector, fuel, value, unit",
        )
    act = activity.loc[~activity["fuel"].astype(str).isin(NON_COMBUSTION)].reset_index(drop=True)
    for f in pd.unique(act["fuel"].astype(str)):
        if f not in factors:
            raise unknown_fuel_error(str(f), factors)
    values, dims = _canonical(act)
    _check_values(act, values)
    return act, values, dims


def row_emissions(activity: pd.DataFrame, factors: FactorSet) -> pd.DataFrame:
    """CO2 (t) of every combustion row: ``year, sector, fuel, co2_t`` plus the row's
    ``value``, ``unit``, ``file`` and ``line`` when the table has them (for locating)."""
    act, values, dims = _prepared(activity, factors)
    co2 = _apply(act, values, dims, factors, "co2") if len(act) else np.empty(0)
    out = pd.DataFrame(
        {
            "year": act["year"].astype(int).to_numpy(),
            "sector": act["sector"].astype(str).to_numpy(),
            "fuel": act["fuel"].astype(str).to_numpy(),
            "co2_t": co2,
        }
    )
    for col in ("value", "unit", "source_unit", "file", "line"):
        if col in act.columns:
            out[col] = act[col].to_numpy()
    return out


def compute_emissions(activity: pd.DataFrame, factors: FactorSet) -> pd.DataFrame:
    """CO2 (t) per year x sector x fuel from fuel consumption; see the module docstring."""
    rows = row_emissions(activity, factors)
    if rows.empty:
        return pd.DataFrame(
            {
                "year": pd.Series(dtype=int),
                "sector": pd.Series(dtype=str),
                "fuel": pd.Series(dtype=str),
                "co2_t": pd.Series(dtype=float),
            }
        )
    return rows.groupby(["year", "sector", "fuel"], as_index=False, sort=True)["co2_t"].sum()


def _energy_frame(activity: pd.DataFrame, name: str, values: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": activity["year"].astype(int).to_numpy(),
            "sector": activity["sector"].astype(str).to_numpy(),
            "fuel": activity["fuel"].astype(str).to_numpy(),
            name: values,
        }
    )


def activity_tce(activity: pd.DataFrame, factors: FactorSet) -> pd.DataFrame:
    """Energy use in tce per row, all carriers: ``year, sector, fuel, tce``.

    Physical rows: q x tce factor (NaN for a fuel without one); energy rows (electricity
    and heat at their calorific equivalent, fuels reported in tce): GJ / 29.3076.
    """
    values, dims = _canonical(activity)
    tce = _apply(activity, values, dims, factors, "tce")
    return _energy_frame(activity, "tce", tce)


def activity_gj(activity: pd.DataFrame, factors: FactorSet) -> pd.DataFrame:
    """Energy use in GJ (net calorific value) per row: q x NCV, all carriers.

    A fuel reported in tce is first turned into its physical quantity with its tce
    factor (the physical quantity rules); electricity and heat are kept as they are.
    For decompositions (LMDI) that need every carrier in one energy unit.
    Output: ``year, sector, fuel, value, unit`` with unit ``GJ``.
    """
    values, dims = _canonical(activity)
    gj = _apply(activity, values, dims, factors, "gj")
    out = _energy_frame(activity, "value", gj)
    out["unit"] = "GJ"
    return out
