"""The accounting step: a study's CO2 by fuel, sector, group and total, its indicators,
optional scope 2 and the IPCC uncertainty, as :class:`EmissionsResults`.

``run(study, settings, *, factors, seed)`` reads the study's tables (``sectors``,
``energy``, ``economy``, ``emissions_inventory``, ``corrections``) and feeds the method
modules: :mod:`.emissions` (CO2 per row, the physical quantity rules), :mod:`.aggregate`
(sums), :mod:`.indicators` (intensities, efficiencies, ranks), :mod:`.scope2` and
:mod:`.uncertainty_study`.  ``factors`` is the study's resolved :class:`FactorSet`
(resolved once per run).  ``results.to_dict()`` is the ``emissions`` section of
results.json.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from carbonpath.accounting.aggregate import SectorRoles, aggregate, yoy_by_fuel
from carbonpath.accounting.emissions import row_emissions
from carbonpath.accounting.facilities import facility_co2, with_u_scale
from carbonpath.accounting.factors import NON_COMBUSTION, FactorSet
from carbonpath.accounting.indicators import EnergyUse, efficiency_energy_text, indicator_table
from carbonpath.accounting.overflow import overflow_error
from carbonpath.accounting.results import (
    AccountingEcho,
    EmissionsResults,
    Scope2Results,
    UncertaintyResults,
)
from carbonpath.accounting.scope2 import compute_scope2
from carbonpath.accounting.settings import AccountingSettings, Scope2Settings
from carbonpath.accounting.uncertainty_study import study_uncertainty
from carbonpath.core.errors import InputError

__all__ = ["run", "run_one"]

INTENSITY_UNIT = "t CO2 per 100 million yuan of output value"
INVENTORY_MISSING = (
    "energy-based indicators need energy data: energy_tce and efficiency come only "
    "from energy_total in economy.csv where given",
    "electricity_kwh and electricity_kwh_per_1e4_yuan (no energy data)",
    "scope2 (no electricity/heat data)",
    "factor set not applied: emissions are taken from the inventory",
)
_ROW_COLUMNS = ["year", "sector", "fuel", "value", "unit", "source_unit", "file", "line"]


def _with_origin(table: pd.DataFrame | None, corrections: list[dict[str, Any]], key: str) -> Any:
    """The table with each corrected value located at its corrections.csv row.

    Messages about a value then name the file and line the value came from.
    """
    if table is None or not corrections or "corrected" not in table.columns:
        return table
    where = {
        (int(c["year"]), str(c["sector"]), str(c["variable"])): (c.get("file"), c.get("line"))
        for c in corrections
    }
    out = table.copy()
    for i in np.flatnonzero(out["corrected"].to_numpy(dtype=bool)):
        cell = (int(out["year"].iat[i]), str(out["sector"].iat[i]), str(out[key].iat[i]))
        if cell in where and "file" in out.columns:
            out.iloc[i, out.columns.get_loc("file")] = where[cell][0]
            out.iloc[i, out.columns.get_loc("line")] = where[cell][1]
    return out


#: the one "sector" of a region-level study (no sectors.csv): the whole region
WHOLE_REGION = pd.DataFrame(
    {"code": [""], "name": ["whole region"], "group": ["region"], "role": ["member"]}
)


def _sectors(sectors: pd.DataFrame) -> pd.DataFrame:
    """The sectors; a region-level study (none) is accounted as one member, the
    region-level rows (sector ``""``)."""
    return WHOLE_REGION if sectors.empty else sectors


def _input_rows(table: pd.DataFrame, value: str = "value") -> pd.DataFrame:
    """``year, sector, fuel, value, unit, file, line`` of an input table."""
    out = pd.DataFrame({c: table[c] for c in _ROW_COLUMNS if c in table.columns})
    if value != "value":
        out["value"] = table[value].to_numpy(dtype=float)
        out["unit"] = "t CO2"
    return out


def _inventory_co2(inventory: pd.DataFrame | None) -> pd.DataFrame:
    """CO2 by year x sector x fuel of an emissions inventory (values >= 0)."""
    if inventory is None:
        raise InputError(
            "accounting source is 'inventory' but the study has no emissions inventory",
            fix="add emissions.csv (year,sector,fuel,value,unit) or energy.csv",
        )
    inv = inventory.loc[:, ["year", "sector", "fuel", "co2_t"]].copy()
    if inv["co2_t"].isna().any() or (inv["co2_t"] < 0).any():
        r = inv[inv["co2_t"].isna() | (inv["co2_t"] < 0)].iloc[0]
        raise InputError(
            f"inventory: year {r['year']}, sector {r['sector']}, {r['fuel']}: "
            f"emissions {r['co2_t']} are missing or negative",
            fix="give combustion CO2 as a number >= 0",
        )
    inv["year"] = inv["year"].astype(int)
    inv["sector"] = inv["sector"].astype(str)
    by_fuel = inv.groupby(["year", "sector", "fuel"], as_index=False, sort=True)["co2_t"].sum()
    if np.isinf(by_fuel["co2_t"].to_numpy(dtype=float)).any():
        hit = by_fuel[np.isinf(by_fuel["co2_t"].to_numpy(dtype=float))].iloc[0]
        cand = inventory[
            (inventory["year"] == hit["year"])
            & (inventory["sector"] == hit["sector"])
            & (inventory["fuel"] == hit["fuel"])
        ]
        raise overflow_error(
            f"the CO2 of year {hit['year']}, sector {hit['sector']}, {hit['fuel']}",
            _input_rows(cand, "co2_t"),
        )
    return by_fuel


def _co2_by_fuel(
    study: Any, mode: str, factors: FactorSet, energy: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(CO2 by year x sector x fuel, the input rows it came from)."""
    if mode == "energy":
        if energy is None:
            raise InputError(
                "accounting source is 'energy' but the study has no energy table",
                fix='add energy.csv or set [accounting] source = "inventory"',
            )
        rows = row_emissions(energy, factors)
        by_fuel = rows.groupby(["year", "sector", "fuel"], as_index=False, sort=True)["co2_t"].sum()
        if np.isinf(by_fuel["co2_t"].to_numpy(dtype=float)).any():
            hit = by_fuel[np.isinf(by_fuel["co2_t"].to_numpy(dtype=float))].iloc[0]
            cand = rows[
                (rows["year"] == hit["year"])
                & (rows["sector"] == hit["sector"])
                & (rows["fuel"] == hit["fuel"])
            ]
            where = f"year {hit['year']}, sector {hit['sector']}, {hit['fuel']}"
            raise overflow_error(f"the CO2 of {where}", _input_rows(cand))
        return by_fuel.reset_index(drop=True), _input_rows(energy)
    inventory = study.emissions_inventory
    by_fuel = _inventory_co2(inventory)
    return by_fuel.reset_index(drop=True), _input_rows(inventory, "co2_t")


def _scope2(
    s2: Scope2Settings, mode: str, energy: pd.DataFrame | None, reported: list[str]
) -> tuple[Scope2Results, list[str]]:
    """Scope 2 when asked for and possible, and its warnings."""
    if not (s2.enabled and mode == "energy" and energy is not None):
        reason = "scope 2 needs electricity and heat from an energy table" if s2.enabled else None
        return Scope2Results.disabled(s2.grid if s2.enabled else None, reason), []
    res = compute_scope2(energy[energy["sector"].astype(str).isin(reported)], s2.grid, s2.year)
    notes = res.factors_used["note"] if "note" in res.factors_used else []
    return res, [f"scope 2: {n}" for n in notes if n]


def _factor_table(factors: FactorSet, by_fuel: pd.DataFrame, mode: str) -> pd.DataFrame:
    """The factors of the fuels used (energy mode), in the set's order."""
    fuels = set(by_fuel["fuel"])
    used = [f for f in factors.fuels if f in fuels] if mode == "energy" else []
    keys = (
        "fuel", "label", "ncv", "ncv_unit", "carbon_content", "oxidation", "co2_factor",
        "unit", "tce_factor", "co2_per_tce", "co2_per_gj", "source", "origin",
        "tce_ncv_gap_pct", "note",
    )  # fmt: skip
    rows = []
    for f in used:
        rec = factors.get(f).record()
        rec["unit"] = rec["co2_factor_unit"]
        rows.append({k: rec[k] for k in keys})
    return pd.DataFrame(rows)


def run(
    study: Any,
    settings: AccountingSettings,
    *,
    factors: FactorSet,
    seed: int | None = None,
) -> EmissionsResults:
    """Account a study's CO2 emissions (see the module docstring and docs/methods).

    ``factors``: the resolved factor set (``resolve_factor_set(settings.factor_set,
    study.factors_override)``); ``seed``: of the Monte Carlo draws (default the study's).
    A panel study (``study.is_panel``) is accounted region by region
    (:func:`carbonpath.accounting.panel_step.run_panel`).
    """
    seed = int(study.seed if seed is None else seed)
    if getattr(study, "is_panel", False):
        from carbonpath.accounting.panel_step import run_panel

        return run_panel(study, settings, factors=factors, seed=seed, run_one=run_one)
    return run_one(study, settings, factors=factors, seed=seed)


def run_one(
    study: Any,
    settings: AccountingSettings,
    *,
    factors: FactorSet,
    seed: int,
) -> EmissionsResults:
    """The accounting of one region (the tables of ``study`` have no region column)."""
    mode = settings.source or ("energy" if study.energy is not None else "inventory")
    roles = SectorRoles.of(_sectors(study.sectors))
    corrections = list(getattr(study, "corrections", []) or [])
    energy = _with_origin(study.energy, corrections, "fuel")
    economy = _with_origin(study.economy, corrections, "variable")
    missing: list[str] = list(INVENTORY_MISSING) if mode == "inventory" else []

    by_fuel, rows = _co2_by_fuel(study, mode, factors, energy)
    years = sorted(by_fuel["year"].astype(int).unique().tolist())
    combustion = rows[~rows["fuel"].isin(NON_COMBUSTION)] if "fuel" in rows else rows
    agg = aggregate(by_fuel, roles, combustion)
    if roles.reference is None:
        missing.append("share_of_reference (sectors.csv marks no reference row)")

    use = EnergyUse.of(energy if mode == "energy" else None, economy, factors)
    if mode == "energy" and energy is not None and not use.has_electricity:
        missing.append("electricity_kwh (the energy table has no electricity rows)")
    if (economy["variable"] == "output_value").sum() == 0:
        missing.append("intensity and efficiency (economy.csv has no output_value)")
    if (economy["variable"] == "employment").sum() == 0:
        missing.append("co2_per_employee_t (economy.csv has no employment)")
    intensity = indicator_table(agg.co2_sector, years, roles, economy, use, rows)

    reported = roles.reported
    yoy = yoy_by_fuel(by_fuel[by_fuel["sector"].isin(reported)], years)
    scope2, warnings = _scope2(settings.scope2, mode, energy, reported)
    cells = by_fuel[by_fuel["sector"].isin(reported)].reset_index(drop=True)
    source_table = energy if mode == "energy" else study.emissions_inventory
    cells = with_u_scale(cells, source_table)
    if settings.uncertainty.enabled and not by_fuel.empty:
        output = (
            intensity.set_index(["year", "scope"])["output_value_yuan"]
            if not intensity.empty
            else pd.Series(dtype=float)
        )
        uncertainty = study_uncertainty(
            cells,
            output,
            roles,
            factors,
            settings.uncertainty,
            seed=seed,
            mode=mode,
            rows=combustion,
        )
    else:
        uncertainty = UncertaintyResults.disabled(settings.uncertainty)

    table = _factor_table(factors, by_fuel, mode)
    echo = AccountingEcho(
        factor_set=factors.name,
        overrides=factors.overrides,
        factors=table,
        efficiency_energy=efficiency_energy_text(use.sources),
        mode=mode,
        non_combustion=NON_COMBUSTION,
        intensity_unit=INTENSITY_UNIT,
        missing=tuple(missing),
    )
    return EmissionsResults(
        by_sector=agg.by_sector,
        by_fuel=by_fuel,
        by_group=agg.by_group,
        total=agg.total,
        intensity=intensity,
        yoy_by_fuel=yoy,
        factors=table,
        scope2=scope2,
        uncertainty=uncertainty,
        settings=echo,
        factor_set=factors,
        warnings=tuple(warnings),
        by_facility=facility_co2(getattr(study, "facilities", None), factors, mode),
    )
