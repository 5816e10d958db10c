"""The study-level pathways steps: targets and scenarios.

``run_targets`` tracks every ``[[targets]]`` entry on the CO2 and output series of its
scope; ``run_scenarios`` projects CO2 for every ``[scenarios.<name>]`` with the fitted
elasticities.  Both take typed settings and pandas data; ``track_targets`` and
``project_scenarios`` are the same on series handed in directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from carbonpath.core.errors import InputError, StudyError
from carbonpath.core.settings import FILE
from carbonpath.pathways import panel
from carbonpath.pathways import scenarios as sc
from carbonpath.pathways.checks import scenario_target_checks
from carbonpath.pathways.decoupling import decoupling
from carbonpath.pathways.results import (
    ANCHOR_NOTE,
    INTERVAL_NOTE,
    TARGET_COLUMNS,
    DecouplingResults,
    ScenarioResults,
    TargetResults,
    UnitScenarioResults,
)
from carbonpath.pathways.settings import ScenarioSettings, Target, TargetSettings
from carbonpath.pathways.targets import intensity_series, track_target

if TYPE_CHECKING:  # pragma: no cover
    from carbonpath.study import StudyData as Study

Resolver = Callable[[str, str], pd.Series]
SeriesByScope = pd.Series | Mapping[str, pd.Series]
#: the label of a total row in the decomposition's tables
TOTAL = "total"


def _err(message: str, key: str, fix: str | None = None) -> StudyError:
    return StudyError(message, file=FILE, key=key, fix=fix)


# ----------------------------------------------------------------------------- targets


def _series_for(series: SeriesByScope, scope: str, key: str, what: str) -> pd.Series:
    if isinstance(series, Mapping):
        if scope not in series:
            raise _err(
                f"no {what} series for scope '{scope}'",
                key,
                fix=f"use a scope among {sorted(series)}",
            )
        return series[scope]
    return series


def _target_series(
    target: Target, key: str, co2: SeriesByScope, output: SeriesByScope | None
) -> tuple[pd.Series, str]:
    """The tracked series: CO2 (absolute, t) or CO2 per output value (intensity, t/yuan)."""
    c = _series_for(co2, target.scope, f"{key}.scope", "CO2")
    if target.type == "absolute":
        return c.dropna().astype(float), "t"
    if output is None:
        raise _err(
            f"intensity target '{target.name}' needs output value data",
            f"{key}.type",
            fix="provide output_value for the scope or use an absolute target",
        )
    q = _series_for(output, target.scope, f"{key}.scope", "output")
    return intensity_series(c, q), "t/yuan"


def _check_years(series: pd.Series, target: Target, key: str) -> None:
    """Base year, a later year and the trend window must be in the data."""
    years = sorted(int(y) for y in series.dropna().index)
    if not years:
        raise _err(f"no data for target '{target.name}'", f"{key}.scope")
    if target.base_year not in years:
        raise _err(
            f"base year {target.base_year} of target '{target.name}' is outside the data "
            f"({years[0]}-{years[-1]})",
            f"{key}.base_year",
            fix="choose a base year with data",
        )
    last = years[-1]
    if last <= target.base_year:
        raise _err(
            f"no data after base year {target.base_year} for target '{target.name}'",
            f"{key}.base_year",
        )
    if last - target.trend_years not in years:
        raise _err(
            f"trend window of {target.trend_years} years before {last} is outside the data",
            f"{key}.trend_years",
            fix=f"set trend_years to at most {last - years[0]}",
        )


def track_targets(
    settings: TargetSettings, co2: SeriesByScope, output: SeriesByScope | None
) -> TargetResults:
    """Track every target on ``co2`` / ``output`` (index year, t CO2 and yuan).

    Pass one Series when all targets share a scope, or {scope: Series} so each target
    reads its own.  A base year or a trend window outside the data raises ``StudyError``
    at ``targets[i].base_year`` / ``targets[i].trend_years``.
    """
    records: list[dict[str, object]] = []
    for i, t in enumerate(settings.targets):
        key = f"targets[{i + 1}]"
        series, unit = _target_series(t, key, co2, output)
        _check_years(series, t, key)
        progress = track_target(series, unit=unit, **t.terms())
        records.append({**progress.to_dict(), "scope": t.scope, "source": t.source})
    return TargetResults(records=pd.DataFrame(records, columns=list(TARGET_COLUMNS)))


def run_targets(study: Study, settings: TargetSettings, *, resolver: Resolver) -> TargetResults:
    """Track the study's targets on the CO2 and output-value series of their scopes
    (in a panel: per region and for the sum, see :mod:`.panel`)."""
    years = list(study.years)
    if getattr(study, "is_panel", False):
        return panel.track_region_targets(settings, resolver=resolver, years=years)
    co2 = {s: resolver("co2", s).reindex(years) for s in settings.scopes}
    output = {s: resolver("output_value", s).reindex(years) for s in settings.scopes}
    return track_targets(settings, co2, output)


# ----------------------------------------------------------------------------- scenarios


def _specs(settings: ScenarioSettings, terms: list[str]) -> list[sc.ScenarioSpec]:
    """One ScenarioSpec per scenario; every driver must be a term of the fitted model."""
    specs = []
    for name, scenario in settings.scenarios.items():
        for k in scenario.rates:
            if k not in terms:
                raise _err(
                    f"driver '{k}' of scenario '{name}' is not in the fitted model",
                    f"scenarios.{name}.{k}",
                    fix=f"use one of {', '.join(terms)}",
                )
        specs.append(sc.ScenarioSpec(name=name, label=scenario.label, rates=dict(scenario.rates)))
    return specs


def _anchor(settings: ScenarioSettings, drivers: pd.DataFrame, co2: pd.Series) -> int:
    """The last year with CO2 and driver data; the horizon and trend window must fit."""
    d_years = set(int(y) for y in drivers.dropna().index)
    common = sorted(set(int(y) for y in co2.dropna().index) & d_years)
    if not common:
        raise InputError("CO2 and drivers share no year", fix="check the data years")
    anchor = common[-1]
    if settings.horizon <= anchor:
        raise _err(
            f"horizon {settings.horizon} is not after the last data year {anchor}",
            "scenarios.horizon",
            fix=f"set a horizon after {anchor}",
        )
    if anchor - settings.trend_years not in d_years:
        raise _err(
            f"the trend window of {settings.trend_years} years before {anchor} is outside the data",
            "scenarios.trend_years",
            fix=f"set trend_years to at most {anchor - min(d_years)}",
        )
    return anchor


def _intensity(
    settings: ScenarioSettings,
    projection: sc.Projection,
    output: pd.Series | None,
    terms: list[str],
) -> tuple[pd.DataFrame, list[str]]:
    """The intensity paths (when output and the output driver are there) and notes."""
    if output is not None and settings.output_driver in terms:
        return sc.intensity_paths(projection, output, settings.output_driver), []
    empty = pd.DataFrame(columns=["year", "scenario", "output", "intensity"])
    if output is None:
        return empty, []
    return empty, [f"no intensity path: output driver {settings.output_driver} is not in the model"]


def project_scenarios(
    settings: ScenarioSettings,
    targets: TargetSettings,
    *,
    drivers: pd.DataFrame,
    co2: pd.Series,
    elasticities: pd.Series,
    bootstrap: np.ndarray | None = None,
    output: pd.Series | None = None,
) -> ScenarioResults:
    """Project CO2 to the horizon for every scenario of ``settings``.

    ``drivers``: index year, columns = driver levels (P, A ...) or their logs named by
    the terms (lnP ...).  ``co2``: t CO2 by year, the scope of the fit.  ``elasticities``:
    B by term (a constant is ignored).  ``bootstrap``: draws (B x p) in the
    elasticities' order, or None.  ``output``: output value (yuan) for the intensity
    path and the intensity targets, or None.
    """
    b = {str(k): float(v) for k, v in elasticities.items()}
    terms = [k for k in b if k.lower() not in sc.CONSTANT_NAMES]
    specs = _specs(settings, terms)
    anchor = _anchor(settings, drivers, co2)
    projection = sc.project(
        drivers,
        co2,
        b,
        specs,
        horizon=settings.horizon,
        trend_years=settings.trend_years,
        bootstrap=bootstrap,
    )
    notes: list[str] = []
    if int(max(int(y) for y in co2.dropna().index)) != anchor:
        notes.append(f"anchored at {anchor}, the last year with both CO2 and driver data")
    intensity, more = _intensity(settings, projection, output, terms)
    notes += more
    checks, check_notes = scenario_target_checks(
        targets.targets,
        projection,
        intensity,
        co2,
        output if not intensity.empty else None,
        settings.scope,
    )
    return ScenarioResults(
        method=ANCHOR_NOTE,
        interval=INTERVAL_NOTE if projection.n_bootstrap else None,
        n_bootstrap=projection.n_bootstrap,
        scope=settings.scope,
        anchor_year=projection.anchor_year,
        anchor_co2_t=projection.anchor_co2_t,
        horizon=projection.horizon,
        trend_years=projection.trend_years,
        records=projection.paths,
        assumptions=projection.assumptions,
        peaks=projection.peaks,
        intensity=intensity,
        target_checks=checks,
        notes=tuple(notes + check_notes),
        driver_paths=projection.driver_paths,
    )


def run_scenarios(
    study: Study,
    settings: ScenarioSettings,
    *,
    resolver: Resolver,
    targets: TargetSettings,
    elasticities: pd.Series,
    drivers: pd.DataFrame,
    bootstrap: np.ndarray | None,
) -> ScenarioResults:
    """Project the study's CO2 (scope ``settings.scope``) with the fitted elasticities.

    ``drivers``: the fit's driver data (index year); ``elasticities``: B by term;
    ``bootstrap``: the coefficient draws (B x p) or None.
    """
    years = list(drivers.index)
    co2 = resolver("co2", settings.scope).reindex(years)
    output = resolver("output_value", settings.scope).reindex(years)
    return project_scenarios(
        settings,
        targets,
        drivers=drivers,
        co2=co2,
        elasticities=elasticities,
        bootstrap=bootstrap,
        output=output,
    )


def region_elasticities(
    stirpat: object, regions: Sequence[str], *, seed: int, draws: int
) -> tuple[pd.Series, np.ndarray | None, str, str | None]:
    """The elasticities B (no constant) for the regions' scenarios, their draws, and
    both sources in words.

    The panel model over regions when the STIRPAT results have one (``stirpat.panel``
    with status "ok" whose entities, ``members``, are the study's regions): its B, and
    ``draws`` normal draws N(B, SE^2) for the interval.  Otherwise the time-series ridge
    model's B and its bootstrap draws, applied to every region.
    """
    fit = getattr(stirpat, "panel", None)
    entities = set(getattr(fit, "members", ()) or ())
    if getattr(fit, "status", "") == "ok" and entities == set(regions):
        b = fit.params.drop("const", errors="ignore").astype(float)  # type: ignore[union-attr]
        sims = panel.normal_draws(b, fit.bse, draws, seed) if draws else None  # type: ignore[union-attr]
        words = (
            f"panel model over the regions ({getattr(fit, 'model', '')}, {getattr(fit, 'cov', '')})"
        )
        return b, sims, words, panel.NORMAL_INTERVAL.format(n=draws, seed=seed)
    b = stirpat.ridge.params.drop("const").astype(float)  # type: ignore[attr-defined]
    words = (
        "the time-series ridge model (B), the same in every region (no panel model over regions)"
    )
    return b, getattr(stirpat, "bootstrap_draws", None), words, INTERVAL_NOTE


def run_region_scenarios(
    study: Study,
    settings: ScenarioSettings,
    *,
    resolver: Resolver,
    terms: Mapping[str, panel.TermParts],
    elasticities: pd.Series,
    bootstrap: np.ndarray | None,
    source: str,
    interval: str | None,
    targets: TargetSettings | None = None,
) -> UnitScenarioResults:
    """Scenarios of a panel study: every region's CO2 (scope ``settings.scope``) from its
    own drivers (``terms``: the STIRPAT regressors as (variable, scope) parts) with the
    elasticities B (no constant) and their draws, and the sum of the regions; ``targets``
    are checked on every region's path and the sum's."""
    regions = list(study.region_codes)
    drivers = panel.region_drivers(resolver, terms, regions)
    co2 = panel.region_co2(resolver, settings.scope)
    output = None
    if targets is not None and any(t.type == "intensity" for t in targets.targets):
        output = panel.region_co2(resolver, settings.scope, "output_value")
    return panel.project_regions(
        settings,
        drivers=drivers,
        co2=co2,
        elasticities=elasticities,
        bootstrap=bootstrap,
        source=source,
        interval=interval,
        targets=targets,
        output=output,
    )


# ----------------------------------------------------------------------------- decoupling


def _unit_rows(frame: pd.DataFrame, keys: tuple[str, ...]) -> tuple[pd.DataFrame, list[str]]:
    """The rows of a decomposition table at the decoupling unit: a region's total when
    the decomposition ran per region and sector, else the table's own units."""
    if keys == ("region", "sector"):
        rows = frame[frame["sector"].astype(str) == TOTAL].drop(columns="sector")
        return rows, ["region"]
    return frame, list(keys)


def _quantity_levels(totals: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """[keys,] year, co2: the decomposed quantity per unit and year, from the totals
    (start and end of every period), without the total rows."""
    q = next(
        c[: -len("_start")] for c in totals.columns if c.endswith("_start") and c != "period_start"
    )
    parts = [
        totals[[*keys, f"period_{end}", f"{q}_{end}"]].set_axis([*keys, "year", "co2"], axis=1)
        for end in ("start", "end")
    ]
    tab = pd.concat(parts, ignore_index=True).drop_duplicates([*keys, "year"])
    for k in keys:
        tab = tab[tab[k].astype(str) != TOTAL]
    return tab.astype({"year": int}).sort_values([*keys, "year"]).reset_index(drop=True)


def _driver_values(
    resolver: Resolver, driver: str, keys: list[str], units: list[str], panel: bool
) -> pd.Series:
    """The driver per unit and year: per sector (its output), per region (GDP at the
    region level, or the member sectors' output) or of the whole study."""
    scope = "modern" if driver == "output_value" else "*"
    try:
        if keys == ["sector"]:  # in a panel: the sector summed over the regions
            parts = {u: resolver(driver, f"*:{u}" if panel else u) for u in units}
            return pd.concat(parts, names=["sector", "year"])
        if keys == ["region"]:
            return resolver.panel(driver, scope)  # type: ignore[attr-defined]
        return resolver(driver, f"*:{scope}" if panel else scope)
    except InputError as exc:
        raise _err(
            f"decoupling driver {driver}: {exc.message}",
            "decomposition.decoupling.driver",
            fix=exc.fix or "give the driver's data or choose another driver",
        ) from None


def run_decoupling(
    *,
    resolver: Resolver,
    totals: pd.DataFrame,
    effects: pd.DataFrame,
    keys: tuple[str, ...],
    periods: Sequence[tuple[int, int]],
    driver: str | None = None,
    panel: bool = False,
) -> DecouplingResults:
    """Tapio decoupling of the decomposition's units and its LMDI decoupling effort.

    ``totals``/``effects``/``keys``/``periods``: the decomposition results' tables, unit
    key columns and periods.  The unit is the decomposition's (a region's total when it
    ran per region and sector); CO2 comes from the totals, so each unit's effort sums
    exactly to its elasticity.  ``driver``: "gdp" or "output_value" (default: output
    for sectors, GDP otherwise), read through ``resolver``.
    """
    rows, unit_keys = _unit_rows(totals, keys)
    eff, _ = _unit_rows(effects, keys)
    driver = driver or ("output_value" if unit_keys == ["sector"] else "gdp")
    levels = _quantity_levels(rows, unit_keys)
    units = sorted({str(u) for u in levels[unit_keys[0]]}) if unit_keys else []
    g = _driver_values(resolver, driver, unit_keys, units, panel).astype(float)
    index = pd.MultiIndex.from_frame(levels[[*unit_keys, "year"]]) if unit_keys else levels["year"]
    levels[driver] = g.reindex(index).to_numpy()
    missing = levels[levels[driver].isna()]
    if not missing.empty:
        first = missing.iloc[0]
        where = ", ".join(f"{k} {first[k]}" for k in [*unit_keys, "year"])
        raise _err(
            f"decoupling driver {driver} is missing for {where}",
            "decomposition.decoupling.driver",
            fix="give the driver in every year the decomposition uses",
        )
    return decoupling(
        levels,
        driver=driver,
        quantity="co2",
        periods=[tuple(p) for p in periods],
        effects=eff,
    )
