"""Ordinary least squares with the diagnostics a STIRPAT study reports.

Plain-array method: ``fit_ols(y, X, names)`` fits ``y = b0 + X b + e`` (the constant is
added here, never passed in) and returns B, SE, t, p, standardized Beta, VIF, R2,
adjusted R2, F with its p-value, two condition numbers and the Durbin-Watson statistic.
Formulas are the textbook ones (e.g. Greene, *Econometric Analysis*, ch. 4-5) and match
statsmodels' ``OLS`` to machine precision (see tests/test_ols.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from carbonpath.core.errors import InputError

# R + kI is treated as singular when its smallest/largest eigenvalue ratio is below this.
SINGULAR_RATIO = 1e-12


def _is_constant(values: np.ndarray) -> bool:
    """True when a column has no variation (relative to its magnitude)."""
    scale = float(np.max(np.abs(values))) if values.size else 0.0
    return bool(np.ptp(values) <= 1e-12 * max(scale, 1e-300))


def validate_design(
    y: Sequence[float] | np.ndarray,
    X: Sequence[Sequence[float]] | np.ndarray,
    names: Sequence[str] | None = None,
    *,
    allow_collinear: bool = False,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Check a regression design and return ``(y, X, names)`` as float arrays.

    Raises ``InputError`` for: non-finite values, n < p + 2 (no residual degree of
    freedom), a constant response or regressor, and (unless ``allow_collinear``)
    perfect collinearity among the regressors.
    """
    yy = np.asarray(y, dtype=float).ravel()
    XX = np.asarray(X, dtype=float)
    if XX.ndim == 1:
        XX = XX[:, None]
    n, p = XX.shape
    if names is None:
        names = [f"x{j + 1}" for j in range(p)]
    names = [str(nm) for nm in names]
    if len(names) != p:
        raise InputError(f"{p} regressor columns but {len(names)} names were given")
    if len(set(names)) != p or "const" in names:
        raise InputError(
            f"regressor names must be unique and not 'const': {names}",
            fix="rename the columns",
        )
    if yy.shape[0] != n:
        raise InputError(f"y has {yy.shape[0]} observations but X has {n} rows")
    if p < 1:
        raise InputError("no regressors given", fix="name at least one regressor")
    if not (np.all(np.isfinite(yy)) and np.all(np.isfinite(XX))):
        raise InputError(
            "the data contain missing or non-finite values",
            fix="fill or drop those observations before the regression",
        )
    if n < p + 2:
        raise InputError(
            f"{n} observations are too few for {p} regressors and a constant "
            f"(need at least {p + 2})",
            fix="use fewer regressors or more observations",
        )
    if _is_constant(yy):
        raise InputError("the response is constant", fix="check the response column")
    for j, nm in enumerate(names):
        if _is_constant(XX[:, j]):
            raise InputError(
                f"regressor '{nm}' is constant, so its effect cannot be estimated",
                fix=f"drop '{nm}' from the regressors",
            )
    if not allow_collinear:
        R = np.corrcoef(XX, rowvar=False).reshape(p, p)
        ev = np.linalg.eigvalsh(R)
        if ev[0] <= SINGULAR_RATIO * ev[-1]:
            raise InputError(
                f"the regressors {names} are perfectly collinear (one is a linear "
                "combination of the others)",
                fix="drop a redundant regressor, or use ridge with k > 0",
            )
    return yy, XX, names


def vif_from_correlation(X: np.ndarray) -> np.ndarray:
    """VIF_j = 1 / (1 - R2_j) = [R^-1]_jj, R2_j from x_j on a constant and the others."""
    R = np.corrcoef(X, rowvar=False).reshape(X.shape[1], X.shape[1])
    return np.diag(np.linalg.inv(R)).copy()


def durbin_watson(resid: np.ndarray) -> float:
    """DW = sum (e_t - e_{t-1})^2 / sum e_t^2 (Durbin & Watson 1950)."""
    e = np.asarray(resid, dtype=float)
    return float(np.sum(np.diff(e) ** 2) / np.sum(e**2))


@dataclass(frozen=True)
class OlsResult:
    """OLS estimates; arrays are in term order ``["const", *names]`` unless noted."""

    names: tuple[str, ...]  # regressor names (without "const")
    n: int
    params: np.ndarray  # const first
    bse: np.ndarray
    tvalues: np.ndarray
    pvalues: np.ndarray
    beta: np.ndarray  # standardized, regressors only
    vif: np.ndarray  # regressors only
    r2: float
    adj_r2: float
    f: float
    f_p: float
    df_model: int
    df_resid: int
    sigma: float  # residual standard error sqrt(SSE / (n - p - 1))
    condition_number: float  # statsmodels convention (raw design with constant)
    condition_index: float  # Belsley: columns scaled to unit length, constant included
    durbin_watson: float
    fitted: np.ndarray
    resid: np.ndarray

    def to_dict(self) -> dict:
        """JSON-ready dict (NaN -> None)."""
        terms = ["const", *self.names]
        coefs = []
        for i, term in enumerate(terms):
            coefs.append(
                {
                    "term": term,
                    "b": finite_or_none(self.params[i]),
                    "se": finite_or_none(self.bse[i]),
                    "beta": None if i == 0 else finite_or_none(self.beta[i - 1]),
                    "t": finite_or_none(self.tvalues[i]),
                    "p": finite_or_none(self.pvalues[i]),
                    "vif": None if i == 0 else finite_or_none(self.vif[i - 1]),
                }
            )
        return {
            "n": self.n,
            "coefficients": coefs,
            "r2": finite_or_none(self.r2),
            "adj_r2": finite_or_none(self.adj_r2),
            "f": finite_or_none(self.f),
            "f_p": finite_or_none(self.f_p),
            "df_model": self.df_model,
            "df_resid": self.df_resid,
            "sigma": finite_or_none(self.sigma),
            "max_vif": finite_or_none(float(np.max(self.vif))),
            "condition_number": finite_or_none(self.condition_number),
            "condition_index": finite_or_none(self.condition_index),
            "durbin_watson": finite_or_none(self.durbin_watson),
            "fitted": [finite_or_none(v) for v in self.fitted],
            "resid": [finite_or_none(v) for v in self.resid],
        }


def finite_or_none(value: float) -> float | None:
    """float(value), or None when it is NaN or infinite (JSON has no NaN)."""
    v = float(value)
    return v if np.isfinite(v) else None


def adjusted_r2(r2: float, n: int, p: int) -> float:
    """adj R2 = R2 - p (1 - R2) / (n - p - 1) = 1 - (1 - R2)(n - 1)/(n - p - 1)."""
    return r2 - p * (1.0 - r2) / (n - p - 1)


def f_statistic(r2: float, n: int, p: int) -> tuple[float, float]:
    """F = (R2 / p) / ((1 - R2) / (n - p - 1)) on (p, n - p - 1) df, and its p-value."""
    df2 = n - p - 1
    if r2 >= 1.0:
        return float("inf"), 0.0
    f = (r2 / p) / ((1.0 - r2) / df2)
    return float(f), float(stats.f.sf(f, p, df2))


def fit_ols(
    y: Sequence[float] | np.ndarray,
    X: Sequence[Sequence[float]] | np.ndarray,
    names: Sequence[str] | None = None,
) -> OlsResult:
    """Fit ``y = b0 + X b + e`` by least squares (QR) with the usual diagnostics.

    VIF is computed with the constant in the design (equivalently the diagonal of the
    inverse correlation matrix of X), as statsmodels' ``variance_inflation_factor``
    does when handed a design that includes the constant.
    """
    yy, XX, nm = validate_design(y, X, names)
    n, p = XX.shape
    D = np.column_stack([np.ones(n), XX])
    q, r = np.linalg.qr(D)
    params = np.linalg.solve(r, q.T @ yy)
    fitted = D @ params
    resid = yy - fitted
    df_resid = n - p - 1
    sse = float(resid @ resid)
    sst = float(np.sum((yy - yy.mean()) ** 2))
    sigma2 = sse / df_resid
    rinv = np.linalg.inv(r)
    cov = sigma2 * (rinv @ rinv.T)
    bse = np.sqrt(np.diag(cov))
    with np.errstate(divide="ignore", invalid="ignore"):
        tvalues = params / bse
    pvalues = 2.0 * stats.t.sf(np.abs(tvalues), df_resid)
    r2 = 1.0 - sse / sst
    f, f_p = f_statistic(r2, n, p)
    sx = XX.std(axis=0, ddof=1)
    sy = yy.std(ddof=1)
    beta = params[1:] * sx / sy
    ev = np.linalg.eigvalsh(D.T @ D)
    cond = float(np.sqrt(ev[-1] / ev[0]))
    Ds = D / np.linalg.norm(D, axis=0)
    sv = np.linalg.svd(Ds, compute_uv=False)
    cidx = float(sv[0] / sv[-1])
    return OlsResult(
        names=tuple(nm),
        n=n,
        params=params,
        bse=bse,
        tvalues=tvalues,
        pvalues=pvalues,
        beta=beta,
        vif=vif_from_correlation(XX),
        r2=float(r2),
        adj_r2=float(adjusted_r2(r2, n, p)),
        f=f,
        f_p=f_p,
        df_model=p,
        df_resid=df_resid,
        sigma=float(np.sqrt(sigma2)),
        condition_number=cond,
        condition_index=cidx,
        durbin_watson=durbin_watson(resid),
        fitted=fitted,
        resid=resid,
    )
