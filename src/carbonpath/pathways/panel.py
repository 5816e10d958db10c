"""Pathways of a panel study: targets and scenarios per region and for their sum.

Targets: a target whose scope has no region part (``modern``) is tracked in every
region and for the sum of the regions (:func:`.units.track_units`); a scope that names
regions itself (``BJ:modern``, ``*:modern``, ``regiongroup:east:modern``) is one series.
Scenarios: every region's CO2 is projected from its own drivers (the STIRPAT terms
evaluated in that region) with one set of elasticities (the panel model over regions,
or the time-series model when there is none) and the scenario's rates (a region's own
``[scenarios.<name>.regions.<code>]`` rates first, else the scenario's, else the
region's recent trend); the sum's path and interval add the regions draw by draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from carbonpath.core.errors import InputError, StudyError
from carbonpath.core.scopes import parse_scope
from carbonpath.core.settings import FILE
from carbonpath.pathways.region_checks import region_target_checks
from carbonpath.pathways.results import TARGET_COLUMNS, TargetResults, UnitScenarioResults
from carbonpath.pathways.scenarios import ScenarioSpec, driver_level_name
from carbonpath.pathways.settings import ScenarioSettings, Target, TargetSettings
from carbonpath.pathways.targets import intensity_series, track_target
from carbonpath.pathways.units import TOTAL, project_units, track_units

Resolver = Callable[[str, str], pd.Series]
#: a STIRPAT term as plain data: (variable, scope) of the numerator and of the denominator
TermParts = tuple[tuple[str, str], tuple[str, str] | None]
PANEL_NOTE = (
    "targets without a region in their scope are tracked in every region and for the sum "
    "of the regions (the years every region has)"
)
NORMAL_INTERVAL = (
    "2.5/97.5 percentiles over {n} draws of the elasticities from independent normals "
    "N(B, SE^2) of the panel model (seed {seed}); coefficient uncertainty only"
)


def _err(message: str, key: str, fix: str | None = None) -> StudyError:
    return StudyError(message, file=FILE, key=key, fix=fix)


def _long(series: pd.Series, value: str) -> pd.DataFrame:
    """A (region, year)-indexed Series as region, year, <value>, without missing years."""
    frame = series.rename(value).dropna().reset_index()
    frame.columns = ["region", "year", value]
    frame["region"] = frame["region"].astype(str)
    frame["year"] = frame["year"].astype(int)
    return frame


def _in_region(scope: str) -> bool:
    return not parse_scope(scope).crosses_regions


def _one_target(target: Target, key: str, resolver: Resolver, years: list[int]) -> dict:
    """A target on one series (its scope names the regions)."""
    try:
        c = resolver("co2", target.scope).reindex(years)
        series, unit = c.dropna(), "t"
        if target.type == "intensity":
            q = resolver("output_value", target.scope).reindex(years)
            series, unit = intensity_series(c, q), "t/yuan"
        progress = track_target(series, unit=unit, **target.terms())
    except InputError as exc:
        raise _err(f"target '{target.name}': {exc.message}", f"{key}.scope", exc.fix) from None
    region = str(parse_scope(target.scope)).rsplit(":", 1)[0]
    return {"region": region, **progress.to_dict()}


def _region_target(target: Target, key: str, resolver: Resolver) -> list[dict]:
    """A target in every region and for the sum of the regions."""
    try:
        co2 = _long(resolver.panel("co2", target.scope), "co2_t")  # type: ignore[attr-defined]
        output = None
        if target.type == "intensity":
            q = resolver.panel("output_value", target.scope)  # type: ignore[attr-defined]
            output = _long(q, "value")
        table = track_units(co2, output, by="region", **target.terms())
    except InputError as exc:
        raise _err(
            f"target '{target.name}' per region: {exc.message}",
            f"{key}.base_year",
            exc.fix or "choose a base year and trend window every region has",
        ) from None
    return table.to_dict(orient="records")


def track_region_targets(
    settings: TargetSettings, *, resolver: Resolver, years: Sequence[int]
) -> TargetResults:
    """Every target per region and for the sum (scope without a region part), or on its
    one series (a scope naming regions).  ``records``: region ("total" for the sum, or
    the scope's region part), then the columns of a one-region study's targets."""
    rows: list[dict] = []
    for i, t in enumerate(settings.targets):
        key = f"targets[{i + 1}]"
        if _in_region(t.scope):
            found = _region_target(t, key, resolver)
        else:
            found = [_one_target(t, key, resolver, list(years))]
        rows += [{**r, "scope": t.scope, "source": t.source} for r in found]
    records = pd.DataFrame(rows, columns=["region", *TARGET_COLUMNS])
    return TargetResults(records=records, notes=(PANEL_NOTE,))


# ----------------------------------------------------------------------------- scenarios


def region_drivers(
    resolver: Resolver, terms: Mapping[str, TermParts], regions: Sequence[str]
) -> pd.DataFrame:
    """region, year and the level of every term (``lnA`` -> column ``A``) in each
    region: the numerator over the denominator, read through ``resolver.for_region``."""
    frames = []
    for r in regions:
        bound = resolver.for_region(r)  # type: ignore[attr-defined]
        cols = {}
        for name, (num, den) in terms.items():
            level = bound(*num)
            if den is not None:
                level = level / bound(*den)
            cols[driver_level_name(name)] = level.astype(float)
        frame = pd.DataFrame(cols).dropna()
        frame.index.name = "year"
        frames.append(frame.reset_index().assign(region=r))
    out = pd.concat(frames, ignore_index=True)
    return out[["region", "year", *(c for c in out.columns if c not in ("region", "year"))]]


def region_co2(resolver: Resolver, scope: str, variable: str = "co2") -> pd.DataFrame:
    """region, year, co2_t (or value for another variable): ``variable[scope]`` in every
    region."""
    value = "co2_t" if variable == "co2" else "value"
    try:
        return _long(resolver.panel(variable, scope), value)  # type: ignore[attr-defined]
    except InputError as exc:
        raise _err(
            f"{variable}[{scope}] per region: {exc.message}", "scenarios.scope", exc.fix
        ) from None


def normal_draws(params: pd.Series, bse: pd.Series, n: int, seed: int) -> np.ndarray:
    """n draws (n x p) of B from independent normals N(B_j, SE_j^2) (a fixed seed)."""
    rng = np.random.default_rng(seed)
    b = params.to_numpy(dtype=float)
    se = bse.reindex(params.index).to_numpy(dtype=float)
    if not np.all(np.isfinite(se)):
        raise InputError("the elasticities' standard errors are missing", fix="check the fit")
    return b + rng.standard_normal((n, b.size)) * se


def _specs(settings: ScenarioSettings, terms: Sequence[str], regions: Sequence[str]):
    """ScenarioSpecs and the regions' own rates; drivers and regions must exist."""
    specs, own = [], {}
    for name, s in settings.scenarios.items():
        for where, driver in [
            *((d, d) for d in s.rates),
            *((f"regions.{c}.{d}", d) for c, r in s.regions.items() for d in r),
        ]:
            if driver not in terms:
                raise _err(
                    f"driver '{driver}' of scenario '{name}' is not in the fitted model",
                    f"scenarios.{name}.{where}",
                    fix=f"use one of {', '.join(terms)}",
                )
        for code in s.regions:
            if code not in regions:
                raise _err(
                    f"region '{code}' of scenario '{name}' is not in regions.csv",
                    f"scenarios.{name}.regions.{code}",
                    fix=f"use one of {', '.join(regions)}",
                )
        specs.append(ScenarioSpec(name=name, label=s.label, rates=dict(s.rates)))
        own[name] = {c: dict(r) for c, r in s.regions.items()}
    return specs, own


def project_regions(
    settings: ScenarioSettings,
    *,
    drivers: pd.DataFrame,
    co2: pd.DataFrame,
    elasticities: pd.Series,
    bootstrap: np.ndarray | None,
    source: str,
    interval: str | None,
    targets: TargetSettings | None = None,
    output: pd.DataFrame | None = None,
) -> UnitScenarioResults:
    """Project every region and the sum for each scenario (see the module docstring).

    ``drivers``: region, year, driver levels (as :func:`region_drivers`); ``co2``:
    region, year, co2_t; ``elasticities``: B by term (no constant); ``bootstrap``:
    draws (B x p) in the elasticities' order, or None; ``source`` and ``interval``:
    where the elasticities and the interval come from, in words.  ``targets`` are
    checked on the paths (``output``: region, year, value for intensity targets).
    """
    terms = [str(t) for t in elasticities.index]
    regions = sorted({str(r) for r in co2["region"]})
    specs, own = _specs(settings, terms, regions)
    try:
        res = project_units(
            drivers,
            co2,
            elasticities,
            specs,
            by="region",
            horizon=settings.horizon,
            trend_years=settings.trend_years,
            bootstrap=bootstrap,
            unit_rates=own,
        )
    except InputError as exc:
        raise _err(f"scenarios per region: {exc.message}", "scenarios", exc.fix) from None
    checks, notes = region_target_checks(
        targets.targets if targets is not None else (),
        paths=res.paths,
        assumptions=res.assumptions,
        co2=co2,
        output=output,
        anchor=res.anchor_year,
        horizon=res.horizon,
        scope=settings.scope,
        output_driver=settings.output_driver,
    )
    return replace(
        res,
        interval=interval if res.n_bootstrap else None,
        elasticities=source,
        scope=settings.scope,
        notes=(f"the sum of the regions is row region = {TOTAL!r}", *notes),
        target_checks=checks,
    )
