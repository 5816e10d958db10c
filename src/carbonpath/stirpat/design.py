"""Regression designs: the checks every fit makes first, and the model-fit statistics
OLS and ridge share.

:func:`validate_design` turns ``(y, X)`` into float arrays and raises a typed error
(:mod:`carbonpath.stirpat.errors`) for a design that cannot be fitted: non-finite
values, n < p + 2, a constant column, or (unless allowed) perfect collinearity, judged
on the correlation matrix R of X: smallest / largest eigenvalue <= ``SINGULAR_RATIO``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

from carbonpath.core.errors import InputError
from carbonpath.stirpat.errors import (
    CollinearityError,
    ConstantColumnError,
    TooFewObservationsError,
)

__all__ = [
    "SINGULAR_RATIO",
    "adjusted_r2",
    "f_statistic",
    "is_constant",
    "validate_design",
]

#: R (+ kI) is treated as singular when its smallest / largest eigenvalue is below this
SINGULAR_RATIO = 1e-12


def is_constant(values: np.ndarray) -> bool:
    """True when a column has no variation: ptp <= 1e-12 x max |value|."""
    scale = float(np.max(np.abs(values))) if values.size else 0.0
    return bool(np.ptp(values) <= 1e-12 * max(scale, 1e-300))


def _as_arrays(
    y: Sequence[float] | np.ndarray, X: Sequence[Sequence[float]] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    yy = np.asarray(y, dtype=float).ravel()
    XX = np.asarray(X, dtype=float)
    if XX.ndim == 1:
        XX = XX[:, None]
    return yy, XX


def _names(names: Sequence[str] | None, p: int) -> list[str]:
    out = [f"x{j + 1}" for j in range(p)] if names is None else [str(nm) for nm in names]
    if len(out) != p:
        raise InputError(f"{p} regressor columns but {len(out)} names were given")
    if len(set(out)) != p or "const" in out:
        raise InputError(
            f"regressor names must be unique and not 'const': {out}", fix="rename the columns"
        )
    return out


def _check_columns(yy: np.ndarray, XX: np.ndarray, names: list[str]) -> None:
    if is_constant(yy):
        raise ConstantColumnError("the response is constant", fix="check the response column")
    for j, nm in enumerate(names):
        if is_constant(XX[:, j]):
            raise ConstantColumnError(
                f"regressor '{nm}' is constant, so its effect cannot be estimated",
                fix=f"drop '{nm}' from the regressors",
            )


def check_collinear(XX: np.ndarray, names: list[str]) -> None:
    """``CollinearityError`` when the correlation matrix of X is numerically singular."""
    p = XX.shape[1]
    R = np.corrcoef(XX, rowvar=False).reshape(p, p)
    ev = np.linalg.eigvalsh(R)
    if ev[0] <= SINGULAR_RATIO * ev[-1]:
        raise CollinearityError(
            f"the regressors {names} are perfectly collinear (one is a linear "
            "combination of the others)",
            fix="drop a redundant regressor, or use ridge with k > 0",
        )


def validate_design(
    y: Sequence[float] | np.ndarray,
    X: Sequence[Sequence[float]] | np.ndarray,
    names: Sequence[str] | None = None,
    *,
    allow_collinear: bool = False,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Check a regression design and return ``(y, X, names)`` as float arrays."""
    yy, XX = _as_arrays(y, X)
    n, p = XX.shape
    nm = _names(names, p)
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
        raise TooFewObservationsError(
            f"{n} observations are too few for {p} regressors and a constant "
            f"(need at least {p + 2})",
            fix="use fewer regressors or more observations",
        )
    _check_columns(yy, XX, nm)
    if not allow_collinear:
        check_collinear(XX, nm)
    return yy, XX, nm


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
