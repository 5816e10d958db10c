"""Indicators per year and scope (member sector, group, all members = "modern",
reference) and the ranks of the member sectors.

- intensity = CO2 / output value x 1e8 (t CO2 per 100 million yuan, as in the paper),
- energy (tce) = energy_total of economy.csv / 29.3076 where given, else the sum of the
  energy table in tce (fuels by their tce factors, electricity and heat at calorific
  equivalent); efficiency = output value / energy (yuan per tce),
- CO2 per employee (t), electricity per output (kWh per 10^4 yuan),
- share of the reference = CO2 of the scope / CO2 of the reference row.

A scope's sum is NaN unless every sector of the scope has a value.  Ranks are among the
member sectors per year (1 = highest intensity / highest efficiency; ties share the
lowest rank).  A zero output value or employment is an input error located at its
economy.csv row; an indicator that overflows is one at its most extreme input row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from carbonpath.accounting.aggregate import SectorRoles
from carbonpath.accounting.emissions import activity_tce
from carbonpath.accounting.factors import NON_COMBUSTION, FactorSet
from carbonpath.accounting.overflow import overflow_error
from carbonpath.core.errors import InputError, StudyError
from carbonpath.core.units import KWH_GJ, TCE_GJ, parse_unit

__all__ = ["COLUMNS", "EnergyUse", "efficiency_energy_text", "indicator_table"]

COLUMNS = [
    "year", "scope", "scope_type", "co2_t", "output_value_yuan",
    "intensity_t_per_1e8_yuan", "energy_tce", "efficiency_yuan_per_tce", "employment",
    "co2_per_employee_t", "electricity_kwh", "electricity_kwh_per_1e4_yuan",
    "share_of_reference",
]  # fmt: skip

#: the inputs of each indicator: economy variables, and energy rows ("combustion":
#: the fuels burnt, "all": every carrier, "electricity", or none)
_INPUTS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "co2_t": ((), "combustion"),
    "output_value_yuan": (("output_value",), None),
    "intensity_t_per_1e8_yuan": (("output_value",), "combustion"),
    "energy_tce": (("energy_total",), "all"),
    "efficiency_yuan_per_tce": (("output_value", "energy_total"), "all"),
    "employment": (("employment",), None),
    "co2_per_employee_t": (("employment",), "combustion"),
    "electricity_kwh": ((), "electricity"),
    "electricity_kwh_per_1e4_yuan": (("output_value",), "electricity"),
    "share_of_reference": ((), "combustion"),
}


#: each indicator in words, for messages
_WORDS = {
    "co2_t": "the CO2",
    "output_value_yuan": "the output value",
    "intensity_t_per_1e8_yuan": "the CO2 intensity",
    "energy_tce": "the energy use",
    "efficiency_yuan_per_tce": "the energy efficiency",
    "employment": "the employment",
    "co2_per_employee_t": "the CO2 per employee",
    "electricity_kwh": "the electricity use",
    "electricity_kwh_per_1e4_yuan": "the electricity per output value",
    "share_of_reference": "the share of the reference row",
}


def scope_words(scope: str) -> str:
    """``sector 26``, ``group electronics``, ``the member sectors``, ``the reference row``."""
    if scope == "modern":
        return "the member sectors"
    if scope == "reference":
        return "the reference row"
    if scope.startswith("group:"):
        return f"group {scope[len('group:') :]}"
    return f"sector {scope}"


def economy_series(economy: pd.DataFrame, variable: str) -> pd.Series:
    """``variable`` summed per (year, sector) (NaN when every row is NaN)."""
    sub = economy.loc[economy["variable"] == variable]
    if sub.empty:
        return pd.Series(dtype=float)
    s = sub.groupby(["year", "sector"])["value"].sum(min_count=1)
    s.index = pd.MultiIndex.from_arrays(
        [s.index.get_level_values(0).astype(int), s.index.get_level_values(1).astype(str)],
        names=["year", "sector"],
    )
    return s.astype(float)


def _scope_sum(s: dict[tuple[int, str], float], year: int, codes: list[str]) -> float:
    """Sum over ``codes`` for ``year``; NaN unless every code has a value."""
    vals = []
    for c in codes:
        v = s.get((year, c), np.nan)
        if v is None or not np.isfinite(v):
            return float("nan")
        vals.append(float(v))
    return float(sum(vals)) if vals else float("nan")


@dataclass
class EnergyUse:
    """Energy of the sectors in tce and electricity in kWh, per (year, sector).

    ``sources`` collects where the energy of the scopes came from (``energy_total``,
    ``fuels``) as the table is built.
    """

    energy_total: dict[tuple[int, str], float]
    fuel_tce: dict[tuple[int, str], float]
    electricity_kwh: dict[tuple[int, str], float]
    has_electricity: bool
    sources: set[str] = field(default_factory=set)

    @classmethod
    def of(
        cls, energy: pd.DataFrame | None, economy: pd.DataFrame, factors: FactorSet
    ) -> EnergyUse:
        """From the energy table (None in inventory mode) and economy.csv's energy_total."""
        energy_total = economy_series(economy, "energy_total").to_dict()
        if energy is None:
            return cls(energy_total, {}, {}, False)
        tce = activity_tce(energy, factors)
        fuel_tce = tce.groupby(["year", "sector"])["tce"].sum(min_count=1).to_dict()
        el = energy[energy["fuel"] == "electricity"]
        if el.empty:
            return cls(energy_total, fuel_tce, {}, False)
        gj = el["value"].to_numpy(dtype=float) * np.array(
            [parse_unit(u).factor for u in el["unit"].astype(str)]
        )
        kwh = (
            pd.DataFrame(
                {
                    "year": el["year"].astype(int).to_numpy(),
                    "sector": el["sector"].astype(str).to_numpy(),
                    "kwh": gj / KWH_GJ,
                }
            )
            .groupby(["year", "sector"])["kwh"]
            .sum()
        )
        return cls(energy_total, fuel_tce, kwh.to_dict(), True)

    def tce(self, year: int, code: str) -> float:
        """energy_total / 29.3076 where given, else the energy table in tce, else NaN."""
        v = self.energy_total.get((year, code), np.nan)
        if v is not None and np.isfinite(v):
            self.sources.add("energy_total")
            return float(v) / TCE_GJ
        w = self.fuel_tce.get((year, code), np.nan)
        if w is not None and np.isfinite(w):
            self.sources.add("fuels")
            return float(w)
        return float("nan")

    def kwh(self, year: int, code: str) -> float:
        """Electricity (kWh); 0 for a sector without electricity rows, NaN without any."""
        if not self.has_electricity:
            return float("nan")
        return float(self.electricity_kwh.get((year, code), 0.0))


def efficiency_energy_text(sources: set[str]) -> str:
    """Where the energy of the efficiency indicator came from, in words."""
    if sources == {"energy_total"}:
        return "energy_total from economy.csv (GJ / 29.3076 = tce)"
    if sources == {"fuels"}:
        return (
            "sum of the energy table in tce: combustion fuels via their tce factors, "
            "electricity and heat at calorific equivalent (1 tce = 29.3076 GJ)"
        )
    if sources:
        return "energy_total from economy.csv where given, else the sum of the energy table in tce"
    return "none available"


def _zero_error(
    economy: pd.DataFrame, variable: str, year: int, codes: list[str], message: str, fix: str
) -> InputError:
    """An error for a zero denominator, located at the economy.csv row when known."""
    if {"file", "line"} <= set(economy.columns):
        hit = economy[
            (economy["variable"] == variable)
            & (economy["year"] == year)
            & (economy["sector"].isin(codes))
            & (economy["value"] == 0)
        ]
        if not hit.empty and pd.notna(hit["line"].iloc[0]):
            return StudyError(
                message,
                file=str(hit["file"].iloc[0]),
                row=int(hit["line"].iloc[0]),
                column="value",
                fix=fix,
            )
    return InputError(message, fix=fix)


def _check_denominators(
    economy: pd.DataFrame,
    y: int,
    scope: str,
    stype: str,
    codes: list[str],
    out_v: float,
    emp: float,
) -> None:
    """Output value and employment of a scope must not be 0 (they divide)."""
    if np.isfinite(out_v) and out_v == 0.0:
        name = scope if stype != "sector" else f"sector {scope}"
        raise _zero_error(
            economy,
            "output_value",
            y,
            codes,
            f"{name}, year {y}: output value is 0, so CO2 intensity (t per 100 million "
            "yuan) and energy efficiency are undefined",
            "correct output_value in economy.csv (or add a corrections.csv row with a "
            "reason); a sector without output cannot have an intensity",
        )
    if np.isfinite(emp) and emp == 0.0:
        raise _zero_error(
            economy,
            "employment",
            y,
            codes,
            f"{scope}, year {y}: employment is 0, so CO2 per employee is undefined",
            "correct employment in economy.csv",
        )


@dataclass(frozen=True)
class _Inputs:
    """Per (year, sector) inputs of the indicators."""

    co2: dict[tuple[int, str], float]
    output: dict[tuple[int, str], float]
    employment: dict[tuple[int, str], float]
    energy: EnergyUse
    reference: str | None


def _record(
    inp: _Inputs, economy: pd.DataFrame, y: int, scope: str, stype: str, codes: list[str]
) -> dict | None:
    """One row of the indicator table (None when no sector of the scope has CO2)."""
    co2_vals = [inp.co2.get((y, c), np.nan) for c in codes]
    if all(not np.isfinite(v) for v in co2_vals):
        return None
    co2 = float(np.nansum(co2_vals))
    out_v = _scope_sum(inp.output, y, codes) if inp.output else float("nan")
    emp = _scope_sum(inp.employment, y, codes) if inp.employment else float("nan")
    _check_denominators(economy, y, scope, stype, codes, out_v, emp)
    e_vals = [inp.energy.tce(y, c) for c in codes]
    e_tce = float(sum(e_vals)) if all(np.isfinite(e_vals)) else float("nan")
    el_vals = [inp.energy.kwh(y, c) for c in codes]
    el_kwh = float(sum(el_vals)) if all(np.isfinite(el_vals)) else float("nan")
    ref = inp.reference
    ref_c = inp.co2.get((y, ref), np.nan) if ref else np.nan
    has_out = np.isfinite(out_v)
    return {
        "year": y,
        "scope": scope,
        "scope_type": stype,
        "co2_t": co2,
        "output_value_yuan": out_v,
        "intensity_t_per_1e8_yuan": co2 / out_v * 1e8 if has_out else np.nan,
        "energy_tce": e_tce,
        "efficiency_yuan_per_tce": (
            out_v / e_tce if has_out and np.isfinite(e_tce) and e_tce > 0 else np.nan
        ),
        "employment": emp,
        "co2_per_employee_t": co2 / emp if np.isfinite(emp) else np.nan,
        "electricity_kwh": el_kwh,
        "electricity_kwh_per_1e4_yuan": (
            el_kwh / (out_v / 1e4) if has_out and np.isfinite(el_kwh) else np.nan
        ),
        "share_of_reference": co2 / ref_c if ref and np.isfinite(ref_c) and ref_c > 0 else np.nan,
    }


def scope_definitions(roles: SectorRoles) -> list[tuple[str, str, list[str]]]:
    """``(scope, scope_type, sector codes)``: each member, each group, modern, reference."""
    members = list(roles.members)
    defs: list[tuple[str, str, list[str]]] = [(m, "sector", [m]) for m in members]
    defs += [
        (f"group:{g}", "group", [m for m in members if roles.group_of[m] == g])
        for g in roles.groups
    ]
    defs.append(("modern", "modern", members))
    if roles.reference is not None:
        defs.append(("reference", "reference", [roles.reference]))
    return defs


def _ranks(table: pd.DataFrame) -> pd.DataFrame:
    """Ranks of the member sectors per year (1 = highest; ties share the lowest)."""
    table["rank_intensity"] = pd.array([pd.NA] * len(table), dtype="Int64")
    table["rank_efficiency"] = pd.array([pd.NA] * len(table), dtype="Int64")
    is_sec = table["scope_type"] == "sector"
    for col, rank_col in (
        ("intensity_t_per_1e8_yuan", "rank_intensity"),
        ("efficiency_yuan_per_tce", "rank_efficiency"),
    ):
        r = table.loc[is_sec].groupby("year")[col].rank(ascending=False, method="min")
        table.loc[r.index, rank_col] = r.astype("Int64")
    return table


def _input_rows(
    economy: pd.DataFrame, energy_rows: pd.DataFrame, year: int, codes: list[str], column: str
) -> pd.DataFrame:
    """The input rows an indicator of ``codes`` in ``year`` is computed from."""
    variables, fuels = _INPUTS[column]
    econ = economy[
        (economy["year"] == year)
        & economy["sector"].isin(codes)
        & economy["variable"].isin(variables)
    ]
    en = energy_rows[(energy_rows["year"] == year) & energy_rows["sector"].isin(codes)]
    if fuels is None:
        en = en.iloc[0:0]
    elif fuels == "combustion":
        en = en[~en["fuel"].isin(NON_COMBUSTION)]
    elif fuels != "all":
        en = en[en["fuel"] == fuels]
    return pd.concat([econ, en], ignore_index=True)


def _check_finite(
    table: pd.DataFrame,
    defs: list[tuple[str, str, list[str]]],
    roles: SectorRoles,
    economy: pd.DataFrame,
    energy_rows: pd.DataFrame,
) -> None:
    """An infinite indicator is an input error at the most extreme of its inputs."""
    codes_of = {scope: codes for scope, _, codes in defs}
    for column in _INPUTS:
        bad = np.isinf(table[column].to_numpy(dtype=float))
        if not bad.any():
            continue
        hit = table.loc[bad].iloc[0]
        codes = list(codes_of[hit["scope"]])
        if column == "share_of_reference" and roles.reference:
            codes.append(roles.reference)
        rows = _input_rows(economy, energy_rows, int(hit["year"]), codes, column)
        what = f"{_WORDS[column]} of {scope_words(str(hit['scope']))} in {int(hit['year'])}"
        raise overflow_error(what, rows)


def indicator_table(
    co2_sector: dict[tuple[int, str], float],
    years: list[int],
    roles: SectorRoles,
    economy: pd.DataFrame,
    energy: EnergyUse,
    energy_rows: pd.DataFrame,
) -> pd.DataFrame:
    """The indicators per year and scope, with the members' ranks (see the module).

    ``energy_rows``: the rows of the energy table (or of the inventory, with ``value`` =
    CO2), ``year, sector, fuel, value, unit, file, line``, for locating an overflow.
    """
    inp = _Inputs(
        co2_sector,
        economy_series(economy, "output_value").to_dict(),
        economy_series(economy, "employment").to_dict(),
        energy,
        roles.reference,
    )
    defs = scope_definitions(roles)
    recs = []
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        for y in years:
            for scope, stype, codes in defs:
                rec = _record(inp, economy, y, scope, stype, codes)
                if rec is not None:
                    recs.append(rec)
    table = pd.DataFrame(recs, columns=COLUMNS)
    _check_finite(table, defs, roles, economy, energy_rows)
    return _ranks(table)
