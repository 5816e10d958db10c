"""The study-level uncertainty of the emissions (IPCC 2006 Vol. 1 Ch. 3).

On the cells ``[region,] year, sector, fuel, co2_t[, u_scale]`` of the member sectors
and the reference row:

- Approach 1 (:func:`~.uncertainty.approach1_level`) for the members' total per year
  ("modern"), each group and each sector;
- Approach 2 (Monte Carlo) for the same scopes, for CO2 and for the intensity (CO2
  draws x 1e8 / output value, the output value taken as exact);
- the probability that each year's intensity ranking of the members holds;
- the trend of the members' total between two years (Approach 1 and Monte Carlo).

In a panel (cells with a ``region`` column) every scope is computed per region, and the
members' total and the groups also for the sum of all regions (region ``*``); the
trend is that of the sum of regions.  A factor is shared by every region.

``u_scale`` (optional): a cell that is itself the sum of several independent data (the
facilities of a sector) has activity half-width U x u_scale, with u_scale =
sqrt(sum x_i^2) / sum x_i over its data (IPCC eq. 3.2 for equal U).

Two Monte Carlo methods, chosen by size and stated in the results
(``settings.monte_carlo_method``): ``cells`` (draws x cells at most
:data:`CELL_DRAWS`: one multiplier per cell and draw, :func:`~.uncertainty.monte_carlo`)
and ``sums`` (:mod:`.uncertainty_blocks`: one variate per draw and sector-year, exact
for normal activity errors).  U is the half-width of the 95% interval in % of the mean.
A fuel's factor uncertainty comes from ``factor_pct`` in study.toml, else from the
factor set's 95% ranges (NCV and carbon content, product rule), else the stated
default of 5%.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from carbonpath.accounting import uncertainty as unc
from carbonpath.accounting import uncertainty_blocks as blocks
from carbonpath.accounting.aggregate import SectorRoles
from carbonpath.accounting.factors import FactorSet
from carbonpath.accounting.indicators import scope_words
from carbonpath.accounting.overflow import overflow_error
from carbonpath.accounting.results import (
    NoTrend,
    TrendMonteCarlo,
    TrendUncertainty,
    UncertaintyEcho,
    UncertaintyResults,
)
from carbonpath.accounting.settings import DEFAULT_ACTIVITY_PCT, UncertaintySettings
from carbonpath.accounting.uncertainty_cells import (
    ALL,
    Cells,
    approach2_cells,
    rank_probabilities_cells,
)
from carbonpath.accounting.uncertainty_sums import APPROXIMATION

__all__ = [
    "CELL_DRAWS",
    "CORRELATION_NOTE",
    "DEFAULT_FACTOR_PCT",
    "StudyUncertaintyEcho",
    "factor_uncertainty",
    "study_uncertainty",
]

#: factor uncertainty (95% half-width, %) used for a fuel whose factor set gives no range
DEFAULT_FACTOR_PCT = 5.0
#: draws x cells up to which every cell gets its own multipliers (the ``cells`` method)
CELL_DRAWS = 20_000_000
CORRELATION_NOTE = (
    "activity data of each fuel x sector x year independent; the CO2 factor of a fuel is "
    "one uncertain quantity shared by all sectors and years; factors of different fuels "
    "independent; output value, employment and energy totals treated as exact"
)
_A1_COLUMNS = ["level", "scope", "year", "co2_t", "u_pct", "lower", "upper"]


@dataclass(frozen=True)
class StudyUncertaintyEcho(UncertaintyEcho):
    """The echo with the Monte Carlo method used and the approximation it makes (if any)."""

    monte_carlo_method: str = "cells"
    approximation: str | None = None


def factor_uncertainty(
    fuels: list[str], factors: FactorSet, setting: float | dict[str, float] | None
) -> tuple[dict[str, float], pd.DataFrame]:
    """Factor U (fraction) per fuel and where each came from (``fuel, factor_pct, source``)."""
    out: dict[str, float] = {}
    info = []
    for f in fuels:
        if isinstance(setting, float):
            pct, src = setting, "study.toml factor_pct"
        elif isinstance(setting, dict) and f in setting:
            pct, src = setting[f], "study.toml factor_pct"
        else:
            rel = factors.get(f).relative_uncertainty() if f in factors else None
            if rel is not None:
                pct = 100.0 * rel
                src = f"95% ranges of factor set '{factors.name}' (NCV and carbon content)"
            else:
                pct = DEFAULT_FACTOR_PCT
                src = f"default {DEFAULT_FACTOR_PCT:g}% (no range in the factor set)"
        out[f] = pct / 100.0
        info.append({"fuel": f, "factor_pct": pct, "source": src})
    return out, pd.DataFrame(info, columns=["fuel", "factor_pct", "source"])


def _level_rows(
    cc: Cells, ua: object, fu: dict[str, float], by: list[str], member_only: bool
) -> pd.DataFrame:
    """Approach-1 level rows grouped by ``by`` (members only for totals and groups)."""
    mask = cc.is_member if member_only else None
    return unc.approach1_level(cc.cells, ua, fu, by, membership=mask)


def _approach1(cc: Cells, ua: object, fu: dict[str, float], reference: str | None) -> pd.DataFrame:
    """Approach-1 level uncertainty of the members' total, each group and each sector.

    Per region (in a panel) and, for the total and the groups, for the sum of regions.
    """
    reg = ["region"] if cc.panel else []
    parts = []
    modern = _level_rows(cc, ua, fu, [*reg, "year"], True)
    parts.append(modern.assign(level="modern", scope="modern"))
    group = _level_rows(cc, ua, fu, [*reg, "year", "group"], True)
    parts.append(group.assign(level="group", scope="group:" + group["group"].astype(str)))
    sector = _level_rows(cc, ua, fu, [*reg, "year", "sector"], False)
    is_ref = (sector["sector"] == reference).to_numpy() if reference else False
    parts.append(
        sector.assign(
            level=np.where(is_ref, "reference", "sector"),
            scope=np.where(is_ref, "reference", sector["sector"].astype(str)),
        )
    )
    if cc.panel:
        parts = [_by_region(parts, cc.regions)]
        tot = _level_rows(cc, ua, fu, ["year"], True).assign(region=ALL, level="modern")
        grp = _level_rows(cc, ua, fu, ["year", "group"], True).assign(region=ALL, level="group")
        parts += [tot.assign(scope="modern"), grp.assign(scope="group:" + grp["group"])]
    cols = [*reg, *_A1_COLUMNS]
    out = pd.concat(parts, ignore_index=True)
    out["u_pct"] = 100 * out["u"]
    out["year"] = out["year"].astype(int)
    return out[cols].reset_index(drop=True)


def _by_region(parts: list[pd.DataFrame], regions: list[str]) -> pd.DataFrame:
    """The level tables of a panel, region by region (in regions.csv order)."""
    frame = pd.concat(parts, ignore_index=True)
    pos = frame["region"].map({r: i for i, r in enumerate(regions)})
    order = np.argsort(pos.to_numpy(), kind="stable")
    return frame.iloc[order].reset_index(drop=True)


def _trend(
    modern_draws: dict[tuple[str, int], np.ndarray],
    cc: Cells,
    ua: object,
    fu: dict[str, float],
    years: tuple[int, int],
) -> TrendUncertainty | NoTrend:
    """Trend of the members' total (of all regions) from ``years[0]`` to ``years[1]``."""
    t0, t1 = years
    key = ALL if cc.panel else ""
    if not ((key, t0) in modern_draws and (key, t1) in modern_draws and t0 != t1):
        return NoTrend(f"no emissions in {t0} or {t1}")
    a1 = unc.approach1_trend(cc.cells, ua, fu, t0, t1, membership=cc.is_member)
    d0 = modern_draws[(key, t0)]
    d1 = modern_draws[(key, t1)]
    tr = (d1 / d0 - 1.0) * 100.0
    lo, hi = np.percentile(tr, [2.5, 97.5])
    return TrendUncertainty(
        **{f.name: getattr(a1, f.name) for f in fields(a1)},
        scope=f"{ALL}:modern" if cc.panel else "modern",
        approach2=TrendMonteCarlo(float(tr.mean()), float(lo), float(hi)),
    )


def _check_finite(
    table: pd.DataFrame, columns: list[str], rows: pd.DataFrame, roles: SectorRoles
) -> None:
    """An infinite bound or mean (inputs too large to propagate) is an input error."""
    for col in columns:
        if table.empty:
            return
        values = pd.to_numeric(table[col], errors="coerce").to_numpy(dtype=float)
        bad = np.isinf(values)
        if bad.any():
            hit = table.loc[bad].iloc[0]
            scope = str(hit["scope"])
            if scope == "modern":
                codes = list(roles.members)
            elif scope.startswith("group:"):
                codes = [m for m in roles.members if roles.group_of[m] == scope[6:]]
            else:
                codes = [roles.reference if scope == "reference" else scope]
            cand = rows[(rows["year"] == hit["year"]) & rows["sector"].isin(codes)]
            if "region" in table.columns and "region" in rows.columns and hit["region"] != ALL:
                cand = cand[cand["region"] == hit["region"]]
            what = f"the uncertainty ({col}) of {scope_words(scope)} in {hit['year']}"
            raise overflow_error(what, cand)


def _activity_u(cells: pd.DataFrame, ua: float) -> float | np.ndarray:
    """The activity half-width per cell: U, times ``u_scale`` where cells carry one."""
    if "u_scale" not in cells.columns:
        return ua
    scale = pd.to_numeric(cells["u_scale"], errors="coerce").to_numpy(dtype=float)
    return ua * np.where(np.isfinite(scale), scale, 1.0)


def _monte_carlo(
    cc: Cells,
    ua: float | np.ndarray,
    fu: dict[str, float],
    settings: UncertaintySettings,
    seed: int,
    roles: SectorRoles,
    output: pd.Series,
) -> tuple[pd.DataFrame, tuple, dict, str, int | None]:
    """(approach-2 table, rank probabilities, members' total draws, method, chunk) by size."""
    if len(cc.cells) * settings.draws <= CELL_DRAWS:
        mc = unc.monte_carlo(
            cc.cells,
            ua,
            fu,
            cc.groupings(),
            draws=settings.draws,
            seed=seed,
            distribution=settings.distribution,
        )
        table, modern = approach2_cells(mc, cc, roles.reference, output)
        ranks = rank_probabilities_cells(mc, cc, roles.members, output)
        return table, ranks, modern, "cells", mc.settings.get("chunk_draws")
    res = blocks.monte_carlo_blocks(
        cc, ua, fu, roles, output, draws=settings.draws, seed=seed, dist=settings.distribution
    )
    return res.approach2, res.ranks, res.modern, "sums", None


def study_uncertainty(
    cells: pd.DataFrame,
    output: pd.Series,
    roles: SectorRoles,
    factors: FactorSet,
    settings: UncertaintySettings,
    *,
    seed: int,
    mode: str,
    rows: pd.DataFrame,
) -> UncertaintyResults:
    """Approach 1 and 2 for totals, groups, sectors and intensities; rank probabilities;
    trend.  ``cells``: CO2 by ``[region,] year, sector, fuel`` of the reported sectors
    (optionally ``u_scale``); ``output``: output value (yuan) by ``(year, scope)`` or, in
    a panel, ``(region, year, scope)``; ``rows``: input rows for locating overflow."""
    fuels = sorted(cells["fuel"].unique().tolist())
    fu, fu_info = factor_uncertainty(fuels, factors, settings.factor_pct)
    cc = Cells.of(cells, roles)
    ua = _activity_u(cc.cells, settings.activity_pct / 100.0)
    with np.errstate(over="ignore", invalid="ignore"):
        approach1 = _approach1(cc, ua, fu, roles.reference)
        approach2, ranks, modern, method, chunk = _monte_carlo(
            cc, ua, fu, settings, seed, roles, output
        )
    _check_finite(approach1, ["u_pct", "lower", "upper"], rows, roles)
    _check_finite(approach2, ["mean", "p2_5", "p97_5"], rows, roles)
    trend_years = settings.trend or (cc.years[0], cc.years[-1])
    echo = StudyUncertaintyEcho(
        draws=settings.draws,
        seed=int(seed),
        distribution=settings.distribution,
        activity_pct=settings.activity_pct,
        activity_pct_source="study.toml"
        if settings.activity_pct != DEFAULT_ACTIVITY_PCT
        else f"default {DEFAULT_ACTIVITY_PCT:g}%",
        factor_pct=fu_info,
        correlation=CORRELATION_NOTE,
        u_definition="half-width of the 95% interval in % of the mean",
        mode=mode,
        trend_years=(int(trend_years[0]), int(trend_years[1])),
        monte_carlo_chunk_draws=chunk,
        monte_carlo_method=method,
        approximation=APPROXIMATION[settings.distribution] if method == "sums" else None,
    )
    return UncertaintyResults(
        enabled=True,
        approach1=approach1,
        approach2=approach2,
        rank_probability=ranks,
        trend=_trend(modern, cc, ua, fu, (int(trend_years[0]), int(trend_years[1]))),
        settings=echo,
    )
