"""Ordinary least squares with the diagnostics a STIRPAT study reports.

``fit_ols(y, X, names)`` fits ``y = b0 + X b + e`` with the design ``D = [1, X]`` (the
constant is added here, never passed in) by QR and returns B, SE, t, p (Student t on
n - p - 1 df), standardized Beta = B s_x / s_y, VIF_j = [R^-1]_jj (R the correlation
matrix of X: 1 / (1 - R2_j), R2_j from x_j on the constant and the other regressors),
R2, adjusted R2, F with its p-value, the Durbin-Watson statistic and two condition
numbers of D, both from its singular values s (so the conditioning is not squared as it
is in the eigenvalues of D'D):

- ``condition_number`` = s_max / s_min of D (R's ``kappa(model.matrix(fit), exact =
  TRUE)``; statsmodels' ``condition_number``);
- ``condition_index`` = the same after scaling each column of D to unit length (Belsley,
  Kuh & Welsch 1980; the largest condition index SPSS shows).

Formulas are the textbook ones (Greene, *Econometric Analysis*, ch. 4-5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from carbonpath.core.results import ResultBase, internal, table
from carbonpath.stirpat.design import adjusted_r2, f_statistic, validate_design
from carbonpath.stirpat.regression import RegressionVocabulary, coefficient_frame

__all__ = ["OlsResult", "condition_numbers", "durbin_watson", "fit_ols", "vif_from_correlation"]


def vif_from_correlation(X: np.ndarray) -> np.ndarray:
    """VIF_j = 1 / (1 - R2_j) = [R^-1]_jj, R2_j from x_j on a constant and the others."""
    R = np.corrcoef(X, rowvar=False).reshape(X.shape[1], X.shape[1])
    return np.diag(np.linalg.inv(R)).copy()


def durbin_watson(resid: np.ndarray) -> float:
    """DW = sum (e_t - e_{t-1})^2 / sum e_t^2 (Durbin & Watson 1950)."""
    e = np.asarray(resid, dtype=float)
    return float(np.sum(np.diff(e) ** 2) / np.sum(e**2))


def condition_numbers(D: np.ndarray) -> tuple[float, float]:
    """(s_max / s_min of D, the same with D's columns scaled to unit length)."""
    sv = np.linalg.svd(D, compute_uv=False)
    scaled = np.linalg.svd(D / np.linalg.norm(D, axis=0), compute_uv=False)
    return float(sv[0] / sv[-1]), float(scaled[0] / scaled[-1])


@dataclass(frozen=True, eq=False)
class OlsResult(RegressionVocabulary, ResultBase):
    """OLS estimates; ``coefficients`` has the rows ``const`` and the regressors."""

    status: str
    n: int
    coefficients: pd.DataFrame = table("stirpat_ols")
    r2: float
    adj_r2: float
    f: float
    f_p: float
    df_model: int
    df_resid: int
    sigma: float  # residual standard error sqrt(SSE / (n - p - 1))
    max_vif: float
    condition_number: float
    condition_index: float
    durbin_watson: float
    fitted: np.ndarray
    resid: np.ndarray
    #: name and words of the response and regressors, for summary()
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
    def beta(self) -> pd.Series:
        """Standardized coefficients Beta = B s_x / s_y (regressors only)."""
        return self._column("beta", regressors_only=True)

    @property
    def vif(self) -> pd.Series:
        """Variance inflation factors (regressors only)."""
        return self._column("vif", regressors_only=True)

    def summary(self):  # -> carbonpath.stirpat.summary.Summary
        """The SPSS coefficient table with a statsmodels-style header (see summary.py)."""
        from carbonpath.stirpat.summary import ols_summary

        return ols_summary(self)


def fit_ols(
    y: Sequence[float] | np.ndarray,
    X: Sequence[Sequence[float]] | np.ndarray,
    names: Sequence[str] | None = None,
) -> OlsResult:
    """Fit ``y = b0 + X b + e`` by least squares (QR) with the diagnostics above."""
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
    bse = np.sqrt(np.diag(sigma2 * (rinv @ rinv.T)))
    with np.errstate(divide="ignore", invalid="ignore"):
        tvalues = params / bse
    r2 = 1.0 - sse / sst
    f, f_p = f_statistic(r2, n, p)
    beta = params[1:] * XX.std(axis=0, ddof=1) / yy.std(ddof=1)
    vif = vif_from_correlation(XX)
    cond, cidx = condition_numbers(D)
    coefs = coefficient_frame(
        ["const", *nm],
        b=params,
        se=bse,
        beta=np.r_[np.nan, beta],
        t=tvalues,
        p=2.0 * stats.t.sf(np.abs(tvalues), df_resid),
        vif=np.r_[np.nan, vif],
    )
    return OlsResult(
        status="ok",
        n=n,
        coefficients=coefs,
        r2=float(r2),
        adj_r2=float(adjusted_r2(r2, n, p)),
        f=f,
        f_p=f_p,
        df_model=p,
        df_resid=df_resid,
        sigma=float(np.sqrt(sigma2)),
        max_vif=float(np.max(vif)),
        condition_number=cond,
        condition_index=cidx,
        durbin_watson=durbin_watson(resid),
        fitted=fitted,
        resid=resid,
    )
