"""Uncertainty of CO2 inventories (IPCC 2006 Vol. 1 Ch. 3).

U is always the half-width of the 95% confidence interval as a fraction of the mean
(reported as %).  Inputs are emission cells ``year, sector, fuel, co2_t`` with an
activity uncertainty per cell and a factor uncertainty per fuel.

Correlation convention (both approaches): activity data of each fuel x sector x year
are independent; the emission factor of a fuel is one uncertain quantity shared by
every sector and every year (the same factor set is applied everywhere), and factors
of different fuels are independent.

Approach 1 (error propagation, Vol. 1 eqs. 3.1 and 3.2):

- product: U = sqrt(sum U_i^2)                      (emission of one cell: activity x factor)
- sum:     U = sqrt(sum (U_i x_i)^2) / |sum x_i|
- level of a group G (a year's total, a sector, a group of sectors), with the factor
  shared across the group's sectors:
  Var_G = sum_cells (U_a,c E_c)^2 + sum_fuels (U_f E_G,f)^2,  U_G = sqrt(Var_G) / E_G
- trend between years 0 and t (Vol. 1 Table 3.2): for a fuel's factor (fully correlated
  between years) the type A sensitivity
  A_f = |((0.01 E_f,t + T_t) / (0.01 E_f,0 + T_0) - 1) x 100 - (T_t / T_0 - 1) x 100|
  and for each cell's activity (uncorrelated between years) the type B sensitivity
  B_c = E_c,t / T_0; U_trend = sqrt(sum_f (A_f U_f)^2 + sum_c (B_c sqrt(2) U_a,c)^2),
  in percentage points of the trend (T_t / T_0 - 1) x 100.

Approach 2 (Monte Carlo, Vol. 1 section 3.2.3.2): every activity datum and every fuel
factor gets a multiplier drawn from its distribution (mean 1, 95% half-width U):
``normal`` (sd = U/1.96, truncated at 0 by redrawing negative values), ``lognormal``
(sd of the multiplier = U/1.96: s^2 = ln(1 + (U/1.96)^2), mu = -s^2/2), ``uniform``
(on 1 +/- U/0.95, so 95% of draws lie within +/- U) or ``triangular`` (symmetric on
1 +/- U/(1 - sqrt(0.05))).  Draws are vectorised in chunks; the generator is
``numpy.random.default_rng(seed)``: same seed and inputs -> identical numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from carbonpath.errors import InputError

DISTRIBUTIONS = ("normal", "lognormal", "uniform", "triangular")
Z95 = 1.959963984540054  # two-sided 95% normal quantile
_TRI_95 = 1.0 - math.sqrt(0.05)  # 95% half-width of a symmetric triangular, per half-base
_CHUNK_ELEMENTS = 500_000  # draws x cells held at once (cache-sized chunks)


def combine_product(u: Sequence[float] | np.ndarray) -> float:
    """Uncertainty of a product: U = sqrt(sum U_i^2) (IPCC 2006 Vol. 1 eq. 3.1)."""
    arr = np.asarray(u, dtype=float)
    return float(np.sqrt(np.sum(arr * arr)))


def combine_sum(x: Sequence[float] | np.ndarray, u: Sequence[float] | np.ndarray) -> float:
    """Uncertainty of a sum: U = sqrt(sum (U_i x_i)^2) / |sum x_i| (IPCC 2006 Vol. 1 eq. 3.2)."""
    xa = np.asarray(x, dtype=float)
    ua = np.asarray(u, dtype=float)
    total = float(np.sum(xa))
    if total == 0.0:
        raise InputError("the uncertainty of a sum that is zero is undefined")
    return float(np.sqrt(np.sum((ua * xa) ** 2)) / abs(total))


def _cells(cells: pd.DataFrame, u_activity: Any) -> pd.DataFrame:
    need = {"year", "sector", "fuel", "co2_t"}
    if not need <= set(cells.columns):
        raise InputError("uncertainty needs cells with year, sector, fuel, co2_t")
    out = cells.loc[:, ["year", "sector", "fuel", "co2_t"]].reset_index(drop=True).copy()
    if isinstance(u_activity, pd.Series | np.ndarray | list):
        out["u_a"] = np.asarray(u_activity, dtype=float)
    else:
        out["u_a"] = float(u_activity)
    if (out["u_a"] < 0).any():
        raise InputError("activity uncertainty must be 0 or more")
    return out


def _factor_u(fuels: Sequence[str], factor_u: Mapping[str, float]) -> np.ndarray:
    missing = [f for f in fuels if f not in factor_u]
    if missing:
        raise InputError(
            f"no factor uncertainty for fuel(s) {', '.join(missing)}",
            fix="give [accounting.uncertainty] factor_pct",
        )
    arr = np.array([float(factor_u[f]) for f in fuels], dtype=float)
    if (arr < 0).any():
        raise InputError("factor uncertainty must be 0 or more")
    return arr


def approach1_level(
    cells: pd.DataFrame,
    u_activity: Any,
    factor_u: Mapping[str, float],
    by: Sequence[str],
    membership: pd.Series | None = None,
) -> pd.DataFrame:
    """Approach-1 level uncertainty of the emissions grouped by ``by``.

    ``cells``: ``year, sector, fuel, co2_t`` (plus the grouping columns in ``by``);
    ``u_activity``: fraction (scalar or one per cell); ``factor_u``: fraction per fuel;
    ``membership``: optional boolean mask of cells to include.
    Returns ``by + [co2_t, u, lower, upper]`` (u as a fraction).
    """
    c = _cells(cells, u_activity)
    for col in by:
        if col not in c.columns:
            c[col] = cells[col].to_numpy()
    if membership is not None:
        c = c.loc[np.asarray(membership, dtype=bool)].reset_index(drop=True)
    fu = dict(zip(c["fuel"].unique(), _factor_u(list(c["fuel"].unique()), factor_u), strict=True))
    c["var_a"] = (c["u_a"] * c["co2_t"]) ** 2
    keys = list(by)
    var_a = c.groupby(keys, sort=True)["var_a"].sum()
    per_fuel = c.groupby([*keys, "fuel"], sort=True)["co2_t"].sum().reset_index()
    per_fuel["var_f"] = (per_fuel["fuel"].map(fu) * per_fuel["co2_t"]) ** 2
    var_f = per_fuel.groupby(keys, sort=True)["var_f"].sum()
    total = c.groupby(keys, sort=True)["co2_t"].sum()
    var = var_a.add(var_f, fill_value=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.sqrt(var) / total.abs()
    out = total.rename("co2_t").to_frame()
    out["u"] = u.where(total != 0.0)
    out["lower"] = out["co2_t"] * (1.0 - out["u"])
    out["upper"] = out["co2_t"] * (1.0 + out["u"])
    return out.reset_index()


def approach1_trend(
    cells: pd.DataFrame,
    u_activity: Any,
    factor_u: Mapping[str, float],
    year0: int,
    year1: int,
    membership: pd.Series | None = None,
) -> dict[str, Any]:
    """Approach-1 trend uncertainty between ``year0`` and ``year1`` (IPCC Vol. 1 Table 3.2).

    Type A sensitivity per fuel factor (correlated between years), type B per activity
    cell (uncorrelated, hence sqrt(2)); see the module docstring.  Returns the trend in %
    and its 95% half-width in percentage points.
    """
    c = _cells(cells, u_activity)
    if membership is not None:
        c = c.loc[np.asarray(membership, dtype=bool)].reset_index(drop=True)
    c0 = c[c["year"] == year0]
    c1 = c[c["year"] == year1]
    if c0.empty or c1.empty:
        raise InputError(
            f"trend years {year0}-{year1}: no emissions in one of them",
            fix="set [accounting.uncertainty] trend = [first, last] to years with data",
        )
    t0 = float(c0["co2_t"].sum())
    t1 = float(c1["co2_t"].sum())
    if t0 <= 0:
        raise InputError(f"trend from {year0}: total emissions are zero; a trend is undefined")
    trend = (t1 / t0 - 1.0) * 100.0
    fuels = sorted(set(c0["fuel"]) | set(c1["fuel"]))
    fu = dict(zip(fuels, _factor_u(fuels, factor_u), strict=True))
    e0 = c0.groupby("fuel")["co2_t"].sum().reindex(fuels, fill_value=0.0)
    e1 = c1.groupby("fuel")["co2_t"].sum().reindex(fuels, fill_value=0.0)
    type_a = np.abs(((0.01 * e1 + t1) / (0.01 * e0 + t0) - 1.0) * 100.0 - (t1 / t0 - 1.0) * 100.0)
    contrib_f = (type_a * pd.Series(fu).reindex(fuels) * 100.0) ** 2
    type_b = c1["co2_t"].to_numpy() / t0
    contrib_a = (type_b * math.sqrt(2.0) * c1["u_a"].to_numpy() * 100.0) ** 2
    u_pp = float(math.sqrt(float(contrib_f.sum()) + float(contrib_a.sum())))
    return {
        "year0": int(year0),
        "year1": int(year1),
        "co2_t_year0": t0,
        "co2_t_year1": t1,
        "trend_pct": trend,
        "u_pct_points": u_pp,
        "lower_pct": trend - u_pp,
        "upper_pct": trend + u_pp,
        "type_a_by_fuel": {f: float(v) for f, v in type_a.items()},
    }


def draw_multipliers(
    rng: np.random.Generator, u: np.ndarray, n: int, distribution: str = "normal"
) -> np.ndarray:
    """``n`` x len(u) multipliers with mean ~1 and 95% half-width ``u`` (fractions).

    See the module docstring for each distribution's parameters.  Non-positive draws
    of normal, uniform and triangular multipliers are redrawn (truncation at 0).
    """
    if distribution not in DISTRIBUTIONS:
        raise InputError(
            f"unknown distribution '{distribution}'", fix=f"use one of {', '.join(DISTRIBUTIONS)}"
        )
    u = np.asarray(u, dtype=float)
    shape = (n, u.size)

    def one(size: tuple[int, ...], uu: np.ndarray) -> np.ndarray:
        if distribution == "normal":
            z = rng.standard_normal(size)
            z *= uu / Z95
            z += 1.0
            return z
        if distribution == "lognormal":
            s2 = np.log1p((uu / Z95) ** 2)
            return np.exp(-s2 / 2.0 + rng.standard_normal(size) * np.sqrt(s2))
        if distribution == "uniform":
            return 1.0 + (rng.random(size) * 2.0 - 1.0) * (uu / 0.95)
        h = uu / _TRI_95
        # symmetric triangular on [-1, 1] as the difference of two uniforms' mean
        return 1.0 + (rng.random(size) - rng.random(size)) * h

    out = one(shape, u[None, :])
    if distribution != "lognormal":
        bad = out <= 0.0
        while bad.any():
            rows, cols = np.nonzero(bad)
            out[rows, cols] = one((rows.size,), u[cols])
            bad = out <= 0.0
    return out


@dataclass(frozen=True)
class Grouping:
    """A named aggregation of cells: ``index[c]`` = group of cell c (-1: not included)."""

    name: str
    index: np.ndarray
    labels: list[Any]


@dataclass(frozen=True)
class MonteCarloResult:
    """Draws of each grouping (draws x groups) and the settings used."""

    draws: int
    seed: int
    distribution: str
    groups: dict[str, np.ndarray]
    labels: dict[str, list[Any]]
    settings: dict[str, Any] = field(default_factory=dict)

    def summary(self, name: str) -> pd.DataFrame:
        """Mean, 2.5/97.5 percentiles and half-width (fraction of mean) per group."""
        d = self.groups[name]
        mean = d.mean(axis=0)
        lo, hi = np.percentile(d, [2.5, 97.5], axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            half = (hi - lo) / 2.0 / mean
        return pd.DataFrame(
            {"label": self.labels[name], "mean": mean, "p2_5": lo, "p97_5": hi, "half_width": half}
        )


def monte_carlo(
    cells: pd.DataFrame,
    u_activity: Any,
    factor_u: Mapping[str, float],
    groupings: Sequence[Grouping],
    draws: int = 10_000,
    seed: int = 0,
    distribution: str = "normal",
    chunk_elements: int = _CHUNK_ELEMENTS,
) -> MonteCarloResult:
    """Approach-2 Monte Carlo of grouped emissions (vectorised, chunked over draws).

    Per draw: factor multipliers per fuel (shared by all sectors and years), activity
    multipliers per cell; cell emission = co2_t x activity multiplier x factor
    multiplier; each grouping sums cells into its groups.  Returns every grouping's
    draws (draws x groups); memory is draws x groups, not draws x cells.
    """
    if draws < 1:
        raise InputError("Monte Carlo needs at least one draw")
    c = _cells(cells, u_activity)
    base = c["co2_t"].to_numpy(dtype=float)
    fuels, fuel_idx = np.unique(c["fuel"].astype(str).to_numpy(), return_inverse=True)
    fu = _factor_u(list(fuels), factor_u)
    ua = c["u_a"].to_numpy(dtype=float)
    n_cells = base.size
    rng = np.random.default_rng(seed)
    factor_draws = draw_multipliers(rng, fu, draws, distribution)  # draws x fuels
    n_fuels = len(fuels)
    # each grouping: cells are summed per group and fuel (one bincount per chunk), then
    # each group-fuel sum is multiplied by that fuel's factor draw; memory per chunk is
    # chunk x cells, results are draws x groups
    plans = []
    for g in groupings:
        idx = np.asarray(g.index, dtype=np.int64)
        if idx.size != n_cells:
            raise InputError(f"grouping '{g.name}' has {idx.size} entries for {n_cells} cells")
        keep = np.flatnonzero(idx >= 0)
        plans.append((g.name, keep, idx[keep] * n_fuels + fuel_idx[keep], len(g.labels)))
    out = {g.name: np.empty((draws, len(g.labels))) for g in groupings}
    chunk = max(1, min(draws, chunk_elements // max(n_cells, 1)))
    start = 0
    while start < draws:
        stop = min(draws, start + chunk)
        d = stop - start
        act = draw_multipliers(rng, ua, d, distribution)
        act *= base[None, :]
        fdraw = factor_draws[start:stop]
        rows = np.arange(d, dtype=np.int64)[:, None]
        for name, keep, gf, k in plans:
            sub = act if keep.size == n_cells else act[:, keep]
            width = k * n_fuels
            flat = (rows * width + gf[None, :]).ravel()
            by_gf = np.bincount(flat, weights=sub.ravel(), minlength=d * width)
            out[name][start:stop] = np.einsum("dkf,df->dk", by_gf.reshape(d, k, n_fuels), fdraw)
        start = stop
    return MonteCarloResult(
        draws=draws,
        seed=seed,
        distribution=distribution,
        groups=out,
        labels={g.name: list(g.labels) for g in groupings},
        settings={"chunk_draws": chunk},
    )


def rank_probability(
    draws: np.ndarray, central: np.ndarray, labels: Sequence[Any]
) -> dict[str, Any]:
    """Probability that the central ranking (1 = highest) holds across draws.

    ``draws``: draws x items; ``central``: the central values.  Returns the probability
    that the whole ranking is unchanged and, per item, that its rank is unchanged.
    """
    central = np.asarray(central, dtype=float)
    order = np.argsort(-central, kind="stable")
    central_rank = np.empty(central.size, dtype=int)
    central_rank[order] = np.arange(1, central.size + 1)
    d_order = np.argsort(-draws, axis=1, kind="stable")
    ranks = np.empty_like(d_order)
    rows = np.arange(draws.shape[0])[:, None]
    ranks[rows, d_order] = np.arange(1, central.size + 1)[None, :]
    same = ranks == central_rank[None, :]
    return {
        "p_ranking_holds": float(np.mean(np.all(same, axis=1))),
        "items": [
            {"scope": lab, "rank": int(r), "p_rank_holds": float(p)}
            for lab, r, p in zip(labels, central_rank, same.mean(axis=0), strict=True)
        ],
    }
