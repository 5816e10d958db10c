"""Approach 2 on sums: the Monte Carlo of emissions aggregated into bins.

The per-cell Monte Carlo (:func:`~.uncertainty.monte_carlo`) draws one activity
multiplier per cell and draw: 744 million variates for a national inventory of 744,000
cells and 1,000 draws, and one per facility datum for a facility inventory.  Here a
draw of a *sum* (a sector-year, a region-year) is made directly:

- the factor multipliers F (draws x fuels) are drawn first, exactly as in
  :func:`~.uncertainty.monte_carlo` (same seed: the same factor draws);
- each sum k has, per fuel f, its summed emissions mu_kf = sum_c E_c and summed
  activity variance var_kf = sum_c (U_c E_c)^2 k_d (``k_d``:
  :func:`~.uncertainty.variance_factor` of the distribution; U_c the cell's activity
  half-width, scaled by ``u_scale`` where a cell is itself a sum of facility data);
- given F, the sum is sum_f F_f A_kf with independent A_kf: mean F @ mu_k, variance
  F^2 @ var_k; :func:`~.uncertainty.conditional_sums` draws it with one variate per
  draw and sum (exact for normal activity errors, moment-matched otherwise).

Coarser sums (a year = the sum of its region-years) are added up from the finest
draws, so every draw is coherent across groupings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from carbonpath.accounting import uncertainty as unc
from carbonpath.core.errors import InputError

__all__ = [
    "APPROXIMATION",
    "bin_moments",
    "column_plan",
    "column_sums",
    "monte_carlo_sums",
    "stream",
]

#: what the sums method does for each activity distribution (results.json states it)
APPROXIMATION = {
    "normal": None,
    "lognormal": (
        "lognormal activity errors: each sum given the factor draws is drawn from the "
        "lognormal with its exact mean and variance (Fenton-Wilkinson)"
    ),
    "uniform": (
        "uniform activity errors: each sum given the factor draws is drawn from the normal "
        "with its exact mean and variance (central limit)"
    ),
    "triangular": (
        "triangular activity errors: each sum given the factor draws is drawn from the "
        "normal with its exact mean and variance (central limit)"
    ),
}


def stream(seed: int, block: int) -> np.random.Generator:
    """The random stream of block ``block``: independent of the others and of chunking."""
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(int(block),)))


def bin_moments(
    co2: np.ndarray,
    u: np.ndarray,
    bins: np.ndarray,
    n_bins: int,
    fuel_idx: np.ndarray,
    n_fuels: int,
    distribution: str,
) -> tuple[np.ndarray, np.ndarray]:
    """(mean, variance), each bins x fuels: summed CO2 and summed activity variance.

    ``u``: activity half-width per cell (fraction); cells with ``bins < 0`` are left out.
    """
    keep = bins >= 0
    flat = bins[keep] * n_fuels + fuel_idx[keep]
    size = n_bins * n_fuels
    e = co2[keep]
    mean = np.bincount(flat, weights=e, minlength=size).reshape(n_bins, n_fuels)
    w = (u[keep] * e) ** 2 * unc.variance_factor(distribution)
    var = np.bincount(flat, weights=w, minlength=size).reshape(n_bins, n_fuels)
    return mean, var


def _coarsening(finest: np.ndarray, other: np.ndarray, n_finest: int, name: str) -> np.ndarray:
    """For each finest group, its group in ``other`` (-1: not included); must be unique."""
    out = np.full(n_finest, -2, dtype=np.intp)
    inside = finest >= 0
    out_idx = other[inside]
    fin = finest[inside]
    out[fin] = out_idx
    if np.any(out[fin] != out_idx) or np.any((finest < 0) & (other >= 0)):
        raise InputError(
            f"grouping '{name}' is not a union of the first grouping's groups",
            fix="give the finest grouping first",
        )
    out[out == -2] = -1
    return out


def column_plan(target: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(column order, run starts, the run's target) of :func:`column_sums`, computed once
    for a grouping and reused for every chunk of draws."""
    keep = np.flatnonzero(target >= 0)
    order = keep[np.argsort(target[keep], kind="stable")]
    t = target[order]
    starts = np.flatnonzero(np.r_[True, t[1:] != t[:-1]]) if t.size else t
    return order, starts, t[starts] if t.size else t


def column_sums(
    d: np.ndarray,
    target: np.ndarray,
    n: int,
    plan: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Draws x ``n`` sums of the columns of ``d`` by ``target`` (-1: left out), linear.

    Columns are sorted by target once (``plan``: :func:`column_plan`, given when the
    same grouping is summed chunk after chunk) and added with ``numpy.add.reduceat``.
    """
    out = np.zeros((d.shape[0], n))
    order, starts, groups = plan if plan is not None else column_plan(target)
    if order.size == 0:
        return out
    out[:, groups] = np.add.reduceat(d[:, order], starts, axis=1)
    return out


def monte_carlo_sums(
    cells: pd.DataFrame,
    u_activity: Any,
    factor_u: Mapping[str, float],
    groupings: Sequence[unc.Grouping],
    draws: int = 10_000,
    seed: int = 0,
    distribution: str = "normal",
    chunk_elements: int = 2_000_000,
) -> unc.MonteCarloResult:
    """Approach-2 draws of grouped emissions, drawn as sums (see the module docstring).

    ``groupings[0]`` is the finest; every other grouping must be a union of its groups
    (a year of region-years).  Memory: draws x groups plus a chunk of draws x fuels x
    finest groups for the products; never draws x cells.
    """
    if draws < 1:
        raise InputError("Monte Carlo needs at least one draw")
    if not groupings:
        raise InputError("Monte Carlo needs at least one grouping")
    co2, ua, fuels, fuel_idx = unc._mc_inputs(cells, u_activity)
    fu = unc._factor_u(fuels, factor_u)
    rng = np.random.default_rng(seed)
    factor_draws = unc.draw_multipliers(rng, fu, draws, distribution)
    first = groupings[0]
    fin = np.asarray(first.index, dtype=np.intp)
    if fin.size != co2.size:
        raise InputError(f"grouping '{first.name}' has {fin.size} entries for {co2.size} cells")
    mean, var = bin_moments(co2, ua, fin, len(first.labels), fuel_idx, len(fuels), distribution)
    maps = [
        _coarsening(fin, np.asarray(g.index, dtype=np.intp), len(first.labels), g.name)
        for g in groupings[1:]
    ]
    plans = [column_plan(m) for m in maps]
    out = {g.name: np.zeros((draws, len(g.labels))) for g in groupings}
    rows = max(1, chunk_elements // max(mean.size, 1))
    for start in range(0, draws, rows):
        stop = min(draws, start + rows)
        d = unc.conditional_sums(mean, var, factor_draws[start:stop], rng, distribution)
        out[first.name][start:stop] = d
        for g, m, plan in zip(groupings[1:], maps, plans, strict=True):
            out[g.name][start:stop] = column_sums(d, m, len(g.labels), plan)
    return unc.MonteCarloResult(
        draws=draws,
        seed=seed,
        distribution=distribution,
        groups=out,
        labels={g.name: list(g.labels) for g in groupings},
        settings={"chunk_draws": rows, "method": "sums"},
    )
