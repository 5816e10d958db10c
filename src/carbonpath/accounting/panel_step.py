"""The accounting of a panel study: each region accounted as a one-region study, then
stacked, summed and ranked (:mod:`carbonpath.accounting.regions`).

Every region uses the study's factor set, settings and seed; the Monte Carlo of region
``i`` (0-based, in regions.csv order) draws with seed ``seed + i`` so that regions do
not share draws and a region's numbers do not depend on the regions after it.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from carbonpath.accounting.factors import FactorSet
from carbonpath.accounting.regions import (
    PanelEmissionsResults,
    by_region,
    coverage,
    stack,
    sum_of_regions,
)
from carbonpath.accounting.results import (
    AccountingEcho,
    EmissionsResults,
    NoTrend,
    RankProbability,
    Scope2Results,
    TrendUncertainty,
    UncertaintyResults,
)
from carbonpath.accounting.settings import AccountingSettings

__all__ = ["run_panel"]

RunOne = Callable[..., EmissionsResults]
_TABLES = ("by_sector", "by_fuel", "by_group", "total", "intensity", "yoy_by_fuel")


def _subset(frame: pd.DataFrame | None, code: str) -> pd.DataFrame | None:
    """The rows of region ``code`` without the region column (None stays None)."""
    if frame is None:
        return None
    if "region" not in frame.columns:
        return frame
    rows = frame.loc[frame["region"].astype(str) == code]
    return rows.drop(columns="region").reset_index(drop=True)


def _region_view(study: Any, code: str) -> SimpleNamespace:
    """What :func:`run_one` reads of a study, for region ``code`` only."""
    corrections = [
        c for c in (getattr(study, "corrections", None) or []) if str(c.get("region", "")) == code
    ]
    return SimpleNamespace(
        seed=study.seed,
        sectors=study.sectors,
        energy=_subset(study.energy, code),
        economy=_subset(study.economy, code),
        emissions_inventory=_subset(study.emissions_inventory, code),
        corrections=corrections,
    )


def _scope2(parts: dict[str, EmissionsResults]) -> Scope2Results:
    on = {c: r.scope2 for c, r in parts.items() if r.scope2.enabled}
    if not on:
        return next(iter(parts.values())).scope2
    first = next(iter(on.values()))
    return Scope2Results(
        True,
        first.grid,
        first.heat_t_per_gj,
        first.heat_source,
        stack({c: s.factors_used for c, s in on.items()}),
        stack({c: s.records for c, s in on.items()}),
    )


def _rank_probability(parts: dict[str, EmissionsResults]) -> tuple[RankProbability, ...]:
    out = []
    for code, res in parts.items():
        for rp in res.uncertainty.rank_probability:
            items = rp.items.assign(region=code)
            items = items[["region", *[c for c in items.columns if c != "region"]]]
            out.append(RankProbability(rp.year, rp.p_ranking_holds, items))
    return tuple(out)


def _uncertainty(parts: dict[str, EmissionsResults]) -> UncertaintyResults:
    first = next(iter(parts.values())).uncertainty
    if not first.enabled:
        return first
    return UncertaintyResults(
        True,
        stack({c: r.uncertainty.approach1 for c, r in parts.items()}),
        stack({c: r.uncertainty.approach2 for c, r in parts.items()}),
        _rank_probability(parts),
        NoTrend("per region: see trend_by_region"),
        first.settings,
    )


def _trends(parts: dict[str, EmissionsResults]) -> pd.DataFrame:
    """The trend uncertainty of each region's member total (Approach 1 and 2)."""
    rows = []
    for code, res in parts.items():
        t = res.uncertainty.trend
        if isinstance(t, TrendUncertainty):
            rows.append(
                {
                    "region": code,
                    "scope": t.scope,
                    "year0": t.year0,
                    "year1": t.year1,
                    "trend_pct": t.trend_pct,
                    "u_pct_points": t.u_pct_points,
                    "lower_pct": t.lower_pct,
                    "upper_pct": t.upper_pct,
                    "mc_mean_pct": t.approach2.mean_pct,
                    "mc_p2_5_pct": t.approach2.p2_5_pct,
                    "mc_p97_5_pct": t.approach2.p97_5_pct,
                }
            )
        else:
            rows.append({"region": code, "reason": getattr(t, "reason", "") or "no trend"})
    return pd.DataFrame(rows)


def _echo(parts: dict[str, EmissionsResults], factors_table: pd.DataFrame) -> AccountingEcho:
    first = next(iter(parts.values())).settings
    texts = list(dict.fromkeys(r.settings.efficiency_energy for r in parts.values()))
    missing: list[str] = []
    for code, res in parts.items():
        for m in res.settings.missing:
            common = all(m in r.settings.missing for r in parts.values())
            text = m if common else f"region {code}: {m}"
            if text not in missing:
                missing.append(text)
    return AccountingEcho(
        factor_set=first.factor_set,
        overrides=first.overrides,
        factors=factors_table,
        efficiency_energy="; ".join(texts),
        mode=first.mode,
        non_combustion=first.non_combustion,
        intensity_unit=first.intensity_unit,
        missing=tuple(missing),
    )


def _factor_table(parts: dict[str, EmissionsResults]) -> pd.DataFrame:
    """The factors of the fuels any region used (one row per fuel)."""
    frames = [r.factors for r in parts.values() if len(r.factors)]
    if not frames:
        return next(iter(parts.values())).factors
    return pd.concat(frames, ignore_index=True).drop_duplicates("fuel").reset_index(drop=True)


def run_panel(
    study: Any,
    settings: AccountingSettings,
    *,
    factors: FactorSet,
    seed: int,
    run_one: RunOne,
) -> PanelEmissionsResults:
    """Account every region of ``study`` (``study.region_codes``) and combine them."""
    codes = [str(c) for c in study.region_codes]
    parts: dict[str, EmissionsResults] = {}
    for i, code in enumerate(codes):
        view = _region_view(study, code)
        if view.energy is not None and view.energy.empty and view.economy.empty:
            continue
        parts[code] = run_one(view, settings, factors=factors, seed=seed + i)
    tables = {name: stack({c: getattr(r, name) for c, r in parts.items()}) for name in _TABLES}
    years = [int(y) for y in study.years]
    warnings = [f"region {c}: {w}" for c, r in parts.items() for w in r.warnings]
    cov = coverage(tables["by_fuel"], codes, years)
    if not cov.balanced:
        warnings.append(
            f"emissions: {cov.rows_possible - cov.rows_used} of {cov.rows_possible} "
            "region-years have no data (emissions.coverage lists them); the sum of regions "
            "is missing in those years"
        )
    factors_table = _factor_table(parts)
    with np.errstate(divide="ignore", invalid="ignore"):
        regions = by_region(tables["intensity"])
        sums = sum_of_regions(tables["intensity"], codes, years)
    return PanelEmissionsResults(
        **tables,
        factors=factors_table,
        scope2=_scope2(parts),
        uncertainty=_uncertainty(parts),
        settings=_echo(parts, factors_table),
        factor_set=factors,
        warnings=tuple(dict.fromkeys(warnings)),
        regions=tuple(codes),
        by_region=regions,
        sum_of_regions=sums,
        trend_by_region=_trends(parts),
        coverage=cov,
    )
