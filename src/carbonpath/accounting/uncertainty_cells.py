"""The uncertainty's cells and the per-cell Monte Carlo of a study (the ``cells`` method).

:class:`Cells` holds the cells ``[region,] year, sector, fuel, co2_t`` with their group,
region and membership, and the keys of every reported scope.  The ``cells`` method
gives every cell its own activity multiplier per draw
(:func:`~.uncertainty.monte_carlo`) and reads the sector-year, group-year and
members'-total draws from one run; it is used while draws x cells is small (the draws
of a one-region study are those carbonpath has always made).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonpath.accounting import uncertainty as unc
from carbonpath.accounting.aggregate import SectorRoles
from carbonpath.core.errors import InputError

__all__ = ["ALL", "Cells", "Spec", "approach2_cells", "output_of", "rank_probabilities_cells"]

#: the region code of the sum of all regions (the scope grammar's ``*``)
ALL = "*"


def output_of(output: pd.Series, region: str, year: int, scope: str) -> float:
    """Output value of a scope (NaN when not given): index ``(year, scope)`` or, in a
    panel, ``(region, year, scope)``."""
    if not len(output):
        return np.nan
    key = (region, year, scope) if output.index.nlevels == 3 else (year, scope)
    if output.index.nlevels != 3 and region not in ("",):
        return np.nan
    return float(output.get(key, np.nan))


@dataclass(frozen=True)
class Cells:
    """The uncertainty's cells and how they group (sector, group, members' total)."""

    cells: pd.DataFrame  #: with ``region`` ("" in a one-region study) and ``group``
    is_member: np.ndarray
    panel: bool
    regions: list[str]
    years: list[int]
    groups: tuple[str, ...]
    sector_index: np.ndarray  #: per cell: its (region, year, sector) in first-appearance order
    sector_keys: list[tuple[str, int, str]]

    @classmethod
    def of(cls, cells: pd.DataFrame, roles: SectorRoles) -> Cells:
        need = {"year", "sector", "fuel", "co2_t"}
        if not need <= set(cells.columns):
            raise InputError("uncertainty needs cells with year, sector, fuel, co2_t")
        panel = "region" in cells.columns
        c = cells.reset_index(drop=True)
        c = c.assign(
            region=c["region"].astype(str) if panel else "",
            group=c["sector"].map(roles.group_of).fillna(""),
        )
        is_mem = c["sector"].isin(list(roles.members)).to_numpy()
        years = sorted(c["year"].unique().tolist())
        regions = list(dict.fromkeys(c["region"].tolist()))
        idx = c.groupby(["region", "year", "sector"], sort=False).ngroup().to_numpy()
        first = np.unique(idx, return_index=True)[1]
        keys = list(
            zip(
                c["region"].to_numpy()[first],
                c["year"].to_numpy()[first].tolist(),
                c["sector"].to_numpy()[first],
                strict=True,
            )
        )
        return cls(c, is_mem, panel, regions, years, roles.groups, idx, keys)

    def positions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(region, year, group) position of every cell (group -1: not a member)."""
        c = self.cells
        r = c["region"].map({r: i for i, r in enumerate(self.regions)}).to_numpy(dtype=np.intp)
        y = c["year"].map({y: i for i, y in enumerate(self.years)}).to_numpy(dtype=np.intp)
        gpos = {g: i for i, g in enumerate(self.groups)}
        g = c["group"].map(gpos).fillna(-1).to_numpy(dtype=np.intp)
        g = np.where(self.is_member, g, -1)
        return r, y, g

    def groupings(self) -> list[unc.Grouping]:
        """Sector-year, group-year and members' total per (region,) year (``-1``: out).

        In a panel also the members' total and the groups of the sum of regions.
        """
        r, y, g = self.positions()
        n_y, n_g = len(self.years), len(self.groups)
        grp = np.where(g >= 0, (r * n_y + y) * n_g + g, -1)
        tot = np.where(self.is_member, r * n_y + y, -1)
        region_years = [(rr, yy) for rr in self.regions for yy in self.years]
        out = [
            unc.Grouping("sector", self.sector_index, self.sector_keys),
            unc.Grouping("group", grp, [(*k, gg) for k in region_years for gg in self.groups]),
            unc.Grouping("modern", tot, region_years),
        ]
        if self.panel:
            out.append(unc.Grouping("all_modern", np.where(self.is_member, y, -1), self.years))
            all_grp = np.where(g >= 0, y * n_g + g, -1)
            labels = [(ALL, yy, gg) for yy in self.years for gg in self.groups]
            out.append(unc.Grouping("all_group", all_grp, labels))
        return out


@dataclass(frozen=True)
class Spec:
    """One Monte Carlo column: grouping, position, level, scope, region, year, central CO2."""

    grouping: str
    index: int
    level: str
    scope: str
    region: str
    year: int
    central: float


def _specs(cc: Cells, reference: str | None) -> list[Spec]:
    """The reported scopes in order: per region the members' total, groups, sectors (and
    reference); in a panel then the sum of regions' total and groups."""
    c, is_mem = cc.cells, cc.is_member
    modern = c[is_mem].groupby(["region", "year"])["co2_t"].sum()
    group = c[is_mem].groupby(["region", "year", "group"])["co2_t"].sum()
    sector = c.groupby(["region", "year", "sector"])["co2_t"].sum()
    present = set(zip(c["region"], c["year"], strict=True))
    n_y, n_g = len(cc.years), len(cc.groups)
    by_region = {r: [] for r in cc.regions}
    for ri, r in enumerate(cc.regions):
        out = by_region[r]
        for yi, y in enumerate(cc.years):
            if cc.panel and (r, y) not in present:
                continue
            out.append(
                Spec("modern", ri * n_y + yi, "modern", "modern", r, y, _get(modern, (r, y)))
            )
        for yi, y in enumerate(cc.years):
            for gi, g in enumerate(cc.groups):
                if (r, y, g) in group.index:
                    j = (ri * n_y + yi) * n_g + gi
                    out.append(
                        Spec("group", j, "group", f"group:{g}", r, y, float(group[(r, y, g)]))
                    )
    for j, (r, y, s) in enumerate(cc.sector_keys):
        lvl = "reference" if s == reference else "sector"
        scope = "reference" if lvl == "reference" else s
        by_region[r].append(Spec("sector", j, lvl, scope, r, y, float(sector[(r, y, s)])))
    specs = [sp for r in cc.regions for sp in by_region[r]]
    if cc.panel:
        specs += _all_specs(cc, modern, group)
    return specs


def _get(series: pd.Series, key: tuple) -> float:
    return float(series.get(key, 0.0))


def _all_specs(cc: Cells, modern: pd.Series, group: pd.Series) -> list[Spec]:
    """The members' total and the groups of the sum of regions."""
    tot = modern.groupby(level="year").sum()
    grp = group.groupby(level=["year", "group"]).sum()
    out = [
        Spec("all_modern", yi, "modern", "modern", ALL, y, float(tot.get(y, 0.0)))
        for yi, y in enumerate(cc.years)
    ]
    for yi, y in enumerate(cc.years):
        for gi, g in enumerate(cc.groups):
            if (y, g) in grp.index:
                j = yi * len(cc.groups) + gi
                out.append(Spec("all_group", j, "group", f"group:{g}", ALL, y, float(grp[(y, g)])))
    return out


def percentile_records(
    quantity: str, draws: np.ndarray, specs: list[Spec], scale: np.ndarray, panel: bool
) -> list[dict]:
    """Mean, 2.5/97.5 percentiles and half-width (% of the mean) of each column."""
    if draws.shape[1] == 0:
        return []
    return stats_records(quantity, column_stats(draws), specs, scale, panel)


def column_stats(draws: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, 2.5th, 97.5th percentile) of each column of draws x columns."""
    lo, hi = np.percentile(draws, [2.5, 97.5], axis=0)
    return draws.mean(axis=0), lo, hi


def stats_records(
    quantity: str,
    stats: tuple[np.ndarray, np.ndarray, np.ndarray],
    specs: list[Spec],
    scale: np.ndarray,
    panel: bool,
) -> list[dict]:
    """The records of :func:`percentile_records` from the columns' (mean, lo, hi)."""
    mean, lo, hi = stats
    out = []
    for i, sp in enumerate(specs):
        rec = {"region": sp.region} if panel else {}
        rec.update(
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
        out.append(rec)
    return out


def approach2_cells(
    mc: unc.MonteCarloResult, cc: Cells, reference: str | None, output: pd.Series
) -> tuple[pd.DataFrame, dict[tuple[str, int], np.ndarray]]:
    """Monte Carlo percentiles of CO2 and intensity (CO2 x 1e8 / output value), and the
    draws of each members' total (``(region, year)``; region ``*``: the sum of regions)."""
    specs = _specs(cc, reference)
    draws_co2 = np.column_stack([mc.groups[sp.grouping][:, sp.index] for sp in specs])
    outputs = np.array([output_of(output, sp.region, sp.year, sp.scope) for sp in specs])
    recs = percentile_records("co2_t", draws_co2, specs, np.ones(len(specs)), cc.panel)
    ok = np.isfinite(outputs) & (outputs > 0)
    scale = 1e8 / outputs[ok]
    kept = [sp for sp, keep in zip(specs, ok, strict=True) if keep]
    recs += percentile_records(
        "intensity_t_per_1e8_yuan", draws_co2[:, ok] * scale[None, :], kept, scale, cc.panel
    )
    modern = {
        (sp.region, sp.year): mc.groups[sp.grouping][:, sp.index]
        for sp in specs
        if sp.level == "modern"
    }
    return pd.DataFrame(recs), modern


def rank_probabilities_cells(
    mc: unc.MonteCarloResult, cc: Cells, members: tuple[str, ...], output: pd.Series
) -> tuple:
    """Per (region and) year, the probability that the members' intensity ranking holds
    (at least two members with an output value)."""
    sec_pos = {k: i for i, k in enumerate(cc.sector_keys)}
    sector = cc.cells.groupby(["region", "year", "sector"])["co2_t"].sum()
    out = []
    for r in cc.regions:
        for y in cc.years:
            cols, cen, labs = [], [], []
            for m in members:
                if (r, y, m) in sec_pos:
                    ov = output_of(output, r, y, m)
                    if ov is not None and np.isfinite(ov) and ov > 0:
                        cols.append(mc.groups["sector"][:, sec_pos[(r, y, m)]] / ov * 1e8)
                        cen.append(float(sector[(r, y, m)]) / ov * 1e8)
                        labs.append(m)
            if len(labs) >= 2:
                extra = {"region": r} if cc.panel else None
                out.append(
                    unc.rank_probability(
                        np.column_stack(cols), np.array(cen), labs, int(y), extra=extra
                    )
                )
    return tuple(out)
