"""Robustness of a composite index (OECD/JRC Handbook on Constructing Composite
Indicators, 2008, step 7: uncertainty and sensitivity analysis).

:func:`monte_carlo` draws, uniformly and independently, a weighting method, a
normalisation, an entropy epsilon and an indicator to leave out (or none), recomputes
the index for every draw and summarises, per row (year): the median and 5-95 %
percentiles of the score and of the rank (1 = best), and the mean absolute rank shift
against the baseline ranking, ``R_S = mean_i |rank_base(i) - rank_draw(i)|`` (handbook
eq. for the average shift in ranks).  Identical configurations are computed once, on
numpy arrays (the array cores of normalise.py and weights.py).

:func:`bootstrap_entropy_weights` resamples rows (years) with replacement, redoes the
min-max normalisation and entropy weights on each resample (vectorised) and reports
percentile intervals.  All randomness comes from ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from carbonpath.core.errors import InputError
from carbonpath.index.normalise import (
    check_columns,
    normalise,
    normalise_columns,
    parse_direction,
)
from carbonpath.index.results import Baseline, MonteCarloSettings
from carbonpath.index.weights import compute_weights, weight_columns

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = [
    "DEFAULT_EPSILONS",
    "DEFAULT_METHODS",
    "DEFAULT_NORMALISATIONS",
    "MonteCarloResult",
    "bootstrap_entropy_weights",
    "monte_carlo",
]

DEFAULT_METHODS = ("entropy", "critic", "cv", "equal")
DEFAULT_NORMALISATIONS = ("minmax", "zscore", "ratio")
DEFAULT_EPSILONS = (0.0, 1e-4, 1e-3, 1e-2)


@dataclass(frozen=True)
class MonteCarloResult:
    """Per-row score/rank distribution and rank shifts over the Monte Carlo draws.

    ``summary`` (index = row): baseline_score, baseline_rank, score_median/p5/p95,
    rank_median/p5/p95 and mean_abs_rank_shift; ``mean_abs_rank_shift`` is the
    average of R_S over the draws.
    """

    summary: pd.DataFrame
    mean_abs_rank_shift: float
    draws: int
    settings: MonteCarloSettings
    warnings: tuple[str, ...]


def _ranks(scores):
    """Rank 1 = highest score; ties share the smallest rank."""
    import pandas as pd

    return pd.Series(scores).rank(ascending=False, method="min").to_numpy()


#: cells of the (draws x rows x rows) comparison done at once by _ranks_rows
_RANK_BLOCK = 4_000_000


def _ranks_rows(scores):
    """``_ranks`` of every row of a (draws x rows) matrix: 1 + the number of higher
    scores, in blocks of draws so that memory stays bounded."""
    import numpy as np

    if not np.isfinite(scores).all():  # missing scores: let pandas rank them
        return np.vstack([_ranks(s) for s in scores])
    n = scores.shape[1]
    step = max(1, _RANK_BLOCK // max(1, n * n))
    out = np.empty(scores.shape, dtype=float)
    for i in range(0, scores.shape[0], step):
        block = scores[i : i + step]
        higher = block[:, None, :] > block[:, :, None]
        out[i : i + step] = 1.0 + higher.sum(axis=2).astype(float)
    return out


WEIGHT_COLUMN_METHODS = ("entropy", "critic", "cv", "equal")


@dataclass(frozen=True)
class _Indicators:
    """The raw indicator matrix as (indicators x rows), C-ordered, with its labels."""

    cols: np.ndarray
    names: list
    rows: list


def _index_columns(data: _Indicators, directions, method, norm, eps, drop) -> np.ndarray:
    """Composite scores (eq. 6) of one configuration: the indicators but ``drop``,
    normalised with ``norm`` and weighted with ``method``.  Works on numpy arrays with
    the same arithmetic and errors as ``normalise`` -> ``compute_weights`` ->
    ``composite_scores`` on DataFrames (the weighted sum is the same BLAS product)."""
    import numpy as np

    keep = [j for j, c in enumerate(data.names) if c != drop]
    names = [data.names[j] for j in keep]
    given = [directions[c] for c in names]
    cols = data.cols[keep]
    check_columns(cols, names, data.rows)
    sign = np.array([parse_direction(d) for d in given], dtype=float)
    x, _ = normalise_columns(cols, sign, norm, names, data.rows)
    if method in WEIGHT_COLUMN_METHODS:
        w = weight_columns(x, method, names, epsilon=eps)
    else:
        import pandas as pd

        frame = pd.DataFrame(x.T, index=data.rows, columns=names)
        w = compute_weights(frame, method, epsilon=eps).weights.to_numpy(dtype=float)
    if not np.isfinite(w).all() or (w < 0).any():
        raise InputError("weights must be finite and >= 0")
    return x.T @ w


@dataclass(frozen=True)
class _Grid:
    """The configurations method x normalisation x epsilon x dropped indicator, in this
    order (row-major), without listing them: configuration k is decoded on demand, so
    the grid costs memory linear in its axes, not in their product."""

    methods: tuple[str, ...]
    norms: tuple[str, ...]
    epsilons: tuple[float, ...]
    drops: tuple[str | None, ...]

    @property
    def size(self) -> int:
        return len(self.methods) * len(self.norms) * len(self.epsilons) * len(self.drops)

    def config(self, k: int) -> tuple[str, str, float, str | None]:
        """Configuration number k: ``k = ((i_m N_n + i_n) N_e + i_e) N_d + i_d``."""
        rest, i_d = divmod(k, len(self.drops))
        rest, i_e = divmod(rest, len(self.epsilons))
        i_m, i_n = divmod(rest, len(self.norms))
        return self.methods[i_m], self.norms[i_n], float(self.epsilons[i_e]), self.drops[i_d]


def _usable_normalisations(raw, directions, normalisations, warns: list[str]) -> tuple[str, ...]:
    """The normalisations that apply to these data (ratio needs positive values)."""
    norms = []
    for nm in normalisations:
        try:
            normalise(raw, directions, nm)
            norms.append(nm)
        except InputError as exc:
            warns.append(f"robustness: normalisation '{nm}' skipped ({exc.message})")
    if not norms:
        raise InputError("robustness: no normalisation applies to these data")
    return tuple(norms)


def _draw_scores(data, directions, grid: _Grid, pick, warns: list[str]) -> np.ndarray:
    """Scores (draws x rows) of the drawn configurations that could be computed.

    Each configuration is computed once; epsilon only matters for entropy, so
    configurations differing only in it share a result.  Failing configurations are
    skipped with one warning each.
    """
    import numpy as np

    cache: dict[int, np.ndarray | None] = {}
    by_key: dict[tuple, np.ndarray | None] = {}
    failures: dict[str, str] = {}
    for k in sorted(set(pick.tolist())):
        m, nm, e, d = grid.config(k)
        key = (m, nm, e if m == "entropy" else 0.0, d)
        if key not in by_key:
            try:
                by_key[key] = _index_columns(data, directions, *key)
            except InputError as exc:
                by_key[key] = None
                failures.setdefault(f"{m}/{nm}/drop={d}", exc.message)
        cache[k] = by_key[key]
    for key, msg in failures.items():
        warns.append(f"robustness: configuration {key} skipped ({msg})")
    used = [cache[k] for k in pick.tolist() if cache[k] is not None]
    if not used:
        raise InputError("robustness: no Monte Carlo configuration could be computed")
    return np.vstack(used)


def _summary(base, base_rank, scores, rows) -> tuple[pd.DataFrame, float]:
    """Per-row medians and 5-95 % percentiles of scores and ranks, and R_S."""
    import numpy as np
    import pandas as pd

    ranks = _ranks_rows(scores)
    shift = np.abs(ranks - base_rank)
    summary = pd.DataFrame(
        {
            "baseline_score": base,
            "baseline_rank": base_rank,
            "score_median": np.median(scores, axis=0),
            "score_p5": np.percentile(scores, 5, axis=0),
            "score_p95": np.percentile(scores, 95, axis=0),
            "rank_median": np.median(ranks, axis=0),
            "rank_p5": np.percentile(ranks, 5, axis=0),
            "rank_p95": np.percentile(ranks, 95, axis=0),
            "mean_abs_rank_shift": shift.mean(axis=0),
        },
        index=rows,
    )
    return summary, float(shift.mean(axis=1).mean())


def monte_carlo(
    raw: pd.DataFrame,
    directions: Mapping[str, object],
    *,
    baseline: tuple[str, str, float] = ("entropy", "minmax", 0.0),
    draws: int = 1000,
    seed: int = 0,
    methods: Sequence[str] = DEFAULT_METHODS,
    normalisations: Sequence[str] = DEFAULT_NORMALISATIONS,
    epsilons: Sequence[float] = DEFAULT_EPSILONS,
    leave_one_out: bool = True,
    baseline_scores: pd.Series | None = None,
) -> MonteCarloResult:
    """Monte Carlo over method x normalisation x epsilon x one-indicator-out.

    ``raw`` is the un-normalised indicator matrix; ``baseline`` = (method,
    normalisation, epsilon) of the reported index (or pass ``baseline_scores``, e.g.
    for user weights).  Each draw is configuration
    ``default_rng(seed).integers(0, N)`` of the N-configuration grid.  Options that
    cannot be computed for this data (ratio with non-positive values, a method
    failing) are dropped with a warning.
    """
    import numpy as np

    if draws < 1:
        raise InputError(f"robustness draws must be >= 1, got {draws}")
    if raw.shape[1] < 2:
        raise InputError("robustness analysis needs at least 2 indicators")
    warns: list[str] = []
    rows = raw.index
    # the raw matrix once as (indicators x rows) arrays for the inner loop
    a = raw.astype(float)
    data = _Indicators(np.ascontiguousarray(a.to_numpy().T), list(a.columns), list(a.index))
    if baseline_scores is None:
        base = _index_columns(data, directions, baseline[0], baseline[1], baseline[2], None)
    else:
        base = baseline_scores.reindex(rows).to_numpy(dtype=float)
    norms = _usable_normalisations(raw, directions, normalisations, warns)
    drops = (None, *raw.columns) if leave_one_out else (None,)
    grid = _Grid(tuple(methods), norms, tuple(float(e) for e in epsilons), drops)
    pick = np.random.default_rng(seed).integers(0, grid.size, size=draws)
    scores = _draw_scores(data, directions, grid, pick, warns)
    summary, shift = _summary(base, _ranks(base), scores, rows)
    settings = MonteCarloSettings(
        draws=int(draws),
        draws_used=int(scores.shape[0]),
        seed=int(seed),
        methods=tuple(methods),
        normalisations=norms,
        epsilons=tuple(float(e) for e in epsilons),
        leave_one_out=bool(leave_one_out),
        baseline=Baseline(
            method=baseline[0], normalisation=baseline[1], epsilon=float(baseline[2])
        ),
    )
    return MonteCarloResult(summary, shift, int(draws), settings, tuple(warns))


#: cells of the (resamples x rows x indicators) array computed at once by the bootstrap
_BOOTSTRAP_BLOCK = 4_000_000


def _bootstrap_divergence(a, idx, sign, epsilon) -> tuple[np.ndarray, np.ndarray]:
    """D_j = 1 - E_j of min-max + entropy on every resample ``a[idx[r]]`` (0 for an
    indicator constant in the resample), and the constant mask; in blocks of
    resamples so that memory stays bounded."""
    import numpy as np

    draws, n = idx.shape
    step = max(1, _BOOTSTRAP_BLOCK // max(1, n * a.shape[1]))
    d_parts, c_parts = [], []
    for i in range(0, draws, step):
        s = a[idx[i : i + step]]  # block x n x m
        lo, hi = s.min(axis=1, keepdims=True), s.max(axis=1, keepdims=True)
        rngw = hi - lo
        const = (rngw == 0)[:, 0, :]  # block x m
        safe = np.where(rngw == 0, 1.0, rngw)
        x = np.where(sign > 0, (s - lo) / safe, (hi - s) / safe)
        x = np.where(rngw == 0, 0.0, x) + epsilon
        colsum = x.sum(axis=1, keepdims=True)
        p = x / np.where(colsum > 0, colsum, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
        e = -plogp.sum(axis=1) / np.log(n)
        d_parts.append(np.where(const, 0.0, 1.0 - e))
        c_parts.append(const)
    return np.concatenate(d_parts), np.concatenate(c_parts)


def bootstrap_entropy_weights(
    raw: pd.DataFrame,
    directions: Mapping[str, object],
    *,
    draws: int = 1000,
    seed: int = 0,
    epsilon: float = 0.0,
    level: float = 0.90,
) -> pd.DataFrame:
    """Percentile bootstrap intervals for min-max + entropy weights (rows resampled).

    Returns one row per indicator with ``median``, ``lower`` and ``upper`` (the
    ``(1-level)/2`` and ``(1+level)/2`` percentiles; 5 % and 95 % by default) and the
    number of resamples in which the indicator was constant (weight 0 there).
    Resampling protocol: ``default_rng(seed).integers(0, n, size=(draws, n))`` gives
    the row indices of every resample.
    """
    import numpy as np
    import pandas as pd

    if draws < 1:
        raise InputError(f"bootstrap draws must be >= 1, got {draws}")
    if not 0 < level < 1:
        raise InputError(f"bootstrap level must be in (0, 1), got {level}")
    a = raw.astype(float).to_numpy()
    n, m = a.shape
    if n < 2:
        raise InputError("bootstrap needs at least 2 rows")
    sign = np.array([parse_direction(directions[c]) for c in raw.columns], dtype=float)
    idx = np.random.default_rng(seed).integers(0, n, size=(draws, n))
    d, const = _bootstrap_divergence(a, idx, sign, epsilon)
    tot = d.sum(axis=1, keepdims=True)
    ok = tot[:, 0] > 0
    w = d[ok] / tot[ok]
    if w.shape[0] == 0:
        raise InputError("bootstrap: every resample had only constant indicators")
    q = (1 - level) / 2 * 100
    return pd.DataFrame(
        {
            "median": np.median(w, axis=0),
            "lower": np.percentile(w, q, axis=0),
            "upper": np.percentile(w, 100 - q, axis=0),
            "constant_in": const[ok].sum(axis=0),
            "resamples": np.full(m, w.shape[0]),
        },
        index=raw.columns,
    )
