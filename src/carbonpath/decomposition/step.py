"""The study-level decomposition step: LMDI-I of the studied sectors' CO2 change.

The sectoral identity (default) decomposes the member sectors' CO2 by sector and fuel
with their energy in GJ and their output value; a Kaya or user identity reads its
variables at ``[decomposition] scope`` through the resolver.  The energy data reach
the step in the study's units; the pipeline hands the conversion to GJ (an accounting
method) as ``energy_to_gj``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from carbonpath.core.errors import InputError, StudyError
from carbonpath.decomposition import lmdi
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
    settings: DecompositionSettings, resolver: Resolver, years: Sequence[int]
) -> pd.DataFrame:
    """year + one column per variable of the identity, at ``settings.scope``."""
    columns: dict[str, pd.Series] = {}
    for v in settings.identity.variables:
        try:
            series = resolver(v, settings.scope)
        except InputError as exc:
            raise StudyError(
                f"identity variable {v}[{settings.scope}]: {exc.message}",
                file=STUDY_FILE,
                key="decomposition.identity",
                fix=exc.fix,
            ) from None
        columns[v] = series.reindex(list(years)).astype(float)
    frame = pd.DataFrame(columns)
    frame.index.name = "year"
    return frame.dropna().reset_index()


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


def run(
    study: Study,
    settings: DecompositionSettings,
    *,
    resolver: Resolver,
    co2_by_fuel: pd.DataFrame,
    energy_to_gj: Callable[[pd.DataFrame], pd.DataFrame],
) -> DecompositionResults:
    """LMDI-I of the study: the member sectors (sectoral identity) or the identity's scope.

    ``co2_by_fuel``: the emissions step's year, sector, fuel, co2_t table.
    ``energy_to_gj``: converts rows of the study's energy table to GJ (year, sector,
    fuel, value, unit "GJ").  Period years outside the data raise ``StudyError`` at key
    ``decomposition.periods``.
    """
    if settings.identity.kind != "sectoral":
        return decompose_levels(settings, identity_levels(settings, resolver, study.years))
    members, years = study.members, study.years
    co2 = co2_by_fuel[co2_by_fuel["sector"].isin(members)]
    energy = None
    if study.energy is not None:
        rows = study.energy[study.energy["sector"].isin(members)]
        energy = _in_gj(rows[rows["year"].isin(years)], energy_to_gj)
    output = member_output(study.economy, members, years)
    return decompose_tables(settings, co2, output, energy)
