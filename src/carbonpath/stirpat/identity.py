"""Is the STIRPAT model an accounting identity?

When the regressors multiply (in levels) to the response, e.g. C = P x (A/P) x (E/A) x
(C/E), the log-linear regression is an identity: ``ln C = const + sum_j w_j ln X_j``
with unit weights w_j in {-1, 0, +1}, and every estimator returns elasticities near
those weights whatever the drivers do.  The check looks for the weight vector w (not all
zero) that makes the residual ``r = y - X w`` of the model's own data (demeaned, or with
the panel effects removed) closest to constant, and says the identity holds when

    max_i |r_i - mean(r)| <= tol

(r is on the log scale, so tol is a relative deviation in levels: 0.005 = 0.5 %, room for
published data rounded to three or four significant digits).  For up to 10 regressors
every one of the 3^p - 1 weight vectors is tried (ranked by the variance of r, computed
from the cross-products X'X, X'y); with more, the least-squares weights rounded to
-1, 0, +1 are tried.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np
import pandas as pd

from carbonpath.core.results import ResultBase

__all__ = ["MAX_ENUMERATED", "IdentityCheck", "check_identity"]

#: up to this many regressors every unit-weight vector is tried (3^10 - 1 = 59,048)
MAX_ENUMERATED = 10


@dataclass(frozen=True, eq=False)
class IdentityCheck(ResultBase):
    """The closest unit-weight combination of the regressors and whether it is exact."""

    holds: bool
    tolerance: float
    max_deviation: float  # max |r - mean r| of the closest combination (log scale)
    weights: pd.Series  # term -> -1, 0 or +1 of the closest combination
    equation: str
    message: str | None = None


def _candidates(y: np.ndarray, X: np.ndarray) -> np.ndarray:
    p = X.shape[1]
    if p <= MAX_ENUMERATED:
        grid = np.array(list(product((-1.0, 0.0, 1.0), repeat=p)))
        return grid[np.any(grid != 0, axis=1)]
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    w = np.clip(np.round(coef), -1, 1)
    return w[None, :] if np.any(w != 0) else np.ones((1, p))


def _best(y: np.ndarray, X: np.ndarray) -> np.ndarray:
    """The candidate w minimising var(y - X w) = Syy - 2 w'Sxy + w'Sxx w."""
    W = _candidates(y, X)
    yc, Xc = y - y.mean(), X - X.mean(axis=0)
    sxx, sxy, syy = Xc.T @ Xc, Xc.T @ yc, float(yc @ yc)
    var = syy - 2.0 * (W @ sxy) + np.einsum("ij,jk,ik->i", W, sxx, W)
    return W[int(np.argmin(var))]


def _equation(response: str, names: Sequence[str], w: np.ndarray, intercept: str) -> str:
    text = f"{response} = {intercept}"
    for nm, wj in zip(names, w, strict=True):
        if wj:
            text += f" {'+' if wj > 0 else '-'} {nm}"
    return text


def check_identity(
    y: Sequence[float] | np.ndarray,
    X: Sequence[Sequence[float]] | np.ndarray,
    names: Sequence[str],
    *,
    tol: float,
    response: str = "lnC",
    intercept: str = "const",
) -> IdentityCheck:
    """Whether ``y = const + X w`` within ``tol`` for some w in {-1, 0, 1}^p (module doc)."""
    yy = np.asarray(y, dtype=float).ravel()
    XX = np.asarray(X, dtype=float)
    if XX.ndim == 1:
        XX = XX[:, None]
    w = _best(yy, XX)
    r = yy - XX @ w
    dev = float(np.max(np.abs(r - r.mean())))
    equation = _equation(response, names, w, intercept)
    holds = dev <= tol
    message = None
    if holds:
        message = (
            f"The regressors multiply to the response: {equation} holds within "
            f"{100 * tol:g}% at every observation (largest deviation {100 * dev:.3f}%), "
            "so the model is an accounting "
            "identity and its elasticities are near 1 (or -1) by construction, not "
            "estimates of how the drivers move emissions."
        )
    return IdentityCheck(
        holds=holds,
        tolerance=float(tol),
        max_deviation=dev,
        weights=pd.Series(w.astype(int), index=list(names), dtype=int),
        equation=equation,
        message=message,
    )
