"""Ridge regression in the SPSS RIDGEREG correlation-form convention.

Convention (SPSS ``Ridge_regression.sps`` macro, SAS ``PROC REG RIDGE=``, NAG g02kbc;
Hoerl & Kennard 1970; Marquardt 1970).  With p regressors and n observations, R is the
correlation matrix of X and r the vector of correlations of each regressor with y:

- ``Beta(k) = (R + kI)^-1 r``;  ``R2(k) = 2 Beta'r - Beta'R Beta`` (= 1 - SSE/SST)
- ``B = Beta * s_y / s_x``;  ``b0 = ybar - B'xbar``
- ``SST = (n-1) s_y^2``, ``SSE = SST (1 - R2)``; ``adj R2 = R2 - p(1 - R2)/(n - p - 1)``;
  ``F = (SSR/p) / (SSE/(n - p - 1))`` on (p, n - p - 1) df
- ``Var(Beta) = SSE / (SST (n - p - 1)) (R + kI)^-1 R (R + kI)^-1``;
  ``Var(B) = s_y^2 D^-1 Var(Beta) D^-1`` with ``D = diag(s_x)``;
  ``SE(b0) = sqrt(SSE / (n (n - p - 1)) + xbar' Var(B) xbar)``
- ``t = B / SE(B)``, p from Student t on n - p - 1 df (these ignore the bias ridge
  introduces; the bootstrap intervals do not rely on them)
- ``VIF(k) = diag((R + kI)^-1 R (R + kI)^-1)``

k is not portable between programs.  The same fit is obtained with:

- MASS::lm.ridge (R): ``lambda = n * k``
- MATLAB ``ridge``: ``k_matlab = (n - 1) * k``
- statsmodels ``OLS(zy, Z).fit_regularized(alpha=k / n, L1_wt=0)`` on correlation-form
  Z = (X - xbar) / (s_x sqrt(n - 1)), zy likewise
- scikit-learn ``Ridge(alpha=k, fit_intercept=False)`` on the same correlation-form Z, zy
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from carbonpath.core.errors import InputError
from carbonpath.stirpat.ols import (
    SINGULAR_RATIO,
    adjusted_r2,
    f_statistic,
    finite_or_none,
    validate_design,
)

K_CONVENTION = (
    "k is the SPSS RIDGEREG / SAS RIDGE= / NAG g02kbc ridge parameter on the correlation "
    "matrix of X: Beta = (R + kI)^-1 r. Equivalent settings elsewhere: "
    "MASS::lm.ridge lambda = n*k; MATLAB ridge k = (n-1)*k; statsmodels "
    "fit_regularized(alpha=k/n, L1_wt=0) and scikit-learn Ridge(alpha=k, "
    "fit_intercept=False) on correlation-form X and y."
)


def k_convention(n: int, k: float) -> dict:
    """The chosen k expressed in every common program's units (see module docstring)."""
    return {
        "text": K_CONVENTION,
        "spss_k": float(k),
        "mass_lambda": float(n * k),
        "matlab_k": float((n - 1) * k),
        "statsmodels_alpha": float(k / n),
        "sklearn_alpha": float(k),
    }


def k_grid(start: float = 0.0, stop: float = 1.0, step: float = 0.01) -> np.ndarray:
    """Grid start, start + step, ..., stop (inclusive), rounded to 12 decimals."""
    if not (step > 0 and stop >= start >= 0):
        raise InputError(
            f"invalid k grid [{start}, {stop}, {step}]",
            fix="use [start, stop, step] with 0 <= start <= stop and step > 0",
        )
    count = int(np.floor((stop - start) / step + 1e-9))
    return np.round(start + step * np.arange(count + 1), 12)


def _correlation_arrays(y: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, ...]:
    """R, r, xbar, s_x, ybar, s_y of one sample (y (n,), X (n, p)) or of a stack of
    samples (y (m, n), X (m, n, p)): Z = (X - xbar) / (s_x sqrt(n - 1)), zy likewise,
    R = Z'Z, r = Z'zy.  Stacked samples give, sample by sample, the same numbers as
    one sample at a time (same numpy/BLAS calls on each)."""
    n = X.shape[-2]
    xbar = X.mean(axis=-2)
    sx = X.std(axis=-2, ddof=1)
    ybar = y.mean(axis=-1)
    sy = y.std(axis=-1, ddof=1)
    Z = (X - xbar[..., None, :]) / (sx * np.sqrt(n - 1))[..., None, :]
    zy = (y - ybar[..., None]) / (sy * np.sqrt(n - 1))[..., None]
    Zt = np.swapaxes(Z, -1, -2)
    return Zt @ Z, (Zt @ zy[..., None])[..., 0], xbar, sx, ybar, sy


def _singular(R: np.ndarray, k: float) -> np.ndarray:
    """Whether R + kI is numerically singular (smallest / largest eigenvalue <=
    SINGULAR_RATIO), for one matrix or a stack."""
    ev = np.linalg.eigvalsh(R + k * np.eye(R.shape[-1]))
    return ev[..., 0] <= SINGULAR_RATIO * ev[..., -1]


def _solve(R: np.ndarray, r: np.ndarray, k: float) -> tuple[np.ndarray, np.ndarray]:
    """Beta = (R + kI)^-1 r and (R + kI)^-1, for one problem or a stack."""
    A = np.linalg.inv(R + k * np.eye(R.shape[-1]))
    return (A @ r[..., None])[..., 0], A


def _unstandardise(
    beta: np.ndarray, sx: np.ndarray, sy: np.ndarray, xbar: np.ndarray, ybar: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """B = Beta s_y / s_x and b0 = ybar - B'xbar, for one fit or a stack."""
    B = beta * np.asarray(sy)[..., None] / sx
    b0 = ybar - (B[..., None, :] @ xbar[..., :, None])[..., 0, 0]
    return B, b0


@dataclass(frozen=True)
class CorrelationForm:
    """Sufficient statistics of the correlation-form problem."""

    n: int
    p: int
    R: np.ndarray
    r: np.ndarray
    xbar: np.ndarray
    sx: np.ndarray
    ybar: float
    sy: float

    @classmethod
    def from_data(cls, y: np.ndarray, X: np.ndarray) -> CorrelationForm:
        n, p = X.shape
        R, r, xbar, sx, ybar, sy = _correlation_arrays(y, X)
        return cls(n=n, p=p, R=R, r=r, xbar=xbar, sx=sx, ybar=float(ybar), sy=float(sy))

    def is_singular(self, k: float) -> bool:
        return bool(_singular(self.R, k))

    def beta(self, k: float) -> tuple[np.ndarray, np.ndarray]:
        """Standardized coefficients and (R + kI)^-1."""
        return _solve(self.R, self.r, k)

    def r2(self, beta: np.ndarray) -> float:
        return float(2.0 * beta @ self.r - beta @ self.R @ beta)


@dataclass(frozen=True)
class RidgeTrace:
    """Standardized coefficients, R2 and VIF along a k grid (NaN where R + kI is singular)."""

    names: tuple[str, ...]
    k: np.ndarray
    beta: np.ndarray  # (len(k), p)
    r2: np.ndarray
    vif: np.ndarray  # (len(k), p)

    def records(self) -> list[dict]:
        """``[{k, r2, <term>: beta, ...}]`` for JSON."""
        out = []
        for i, k in enumerate(self.k):
            rec: dict = {"k": float(k), "r2": finite_or_none(self.r2[i])}
            for j, nm in enumerate(self.names):
                rec[nm] = finite_or_none(self.beta[i, j])
            out.append(rec)
        return out

    def vif_records(self) -> list[dict]:
        """``[{k, <term>: vif, ...}]`` for JSON."""
        out = []
        for i, k in enumerate(self.k):
            rec: dict = {"k": float(k)}
            for j, nm in enumerate(self.names):
                rec[nm] = finite_or_none(self.vif[i, j])
            out.append(rec)
        return out


def ridge_trace(
    y: Sequence[float] | np.ndarray,
    X: Sequence[Sequence[float]] | np.ndarray,
    names: Sequence[str] | None = None,
    grid: Sequence[float] | np.ndarray | None = None,
) -> RidgeTrace:
    """Beta(k), R2(k) and VIF(k) for every k on ``grid`` (default 0..1 by 0.01)."""
    yy, XX, nm = validate_design(y, X, names, allow_collinear=True)
    ks = k_grid() if grid is None else np.asarray(grid, dtype=float)
    if ks.ndim != 1 or ks.size == 0 or np.any(ks < 0):
        raise InputError("the k grid must be a non-empty list of k >= 0")
    cf = CorrelationForm.from_data(yy, XX)
    p = cf.p
    beta = np.full((ks.size, p), np.nan)
    r2 = np.full(ks.size, np.nan)
    vif = np.full((ks.size, p), np.nan)
    for i, k in enumerate(ks):
        if cf.is_singular(float(k)):
            continue
        b, A = cf.beta(float(k))
        beta[i] = b
        r2[i] = cf.r2(b)
        vif[i] = np.diag(A @ cf.R @ A)
    return RidgeTrace(names=tuple(nm), k=ks, beta=beta, r2=r2, vif=vif)


@dataclass(frozen=True)
class RidgeFit:
    """Ridge estimates at one k (SPSS RIDGEREG table plus p-values and VIF)."""

    names: tuple[str, ...]
    n: int
    k: float
    b: np.ndarray  # unstandardized slopes
    se: np.ndarray
    beta: np.ndarray
    t: np.ndarray
    p: np.ndarray
    vif: np.ndarray
    const: float
    const_se: float
    const_t: float
    const_p: float
    r2: float
    adj_r2: float
    f: float
    f_p: float
    df_resid: int
    fitted: np.ndarray

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.const + np.asarray(X, dtype=float) @ self.b


def _fit_stats(cf: CorrelationForm, k: float) -> tuple:
    b_std, A = cf.beta(k)
    B, b0 = _unstandardise(b_std, cf.sx, cf.sy, cf.xbar, cf.ybar)
    return b_std, A, B, b0


def fit_ridge(
    y: Sequence[float] | np.ndarray,
    X: Sequence[Sequence[float]] | np.ndarray,
    k: float,
    names: Sequence[str] | None = None,
) -> RidgeFit:
    """Ridge fit at ``k`` with the SPSS RIDGEREG table (formulas in the module docstring).

    At k = 0 this is OLS; perfect collinearity at k = 0 raises ``InputError``.
    """
    yy, XX, nm = validate_design(y, X, names, allow_collinear=True)
    k = float(k)
    if not np.isfinite(k) or k < 0:
        raise InputError(f"ridge parameter k = {k} is invalid", fix="use a number k >= 0")
    cf = CorrelationForm.from_data(yy, XX)
    n, p = cf.n, cf.p
    if cf.is_singular(k):
        raise InputError(
            f"the regressors {nm} are perfectly collinear, so k = {k:g} has no solution",
            fix="drop a redundant regressor or use k > 0",
        )
    b_std, A, B, b0 = _fit_stats(cf, k)
    r2 = cf.r2(b_std)
    df = n - p - 1
    sst = (n - 1) * cf.sy**2
    sse = max(sst * (1.0 - r2), 0.0)  # an exact fit can give R2 a rounding above 1
    cov_std = sse / (sst * df) * (A @ cf.R @ A)
    dinv = np.diag(1.0 / cf.sx)
    cov_b = cf.sy**2 * dinv @ cov_std @ dinv
    se = np.sqrt(np.diag(cov_b))
    const_se = float(np.sqrt(sse / (n * df) + cf.xbar @ cov_b @ cf.xbar))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = B / se
        const_t = b0 / const_se
    pv = 2.0 * stats.t.sf(np.abs(t), df)
    f, f_p = f_statistic(r2, n, p)
    return RidgeFit(
        names=tuple(nm),
        n=n,
        k=k,
        b=B,
        se=se,
        beta=b_std,
        t=t,
        p=pv,
        vif=np.diag(A @ cf.R @ A).copy(),
        const=float(b0),
        const_se=const_se,
        const_t=float(const_t),
        const_p=float(2.0 * stats.t.sf(abs(const_t), df)),
        r2=r2,
        adj_r2=float(adjusted_r2(r2, n, p)),
        f=f,
        f_p=f_p,
        df_resid=df,
        fitted=b0 + XX @ B,
    )


@dataclass(frozen=True)
class BootstrapIntervals:
    """Percentile intervals from case-resampling bootstrap at a fixed k."""

    level: float
    replications: int
    valid: int  # resamples with variation in every column
    const: tuple[float, float]
    b: np.ndarray  # (p, 2)
    beta: np.ndarray  # (p, 2)
    draws: np.ndarray | None = None  # (valid, p): the B of every valid resample


BOOTSTRAP_CHUNK = 4_000_000  # resampled values held at once (bounds memory)


def _bootstrap_fits(
    yy: np.ndarray, XX: np.ndarray, k: float, idx: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Beta, B and b0 of the resamples ``idx`` (replicates x n row numbers), skipping
    resamples with a constant column or a singular R + kI.  All replicates are fitted
    together on stacked arrays; each gives the same numbers as fitting it alone."""
    ys, Xs = yy[idx], XX[idx]  # (replicates, n) and (replicates, n, p)
    varies = (np.ptp(ys, axis=1) != 0) & np.all(np.ptp(Xs, axis=1) != 0, axis=1)
    R, r, xbar, sx, ybar, sy = _correlation_arrays(ys[varies], Xs[varies])
    ok = ~_singular(R, k)
    b_std, _ = _solve(R[ok], r[ok], k)
    B, b0 = _unstandardise(b_std, sx[ok], sy[ok], xbar[ok], ybar[ok])
    return b_std, B, b0


def bootstrap_ridge(
    y: Sequence[float] | np.ndarray,
    X: Sequence[Sequence[float]] | np.ndarray,
    k: float,
    *,
    replications: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> BootstrapIntervals:
    """Case-resampling bootstrap (Efron & Tibshirani 1993, ch. 9) of the ridge fit at k.

    Each replicate draws n rows with replacement (``numpy.random.default_rng(seed)``),
    recomputes the correlation form and the coefficients at the same k; resamples in
    which a column has no variation (or R + kI is singular) are skipped and counted.
    Intervals are the (1 - level)/2 and (1 + level)/2 percentiles.
    """
    yy, XX, _ = validate_design(y, X, None, allow_collinear=True)
    n, p = XX.shape
    rng = np.random.default_rng(seed)
    total = int(max(replications, 0))
    chunk = max(1, BOOTSTRAP_CHUNK // (n * (p + 1)))
    parts = []
    for start in range(0, total, chunk):
        # rng.integers(0, n, size=(m, n)) draws the same numbers as m successive
        # rng.integers(0, n, size=n), one per replicate
        idx = rng.integers(0, n, size=(min(chunk, total - start), n))
        parts.append(_bootstrap_fits(yy, XX, k, idx))
    b_std, B, b0 = (
        (np.concatenate([part[i] for part in parts]) for i in range(3))
        if parts
        else (np.empty((0, p)), np.empty((0, p)), np.empty(0))
    )
    lo, hi = 100 * (1 - level) / 2, 100 * (1 + level) / 2
    valid = B.shape[0]
    if valid < 2:
        nan2 = np.full((p, 2), np.nan)
        return BootstrapIntervals(
            level, int(replications), valid, (np.nan, np.nan), nan2, nan2, None
        )
    bb = np.percentile(B, [lo, hi], axis=0).T
    bs = np.percentile(b_std, [lo, hi], axis=0).T
    cc = np.percentile(b0, [lo, hi])
    return BootstrapIntervals(
        level=level,
        replications=int(replications),
        valid=valid,
        const=(float(cc[0]), float(cc[1])),
        b=bb,
        beta=bs,
        draws=B,
    )


@dataclass(frozen=True)
class FitCheck:
    """Predicted vs actual (the paper's Figure 19 check) and leave-one-out error."""

    actual: np.ndarray
    predicted: np.ndarray
    loo_predicted: np.ndarray
    paired_t: float
    paired_p: float
    mape: float  # percent
    rmse: float
    loo_rmse: float
    loo_mape: float  # percent
    press: float
    extra: dict = field(default_factory=dict)


def _paired_t(actual: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    """Paired t-test of actual - predicted (scipy.stats.ttest_rel); NaN when all d equal."""
    d = actual - predicted
    if np.allclose(d, d[0], rtol=0, atol=1e-12 * max(1.0, float(np.max(np.abs(actual))))):
        if abs(float(np.mean(d))) <= 1e-12 * max(1.0, float(np.max(np.abs(actual)))):
            return 0.0, 1.0
        return float("nan"), float("nan")
    res = stats.ttest_rel(actual, predicted)
    return float(res.statistic), float(res.pvalue)


def loo_predictions(
    y: Sequence[float] | np.ndarray, X: Sequence[Sequence[float]] | np.ndarray, k: float
) -> np.ndarray:
    """Leave-one-out predictions: refit at the same k without row i, predict row i.

    The correlation form (means, standard deviations) is recomputed on the n - 1 rows.
    NaN where the reduced sample has a constant column.
    """
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
        _, _, B, b0 = _fit_stats(cf, k)
        out[i] = b0 + XX[i] @ B
    return out


def check_fit(actual: np.ndarray, predicted: np.ndarray, loo: np.ndarray) -> FitCheck:
    """Paired t-test, MAPE (%), RMSE, and the same errors for LOO predictions."""
    a = np.asarray(actual, dtype=float)
    pr = np.asarray(predicted, dtype=float)
    lo = np.asarray(loo, dtype=float)
    t, pval = _paired_t(a, pr)
    ok = np.isfinite(lo)
    with np.errstate(divide="ignore", invalid="ignore"):
        mape = float(np.mean(np.abs((a - pr) / a)) * 100.0)
        loo_mape = float(np.mean(np.abs((a[ok] - lo[ok]) / a[ok])) * 100.0) if ok.any() else np.nan
    return FitCheck(
        actual=a,
        predicted=pr,
        loo_predicted=lo,
        paired_t=t,
        paired_p=pval,
        mape=mape,
        rmse=float(np.sqrt(np.mean((a - pr) ** 2))),
        loo_rmse=float(np.sqrt(np.mean((a[ok] - lo[ok]) ** 2))) if ok.any() else float("nan"),
        loo_mape=loo_mape,
        press=float(np.sum((a[ok] - lo[ok]) ** 2)) if ok.any() else float("nan"),
    )


def fit_check_dict(check: FitCheck) -> dict:
    """JSON-ready form of a ``FitCheck``."""
    return {
        "actual": [finite_or_none(v) for v in check.actual],
        "predicted": [finite_or_none(v) for v in check.predicted],
        "paired_t": finite_or_none(check.paired_t),
        "paired_p": finite_or_none(check.paired_p),
        "mape": finite_or_none(check.mape),
        "rmse": finite_or_none(check.rmse),
        "loo": {
            "predicted": [finite_or_none(v) for v in check.loo_predicted],
            "rmse": finite_or_none(check.loo_rmse),
            "mape": finite_or_none(check.loo_mape),
            "press": finite_or_none(check.press),
        },
    }


def coefficient_records(fit: RidgeFit, ci: BootstrapIntervals | None = None) -> list[dict]:
    """``[{term, b, se, beta, t, p, vif, ci_lo, ci_hi}]`` with the constant first."""
    recs = [
        {
            "term": "const",
            "b": finite_or_none(fit.const),
            "se": finite_or_none(fit.const_se),
            "beta": None,
            "t": finite_or_none(fit.const_t),
            "p": finite_or_none(fit.const_p),
            "vif": None,
        }
    ]
    if ci is not None:
        recs[0]["ci_lo"] = finite_or_none(ci.const[0])
        recs[0]["ci_hi"] = finite_or_none(ci.const[1])
    for j, nm in enumerate(fit.names):
        rec = {
            "term": nm,
            "b": finite_or_none(fit.b[j]),
            "se": finite_or_none(fit.se[j]),
            "beta": finite_or_none(fit.beta[j]),
            "t": finite_or_none(fit.t[j]),
            "p": finite_or_none(fit.p[j]),
            "vif": finite_or_none(fit.vif[j]),
        }
        if ci is not None:
            rec["ci_lo"] = finite_or_none(ci.b[j, 0])
            rec["ci_hi"] = finite_or_none(ci.b[j, 1])
        recs.append(rec)
    return recs
