"""How well a ridge fit holds up: case-resampling bootstrap, leave-one-out, and the
predicted-vs-actual check (the reference paper's Figure 19).

- Bootstrap (Efron & Tibshirani 1993, ch. 9): each replicate draws n rows with
  replacement (``numpy.random.default_rng(seed)``) and refits at the same k; resamples
  with a constant column (or R + kI singular) are skipped and counted; intervals are the
  (1 - level)/2 and (1 + level)/2 percentiles.
- Leave-one-out: refit at the same k without row i (means and standard deviations
  recomputed on the n - 1 rows) and predict row i; PRESS = sum of squared LOO errors.
- Fit check: paired t-test of actual vs predicted (scipy ``ttest_rel``), MAPE (%),
  RMSE, and the same errors for the LOO predictions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from carbonpath.core.results import ResultBase
from carbonpath.stirpat.design import validate_design
from carbonpath.stirpat.ridge import (
    CorrelationForm,
    correlation_arrays,
    singular,
    solve,
    unstandardise,
)

__all__ = [
    "BOOTSTRAP_CHUNK",
    "BootstrapIntervals",
    "FitCheck",
    "LooCheck",
    "bootstrap_ridge",
    "check_fit",
    "loo_predictions",
]

BOOTSTRAP_CHUNK = 4_000_000  # resampled values held at once (bounds memory)


@dataclass(frozen=True, eq=False)
class BootstrapIntervals:
    """Percentile intervals from case-resampling bootstrap at a fixed k."""

    level: float
    replications: int
    valid: int  # resamples with variation in every column
    const: tuple[float, float]
    b: np.ndarray  # (p, 2)
    beta: np.ndarray  # (p, 2)
    draws: np.ndarray | None = None  # (valid, p): the B of every valid resample


def _bootstrap_fits(
    yy: np.ndarray, XX: np.ndarray, k: float, idx: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Beta, B and b0 of the resamples ``idx`` (replicates x n row numbers), skipping
    resamples with a constant column or a singular R + kI.  All replicates are fitted
    together on stacked arrays; each gives the same numbers as fitting it alone."""
    ys, Xs = yy[idx], XX[idx]  # (replicates, n) and (replicates, n, p)
    varies = (np.ptp(ys, axis=1) != 0) & np.all(np.ptp(Xs, axis=1) != 0, axis=1)
    R, r, xbar, sx, ybar, sy = correlation_arrays(ys[varies], Xs[varies])
    ok = ~singular(R, k)
    b_std, _ = solve(R[ok], r[ok], k)
    B, b0 = unstandardise(b_std, sx[ok], sy[ok], xbar[ok], ybar[ok])
    return b_std, B, b0


def _resample(yy: np.ndarray, XX: np.ndarray, k: float, total: int, seed: int) -> tuple:
    n, p = XX.shape
    rng = np.random.default_rng(seed)
    chunk = max(1, BOOTSTRAP_CHUNK // (n * (p + 1)))
    parts = []
    for start in range(0, total, chunk):
        # rng.integers(0, n, size=(m, n)) draws the same numbers as m successive
        # rng.integers(0, n, size=n), one per replicate
        idx = rng.integers(0, n, size=(min(chunk, total - start), n))
        parts.append(_bootstrap_fits(yy, XX, k, idx))
    if not parts:
        return np.empty((0, p)), np.empty((0, p)), np.empty(0)
    return tuple(np.concatenate([part[i] for part in parts]) for i in range(3))


def bootstrap_ridge(
    y: Sequence[float] | np.ndarray,
    X: Sequence[Sequence[float]] | np.ndarray,
    k: float,
    *,
    replications: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> BootstrapIntervals:
    """Case-resampling bootstrap of the ridge fit at k (module docstring)."""
    yy, XX, _ = validate_design(y, X, None, allow_collinear=True)
    p = XX.shape[1]
    b_std, B, b0 = _resample(yy, XX, k, int(max(replications, 0)), seed)
    lo, hi = 100 * (1 - level) / 2, 100 * (1 + level) / 2
    valid = B.shape[0]
    if valid < 2:
        nan2 = np.full((p, 2), np.nan)
        return BootstrapIntervals(
            level, int(replications), valid, (np.nan, np.nan), nan2, nan2, None
        )
    cc = np.percentile(b0, [lo, hi])
    return BootstrapIntervals(
        level=level,
        replications=int(replications),
        valid=valid,
        const=(float(cc[0]), float(cc[1])),
        b=np.percentile(B, [lo, hi], axis=0).T,
        beta=np.percentile(b_std, [lo, hi], axis=0).T,
        draws=B,
    )


@dataclass(frozen=True, eq=False)
class LooCheck(ResultBase):
    """Leave-one-out predictions and their errors."""

    predicted: np.ndarray
    rmse: float
    mape: float  # percent
    press: float


@dataclass(frozen=True, eq=False)
class FitCheck(ResultBase):
    """Predicted vs actual (paired t-test, MAPE in %, RMSE) and the LOO errors."""

    actual: np.ndarray
    predicted: np.ndarray
    paired_t: float
    paired_p: float
    mape: float  # percent
    rmse: float
    loo: LooCheck


def _paired_t(actual: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    """Paired t-test of actual - predicted (scipy.stats.ttest_rel); NaN when all d equal."""
    d = actual - predicted
    scale = 1e-12 * max(1.0, float(np.max(np.abs(actual))))
    if np.allclose(d, d[0], rtol=0, atol=scale):
        if abs(float(np.mean(d))) <= scale:
            return 0.0, 1.0
        return float("nan"), float("nan")
    res = stats.ttest_rel(actual, predicted)
    return float(res.statistic), float(res.pvalue)


def loo_predictions(
    y: Sequence[float] | np.ndarray, X: Sequence[Sequence[float]] | np.ndarray, k: float
) -> np.ndarray:
    """Leave-one-out predictions at k; NaN where the reduced sample has a constant column."""
    yy = np.asarray(y, dtype=float)
    XX = np.asarray(X, dtype=float)
    n = yy.size
    out = np.full(n, np.nan)
    for i in range(n):
        keep = np.arange(n) != i
        ys, Xs = yy[keep], XX[keep]
        if np.ptp(ys) == 0 or np.any(np.ptp(Xs, axis=0) == 0):
            continue
        cf = CorrelationForm.from_data(ys, Xs)
        if cf.is_singular(k):
            continue
        _, _, B, b0 = cf.coefficients(k)
        out[i] = b0 + XX[i] @ B
    return out


def _loo_check(a: np.ndarray, lo: np.ndarray) -> LooCheck:
    ok = np.isfinite(lo)
    if not ok.any():
        return LooCheck(lo, float("nan"), float("nan"), float("nan"))
    err = a[ok] - lo[ok]
    with np.errstate(divide="ignore", invalid="ignore"):
        mape = float(np.mean(np.abs(err / a[ok])) * 100.0)
    return LooCheck(
        predicted=lo,
        rmse=float(np.sqrt(np.mean(err**2))),
        mape=mape,
        press=float(np.sum(err**2)),
    )


def check_fit(actual: np.ndarray, predicted: np.ndarray, loo: np.ndarray) -> FitCheck:
    """Paired t-test, MAPE (%), RMSE, and the same errors for LOO predictions."""
    a = np.asarray(actual, dtype=float)
    pr = np.asarray(predicted, dtype=float)
    t, pval = _paired_t(a, pr)
    with np.errstate(divide="ignore", invalid="ignore"):
        mape = float(np.mean(np.abs((a - pr) / a)) * 100.0)
    return FitCheck(
        actual=a,
        predicted=pr,
        paired_t=t,
        paired_p=pval,
        mape=mape,
        rmse=float(np.sqrt(np.mean((a - pr) ** 2))),
        loo=_loo_check(a, np.asarray(loo, dtype=float)),
    )
