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
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from carbonpath.core.errors import InputError
from carbonpath.core.results import ResultBase, internal
from carbonpath.stirpat.design import (
    SINGULAR_RATIO,
    adjusted_r2,
    f_statistic,
    validate_design,
)
from carbonpath.stirpat.errors import CollinearityError
from carbonpath.stirpat.krule import KGrid
from carbonpath.stirpat.regression import RegressionVocabulary, coefficient_frame

__all__ = [
    "K_CONVENTION",
    "CorrelationForm",
    "KConvention",
    "correlation_arrays",
    "RidgeFit",
    "RidgeTrace",
    "fit_ridge",
    "k_convention",
    "k_grid",
    "ridge_trace",
    "singular",
    "solve",
    "unstandardise",
]

K_CONVENTION = (
    "k is the SPSS RIDGEREG / SAS RIDGE= / NAG g02kbc ridge parameter on the correlation "
    "matrix of X: Beta = (R + kI)^-1 r. Equivalent settings elsewhere: "
    "MASS::lm.ridge lambda = n*k; MATLAB ridge k = (n-1)*k; statsmodels "
    "fit_regularized(alpha=k/n, L1_wt=0) and scikit-learn Ridge(alpha=k, "
    "fit_intercept=False) on correlation-form X and y."
)


@dataclass(frozen=True)
class KConvention(ResultBase):
    """The chosen k in every common program's units (module docstring)."""

    text: str
    spss_k: float
    mass_lambda: float
    matlab_k: float
    statsmodels_alpha: float
    sklearn_alpha: float


def k_convention(n: int, k: float) -> KConvention:
    """k as SPSS (k), MASS (n k), MATLAB ((n - 1) k), statsmodels (k / n), sklearn (k)."""
    return KConvention(
        text=K_CONVENTION,
        spss_k=float(k),
        mass_lambda=float(n * k),
        matlab_k=float((n - 1) * k),
        statsmodels_alpha=float(k / n),
        sklearn_alpha=float(k),
    )


def k_grid(start: float | KGrid = 0.0, stop: float = 1.0, step: float = 0.01) -> np.ndarray:
    """Grid start, start + step, ..., stop (inclusive), rounded to 12 decimals."""
    if isinstance(start, KGrid):
        start, stop, step = start.start, start.stop, start.step
    if not (step > 0 and stop >= start >= 0):
        raise InputError(
            f"invalid k grid [{start}, {stop}, {step}]",
            fix="use [start, stop, step] with 0 <= start <= stop and step > 0",
        )
    count = int(np.floor((stop - start) / step + 1e-9))
    return np.round(start + step * np.arange(count + 1), 12)


def correlation_arrays(y: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, ...]:
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


def singular(R: np.ndarray, k: float) -> np.ndarray:
    """Whether R + kI is numerically singular (smallest / largest eigenvalue <=
    SINGULAR_RATIO), for one matrix or a stack."""
    ev = np.linalg.eigvalsh(R + k * np.eye(R.shape[-1]))
    return ev[..., 0] <= SINGULAR_RATIO * ev[..., -1]


def solve(R: np.ndarray, r: np.ndarray, k: float) -> tuple[np.ndarray, np.ndarray]:
    """Beta = (R + kI)^-1 r and (R + kI)^-1, for one problem or a stack."""
    A = np.linalg.inv(R + k * np.eye(R.shape[-1]))
    return (A @ r[..., None])[..., 0], A


def unstandardise(
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
        R, r, xbar, sx, ybar, sy = correlation_arrays(y, X)
        return cls(n=n, p=p, R=R, r=r, xbar=xbar, sx=sx, ybar=float(ybar), sy=float(sy))

    def is_singular(self, k: float) -> bool:
        return bool(singular(self.R, k))

    def beta(self, k: float) -> tuple[np.ndarray, np.ndarray]:
        """Standardized coefficients and (R + kI)^-1."""
        return solve(self.R, self.r, k)

    def r2(self, beta: np.ndarray) -> float:
        """R2(k) = 2 Beta'r - Beta'R Beta."""
        return float(2.0 * beta @ self.r - beta @ self.R @ beta)

    def coefficients(self, k: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """(Beta, (R + kI)^-1, B, b0) at k."""
        b_std, A = self.beta(k)
        B, b0 = unstandardise(b_std, self.sx, self.sy, self.xbar, self.ybar)
        return b_std, A, B, float(b0)


@dataclass(frozen=True, eq=False)
class RidgeTrace:
    """Standardized coefficients, R2 and VIF along a k grid (NaN where R + kI is singular)."""

    names: tuple[str, ...]
    k: np.ndarray
    beta: np.ndarray  # (len(k), p)
    r2: np.ndarray
    vif: np.ndarray  # (len(k), p)

    def to_frame(self) -> pd.DataFrame:
        """Columns ``k``, ``r2`` and one column of Beta per regressor."""
        frame = pd.DataFrame({"k": self.k.astype(float), "r2": self.r2})
        for j, nm in enumerate(self.names):
            frame[nm] = self.beta[:, j]
        return frame

    def vif_frame(self) -> pd.DataFrame:
        """Columns ``k`` and one column of VIF(k) per regressor."""
        frame = pd.DataFrame({"k": self.k.astype(float)})
        for j, nm in enumerate(self.names):
            frame[nm] = self.vif[:, j]
        return frame


def ridge_trace(
    y: Sequence[float] | np.ndarray,
    X: Sequence[Sequence[float]] | np.ndarray,
    names: Sequence[str] | None = None,
    grid: Sequence[float] | np.ndarray | KGrid | None = None,
) -> RidgeTrace:
    """Beta(k), R2(k) and VIF(k) for every k on ``grid`` (default 0..1 by 0.01)."""
    yy, XX, nm = validate_design(y, X, names, allow_collinear=True)
    if grid is None or isinstance(grid, KGrid):
        ks = k_grid(grid or KGrid())
    else:
        ks = np.asarray(grid, dtype=float)
    if ks.ndim != 1 or ks.size == 0 or np.any(ks < 0):
        raise InputError("the k grid must be a non-empty list of k >= 0")
    cf = CorrelationForm.from_data(yy, XX)
    beta = np.full((ks.size, cf.p), np.nan)
    r2 = np.full(ks.size, np.nan)
    vif = np.full((ks.size, cf.p), np.nan)
    for i, k in enumerate(ks):
        if cf.is_singular(float(k)):
            continue
        b, A = cf.beta(float(k))
        beta[i] = b
        r2[i] = cf.r2(b)
        vif[i] = np.diag(A @ cf.R @ A)
    return RidgeTrace(names=tuple(nm), k=ks, beta=beta, r2=r2, vif=vif)


@dataclass(frozen=True, eq=False)
class RidgeFit(RegressionVocabulary, ResultBase):
    """Ridge estimates at one k: the SPSS RIDGEREG table plus p-values and VIF."""

    k: float
    n: int
    coefficients: pd.DataFrame  # term, b, se, beta, t, p, vif ("const" first)
    r2: float
    adj_r2: float
    f: float
    f_p: float
    df_model: int
    df_resid: int
    fitted: np.ndarray = internal()
    #: how k was chosen ("fixed", "trace", "hkb", "lw", "gcv"), for summary()
    k_rule: str = internal("fixed")
    response: str = internal("y")
    labels: dict | None = internal()

    @property
    def names(self) -> list[str]:
        return [t for t in self.coefficients["term"] if t != "const"]

    @property
    def nobs(self) -> int:
        return self.n

    @property
    def rsquared(self) -> float:
        return self.r2

    @property
    def rsquared_adj(self) -> float:
        return self.adj_r2

    @property
    def fvalue(self) -> float:
        return self.f

    @property
    def f_pvalue(self) -> float:
        return self.f_p

    @property
    def b(self) -> np.ndarray:
        """Unstandardized slopes B (regressors only) as an array."""
        return self._column("b", regressors_only=True).to_numpy()

    @property
    def const(self) -> float:
        """The constant b0 = ybar - B'xbar."""
        return float(self.params["const"])

    @property
    def beta(self) -> pd.Series:
        """Standardized coefficients Beta(k) (regressors only)."""
        return self._column("beta", regressors_only=True)

    @property
    def vif(self) -> pd.Series:
        """VIF(k) = diag((R + kI)^-1 R (R + kI)^-1) (regressors only)."""
        return self._column("vif", regressors_only=True)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """b0 + X B."""
        return self.const + np.asarray(X, dtype=float) @ self.b

    def summary(self):  # -> carbonpath.stirpat.summary.Summary
        """The SPSS coefficient table with a statsmodels-style header (see summary.py)."""
        from carbonpath.stirpat.summary import ridge_summary

        return ridge_summary(self)


def _standard_errors(
    cf: CorrelationForm, A: np.ndarray, r2: float, df: int
) -> tuple[np.ndarray, float, float]:
    """SE(B), SE(b0) and SSE from Var(Beta), Var(B) and SE(b0) (module docstring)."""
    sst = (cf.n - 1) * cf.sy**2
    sse = max(sst * (1.0 - r2), 0.0)  # an exact fit can give R2 a rounding above 1
    cov_std = sse / (sst * df) * (A @ cf.R @ A)
    dinv = np.diag(1.0 / cf.sx)
    cov_b = cf.sy**2 * dinv @ cov_std @ dinv
    const_se = float(np.sqrt(sse / (cf.n * df) + cf.xbar @ cov_b @ cf.xbar))
    return np.sqrt(np.diag(cov_b)), const_se, sse


def fit_ridge(
    y: Sequence[float] | np.ndarray,
    X: Sequence[Sequence[float]] | np.ndarray,
    k: float,
    names: Sequence[str] | None = None,
) -> RidgeFit:
    """Ridge fit at ``k`` with the SPSS RIDGEREG table (formulas in the module docstring).

    At k = 0 this is OLS; perfect collinearity at k = 0 raises ``CollinearityError``.
    """
    yy, XX, nm = validate_design(y, X, names, allow_collinear=True)
    k = float(k)
    if not np.isfinite(k) or k < 0:
        raise InputError(f"ridge parameter k = {k} is invalid", fix="use a number k >= 0")
    cf = CorrelationForm.from_data(yy, XX)
    n, p = cf.n, cf.p
    if cf.is_singular(k):
        raise CollinearityError(
            f"the regressors {nm} are perfectly collinear, so k = {k:g} has no solution",
            fix="drop a redundant regressor or use k > 0",
        )
    b_std, A, B, b0 = cf.coefficients(k)
    r2 = cf.r2(b_std)
    df = n - p - 1
    se, const_se, _ = _standard_errors(cf, A, r2, df)
    params = np.r_[b0, B]
    bse = np.r_[const_se, se]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = params / bse
    f, f_p = f_statistic(r2, n, p)
    coefs = coefficient_frame(
        ["const", *nm],
        b=params,
        se=bse,
        beta=np.r_[np.nan, b_std],
        t=t,
        p=2.0 * stats.t.sf(np.abs(t), df),
        vif=np.r_[np.nan, np.diag(A @ cf.R @ A)],
    )
    return RidgeFit(
        k=k,
        n=n,
        coefficients=coefs,
        r2=r2,
        adj_r2=float(adjusted_r2(r2, n, p)),
        f=f,
        f_p=f_p,
        df_model=p,
        df_resid=df,
        fitted=b0 + XX @ B,
    )
