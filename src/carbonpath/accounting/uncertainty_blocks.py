"""The ``sums`` Monte Carlo of a study: sector-year sums drawn region-year by region-year.

For a study whose draws x cells is large (a national inventory, facility data), the
draws are made per *block* (one region-year; one year in a one-region study):

1. the factor multipliers of all draws (draws x fuels) come first from
   ``default_rng(seed)``, exactly as in the ``cells`` method;
2. each block has its own random stream (:func:`~.uncertainty_sums.stream`: seed and
   block number), so its numbers do not depend on the chunking or on other blocks;
3. the block's sector-year emissions are drawn as sums
   (:func:`~.uncertainty.conditional_sums`: mean F @ mu, variance F^2 @ var, exact for
   normal activity errors), the groups and the members' total are added up from them;
4. percentiles, intensities and the rank probabilities of the block are computed at
   once, and only the block's draws x sectors are in memory.  Kept across blocks:
   the members' total of each region-year (draws x region-years, for the trend) and,
   in a panel, the sum of regions per year and group.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonpath.accounting import uncertainty as unc
from carbonpath.accounting.aggregate import SectorRoles
from carbonpath.accounting.uncertainty_cells import (
    ALL,
    Cells,
    Spec,
    column_stats,
    output_of,
    stats_records,
)
from carbonpath.accounting.uncertainty_sums import bin_moments, column_sums, stream

__all__ = ["BlockResults", "monte_carlo_blocks"]

#: draws x sums computed at once inside a block (the products hold no draws x fuels x
#: sums array; the chunking does not change the numbers: each block has its own stream)
_BLOCK_ELEMENTS = 2_000_000


@dataclass(frozen=True)
class BlockResults:
    """The approach-2 table, the rank probabilities and the members' total draws."""

    approach2: pd.DataFrame
    ranks: tuple
    modern: dict[tuple[str, int], np.ndarray]


@dataclass
class _Collect:
    """Records per region and level, in the order of the ``cells`` method."""

    co2: dict[tuple[str, int], list[dict]]
    intensity: dict[tuple[str, int], list[dict]]
    ranks: list
    modern: dict[tuple[str, int], np.ndarray]

    def add(self, region: str, level: int, quantity: str, recs: list[dict]) -> None:
        target = self.co2 if quantity == "co2_t" else self.intensity
        target.setdefault((region, level), []).extend(recs)


@dataclass(frozen=True)
class _Sums:
    """Per sector-year key: summed CO2 and activity variance by fuel, and its block."""

    mean: np.ndarray
    var: np.ndarray
    block: np.ndarray
    factor_draws: np.ndarray


def _sums(
    cc: Cells, ua: float | np.ndarray, fu: dict[str, float], draws: int, seed: int, dist: str
) -> _Sums:
    co2, u, fuels, fuel_idx = unc._mc_inputs(cc.cells, ua)
    f_draws = unc.draw_multipliers(
        np.random.default_rng(seed), unc._factor_u(fuels, fu), draws, dist
    )
    n = len(cc.sector_keys)
    mean, var = bin_moments(co2, u, cc.sector_index, n, fuel_idx, len(fuels), dist)
    rpos = {r: i for i, r in enumerate(cc.regions)}
    ypos = {y: i for i, y in enumerate(cc.years)}
    block = np.array(
        [rpos[r] * len(cc.years) + ypos[y] for r, y, _ in cc.sector_keys], dtype=np.intp
    )
    return _Sums(mean, var, block, f_draws)


def _block_draws(s: _Sums, keys: np.ndarray, rng: np.random.Generator, dist: str) -> np.ndarray:
    """Draws x sectors of one block, computed in chunks of draws."""
    d = s.factor_draws.shape[0]
    out = np.empty((d, keys.size))
    rows = max(1, _BLOCK_ELEMENTS // max(keys.size, 1))  # draws x sums at once
    mean, var = s.mean[keys], s.var[keys]
    for start in range(0, d, rows):
        stop = min(d, start + rows)
        out[start:stop] = unc.conditional_sums(mean, var, s.factor_draws[start:stop], rng, dist)
    return out


def _records(
    cc: Cells,
    draws: np.ndarray,
    specs: list[Spec],
    output: pd.Series,
    col: _Collect,
    lvl: list[int],
) -> None:
    """CO2 and intensity records of a block's columns (``lvl``: 0 total, 1 group, 2 sector)."""
    region = specs[0].region
    outputs = np.array([output_of(output, sp.region, sp.year, sp.scope) for sp in specs])
    stats = column_stats(draws)
    for i, rec in enumerate(stats_records("co2_t", stats, specs, np.ones(len(specs)), cc.panel)):
        col.add(region, lvl[i], "co2_t", [rec])
    ok = np.isfinite(outputs) & (outputs > 0)
    if ok.any():
        # an intensity is CO2 x 1e8 / output (a positive constant per column): its mean
        # and percentiles are those of the CO2 draws times the constant (no second sort)
        scale = 1e8 / outputs[ok]
        kept = [sp for sp, k in zip(specs, ok, strict=True) if k]
        levels = [v for v, k in zip(lvl, ok, strict=True) if k]
        scaled = tuple(a[ok] * scale for a in stats)
        recs = stats_records("intensity_t_per_1e8_yuan", scaled, kept, scale, cc.panel)
        for level, rec in zip(levels, recs, strict=True):
            col.add(region, level, "intensity", [rec])


def _ranks(
    cc: Cells,
    r: str,
    y: int,
    sd: np.ndarray,
    keys: list,
    central: np.ndarray,
    members: tuple[str, ...],
    output: pd.Series,
) -> unc.RankProbability | None:
    """The rank probability of the members' intensity in one region-year."""
    pos = {k[2]: i for i, k in enumerate(keys)}
    cols, cen, labs = [], [], []
    for m in members:
        if m in pos:
            ov = output_of(output, r, y, m)
            if np.isfinite(ov) and ov > 0:
                cols.append(pos[m])
                cen.append(central[pos[m]] / ov * 1e8)
                labs.append((m, 1e8 / ov))
    if len(labs) < 2:
        return None
    inten = sd[:, cols] * np.array([s for _, s in labs])[None, :]
    extra = {"region": r} if cc.panel else None
    return unc.rank_probability(inten, np.array(cen), [m for m, _ in labs], int(y), extra=extra)


def _block(
    cc: Cells,
    s: _Sums,
    b: int,
    keys: np.ndarray,
    roles: SectorRoles,
    output: pd.Series,
    seed: int,
    dist: str,
    col: _Collect,
    star: dict,
) -> None:
    """Draw one region-year block and collect its records, ranks and totals."""
    sd = _block_draws(s, keys, stream(seed, b), dist)
    kk = [cc.sector_keys[k] for k in keys]
    r, y = kk[0][0], kk[0][1]
    central = s.mean[keys].sum(axis=1)
    member = np.array([k[2] in roles.group_of for k in kk])
    gpos = {g: i for i, g in enumerate(cc.groups)}
    gidx = np.array(
        [gpos[roles.group_of[k[2]]] if m else -1 for k, m in zip(kk, member, strict=True)],
        dtype=np.intp,
    )
    modern = sd[:, member].sum(axis=1) if member.any() else np.zeros(sd.shape[0])
    groups = column_sums(sd, gidx, len(cc.groups))
    present = [g for g in range(len(cc.groups)) if (gidx == g).any()]
    specs = [Spec("", 0, "modern", "modern", r, y, float(central[member].sum()))]
    specs += [
        Spec("", 0, "group", f"group:{cc.groups[g]}", r, y, float(central[gidx == g].sum()))
        for g in present
    ]
    for k, c in zip(kk, central, strict=True):
        ref = k[2] == roles.reference
        specs.append(
            Spec(
                "",
                0,
                "reference" if ref else "sector",
                "reference" if ref else k[2],
                r,
                y,
                float(c),
            )
        )
    cols = np.column_stack([modern, groups[:, present], sd])
    _records(cc, cols, specs, output, col, [0] + [1] * len(present) + [2] * len(kk))
    col.modern[(r, y)] = modern
    rp = _ranks(cc, r, y, sd, kk, central, roles.members, output)
    if rp is not None:
        col.ranks.append(rp)
    if cc.panel:
        acc = star.setdefault(
            y, [np.zeros_like(modern), np.zeros_like(groups), np.zeros(len(cc.groups)), 0.0, set()]
        )
        acc[0] += modern
        acc[1] += groups
        acc[2] += np.array([central[gidx == g].sum() for g in range(len(cc.groups))])
        acc[3] += float(central[member].sum())
        acc[4].update(present)


def _star_records(cc: Cells, star: dict, output: pd.Series, col: _Collect) -> None:
    """The sum of regions: members' total and groups per year."""
    for y in cc.years:
        if y not in star:
            continue
        modern, groups, gcen, cen, present = star[y]
        keep = sorted(present)
        specs = [Spec("", 0, "modern", "modern", ALL, y, cen)]
        specs += [
            Spec("", 0, "group", f"group:{cc.groups[g]}", ALL, y, float(gcen[g])) for g in keep
        ]
        _records(
            cc,
            np.column_stack([modern, groups[:, keep]]),
            specs,
            output,
            col,
            [0] + [1] * len(keep),
        )
        col.modern[(ALL, y)] = modern


def monte_carlo_blocks(
    cc: Cells,
    ua: float | np.ndarray,
    fu: dict[str, float],
    roles: SectorRoles,
    output: pd.Series,
    *,
    draws: int,
    seed: int,
    dist: str,
) -> BlockResults:
    """The ``sums`` method (see the module docstring)."""
    s = _sums(cc, ua, fu, draws, seed, dist)
    col = _Collect({}, {}, [], {})
    star: dict = {}
    order = np.argsort(s.block, kind="stable")
    bounds = np.flatnonzero(np.r_[True, s.block[order][1:] != s.block[order][:-1], True])
    for a, z in zip(bounds[:-1], bounds[1:], strict=True):
        keys = order[a:z]
        _block(cc, s, int(s.block[keys[0]]), keys, roles, output, seed, dist, col, star)
    if cc.panel:
        _star_records(cc, star, output, col)
    regions = [*cc.regions, *([ALL] if cc.panel else [])]
    recs = [
        rec
        for q in (col.co2, col.intensity)
        for r in regions
        for lv in (0, 1, 2)
        for rec in q.get((r, lv), [])
    ]
    return BlockResults(pd.DataFrame(recs), tuple(col.ranks), col.modern)
