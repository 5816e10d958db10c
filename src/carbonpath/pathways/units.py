"""Pathways per unit (a region or a sector) and for their sum: targets and scenarios.

The input frames are long, with a unit column (``by``, default ``region``) and ``year``,
so a study's tables with a ``region`` column go in as they are.

Targets: every unit is tracked on its own series (:func:`.targets.track_target`); the
sum is tracked on sum_u C_u (absolute) or sum_u C_u / sum_u Q_u (intensity), over the
years every unit has.

Scenarios: every unit is projected with :func:`.scenarios.project` from its own drivers
and CO2, with one set of elasticities for all units (a panel model) or one per unit;
the sum's path is sum_u C_u,t and its interval the 2.5/97.5 percentiles over the draws
of sum_u C_u,t^(b) (draw b of every unit summed, so draws must be equally many).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from carbonpath.core.errors import InputError
from carbonpath.pathways.results import UnitScenarioResults
from carbonpath.pathways.scenarios import (
    DEFAULT_HORIZON,
    DEFAULT_TREND_YEARS,
    INTERVAL_PERCENTILES,
    Projection,
    ScenarioSpec,
    peak,
    project,
)
from carbonpath.pathways.targets import DEFAULT_TREND_YEARS as TARGET_TREND_YEARS
from carbonpath.pathways.targets import intensity_series, track_target

TOTAL = "total"


def _wide(frame: pd.DataFrame, by: str, value: str, what: str) -> pd.DataFrame:
    """year x unit table of ``value``; one row per unit and year."""
    missing = [c for c in (by, "year", value) if c not in frame.columns]
    if missing:
        raise InputError(
            f"the {what} table lacks columns {missing}", fix=f"give {by}, year, {value}"
        )
    if frame.duplicated(subset=[by, "year"]).any():
        raise InputError(
            f"the {what} table has duplicate {by}/year rows", fix="aggregate them first"
        )
    wide = frame.pivot(index="year", columns=by, values=value).astype(float)
    wide.index = wide.index.astype(int)
    wide.columns = [str(c) for c in wide.columns]
    return wide.sort_index()


def _tracked(c: pd.Series, q: pd.Series | None, kind: str) -> tuple[pd.Series, str]:
    """The tracked series: CO2 (t), or CO2 per output value (t/yuan)."""
    if kind != "intensity":
        return c, "t"
    if q is None:
        raise InputError(
            "an intensity target needs output for every unit", fix="add the output rows"
        )
    return intensity_series(c, q), "t/yuan"


def track_units(
    co2: pd.DataFrame,
    output: pd.DataFrame | None = None,
    *,
    by: str = "region",
    base_year: int,
    target_year: int,
    reduction: float,
    kind: str = "intensity",
    name: str = "target",
    trend_years: int = TARGET_TREND_YEARS,
) -> pd.DataFrame:
    """Track one target per unit and for the units' sum.

    ``co2``: <by>, year, co2_t (t).  ``output``: <by>, year, value (yuan), needed for
    an intensity target.  Returns one row per unit (sorted), then ``total``: the unit
    column and the :class:`.targets.TargetProgress` fields.
    """
    c = _wide(co2, by, "co2_t", "CO2")
    q = _wide(output, by, "value", "output") if output is not None else None
    if kind == "intensity" and q is None:
        raise InputError("an intensity target needs output by unit", fix="give the output table")
    series = {u: _tracked(c[u], None if q is None else q.get(u), kind) for u in c.columns}
    qa = None if q is None else q.reindex(index=c.index, columns=c.columns)
    every = c.notna().all(axis=1) & (qa.notna().all(axis=1) if qa is not None else True)
    total_q = qa[every].sum(axis=1) if qa is not None else None
    series[TOTAL] = _tracked(c[every].sum(axis=1), total_q, kind)
    rows = []
    for unit, (s, label) in series.items():
        try:
            progress = track_target(
                s,
                base_year=base_year,
                target_year=target_year,
                reduction=reduction,
                kind=kind,
                name=name,
                unit=label,
                trend_years=trend_years,
            )
        except InputError as exc:
            where = "the sum" if unit == TOTAL else f"{by} {unit}"
            raise InputError(f"{where}: {exc.message}", fix=exc.fix) from None
        rows.append({by: unit, **progress.to_dict()})
    return pd.DataFrame(rows)


def _unit_inputs(
    unit: str,
    drivers: pd.DataFrame,
    co2: pd.DataFrame,
    elasticities: pd.Series | pd.DataFrame,
    bootstrap: np.ndarray | Mapping[str, np.ndarray] | None,
    by: str,
) -> tuple[pd.DataFrame, pd.Series, dict[str, float], np.ndarray | None]:
    """One unit's driver table (index year), CO2 series, elasticities and draws."""
    d = drivers[drivers[by].astype(str) == unit].drop(columns=by).set_index("year")
    c = co2[co2[by].astype(str) == unit].set_index("year")["co2_t"]
    if isinstance(elasticities, pd.DataFrame):
        if unit not in elasticities.index.astype(str):
            raise InputError(f"no elasticities for {by} {unit}", fix="give a row per unit")
        b = elasticities.loc[elasticities.index.astype(str) == unit].iloc[0]
    else:
        b = elasticities
    draws = bootstrap.get(unit) if isinstance(bootstrap, Mapping) else bootstrap
    return d, c, {str(k): float(v) for k, v in b.items()}, draws


def _sum_rows(
    projections: dict[str, Projection], scenarios: Sequence[ScenarioSpec], by: str
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Path and peak rows of the units' sum, per scenario."""
    first = next(iter(projections.values()))
    years = np.arange(first.anchor_year, first.horizon + 1)
    paths, peaks = [], []
    for spec in scenarios:
        path = sum(
            p.paths.loc[p.paths["scenario"] == spec.name, "co2_t"].to_numpy()
            for p in projections.values()
        )
        draws = [p.draws[spec.name] for p in projections.values()]
        if draws[0].shape[1] and len({d.shape[1] for d in draws}) > 1:
            raise InputError(
                "the units have different numbers of bootstrap draws", fix="give equally many"
            )
        lo = hi = np.full(len(years), np.nan)
        if draws[0].shape[1]:
            lo, hi = np.percentile(sum(draws), INTERVAL_PERCENTILES, axis=1)
        paths += [
            {
                by: TOTAL,
                "year": int(y),
                "scenario": spec.name,
                "co2_t": float(path[k]),
                "lo": float(lo[k]),
                "hi": float(hi[k]),
            }
            for k, y in enumerate(years)
        ]
        peaks.append(
            {by: TOTAL, "scenario": spec.name, **peak(years, np.asarray(path), first.horizon)}
        )
    return paths, peaks


def _own_rates(
    spec: ScenarioSpec,
    unit: str,
    unit_rates: Mapping[str, Mapping[str, Mapping[str, float | str]]] | None,
) -> ScenarioSpec:
    """The scenario with the unit's own rates over the common ones."""
    own = (unit_rates or {}).get(spec.name, {}).get(unit)
    return replace(spec, rates={**spec.rates, **own}) if own else spec


def project_units(
    drivers: pd.DataFrame,
    co2: pd.DataFrame,
    elasticities: pd.Series | pd.DataFrame,
    scenarios: Sequence[ScenarioSpec],
    *,
    by: str = "region",
    horizon: int = DEFAULT_HORIZON,
    trend_years: int = DEFAULT_TREND_YEARS,
    bootstrap: np.ndarray | Mapping[str, np.ndarray] | None = None,
    unit_rates: Mapping[str, Mapping[str, Mapping[str, float | str]]] | None = None,
) -> UnitScenarioResults:
    """Project every unit's CO2 and the units' sum for each scenario.

    ``drivers``: <by>, year and the driver levels (P, A ...) or logs (lnP ...).
    ``co2``: <by>, year, co2_t.  ``elasticities``: one Series of B by term for every
    unit, or a DataFrame (index unit, columns terms).  ``bootstrap``: draws (B x p) for
    every unit, {unit: draws}, or None.  ``unit_rates``: {scenario: {unit: {driver:
    rate}}}, a unit's own rates over the scenario's (its drivers' trends stay the
    default).  Every unit must end its data in the same year (the anchor of the sum).
    """
    units = sorted({str(u) for u in co2[by]})
    projections = {}
    for unit in units:
        d, c, b, draws = _unit_inputs(unit, drivers, co2, elasticities, bootstrap, by)
        specs = [_own_rates(spec, unit, unit_rates) for spec in scenarios]
        projections[unit] = project(
            d, c, b, specs, horizon=horizon, trend_years=trend_years, bootstrap=draws
        )
    anchors = {u: p.anchor_year for u, p in projections.items()}
    if len(set(anchors.values())) > 1:
        raise InputError(
            f"the units' last data years differ: {anchors}",
            fix="give every unit data up to the same year",
        )
    tag = {u: (lambda f, u=u: f.assign(**{by: u})[[by, *f.columns]]) for u in units}
    sum_paths, sum_peaks = _sum_rows(projections, scenarios, by)
    paths = pd.concat(
        [tag[u](p.paths) for u, p in projections.items()] + [pd.DataFrame(sum_paths)],
        ignore_index=True,
    )
    peaks = pd.concat(
        [tag[u](p.peaks) for u, p in projections.items()] + [pd.DataFrame(sum_peaks, dtype=object)],
        ignore_index=True,
    )
    assumptions = pd.concat(
        [tag[u](p.assumptions) for u, p in projections.items()], ignore_index=True
    )
    first = projections[units[0]]
    return UnitScenarioResults(
        unit=by,
        anchor_year=first.anchor_year,
        horizon=first.horizon,
        n_bootstrap=first.n_bootstrap,
        paths=paths,
        peaks=peaks,
        assumptions=assumptions,
    )
