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

from carbonpath.accounting.results import RankProbability, TrendApproach1
from carbonpath.core.errors import InputError

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
) -> TrendApproach1:
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
    return TrendApproach1(
        year0=int(year0),
        year1=int(year1),
        co2_t_year0=t0,
        co2_t_year1=t1,
        trend_pct=trend,
        u_pct_points=u_pp,
        lower_pct=trend - u_pp,
        upper_pct=trend + u_pp,
        type_a_by_fuel=type_a.astype(float).rename("type_a"),
    )


def _check_distribution(distribution: str) -> None:
    if distribution not in DISTRIBUTIONS:
        raise InputError(
            f"unknown distribution '{distribution}'", fix=f"use one of {', '.join(DISTRIBUTIONS)}"
        )


def _one(
    rng: np.random.Generator, size: tuple[int, ...], uu: np.ndarray, distribution: str
) -> np.ndarray:
    """Multipliers of shape ``size`` for half-widths ``uu`` (broadcast); see the docstring."""
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


class _Multipliers:
    """Draws of :func:`draw_multipliers` for one ``u`` and distribution, chunk after chunk.

    The distribution's parameters are computed once (not once per chunk), from the
    same expressions on the same array as in :func:`_one`, and collapse to a scalar
    when every ``u`` is equal; each chunk then takes the same random numbers in the
    same order and the same floating-point operations per element as ``_one``, so the
    multipliers are identical, bit for bit.
    """

    def __init__(self, u: np.ndarray, distribution: str) -> None:
        _check_distribution(distribution)
        self.u = np.asarray(u, dtype=float).ravel()
        self.distribution = distribution
        uu = self.u
        if distribution == "normal":
            params: tuple[Any, ...] = (uu / Z95,)
        elif distribution == "lognormal":
            s2 = np.log1p((uu / Z95) ** 2)
            params = (-s2 / 2.0, np.sqrt(s2))
        elif distribution == "uniform":
            params = (uu / 0.95,)
        else:
            params = (uu / _TRI_95,)
        if uu.size and bool(np.all(uu == uu[0])):  # one value: scalar arithmetic is faster
            params = tuple(p[0] for p in params)
        self.params = params

    def draw(
        self, rng: np.random.Generator, n: int, buffer: np.ndarray | None = None
    ) -> np.ndarray:
        """``n`` x len(u) multipliers; non-positive ones are redrawn as in ``_one``.

        ``buffer``: an optional C-ordered float array of that shape to fill instead of
        allocating one (the same numbers either way; lognormal draws still allocate).
        """
        size = (n, self.u.size)
        dist = self.distribution
        if buffer is not None and buffer.shape != size:
            raise ValueError(f"buffer of shape {buffer.shape} for {size} multipliers")
        if dist == "normal":
            out = rng.standard_normal(size, out=buffer)
            out *= self.params[0]
            out += 1.0
        elif dist == "lognormal":
            z = rng.standard_normal(size, out=buffer)
            z *= self.params[1]
            z += self.params[0]
            return np.exp(z)  # lognormal draws are always positive
        elif dist == "uniform":
            out = rng.random(size, out=buffer)
            out *= 2.0
            out -= 1.0
            out *= self.params[0]
            out += 1.0
        else:
            out = rng.random(size, out=buffer)
            out -= rng.random(size)
            out *= self.params[0]
            out += 1.0
        bad = out <= 0.0
        while bad.any():
            rows, cols = np.nonzero(bad)
            out[rows, cols] = _one(rng, (rows.size,), self.u[cols], dist)
            bad = out <= 0.0
        return out


def draw_multipliers(
    rng: np.random.Generator, u: np.ndarray, n: int, distribution: str = "normal"
) -> np.ndarray:
    """``n`` x len(u) multipliers with mean ~1 and 95% half-width ``u`` (fractions).

    See the module docstring for each distribution's parameters.  Non-positive draws
    of normal, uniform and triangular multipliers are redrawn (truncation at 0).
    """
    return _Multipliers(u, distribution).draw(rng, n)


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


def _mc_inputs(
    cells: pd.DataFrame, u_activity: Any
) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """(co2_t, activity u per cell, sorted fuel names, fuel index per cell) of ``cells``.

    Reads only the columns the Monte Carlo needs: no copy of the cell table.
    """
    need = {"year", "sector", "fuel", "co2_t"}
    if not need <= set(cells.columns):
        raise InputError("uncertainty needs cells with year, sector, fuel, co2_t")
    base = cells["co2_t"].to_numpy(dtype=float)
    n = base.size
    if isinstance(u_activity, pd.Series | np.ndarray | list):
        ua = np.asarray(u_activity, dtype=float)
        if ua.shape != (n,):
            raise InputError(
                f"activity uncertainty has {ua.size} values for {n} cells",
                fix="give one value per cell, or a single number",
            )
    else:
        ua = np.full(n, float(u_activity))
    if (ua < 0).any():
        raise InputError("activity uncertainty must be 0 or more")
    # sorted unique fuel names and each cell's position among them (as numpy.unique with
    # return_inverse, by hashing instead of sorting every cell's name)
    fuel_idx, fuels = pd.factorize(cells["fuel"].astype(str), sort=True)
    if (fuel_idx < 0).any():
        raise InputError("uncertainty needs a fuel name in every cell")
    return base, ua, [str(f) for f in fuels], fuel_idx.astype(np.intp, copy=False)


@dataclass
class _Plan:
    """How one grouping sums a chunk of draws x cells with a single ``bincount``.

    Cell c of draw r goes to bin ``r * width + group(c) * n_fuels + fuel(c)``; cells
    outside the grouping go to one spare bin after the last draw's bins, so no copy of
    the kept cells is made and each bin still adds its cells in cell order.
    """

    name: str
    groups: int
    fuels: int
    bins: np.ndarray  # per cell: group * n_fuels + fuel, or -1 when not included
    partial: bool  # some cells are not included
    flat: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    length: int = 0

    @property
    def width(self) -> int:
        """Bins per draw: groups x fuels."""
        return self.groups * self.fuels

    def prepare(self, rows: int) -> None:
        """Bins of a full chunk of ``rows`` draws, draw after draw (reused every chunk)."""
        if rows == 1 and not self.partial:
            self.flat = self.bins
        else:
            flat = np.arange(rows, dtype=np.intp)[:, None] * self.width + self.bins[None, :]
            if self.partial:
                flat[:, self.bins < 0] = rows * self.width  # the spare bin
            self.flat = flat.ravel()
        self.length = rows * self.width + (1 if self.partial else 0)

    def sums(self, emissions: np.ndarray) -> np.ndarray:
        """Draws x groups x fuels sums of ``emissions`` (draws x cells, C order)."""
        d = emissions.shape[0]
        flat = self.flat[: emissions.size]  # a shorter last chunk: its first rows
        if self.partial:
            by_bin = np.bincount(flat, weights=emissions.ravel(), minlength=self.length)
            by_bin = by_bin[: d * self.width]
        else:
            by_bin = np.bincount(flat, weights=emissions.ravel(), minlength=d * self.width)
        return by_bin.reshape(d, self.groups, self.fuels)


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
    draws (draws x groups); memory is chunk x cells plus draws x groups, never
    draws x cells.

    Random numbers: the factor multipliers of all draws first, then the activity
    multipliers chunk by chunk (``chunk_elements // cells`` draws per chunk, at least
    one).  Sums: per chunk, one ``bincount`` per grouping over group x fuel bins (in
    cell order), then each bin is scaled by its fuel's factor draw and the fuels are
    added.  Most of the time goes to drawing the activity multipliers (one normal
    variate per cell and draw); the chunk size, the order of the draws and the order
    of the sums are part of the result: the same seed gives the same numbers.
    """
    if draws < 1:
        raise InputError("Monte Carlo needs at least one draw")
    base, ua, fuels, fuel_idx = _mc_inputs(cells, u_activity)
    fu = _factor_u(fuels, factor_u)
    n_cells = base.size
    n_fuels = len(fuels)
    sampler = _Multipliers(ua, distribution)  # checks the distribution name
    rng = np.random.default_rng(seed)
    factor_draws = draw_multipliers(rng, fu, draws, distribution)  # draws x fuels
    plans: list[_Plan] = []
    for g in groupings:
        idx = np.asarray(g.index, dtype=np.intp)
        if idx.size != n_cells:
            raise InputError(f"grouping '{g.name}' has {idx.size} entries for {n_cells} cells")
        if idx.size and idx.max() >= len(g.labels):
            raise InputError(
                f"grouping '{g.name}' refers to group {idx.max()} of {len(g.labels)} labels"
            )
        inside = idx >= 0
        bins = np.where(inside, idx * n_fuels + fuel_idx, -1)
        plans.append(_Plan(g.name, len(g.labels), n_fuels, bins, not bool(inside.all())))
    out = {g.name: np.empty((draws, len(g.labels))) for g in groupings}
    chunk = max(1, min(draws, chunk_elements // max(n_cells, 1)))
    for plan in plans:
        plan.prepare(chunk)
    buffer = np.empty((chunk, n_cells))  # reused: no fresh pages for every chunk
    for start in range(0, draws, chunk):
        stop = min(draws, start + chunk)
        act = sampler.draw(rng, stop - start, buffer[: stop - start])
        act *= base[None, :]  # cell emissions before the factor multiplier
        fdraw = factor_draws[start:stop]
        for plan in plans:
            out[plan.name][start:stop] = np.einsum("dkf,df->dk", plan.sums(act), fdraw)
    return MonteCarloResult(
        draws=draws,
        seed=seed,
        distribution=distribution,
        groups=out,
        labels={g.name: list(g.labels) for g in groupings},
        settings={"chunk_draws": chunk},
    )


def variance_factor(distribution: str) -> float:
    """Variance of a multiplier of half-width U, divided by U^2, for ``distribution``.

    normal and lognormal: (1/1.96)^2 (the lognormal's parameters give its multiplier
    sd U/1.96 exactly: exp(s^2) - 1 = (U/1.96)^2); uniform on 1 +/- U/0.95: (1/0.95)^2/3;
    triangular on 1 +/- U/(1 - sqrt(0.05)): (1/(1 - sqrt(0.05)))^2/6.  (The normal's
    truncation at zero is left out: it changes a draw with probability Phi(-1.96/U).)
    """
    _check_distribution(distribution)
    if distribution in ("normal", "lognormal"):
        return 1.0 / (Z95 * Z95)
    if distribution == "uniform":
        return 1.0 / (0.95 * 0.95) / 3.0
    return 1.0 / (_TRI_95 * _TRI_95) / 6.0


def conditional_sums(
    mean: np.ndarray,
    var: np.ndarray,
    factor_draws: np.ndarray,
    rng: np.random.Generator,
    distribution: str = "normal",
) -> np.ndarray:
    """Draws x sums of independent activity data, given the shared factor draws.

    ``mean`` and ``var`` (sums x fuels): the summed emissions and summed activity
    variances of each sum's cells of each fuel; ``factor_draws`` (draws x fuels).  Given
    the factor multipliers F of a draw, a sum is sum_f F_f A_f with A_f the sum of its
    independent activity data: mean m = F @ mean, variance v = F^2 @ var.  For normal
    activity errors the sum given F is exactly normal (a sum of independent normals),
    so m + sqrt(v) Z is an exact draw; other distributions take the central-limit
    normal (uniform, triangular) or the moment-matched lognormal (lognormal,
    Fenton-Wilkinson) with the exact m and v.  One variate per draw and sum: the
    cost does not grow with the cells inside a sum.

    The two products (draws x fuels by fuels x sums, a few dozen fuels) are summed in
    C by ``einsum`` rather than by a threaded BLAS: on a shared machine a threaded
    matrix product this thin waits for its threads (x10-x100 its own cost).
    """
    m = np.einsum("df,kf->dk", factor_draws, mean, optimize=False)
    v = np.einsum("df,kf->dk", factor_draws * factor_draws, var, optimize=False)
    z = rng.standard_normal(m.shape)
    if distribution != "lognormal":
        np.sqrt(v, out=v)
        v *= z
        m += v
        return m
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = np.log1p(np.where(m > 0, v / (m * m), 0.0))
    z *= np.sqrt(s2)
    z -= s2 / 2.0
    return m * np.exp(z)


def rank_probability(
    draws: np.ndarray,
    central: np.ndarray,
    labels: Sequence[Any],
    year: int | None = None,
    chunk_elements: int = _CHUNK_ELEMENTS,
    extra: Mapping[str, Any] | None = None,
) -> RankProbability:
    """Probability that the central ranking (1 = highest) holds across draws.

    ``draws``: draws x items; ``central``: the central values.  Returns the probability
    that the whole ranking is unchanged and, per item, that its rank is unchanged
    (``items``: ``[extra columns,] scope, rank, p_rank_holds``).  Ranks are computed
    on chunks of draws (counts of unchanged ranks are added up), so the sort's work
    space is bounded whatever the number of draws.
    """
    central = np.asarray(central, dtype=float)
    n = central.size
    order = np.argsort(-central, kind="stable")
    central_rank = np.empty(n, dtype=int)
    central_rank[order] = np.arange(1, n + 1)
    held = np.zeros(n, dtype=np.int64)
    whole = 0
    rows = max(1, chunk_elements // max(n, 1))
    for start in range(0, draws.shape[0], rows):
        d = draws[start : start + rows]
        # the item at each rank of the draw; an item keeps its rank when it is the
        # central ranking's item at that rank (no inverse permutation needed)
        same = np.argsort(-d, axis=1, kind="stable") == order[None, :]
        held[order] += same.sum(axis=0)
        whole += int(np.all(same, axis=1).sum())
    total = draws.shape[0]
    items = pd.DataFrame(
        {
            **{k: [v] * n for k, v in (extra or {}).items()},
            "scope": list(labels),
            "rank": central_rank.astype(int),
            "p_rank_holds": held / total,
        }
    )
    return RankProbability(year, whole / total, items)
