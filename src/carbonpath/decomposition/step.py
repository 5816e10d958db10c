"""The study-level decomposition step: LMDI-I of the studied sectors' CO2 change.

The sectoral identity (default) decomposes the member sectors' CO2 by sector and fuel
with their energy in GJ and their output value; a Kaya or user identity reads its
variables at ``[decomposition] scope`` through the resolver.  The energy data reach
the step in the study's units; the pipeline hands the conversion to GJ (an accounting
method) as ``energy_to_gj``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from carbonpath.core.errors import InputError, StudyError
from carbonpath.decomposition import lmdi, units
from carbonpath.decomposition.frames import DeltaCheck, LmdiResult, chain_effects
from carbonpath.decomposition.identity import decompose_identity, identity_delta_sensitivity
from carbonpath.decomposition.results import (
    METHOD,
    SMALL_VALUE,
    ZERO_LIMITS,
    DecompositionResults,
)
from carbonpath.decomposition.sectoral import decompose, delta_sensitivity
from carbonpath.decomposition.settings import DecompositionSettings

if TYPE_CHECKING:  # pragma: no cover
    from carbonpath.study import StudyData as Study

Resolver = Callable[[str, str], pd.Series]
STUDY_FILE = "study.toml"


def member_output(
    economy: pd.DataFrame, members: Sequence[str], years: Sequence[int]
) -> pd.DataFrame:
    """Output value (yuan) of the member sectors in the study years: year, (region,)
    sector, value."""
    cols = ["year", *(["region"] if "region" in economy.columns else []), "sector", "value"]
    output = economy.loc[economy["variable"] == "output_value", cols]
    return output[output["sector"].isin(members) & output["year"].isin(years)]


def _in_gj(
    rows: pd.DataFrame, energy_to_gj: Callable[[pd.DataFrame], pd.DataFrame]
) -> pd.DataFrame:
    """``energy_to_gj(rows)``, keeping the rows' region (the conversion is row by row)."""
    gj = energy_to_gj(rows)
    if "region" in rows.columns and "region" not in gj.columns:
        gj = gj.assign(region=rows["region"].to_numpy())
    return gj


def _check_period_years(settings: DecompositionSettings, data_years: list[int]) -> None:
    """Explicit periods must name data years (StudyError at ``decomposition.periods``)."""
    if len(data_years) < 2:
        raise InputError("decomposition needs at least two years with CO2 and output data")
    for pair in settings.period_years:
        for y in pair:
            if y not in data_years:
                raise StudyError(
                    f"period year {y} is outside the data ({data_years[0]}-{data_years[-1]})",
                    file=STUDY_FILE,
                    key="decomposition.periods",
                    fix=f"use years among {data_years}",
                )


def _years(*tables: pd.DataFrame | None) -> list[int]:
    """The years every given table has."""
    sets = [set(int(y) for y in t["year"]) for t in tables if t is not None]
    return sorted(set.intersection(*sets))


def decompose_tables(
    settings: DecompositionSettings,
    co2: pd.DataFrame,
    output: pd.DataFrame,
    energy: pd.DataFrame | None,
) -> DecompositionResults:
    """The sectoral identity on tidy tables (see ``sectoral.decompose``): ``co2`` year,
    (region,) sector, fuel, co2_t; ``output`` year, (region,) sector, value; ``energy``
    year, (region,) sector, fuel, value in GJ, or None (inventory mode)."""
    return results(settings, *_sectoral(settings, co2, output, energy))


def _sectoral(
    settings: DecompositionSettings,
    co2: pd.DataFrame,
    output: pd.DataFrame,
    energy: pd.DataFrame | None,
) -> tuple[LmdiResult, DeltaCheck]:
    """``sectoral.decompose`` with the delta check over ``settings.delta`` and
    ``lmdi.SENSITIVITY_DELTAS``."""
    _check_period_years(settings, _years(output, co2, energy))
    periods = list(settings.periods)
    result = decompose(
        co2, output, energy, periods=periods, delta=settings.delta, zero_limits=settings.zero_limits
    )
    check = delta_sensitivity(
        co2,
        output,
        energy,
        periods=periods,
        deltas=_deltas(settings),
        zero_limits=settings.zero_limits,
    )
    return result, check


def _deltas(settings: DecompositionSettings) -> tuple[float, ...]:
    return (settings.delta, *(d for d in lmdi.SENSITIVITY_DELTAS if d != settings.delta))


def identity_levels(
    settings: DecompositionSettings,
    resolver: Resolver,
    years: Sequence[int],
    scope: str | None = None,
) -> pd.DataFrame:
    """year + one column per variable of the identity, at ``scope`` (default
    ``settings.scope``)."""
    scope = settings.scope if scope is None else scope
    columns: dict[str, pd.Series] = {}
    for v in settings.identity.variables:
        columns[v] = _resolved(resolver, v, scope).reindex(list(years)).astype(float)
    frame = pd.DataFrame(columns)
    frame.index.name = "year"
    return frame.dropna().reset_index()


def _resolved(resolver: Resolver, variable: str, scope: str, panel: bool = False) -> pd.Series:
    """``resolver(variable, scope)`` (or ``resolver.panel``), errors at the identity key."""
    try:
        if panel:
            return resolver.panel(variable, scope)  # type: ignore[attr-defined]
        return resolver(variable, scope)
    except InputError as exc:
        raise StudyError(
            f"identity variable {variable}[{scope}]: {exc.message}",
            file=STUDY_FILE,
            key="decomposition.identity",
            fix=exc.fix,
        ) from None


def unit_levels(
    settings: DecompositionSettings,
    resolver: Resolver,
    years: Sequence[int],
    *,
    unit: str,
    panel: bool,
    sectors: Sequence[str] = (),
) -> tuple[pd.DataFrame, list[str]]:
    """The identity's levels per unit of observation, on the years every unit has.

    ``aggregate``: one series at the scope (in a panel, summed over the regions:
    ``*:<scope>``); ``region``: every region at the scope (``resolver.panel``);
    ``sector``: every member sector (of every region in a panel).  In a panel the
    default scope is ``*`` (the whole region).  Returns the levels and coverage notes.
    """
    scope = settings.scope
    if panel and "scope" not in settings.model_fields_set:
        scope = "*"
    if unit == "aggregate":
        scope = f"*:{scope}" if panel and ":" not in scope else scope
        levels = identity_levels(settings, resolver, years, scope)
        have = {"the sum of the regions": {int(y) for y in levels["year"]}}
        return levels, units.balanced_years(have, years)[1]
    keys = (["region"] if panel else []) + (["sector"] if unit == "sector" else [])
    series: dict[str, pd.Series] = {}
    for v in settings.identity.variables:
        if unit == "sector":
            parts = {s: _resolved(resolver, v, s, panel) for s in sectors}
            one = pd.concat(parts, names=["sector", *keys[:-1], "year"])
            if panel:
                one = one.reorder_levels(["region", "sector", "year"])
        else:
            one = _resolved(resolver, v, scope, panel)
        series[v] = one.astype(float)
    levels = units.levels_frame(series, keys)
    levels = levels[levels["year"].isin(list(years))]
    unit_col = levels[keys].astype(str).agg("/".join, axis=1)
    complete = levels[list(series)].notna().all(axis=1)
    have = {u: set(levels.loc[complete & (unit_col == u), "year"]) for u in unit_col.unique()}
    keep, notes = units.balanced_years(have, sorted(set(levels["year"])))
    return levels[levels["year"].isin(keep)].reset_index(drop=True), notes


def decompose_levels(settings: DecompositionSettings, levels: pd.DataFrame) -> DecompositionResults:
    """A Kaya or user identity on a tidy table of levels: year, optional ``region`` and
    ``sector`` columns, a column per variable (see ``identity.decompose_identity``)."""
    return results(settings, *_identity(settings, levels))


def _identity(
    settings: DecompositionSettings, levels: pd.DataFrame
) -> tuple[LmdiResult, DeltaCheck]:
    """``decompose_identity`` with the delta check."""
    _check_period_years(settings, sorted(int(y) for y in levels["year"].unique()))
    kw = {
        "periods": list(settings.periods),
        "zero_limits": settings.zero_limits,
        "region_share": settings.region_share,
    }
    result = decompose_identity(levels, settings.identity, delta=settings.delta, **kw)
    check = identity_delta_sensitivity(levels, settings.identity, deltas=_deltas(settings), **kw)
    return result, check


def results(
    settings: DecompositionSettings, result: LmdiResult, check: DeltaCheck
) -> DecompositionResults:
    """The typed results of one decomposition and its delta check."""
    chained = chain_effects(result)
    if "chained" not in settings.periods:
        chained = chained.iloc[0:0]
    notes = list(result.notes)
    if not check.insensitive:
        notes.append(
            f"results change with delta (max relative difference {check.max_rel_diff:.3g}); "
            "set zero_limits = true"
        )
    return DecompositionResults(
        method=METHOD,
        mode=result.mode,
        effects_names=result.effect_names,
        delta=result.delta,
        zero_handling=ZERO_LIMITS if result.zero_limits else SMALL_VALUE,
        periods=result.periods,
        effects=result.effects,
        totals=result.totals,
        chained=chained,
        zero_cells=result.zero_cells,
        insensitivity=check,
        notes=tuple(notes),
        keys=result.keys,
        zero_limits=result.zero_limits,
    )


def _check_unit(settings: DecompositionSettings, unit: str, panel: bool) -> None:
    """A region unit needs regions; the sectoral identity needs sectors."""
    fix = None
    if unit == "region" and not panel:
        what, fix = "needs regions", 'add regions.csv, or use unit = "sector" or "aggregate"'
    elif unit == "aggregate" and settings.identity.kind == "sectoral":
        what = "is one total, but the sectoral identity decomposes sectors"
        fix = 'use unit = "sector" or "region", or identity = "kaya" or a list of factors'
    if fix is not None:
        raise StudyError(
            f"unit = {unit!r} {what}", file=STUDY_FILE, key="decomposition.unit", fix=fix
        )


def _sectoral_tables(
    study: Study,
    co2_by_fuel: pd.DataFrame,
    energy_to_gj: Callable[[pd.DataFrame], pd.DataFrame],
    panel: bool,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """The member sectors' CO2 by fuel, output and energy in GJ in the study years."""
    members, years = study.members, study.years
    if panel and "region" not in co2_by_fuel.columns:
        raise InputError(
            "the emissions have no region column, so a panel cannot be decomposed by region",
            fix="account the emissions region by region (year, region, sector, fuel, co2_t)",
        )
    co2 = co2_by_fuel[co2_by_fuel["sector"].isin(members)]
    energy = None
    if study.energy is not None:
        rows = study.energy[study.energy["sector"].isin(members)]
        energy = _in_gj(rows[rows["year"].isin(years)], energy_to_gj)
    return co2, member_output(study.economy, members, years), energy


def _balanced(
    co2: pd.DataFrame, output: pd.DataFrame, energy: pd.DataFrame | None
) -> tuple[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None], list[str]]:
    """The tables on the years every region has output for (with the coverage note)."""
    keep, notes = units.balanced_years(units.unit_years(output), sorted(set(output["year"])))
    tables = (units.in_years(co2, keep), units.in_years(output, keep), units.in_years(energy, keep))
    return tables, notes  # type: ignore[return-value]


def run_sectoral(
    study: Study,
    settings: DecompositionSettings,
    *,
    unit: str,
    co2_by_fuel: pd.DataFrame,
    energy_to_gj: Callable[[pd.DataFrame], pd.DataFrame],
) -> DecompositionResults:
    """The sectoral identity of the member sectors: per sector (a panel's regions
    summed) or per region and sector (region share as a structure effect)."""
    panel = bool(getattr(study, "is_panel", False))
    co2, output, energy = _sectoral_tables(study, co2_by_fuel, energy_to_gj, panel)
    notes: list[str] = []
    if panel:
        (co2, output, energy), notes = _balanced(co2, output, energy)
        if unit == "sector":
            co2 = units.sum_regions(co2, "co2_t")
            output = units.sum_regions(output, "value")
            energy = None if energy is None else units.sum_regions(energy, "value")
    res = decompose_tables(settings, co2, output, energy)
    return _with_notes(res, notes)


def _with_notes(res: DecompositionResults, notes: list[str]) -> DecompositionResults:
    return replace(res, notes=(*notes, *res.notes)) if notes else res


def _with_energy(
    study: Study,
    settings: DecompositionSettings,
    resolver: Resolver,
    co2_by_fuel: pd.DataFrame,
    energy_to_gj: Callable[[pd.DataFrame], pd.DataFrame],
) -> Resolver:
    """The resolver, knowing ``energy`` as the accounted energy (the fuels in GJ) when
    the identity reads energy and the study gives no energy_total."""
    known = getattr(resolver, "variables", None)
    if (
        "energy" not in settings.identity.variables
        or known is None
        or "energy_total" in known
        or study.energy is None
    ):
        return resolver
    from carbonpath.study.resolver import Resolver as StudyResolver

    gj = _in_gj(study.energy, energy_to_gj)
    keys = [c for c in ("region", "year", "sector") if c in gj.columns]
    total = gj.groupby(keys, as_index=False, sort=True)["value"].sum()
    economy = pd.concat([study.economy, total.assign(variable="energy_total")], ignore_index=True)
    co2 = co2_by_fuel.groupby(keys, as_index=False, sort=True)["co2_t"].sum()
    panel = bool(getattr(study, "is_panel", False))
    return StudyResolver(
        economy, study.energy, study.sectors, co2=co2, regions=study.regions if panel else None
    )


def run(
    study: Study,
    settings: DecompositionSettings,
    *,
    resolver: Resolver,
    co2_by_fuel: pd.DataFrame,
    energy_to_gj: Callable[[pd.DataFrame], pd.DataFrame],
) -> DecompositionResults:
    """LMDI-I of the study: the member sectors (sectoral identity) or the identity's
    variables, per ``settings.unit`` (aggregate, sector or region).

    ``co2_by_fuel``: the emissions step's [region,] year, sector, fuel, co2_t table.
    ``energy_to_gj``: converts rows of the study's energy table to GJ (year, sector,
    fuel, value, unit "GJ").  ``resolver``: the study's resolver (``resolver.panel``
    for regions).  Period years outside the data raise ``StudyError`` at key
    ``decomposition.periods``; a bad unit at ``decomposition.unit``.
    """
    panel = bool(getattr(study, "is_panel", False))
    unit = settings.unit_for(panel=panel)
    _check_unit(settings, unit, panel)
    return replace(_run_unit(study, settings, unit, resolver, co2_by_fuel, energy_to_gj), unit=unit)


def _run_unit(
    study: Study,
    settings: DecompositionSettings,
    unit: str,
    resolver: Resolver,
    co2_by_fuel: pd.DataFrame,
    energy_to_gj: Callable[[pd.DataFrame], pd.DataFrame],
) -> DecompositionResults:
    """``run`` for a checked unit of observation."""
    panel = bool(getattr(study, "is_panel", False))
    if settings.identity.kind == "sectoral":
        return run_sectoral(
            study, settings, unit=unit, co2_by_fuel=co2_by_fuel, energy_to_gj=energy_to_gj
        )
    resolver = _with_energy(study, settings, resolver, co2_by_fuel, energy_to_gj)
    if panel or unit != "aggregate":
        levels, notes = unit_levels(
            settings,
            resolver,
            study.years,
            unit=unit,
            panel=panel,
            sectors=list(getattr(study, "members", [])),
        )
        return _with_notes(decompose_levels(settings, levels), notes)
    return decompose_levels(settings, identity_levels(settings, resolver, study.years))
