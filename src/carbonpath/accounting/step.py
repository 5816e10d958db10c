"""Study-level emission accounting: CO2 by fuel, sector, group and total, indicators,
optional scope 2 and IPCC uncertainty, from a study's tidy tables.

``run_accounting`` feeds the method modules (:mod:`.factors`, :mod:`.emissions`,
:mod:`.scope2`, :mod:`.uncertainty`) and returns :class:`EmissionsResults`, whose
``to_dict()`` is the ``emissions`` section of results.json.  Indicators per year and
scope (member sector, group, all members = "modern", reference):

- intensity = CO2 / output value x 1e8 (t CO2 per 100 million yuan, as in the paper),
- efficiency = output value / energy (yuan per tce),
- CO2 per employee (t), electricity per output (kWh per 10^4 yuan),
- share of the reference = CO2 of the scope / CO2 of the reference row.

Ranks are among member sectors per year (1 = highest intensity / highest efficiency).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from carbonpath.accounting.emissions import activity_tce, compute_emissions
from carbonpath.accounting.factors import (
    DEFAULT_SET,
    NON_COMBUSTION,
    FactorSet,
    available_sets,
    resolve_factor_set,
)
from carbonpath.core.errors import InputError, StudyError
from carbonpath.core.units import KWH_GJ, TCE_GJ

FILE = "study.toml"
#: factor uncertainty (95% half-width, %) used for a fuel whose factor set gives no range
DEFAULT_FACTOR_PCT = 5.0
#: activity-data uncertainty (95% half-width, %) by default
DEFAULT_ACTIVITY_PCT = 5.0
DEFAULT_DRAWS = 10_000
CORRELATION_NOTE = (
    "activity data of each fuel x sector x year independent; the CO2 factor of a fuel is "
    "one uncertain quantity shared by all sectors and years; factors of different fuels "
    "independent; output value, employment and energy totals treated as exact"
)

_TOP_KEYS = ("factor_set", "source", "scope2", "uncertainty")
_SCOPE2_KEYS = ("enabled", "grid", "year")
_UNC_KEYS = ("enabled", "draws", "activity_pct", "factor_pct", "distribution", "trend")


def _err(key: str, msg: str, fix: str | None = None) -> StudyError:
    return StudyError(msg, file=FILE, key=f"accounting.{key}", fix=fix)


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


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def validate_config(raw: dict[str, Any] | None) -> dict[str, Any]:
    """Check the ``[accounting]`` section and fill defaults (idempotent).

    Keys: ``factor_set`` (default "cn-provincial-2011"), ``source`` ("energy" |
    "inventory"; default: energy when energy.csv exists), ``[accounting.scope2]``
    ``enabled`` (false), ``grid`` ("national"), ``year`` ("auto" or a year), and
    ``[accounting.uncertainty]`` ``enabled`` (true), ``draws`` (10000), ``activity_pct``
    (5), ``factor_pct`` (number or table fuel -> %; default from the factor set's ranges,
    else 5), ``distribution`` ("normal"), ``trend`` ([first, last]; default the first and
    last year with data).
    """
    from carbonpath.accounting.scope2 import available_grids
    from carbonpath.accounting.uncertainty import DISTRIBUTIONS
    from carbonpath.core.errors import suggest

    raw = dict(raw or {})
    for key in raw:
        if key not in _TOP_KEYS:
            raise _err(
                key, f"unknown key{suggest(key, _TOP_KEYS)}", f"keys are {', '.join(_TOP_KEYS)}"
            )
    out: dict[str, Any] = {}
    fs = raw.get("factor_set", DEFAULT_SET)
    if not isinstance(fs, str):
        raise _err("factor_set", "must be a string")
    sets = available_sets()
    if fs not in sets:
        raise _err(
            "factor_set",
            f"unknown factor set '{fs}'{suggest(fs, sets)}",
            f"choose one of {', '.join(sets)} (`carbonpath factors` prints them)",
        )
    out["factor_set"] = fs
    source = raw.get("source")
    if source is not None and source not in ("energy", "inventory"):
        raise _err("source", f'must be "energy" or "inventory", got {source!r}')
    out["source"] = source

    s2 = raw.get("scope2") or {}
    if not isinstance(s2, dict):
        raise _err("scope2", "must be a table ([accounting.scope2])")
    for key in s2:
        if key not in _SCOPE2_KEYS:
            raise _err(f"scope2.{key}", f"unknown key{suggest(key, _SCOPE2_KEYS)}")
    enabled = s2.get("enabled", False)
    if not isinstance(enabled, bool):
        raise _err("scope2.enabled", "must be true or false")
    grid = s2.get("grid", "national")
    grids = available_grids()
    if grid not in grids:
        raise _err(
            "scope2.grid",
            f"unknown grid '{grid}'{suggest(str(grid), grids)}",
            f"choose one of {', '.join(grids)}",
        )
    year = s2.get("year", "auto")
    if not (year == "auto" or (isinstance(year, int) and not isinstance(year, bool))):
        raise _err("scope2.year", f'must be "auto" or a year, got {year!r}')
    out["scope2"] = {"enabled": enabled, "grid": grid, "year": year}

    un = raw.get("uncertainty") or {}
    if not isinstance(un, dict):
        raise _err("uncertainty", "must be a table ([accounting.uncertainty])")
    for key in un:
        if key not in _UNC_KEYS:
            raise _err(f"uncertainty.{key}", f"unknown key{suggest(key, _UNC_KEYS)}")
    u_enabled = un.get("enabled", True)
    if not isinstance(u_enabled, bool):
        raise _err("uncertainty.enabled", "must be true or false")
    draws = un.get("draws", DEFAULT_DRAWS)
    if not isinstance(draws, int) or isinstance(draws, bool) or draws < 100:
        raise _err("uncertainty.draws", f"must be a whole number of at least 100, got {draws!r}")
    act = un.get("activity_pct", DEFAULT_ACTIVITY_PCT)
    if not _is_number(act) or act < 0:
        raise _err("uncertainty.activity_pct", f"must be a number >= 0 (percent), got {act!r}")
    fpct = un.get("factor_pct")
    if fpct is not None:
        if isinstance(fpct, dict):
            for fuel, v in fpct.items():
                if not _is_number(v) or v < 0:
                    raise _err(f"uncertainty.factor_pct.{fuel}", "must be a number >= 0 (percent)")
            fpct = {str(k): float(v) for k, v in fpct.items()}
        elif _is_number(fpct) and fpct >= 0:
            fpct = float(fpct)
        else:
            raise _err(
                "uncertainty.factor_pct",
                f"must be a number >= 0 or a table fuel = percent, got {fpct!r}",
            )
    dist = un.get("distribution", "normal")
    if dist not in DISTRIBUTIONS:
        raise _err(
            "uncertainty.distribution",
            f"unknown distribution {dist!r}{suggest(str(dist), DISTRIBUTIONS)}",
            f"choose one of {', '.join(DISTRIBUTIONS)}",
        )
    trend = un.get("trend")
    if trend is not None and not (
        isinstance(trend, list)
        and len(trend) == 2
        and all(isinstance(y, int) and not isinstance(y, bool) for y in trend)
        and trend[0] < trend[1]
    ):
        raise _err("uncertainty.trend", f"must be [first, last] years, got {trend!r}")
    out["uncertainty"] = {
        "enabled": u_enabled,
        "draws": int(draws),
        "activity_pct": float(act),
        "factor_pct": fpct,
        "distribution": dist,
        "trend": list(trend) if trend is not None else None,
    }
    return out


# ---------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class EmissionsResults:
    """Emission accounting results (frozen; plain data via ``to_dict()``)."""

    by_sector: pd.DataFrame
    by_fuel: pd.DataFrame
    by_group: pd.DataFrame
    total: pd.DataFrame
    intensity: pd.DataFrame
    yoy_by_fuel: pd.DataFrame
    scope2: dict[str, Any]
    uncertainty: dict[str, Any]
    settings: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        from carbonpath.core.results import jsonable

        return jsonable(
            {
                "by_sector": self.by_sector,
                "by_fuel": self.by_fuel,
                "by_group": self.by_group,
                "total": self.total,
                "intensity": self.intensity,
                "yoy_by_fuel": self.yoy_by_fuel,
                "scope2": self.scope2,
                "uncertainty": self.uncertainty,
                "settings": self.settings,
            }
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        """Result tables for CSV files and the workbook."""
        out = {
            "by_sector": self.by_sector,
            "by_fuel": self.by_fuel,
            "by_group": self.by_group,
            "total": self.total,
            "intensity": self.intensity,
            "yoy_by_fuel": self.yoy_by_fuel,
            "factors": pd.DataFrame(self.settings.get("factors", [])),
        }
        if self.scope2.get("enabled"):
            out["scope2"] = pd.DataFrame(self.scope2["records"])
        if self.uncertainty.get("enabled"):
            out["uncertainty_approach1"] = pd.DataFrame(self.uncertainty["approach1"])
            out["uncertainty_approach2"] = pd.DataFrame(self.uncertainty["approach2"])
        return out


def co2_by_sector_fuel(
    energy: pd.DataFrame,
    factor_set: str = DEFAULT_SET,
    factors_override: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """CO2 (t) per year x sector x fuel from an energy table (for LMDI and other analyses)."""
    return compute_emissions(energy, resolve_factor_set(factor_set, factors_override))


# ---------------------------------------------------------------------------
# helpers


def _roles(sectors: pd.DataFrame) -> tuple[list[str], str | None, dict[str, str], list[str]]:
    members = sectors.loc[sectors["role"] == "member", "code"].astype(str).tolist()
    refs = sectors.loc[sectors["role"] == "reference", "code"].astype(str).tolist()
    group_of = dict(
        zip(
            sectors.loc[sectors["role"] == "member", "code"].astype(str),
            sectors.loc[sectors["role"] == "member", "group"].astype(str),
            strict=True,
        )
    )
    groups = list(dict.fromkeys(group_of[m] for m in members))
    return members, (refs[0] if refs else None), group_of, groups


def _econ(economy: pd.DataFrame, variable: str) -> pd.Series:
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


def _factor_uncertainty(
    fuels: list[str], fs: FactorSet, setting: Any
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Factor U (fraction) per fuel and where each came from."""
    out: dict[str, float] = {}
    info = []
    for f in fuels:
        if isinstance(setting, float):
            pct, src = setting, "study.toml factor_pct"
        elif isinstance(setting, dict) and f in setting:
            pct, src = setting[f], "study.toml factor_pct"
        else:
            rel = fs.get(f).relative_uncertainty() if f in fs else None
            if rel is not None:
                pct, src = (
                    100.0 * rel,
                    f"95% ranges of factor set '{fs.name}' (NCV and carbon content)",
                )
            else:
                pct, src = (
                    DEFAULT_FACTOR_PCT,
                    f"default {DEFAULT_FACTOR_PCT:g}% (no range in the factor set)",
                )
        out[f] = pct / 100.0
        info.append({"fuel": f, "factor_pct": pct, "source": src})
    return out, info


# ---------------------------------------------------------------------------
# the study-level function


def run_accounting(
    energy: pd.DataFrame | None,
    economy: pd.DataFrame,
    sectors: pd.DataFrame,
    config: dict[str, Any] | None,
    seed: int,
    factors_override: pd.DataFrame | None = None,
    inventory: pd.DataFrame | None = None,
) -> EmissionsResults:
    """Account a study's CO2 emissions; see the module docstring for the indicators."""
    cfg = validate_config(config)
    fs = resolve_factor_set(cfg["factor_set"], factors_override)
    mode = cfg["source"] or ("energy" if energy is not None else "inventory")
    members, ref, group_of, groups = _roles(sectors)
    scopes_codes = [*members, *([ref] if ref else [])]
    missing: list[str] = []
    warnings: list[str] = []

    # --- CO2 by fuel ---------------------------------------------------------
    if mode == "energy":
        if energy is None:
            raise InputError(
                "accounting source is 'energy' but the study has no energy table",
                fix='add energy.csv or set [accounting] source = "inventory"',
            )
        by_fuel = compute_emissions(energy, fs)
    else:
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
        missing += [
            "energy-based indicators need energy data: energy_tce and efficiency come only "
            "from energy_total in economy.csv where given",
            "electricity_kwh and electricity_kwh_per_1e4_yuan (no energy data)",
            "scope2 (no electricity/heat data)",
            "factor set not applied: emissions are taken from the inventory",
        ]
    by_fuel = by_fuel.reset_index(drop=True)
    years = sorted(by_fuel["year"].astype(int).unique().tolist())

    # --- by sector / group / total ------------------------------------------
    sec = by_fuel.groupby(["year", "sector"], as_index=False)["co2_t"].sum()
    by_sector = sec[sec["sector"].isin(scopes_codes)].reset_index(drop=True)
    mem = sec[sec["sector"].isin(members)].copy()
    mem["group"] = mem["sector"].map(group_of)
    by_group = (
        mem.groupby(["year", "group"], as_index=False, sort=False)["co2_t"]
        .sum()
        .assign(_o=lambda d: d["group"].map({g: i for i, g in enumerate(groups)}))
        .sort_values(["year", "_o"])
        .drop(columns="_o")
        .reset_index(drop=True)
    )
    total = mem.groupby("year", as_index=False)["co2_t"].sum()
    co2_sec = {
        (int(y), str(c)): float(v)
        for y, c, v in zip(sec["year"], sec["sector"], sec["co2_t"], strict=True)
    }
    if ref is not None:
        ref_co2 = total["year"].map(lambda y: co2_sec.get((y, ref), np.nan))
        total["share_of_reference"] = np.where(ref_co2 > 0, total["co2_t"] / ref_co2, np.nan)
    else:
        total["share_of_reference"] = np.nan
        missing.append("share_of_reference (sectors.csv marks no reference row)")

    # --- indicators ----------------------------------------------------------
    output = _econ(economy, "output_value")
    employment = _econ(economy, "employment")
    energy_total = _econ(economy, "energy_total")
    fuel_tce = pd.Series(dtype=float)
    elec_kwh = pd.Series(dtype=float)
    has_elec = False
    if mode == "energy" and energy is not None:
        tce = activity_tce(energy, fs)
        fuel_tce = tce.groupby(["year", "sector"])["tce"].sum(min_count=1)
        el = energy[energy["fuel"] == "electricity"]
        has_elec = not el.empty
        if has_elec:
            from carbonpath.core.units import parse_unit

            gj = el["value"].to_numpy(dtype=float) * np.array(
                [parse_unit(u).factor for u in el["unit"].astype(str)]
            )
            elec_kwh = (
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
        else:
            missing.append("electricity_kwh (the energy table has no electricity rows)")
    if output.empty:
        missing.append("intensity and efficiency (economy.csv has no output_value)")
    if employment.empty:
        missing.append("co2_per_employee_t (economy.csv has no employment)")

    # plain dicts for the per-scope loop below (fast lookups)
    output_d = output.to_dict()
    employment_d = employment.to_dict()
    energy_total_d = energy_total.to_dict()
    fuel_tce_d = fuel_tce.to_dict()
    elec_kwh_d = elec_kwh.to_dict()
    energy_sources: set[str] = set()

    def sector_energy_tce(year: int, code: str) -> float:
        v = energy_total_d.get((year, code), np.nan)
        if v is not None and np.isfinite(v):
            energy_sources.add("energy_total")
            return float(v) / TCE_GJ
        w = fuel_tce_d.get((year, code), np.nan)
        if w is not None and np.isfinite(w):
            energy_sources.add("fuels")
            return float(w)
        return float("nan")

    def sector_elec(year: int, code: str) -> float:
        if not has_elec:
            return float("nan")
        return float(elec_kwh_d.get((year, code), 0.0))

    scope_defs: list[tuple[str, str, list[str]]] = [(m, "sector", [m]) for m in members]
    scope_defs += [
        (f"group:{g}", "group", [m for m in members if group_of[m] == g]) for g in groups
    ]
    scope_defs.append(("modern", "modern", list(members)))
    if ref is not None:
        scope_defs.append(("reference", "reference", [ref]))

    ref_by_year = {y: co2_sec.get((y, ref), np.nan) for y in years} if ref else {}
    recs = []
    for y in years:
        for scope, stype, codes in scope_defs:
            co2_vals = [co2_sec.get((y, c), np.nan) for c in codes]
            if all(not np.isfinite(v) for v in co2_vals):
                continue
            co2 = float(np.nansum(co2_vals))
            out_v = _scope_sum(output_d, y, codes) if output_d else float("nan")
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
            emp = _scope_sum(employment_d, y, codes) if employment_d else float("nan")
            if np.isfinite(emp) and emp == 0.0:
                raise _zero_error(
                    economy,
                    "employment",
                    y,
                    codes,
                    f"{scope}, year {y}: employment is 0, so CO2 per employee is undefined",
                    "correct employment in economy.csv",
                )
            e_vals = [sector_energy_tce(y, c) for c in codes]
            e_tce = float(sum(e_vals)) if all(np.isfinite(e_vals)) else float("nan")
            el_vals = [sector_elec(y, c) for c in codes]
            el_kwh = float(sum(el_vals)) if all(np.isfinite(el_vals)) else float("nan")
            ref_c = ref_by_year.get(y, np.nan)
            recs.append(
                {
                    "year": y,
                    "scope": scope,
                    "scope_type": stype,
                    "co2_t": co2,
                    "output_value_yuan": out_v,
                    "intensity_t_per_1e8_yuan": co2 / out_v * 1e8 if np.isfinite(out_v) else np.nan,
                    "energy_tce": e_tce,
                    "efficiency_yuan_per_tce": (
                        out_v / e_tce
                        if np.isfinite(out_v) and np.isfinite(e_tce) and e_tce > 0
                        else np.nan
                    ),
                    "employment": emp,
                    "co2_per_employee_t": co2 / emp if np.isfinite(emp) else np.nan,
                    "electricity_kwh": el_kwh,
                    "electricity_kwh_per_1e4_yuan": (
                        el_kwh / (out_v / 1e4)
                        if np.isfinite(out_v) and np.isfinite(el_kwh)
                        else np.nan
                    ),
                    "share_of_reference": co2 / ref_c
                    if ref and np.isfinite(ref_c) and ref_c > 0
                    else np.nan,
                }
            )
    intensity = pd.DataFrame(
        recs,
        columns=[
            "year", "scope", "scope_type", "co2_t", "output_value_yuan",
            "intensity_t_per_1e8_yuan", "energy_tce", "efficiency_yuan_per_tce", "employment",
            "co2_per_employee_t", "electricity_kwh", "electricity_kwh_per_1e4_yuan",
            "share_of_reference",
        ],
    )  # fmt: skip
    intensity["rank_intensity"] = pd.array([pd.NA] * len(intensity), dtype="Int64")
    intensity["rank_efficiency"] = pd.array([pd.NA] * len(intensity), dtype="Int64")
    is_sec = intensity["scope_type"] == "sector"
    for col, rank_col in (
        ("intensity_t_per_1e8_yuan", "rank_intensity"),
        ("efficiency_yuan_per_tce", "rank_efficiency"),
    ):
        r = intensity.loc[is_sec].groupby("year")[col].rank(ascending=False, method="min")
        intensity.loc[r.index, rank_col] = r.astype("Int64")
    if energy_sources == {"energy_total"}:
        efficiency_energy = "energy_total from economy.csv (GJ / 29.3076 = tce)"
    elif energy_sources == {"fuels"}:
        efficiency_energy = (
            "sum of the energy table in tce: combustion fuels via their tce factors, "
            "electricity and heat at calorific equivalent (1 tce = 29.3076 GJ)"
        )
    elif energy_sources:
        efficiency_energy = (
            "energy_total from economy.csv where given, else the sum of the energy table in tce"
        )
    else:
        efficiency_energy = "none available"

    # --- year-on-year change by fuel ------------------------------------------
    yoy = _yoy_by_fuel(by_fuel[by_fuel["sector"].isin(scopes_codes)], years)

    # --- scope 2 ---------------------------------------------------------------
    s2cfg = cfg["scope2"]
    if s2cfg["enabled"] and mode == "energy" and energy is not None:
        from carbonpath.accounting.scope2 import compute_scope2

        s2 = compute_scope2(
            energy[energy["sector"].astype(str).isin(scopes_codes)], s2cfg["grid"], s2cfg["year"]
        )
        scope2 = s2.to_dict()
        for f in s2.factors_used:
            if f["note"]:
                warnings.append(f"scope 2: {f['note']}")
    else:
        scope2 = {
            "enabled": False,
            "grid": s2cfg["grid"] if s2cfg["enabled"] else None,
            "records": [],
        }
        if s2cfg["enabled"]:
            scope2["reason"] = "scope 2 needs electricity and heat from an energy table"

    # --- uncertainty -----------------------------------------------------------
    ucfg = cfg["uncertainty"]
    if ucfg["enabled"] and not by_fuel.empty:
        uncertainty = _uncertainty(
            by_fuel[by_fuel["sector"].isin(scopes_codes)].reset_index(drop=True),
            intensity,
            members,
            ref,
            group_of,
            groups,
            fs,
            ucfg,
            seed,
            mode,
        )
    else:
        uncertainty = {
            "enabled": False,
            "approach1": [],
            "approach2": [],
            "rank_probability": [],
            "trend": {},
            "settings": dict(ucfg),
        }

    used = [f for f in fs.fuels if f in set(by_fuel["fuel"])] if mode == "energy" else []
    factor_rows = []
    for f in used:
        e = fs.get(f)
        factor_rows.append(
            {
                "fuel": f,
                "label": e.label,
                "ncv": e.ncv,
                "ncv_unit": e.ncv_unit,
                "carbon_content": e.carbon_content,
                "oxidation": e.oxidation,
                "co2_factor": e.co2_per_unit,
                "unit": e.factor_unit,
                "tce_factor": e.tce_factor,
                "co2_per_tce": e.co2_per_tce,
                "co2_per_gj": e.co2_per_gj,
                "source": e.source,
                "origin": e.origin,
            }
        )
    settings = {
        "factor_set": fs.name,
        "overrides": list(fs.overrides),
        "factors": factor_rows,
        "efficiency_energy": efficiency_energy,
        "mode": mode,
        "non_combustion": list(NON_COMBUSTION),
        "intensity_unit": "t CO2 per 100 million yuan of output value",
        "missing": missing,
    }
    return EmissionsResults(
        by_sector=by_sector,
        by_fuel=by_fuel,
        by_group=by_group,
        total=total,
        intensity=intensity,
        yoy_by_fuel=yoy,
        scope2=scope2,
        uncertainty=uncertainty,
        settings=settings,
        warnings=warnings,
    )


def _yoy_by_fuel(by_fuel: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Change of each sector's CO2 by fuel from the previous year with data (t)."""
    if by_fuel.empty or len(years) < 2:
        return pd.DataFrame(columns=["year", "sector", "fuel", "change_t"])
    piv = by_fuel.pivot_table(
        index=["sector", "fuel"], columns="year", values="co2_t", aggfunc="sum", fill_value=0.0
    ).reindex(columns=years, fill_value=0.0)
    diff = piv.diff(axis=1).iloc[:, 1:]
    out = diff.stack().rename("change_t").reset_index()
    out = out[["year", "sector", "fuel", "change_t"]]
    return out.sort_values(["year", "sector", "fuel"]).reset_index(drop=True)


def _uncertainty(
    cells: pd.DataFrame,
    intensity: pd.DataFrame,
    members: list[str],
    ref: str | None,
    group_of: dict[str, str],
    groups: list[str],
    fs: FactorSet,
    ucfg: dict[str, Any],
    seed: int,
    mode: str,
) -> dict[str, Any]:
    """Approach 1 and 2 for totals, sectors, groups and intensities; rank probabilities."""
    from carbonpath.accounting import uncertainty as unc

    fuels = sorted(cells["fuel"].unique().tolist())
    fu, fu_info = _factor_uncertainty(fuels, fs, ucfg["factor_pct"])
    ua = ucfg["activity_pct"] / 100.0
    is_mem = cells["sector"].isin(members).to_numpy()
    cells = cells.assign(group=cells["sector"].map(group_of).fillna(""))
    years = sorted(cells["year"].unique().tolist())

    a1 = []
    lev_tot = unc.approach1_level(cells, ua, fu, ["year"], membership=is_mem)
    for r in lev_tot.itertuples(index=False):
        a1.append(
            {
                "level": "modern",
                "scope": "modern",
                "year": int(r.year),
                "co2_t": r.co2_t,
                "u_pct": 100 * r.u,
                "lower": r.lower,
                "upper": r.upper,
            }
        )
    lev_grp = unc.approach1_level(cells, ua, fu, ["year", "group"], membership=is_mem)
    for r in lev_grp.itertuples(index=False):
        a1.append(
            {
                "level": "group",
                "scope": f"group:{r.group}",
                "year": int(r.year),
                "co2_t": r.co2_t,
                "u_pct": 100 * r.u,
                "lower": r.lower,
                "upper": r.upper,
            }
        )
    lev_sec = unc.approach1_level(cells, ua, fu, ["year", "sector"])
    for r in lev_sec.itertuples(index=False):
        lvl = "reference" if r.sector == ref else "sector"
        a1.append(
            {
                "level": lvl,
                "scope": "reference" if lvl == "reference" else r.sector,
                "year": int(r.year),
                "co2_t": r.co2_t,
                "u_pct": 100 * r.u,
                "lower": r.lower,
                "upper": r.upper,
            }
        )

    # --- Monte Carlo groupings -----------------------------------------------
    sec_keys = list(dict.fromkeys(zip(cells["year"], cells["sector"], strict=True)))
    sec_pos = {k: i for i, k in enumerate(sec_keys)}
    sec_idx = np.array([sec_pos[k] for k in zip(cells["year"], cells["sector"], strict=True)])
    grp_keys = [(y, g) for y in years for g in groups]
    grp_pos = {k: i for i, k in enumerate(grp_keys)}
    grp_idx = np.array(
        [
            grp_pos.get((y, g), -1) if m else -1
            for y, g, m in zip(cells["year"], cells["group"], is_mem, strict=True)
        ]
    )
    tot_pos = {y: i for i, y in enumerate(years)}
    tot_idx = np.where(is_mem, cells["year"].map(tot_pos).to_numpy(), -1)
    mc = unc.monte_carlo(
        cells,
        ua,
        fu,
        [
            unc.Grouping("sector", sec_idx, sec_keys),
            unc.Grouping("group", grp_idx, grp_keys),
            unc.Grouping("modern", tot_idx, years),
        ],
        draws=ucfg["draws"],
        seed=seed,
        distribution=ucfg["distribution"],
    )
    central = {
        "sector": cells.groupby(["year", "sector"])["co2_t"].sum(),
        "group": cells[is_mem].groupby(["year", "group"])["co2_t"].sum(),
        "modern": cells[is_mem].groupby("year")["co2_t"].sum(),
    }
    out_by = (
        intensity.set_index(["year", "scope"])["output_value_yuan"]
        if not intensity.empty
        else pd.Series(dtype=float)
    )
    specs: list[tuple[str, int, str, str, int, float]] = []
    for j, y in enumerate(years):
        specs.append(("modern", j, "modern", "modern", y, float(central["modern"].get(y, 0.0))))
    for j, (y, g) in enumerate(grp_keys):
        if (y, g) in central["group"].index:
            specs.append(("group", j, "group", f"group:{g}", y, float(central["group"][(y, g)])))
    for j, (y, s) in enumerate(sec_keys):
        lvl = "reference" if s == ref else "sector"
        scope = "reference" if lvl == "reference" else s
        specs.append(("sector", j, lvl, scope, y, float(central["sector"][(y, s)])))
    # percentiles of all columns at once (draws x columns)
    draws_co2 = np.column_stack([mc.groups[name][:, j] for name, j, *_ in specs])
    outputs = np.array(
        [
            float(out_by.get((y, scope), np.nan)) if len(out_by) else np.nan
            for _, _, _, scope, y, _ in specs
        ]
    )
    a2: list[dict[str, Any]] = []

    def stats(quantity: str, d: np.ndarray, cols: np.ndarray, scale: np.ndarray) -> None:
        if d.shape[1] == 0:
            return
        mean = d.mean(axis=0)
        lo, hi = np.percentile(d, [2.5, 97.5], axis=0)
        for i, c in enumerate(cols):
            _, _, lvl, scope, y, cen = specs[c]
            a2.append(
                {
                    "quantity": quantity,
                    "level": lvl,
                    "scope": scope,
                    "year": int(y),
                    "central": cen * scale[i],
                    "mean": float(mean[i]),
                    "p2_5": float(lo[i]),
                    "p97_5": float(hi[i]),
                    "half_width_pct": (100 * (hi[i] - lo[i]) / 2 / mean[i] if mean[i] else None),
                }
            )

    all_cols = np.arange(len(specs))
    stats("co2_t", draws_co2, all_cols, np.ones(len(specs)))
    ok = np.isfinite(outputs) & (outputs > 0)
    scale = 1e8 / outputs[ok]
    stats("intensity_t_per_1e8_yuan", draws_co2[:, ok] * scale[None, :], all_cols[ok], scale)

    # --- rank probability of member intensities -------------------------------
    rank_prob = []
    for y in years:
        cols, cen, labs = [], [], []
        for m in members:
            if (y, m) in sec_pos:
                ov = out_by.get((y, m), np.nan) if len(out_by) else np.nan
                if ov is not None and np.isfinite(ov) and ov > 0:
                    cols.append(mc.groups["sector"][:, sec_pos[(y, m)]] / ov * 1e8)
                    cen.append(float(central["sector"][(y, m)]) / ov * 1e8)
                    labs.append(m)
        if len(labs) >= 2:
            rp = unc.rank_probability(np.column_stack(cols), np.array(cen), labs)
            rank_prob.append({"year": int(y), **rp})

    # --- trend ------------------------------------------------------------------
    t0, t1 = ucfg["trend"] or [years[0], years[-1]]
    trend: dict[str, Any] = {}
    if t0 in tot_pos and t1 in tot_pos and t0 != t1:
        trend = unc.approach1_trend(cells, ua, fu, t0, t1, membership=is_mem)
        trend["scope"] = "modern"
        d0 = mc.groups["modern"][:, tot_pos[t0]]
        d1 = mc.groups["modern"][:, tot_pos[t1]]
        tr = (d1 / d0 - 1.0) * 100.0
        lo, hi = np.percentile(tr, [2.5, 97.5])
        trend["approach2"] = {
            "mean_pct": float(tr.mean()),
            "p2_5_pct": float(lo),
            "p97_5_pct": float(hi),
        }
    return {
        "enabled": True,
        "approach1": a1,
        "approach2": a2,
        "rank_probability": rank_prob,
        "trend": trend,
        "settings": {
            "draws": ucfg["draws"],
            "seed": int(seed),
            "distribution": ucfg["distribution"],
            "activity_pct": ucfg["activity_pct"],
            "activity_pct_source": "study.toml"
            if ucfg["activity_pct"] != DEFAULT_ACTIVITY_PCT
            else f"default {DEFAULT_ACTIVITY_PCT:g}%",
            "factor_pct": fu_info,
            "correlation": CORRELATION_NOTE,
            "u_definition": "half-width of the 95% interval in % of the mean",
            "mode": mode,
            "trend_years": [int(t0), int(t1)],
            "monte_carlo_chunk_draws": mc.settings.get("chunk_draws"),
        },
    }
