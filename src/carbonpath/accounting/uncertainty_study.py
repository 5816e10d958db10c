"""The study-level uncertainty of the emissions (IPCC 2006 Vol. 1 Ch. 3).

On the cells ``year, sector, fuel, co2_t`` of the member sectors and the reference row:

- Approach 1 (:func:`~.uncertainty.approach1_level`) for the members' total per year
  ("modern"), each group and each sector;
- Approach 2 (:func:`~.uncertainty.monte_carlo`) for the same scopes, for CO2 and for
  the intensity (CO2 draws x 1e8 / output value, the output value taken as exact);
- the probability that each year's intensity ranking of the members holds;
- the trend of the members' total between two years (Approach 1 and Monte Carlo).

U is the half-width of the 95% interval in % of the mean.  A fuel's factor uncertainty
comes from ``factor_pct`` in study.toml, else from the factor set's 95% ranges (NCV and
carbon content, product rule), else the stated default of 5%.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from carbonpath.accounting import uncertainty as unc
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

__all__ = ["CORRELATION_NOTE", "DEFAULT_FACTOR_PCT", "factor_uncertainty", "study_uncertainty"]

#: factor uncertainty (95% half-width, %) used for a fuel whose factor set gives no range
DEFAULT_FACTOR_PCT = 5.0
CORRELATION_NOTE = (
    "activity data of each fuel x sector x year independent; the CO2 factor of a fuel is "
    "one uncertain quantity shared by all sectors and years; factors of different fuels "
    "independent; output value, employment and energy totals treated as exact"
)
_A1_COLUMNS = ["level", "scope", "year", "co2_t", "u_pct", "lower", "upper"]


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


@dataclass(frozen=True)
class _Cells:
    """The uncertainty's cells and how they group (sector, group, modern)."""

    cells: pd.DataFrame
    is_member: np.ndarray
    years: list[int]
    sector_keys: list[tuple[int, str]]
    group_keys: list[tuple[int, str]]

    @classmethod
    def of(cls, cells: pd.DataFrame, roles: SectorRoles) -> _Cells:
        is_mem = cells["sector"].isin(list(roles.members)).to_numpy()
        cells = cells.assign(group=cells["sector"].map(roles.group_of).fillna(""))
        years = sorted(cells["year"].unique().tolist())
        sec_keys = list(dict.fromkeys(zip(cells["year"], cells["sector"], strict=True)))
        grp_keys = [(y, g) for y in years for g in roles.groups]
        return cls(cells, is_mem, years, sec_keys, grp_keys)

    def groupings(self) -> list[unc.Grouping]:
        """Sector-year, group-year and members' total per year (``-1``: not included)."""
        c = self.cells
        sec_pos = {k: i for i, k in enumerate(self.sector_keys)}
        sec_idx = np.array([sec_pos[k] for k in zip(c["year"], c["sector"], strict=True)])
        grp_pos = {k: i for i, k in enumerate(self.group_keys)}
        grp_idx = np.array(
            [
                grp_pos.get((y, g), -1) if m else -1
                for y, g, m in zip(c["year"], c["group"], self.is_member, strict=True)
            ]
        )
        tot_pos = {y: i for i, y in enumerate(self.years)}
        tot_idx = np.where(self.is_member, c["year"].map(tot_pos).to_numpy(), -1)
        return [
            unc.Grouping("sector", sec_idx, self.sector_keys),
            unc.Grouping("group", grp_idx, self.group_keys),
            unc.Grouping("modern", tot_idx, self.years),
        ]


def _approach1(cc: _Cells, ua: float, fu: dict[str, float], reference: str | None) -> pd.DataFrame:
    """Approach-1 level uncertainty of the members' total, each group and each sector."""
    c, is_mem = cc.cells, cc.is_member
    recs = []
    for r in unc.approach1_level(c, ua, fu, ["year"], membership=is_mem).itertuples(index=False):
        recs.append(("modern", "modern", int(r.year), r.co2_t, 100 * r.u, r.lower, r.upper))
    lev_grp = unc.approach1_level(c, ua, fu, ["year", "group"], membership=is_mem)
    for r in lev_grp.itertuples(index=False):
        recs.append(
            ("group", f"group:{r.group}", int(r.year), r.co2_t, 100 * r.u, r.lower, r.upper)
        )
    for r in unc.approach1_level(c, ua, fu, ["year", "sector"]).itertuples(index=False):
        lvl = "reference" if r.sector == reference else "sector"
        scope = "reference" if lvl == "reference" else r.sector
        recs.append((lvl, scope, int(r.year), r.co2_t, 100 * r.u, r.lower, r.upper))
    return pd.DataFrame([dict(zip(_A1_COLUMNS, rec, strict=True)) for rec in recs])


@dataclass(frozen=True)
class _Spec:
    """One Monte Carlo column: grouping, position, level, scope, year, central CO2."""

    grouping: str
    index: int
    level: str
    scope: str
    year: int
    central: float


def _specs(cc: _Cells, reference: str | None) -> list[_Spec]:
    """The reported scopes in order: members' total, groups, sectors (and reference)."""
    c, is_mem = cc.cells, cc.is_member
    modern = c[is_mem].groupby("year")["co2_t"].sum()
    group = c[is_mem].groupby(["year", "group"])["co2_t"].sum()
    sector = c.groupby(["year", "sector"])["co2_t"].sum()
    specs = [
        _Spec("modern", j, "modern", "modern", y, float(modern.get(y, 0.0)))
        for j, y in enumerate(cc.years)
    ]
    for j, (y, g) in enumerate(cc.group_keys):
        if (y, g) in group.index:
            specs.append(_Spec("group", j, "group", f"group:{g}", y, float(group[(y, g)])))
    for j, (y, s) in enumerate(cc.sector_keys):
        lvl = "reference" if s == reference else "sector"
        scope = "reference" if lvl == "reference" else s
        specs.append(_Spec("sector", j, lvl, scope, y, float(sector[(y, s)])))
    return specs


def _percentile_records(
    quantity: str, draws: np.ndarray, specs: list[_Spec], scale: np.ndarray
) -> list[dict]:
    """Mean, 2.5/97.5 percentiles and half-width (% of the mean) of each column."""
    if draws.shape[1] == 0:
        return []
    mean = draws.mean(axis=0)
    lo, hi = np.percentile(draws, [2.5, 97.5], axis=0)
    out = []
    for i, sp in enumerate(specs):
        out.append(
            {
                "quantity": quantity,
                "level": sp.level,
                "scope": sp.scope,
                "year": int(sp.year),
                "central": sp.central * scale[i],
                "mean": float(mean[i]),
                "p2_5": float(lo[i]),
                "p97_5": float(hi[i]),
                "half_width_pct": (100 * (hi[i] - lo[i]) / 2 / mean[i] if mean[i] else None),
            }
        )
    return out


def _approach2(mc: unc.MonteCarloResult, specs: list[_Spec], output: pd.Series) -> pd.DataFrame:
    """Monte Carlo percentiles of CO2 and intensity (CO2 x 1e8 / output value)."""
    draws_co2 = np.column_stack([mc.groups[sp.grouping][:, sp.index] for sp in specs])
    outputs = np.array(
        [float(output.get((sp.year, sp.scope), np.nan)) if len(output) else np.nan for sp in specs]
    )
    recs = _percentile_records("co2_t", draws_co2, specs, np.ones(len(specs)))
    ok = np.isfinite(outputs) & (outputs > 0)
    scale = 1e8 / outputs[ok]
    kept = [sp for sp, keep in zip(specs, ok, strict=True) if keep]
    recs += _percentile_records(
        "intensity_t_per_1e8_yuan", draws_co2[:, ok] * scale[None, :], kept, scale
    )
    return pd.DataFrame(recs)


def _rank_probabilities(
    mc: unc.MonteCarloResult, cc: _Cells, members: tuple[str, ...], output: pd.Series
) -> tuple:
    """Per year, the probability that the members' intensity ranking holds (>= 2 members)."""
    sec_pos = {k: i for i, k in enumerate(cc.sector_keys)}
    sector = cc.cells.groupby(["year", "sector"])["co2_t"].sum()
    out = []
    for y in cc.years:
        cols, cen, labs = [], [], []
        for m in members:
            if (y, m) in sec_pos:
                ov = output.get((y, m), np.nan) if len(output) else np.nan
                if ov is not None and np.isfinite(ov) and ov > 0:
                    cols.append(mc.groups["sector"][:, sec_pos[(y, m)]] / ov * 1e8)
                    cen.append(float(sector[(y, m)]) / ov * 1e8)
                    labs.append(m)
        if len(labs) >= 2:
            out.append(unc.rank_probability(np.column_stack(cols), np.array(cen), labs, int(y)))
    return tuple(out)


def _trend(
    mc: unc.MonteCarloResult,
    cc: _Cells,
    ua: float,
    fu: dict[str, float],
    years: tuple[int, int],
) -> TrendUncertainty | NoTrend:
    """Trend of the members' total from ``years[0]`` to ``years[1]``, both approaches."""
    t0, t1 = years
    tot_pos = {y: i for i, y in enumerate(cc.years)}
    if not (t0 in tot_pos and t1 in tot_pos and t0 != t1):
        return NoTrend(f"no emissions in {t0} or {t1}")
    a1 = unc.approach1_trend(cc.cells, ua, fu, t0, t1, membership=cc.is_member)
    d0 = mc.groups["modern"][:, tot_pos[t0]]
    d1 = mc.groups["modern"][:, tot_pos[t1]]
    tr = (d1 / d0 - 1.0) * 100.0
    lo, hi = np.percentile(tr, [2.5, 97.5])
    return TrendUncertainty(
        **{f.name: getattr(a1, f.name) for f in fields(a1)},
        scope="modern",
        approach2=TrendMonteCarlo(float(tr.mean()), float(lo), float(hi)),
    )


def _check_finite(
    table: pd.DataFrame, columns: list[str], rows: pd.DataFrame, roles: SectorRoles
) -> None:
    """An infinite bound or mean (inputs too large to propagate) is an input error."""
    for col in columns:
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
            what = f"the uncertainty ({col}) of {scope_words(scope)} in {hit['year']}"
            raise overflow_error(what, cand)


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
    trend.  ``cells``: CO2 by year x sector x fuel of the reported sectors; ``output``:
    output value (yuan) by (year, scope); ``rows``: input rows for locating overflow."""
    fuels = sorted(cells["fuel"].unique().tolist())
    fu, fu_info = factor_uncertainty(fuels, factors, settings.factor_pct)
    ua = settings.activity_pct / 100.0
    cc = _Cells.of(cells, roles)
    with np.errstate(over="ignore", invalid="ignore"):
        approach1 = _approach1(cc, ua, fu, roles.reference)
        mc = unc.monte_carlo(
            cc.cells,
            ua,
            fu,
            cc.groupings(),
            draws=settings.draws,
            seed=seed,
            distribution=settings.distribution,
        )
        approach2 = _approach2(mc, _specs(cc, roles.reference), output)
    _check_finite(approach1, ["u_pct", "lower", "upper"], rows, roles)
    _check_finite(approach2, ["mean", "p2_5", "p97_5"], rows, roles)
    trend_years = settings.trend or (cc.years[0], cc.years[-1])
    echo = UncertaintyEcho(
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
        monte_carlo_chunk_draws=mc.settings.get("chunk_draws"),
    )
    return UncertaintyResults(
        enabled=True,
        approach1=approach1,
        approach2=approach2,
        rank_probability=_rank_probabilities(mc, cc, roles.members, output),
        trend=_trend(mc, cc, ua, fu, (int(trend_years[0]), int(trend_years[1]))),
        settings=echo,
    )
