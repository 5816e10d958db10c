"""Objective and user-given indicator weights.

Every function takes a (normalised, larger-is-better) matrix as a DataFrame
(rows = observations, columns = indicators) and returns a :class:`WeightResult`.
A constant column carries no information: it gets weight 0, is listed in
``excluded`` and a warning is added; weights are never NaN.

- entropy (reference paper eqs. 2-5): ``p_ij = X_ij / sum_i X_ij``,
  ``E_j = -(1 / ln n) sum_i p_ij ln p_ij`` with ``0 ln 0 = 0``, ``D_j = 1 - E_j``,
  ``w_j = D_j / sum_k D_k``.  Optional shift ``X + epsilon`` before ``p`` (Chinese
  practice: 1e-4, 1e-3 or SPSSAU's 0.01); the epsilon used is reported.
- CRITIC (Diakoulaki, Mavrotas & Papayannakis 1995): ``C_j = sigma_j sum_k (1 - r_jk)``,
  ``w_j = C_j / sum C``; sigma is the sample standard deviation and r the Pearson
  correlation of the *normalised* columns, so the direction must be applied in the
  normalisation first (flipping a cost column changes its correlations).
- coefficient of variation: ``v_j = sd_j / mean_j``, ``w_j = v_j / sum v``.
- equal: ``1 / m`` over the informative columns.
- user: validated (all indicators, finite, >= 0, not all 0) and renormalised to sum 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from carbonpath.core.errors import InputError, did_you_mean

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = [
    "METHODS",
    "WeightResult",
    "compute_weights",
    "critic_weights",
    "cv_weights",
    "entropy_weights",
    "equal_weights",
    "user_weights",
    "weight_columns",
]

METHODS = ("entropy", "critic", "cv", "equal", "user")


@dataclass(frozen=True)
class WeightResult:
    """Weights (a Series summing to 1 over the indicators) plus diagnostics."""

    method: str
    weights: pd.Series
    excluded: tuple[str, ...] = ()
    diagnostics: pd.DataFrame | None = None
    epsilon: float = 0.0
    warnings: tuple[str, ...] = field(default_factory=tuple)


def _prepare_columns(
    cols: np.ndarray, names: Sequence[object], what: str
) -> tuple[np.ndarray, list[str]]:
    """Checks shared by every method on the (indicators x rows) matrix ``cols``.

    Returns the mask of constant (excluded) indicators and their warnings.
    """
    import numpy as np

    if cols.shape[1] < 2:
        raise InputError(f"{what} weights need at least 2 observations, got {cols.shape[1]}")
    if cols.shape[0] < 1:
        raise InputError(f"{what} weights need at least one indicator")
    finite = np.isfinite(cols).all(axis=1)
    if not finite.all():
        bad = [c for c, ok in zip(names, finite, strict=True) if not ok]
        raise InputError(
            f"{what} weights: indicator(s) {', '.join(map(str, bad))} have missing or non-finite values"
        )
    excluded = cols.max(axis=1) == cols.min(axis=1)
    warns = [
        f"indicator '{c}' is constant and carries no information; it is excluded (weight 0)"
        for c, flat in zip(names, excluded, strict=True)
        if flat
    ]
    if excluded.all():
        raise InputError(
            f"{what} weights: every indicator is constant",
            fix="check the data; a composite index needs indicators that vary",
        )
    return excluded, warns


@dataclass(frozen=True)
class _Prepared:
    """A checked matrix: ``v`` (float), ``keep`` (positions of the informative
    columns), ``excluded`` (names of the constant ones) and their warnings."""

    v: pd.DataFrame
    keep: np.ndarray
    excluded: tuple[str, ...]
    warns: list[str]

    @property
    def kept(self) -> pd.DataFrame:
        """The informative columns (selected by position: linear in the columns)."""
        return self.v.iloc[:, self.keep]

    def weights(self, raw: np.ndarray) -> pd.Series:
        """``raw / sum(raw)`` on the kept positions, 0 elsewhere, indexed by column."""
        import numpy as np
        import pandas as pd

        full = np.zeros(self.v.shape[1])
        full[self.keep] = raw
        return pd.Series(_normalised_weights(full), index=self.v.columns, dtype=float)

    def spread(self, values: np.ndarray, fill: float) -> pd.Series:
        """A Series over every column: ``values`` on the kept ones, ``fill`` elsewhere."""
        import numpy as np
        import pandas as pd

        full = np.full(self.v.shape[1], fill, dtype=float)
        full[self.keep] = values
        return pd.Series(full, index=self.v.columns)


def _prepare(x: pd.DataFrame, what: str) -> _Prepared:
    import numpy as np

    if x.shape[0] < 2:
        raise InputError(f"{what} weights need at least 2 observations, got {x.shape[0]}")
    if x.shape[1] < 1:
        raise InputError(f"{what} weights need at least one indicator")
    v = x.astype(float)
    cols = np.ascontiguousarray(v.to_numpy().T)
    excluded, warns = _prepare_columns(cols, list(v.columns), what)
    names = tuple(c for c, flat in zip(v.columns, excluded, strict=True) if flat)
    return _Prepared(v, np.flatnonzero(~excluded), names, warns)


def _normalised_weights(raw: np.ndarray) -> np.ndarray:
    """``raw / sum(raw)``; raw holds 0 for excluded indicators."""
    total = float(raw.sum())
    if not total > 0:
        raise InputError("the weights sum to 0; no indicator carries information")
    return raw / total


# Array cores.  ``a`` is the (rows x informative indicators) matrix as
# ``DataFrame.to_numpy()`` gives it; the arithmetic follows the formulas of the module
# docstring in the same order as numpy/pandas evaluate them on that matrix.


def _check_epsilon(epsilon: float) -> None:
    import numpy as np

    if not (np.isfinite(epsilon) and epsilon >= 0):
        raise InputError(f"epsilon must be a finite number >= 0, got {epsilon}")


def _check_non_negative(cols: np.ndarray, names: Sequence[object]) -> None:
    negative = (cols < 0).any(axis=1)
    if negative.any():
        neg = [c for c, bad in zip(names, negative, strict=True) if bad]
        raise InputError(
            f"entropy weights need non-negative values; indicator(s) {', '.join(map(str, neg))} have negative values",
            fix="normalise first (min-max)",
        )


def _entropy_core(a: np.ndarray, epsilon: float) -> np.ndarray:
    """Entropy E_j of each column (eqs. 2-4), ``0 ln 0 = 0``, after the shift epsilon."""
    import numpy as np

    n = a.shape[0]
    a = a + epsilon
    colsum = a.sum(axis=0)
    if (
        colsum <= 0
    ).any():  # pragma: no cover - a non-constant non-negative column has a positive sum
        raise InputError("entropy weights: a column sums to 0")
    p = a / colsum
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    return -plogp.sum(axis=0) / np.log(n)


#: up to this many indicators CRITIC forms the m x m correlation matrix; above, it sums
#: the correlations of each column without it (linear in m)
CRITIC_MATRIX_MAX = 1000


def _conflict(a: np.ndarray) -> np.ndarray:
    """``sum_k (1 - r_jk)`` of every column of the (rows x m) matrix ``a``.

    Up to :data:`CRITIC_MATRIX_MAX` columns from Pearson's matrix (``numpy.corrcoef``);
    above, in O(n m) time and memory from the standardised columns
    ``z_j = (a_j - mean_j) / sd_j``: ``sum_k r_jk = z_j . (sum_k z_k) / (n - 1)``, so
    ``conflict_j = m - z_j . Z / (n - 1)`` (clipped at 0), equal to the matrix form up
    to rounding.
    """
    import numpy as np

    n, m = a.shape
    if m <= CRITIC_MATRIX_MAX:
        r = np.corrcoef(a, rowvar=False) if m > 1 else np.ones((1, 1))
        return (1.0 - np.atleast_2d(r)).sum(axis=0)
    z = (a - a.mean(axis=0)) / a.std(axis=0, ddof=1)
    rsum = (z.T @ z.sum(axis=1)) / (n - 1)
    return np.maximum(m - rsum, 0.0)


def _critic_core(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """sigma_j, conflict sum_k (1 - r_jk) and information C_j = sigma_j conflict_j;
    True when all C_j = 0 (then C = 1 for every column: equal weights)."""
    import numpy as np

    sigma = a.std(axis=0, ddof=1)
    conflict = _conflict(a)
    info = sigma * conflict
    if not info.sum() > 0:
        return sigma, conflict, np.ones_like(info), True
    return sigma, conflict, info, False


def _cv_core(a: np.ndarray, names: Sequence[object]) -> np.ndarray:
    """sd_j / mean_j with pandas' mean and two-pass sample sd of each column."""
    import numpy as np

    from carbonpath.index.normalise import column_sd

    mean = a.sum(axis=0, dtype=np.float64) / float(a.shape[0])
    if (mean <= 0).any():
        bad = [str(c) for c, m in zip(names, mean, strict=True) if m <= 0]
        raise InputError(
            f"coefficient-of-variation weights need a positive mean; indicator(s) {', '.join(bad)} have mean <= 0",
            fix="normalise first (min-max)",
        )
    return column_sd(np.ascontiguousarray(a.T)) / mean


CRITIC_EQUAL_WARNING = (
    "CRITIC: all informative indicators are perfectly correlated; equal weights used"
)


def weight_columns(
    cols: np.ndarray, method: str, names: Sequence[object], *, epsilon: float = 0.0
) -> np.ndarray:
    """Weights (summing to 1, 0 for constant indicators) of ``method`` in entropy,
    critic, cv or equal, on the (indicators x rows) matrix ``cols`` with one C-contiguous
    row per indicator (the array core of :func:`compute_weights`; same errors)."""
    import numpy as np

    what = {"entropy": "entropy", "critic": "CRITIC", "cv": "coefficient-of-variation"}
    if method not in ("entropy", "critic", "cv", "equal"):
        raise InputError(f"weight_columns does not support method '{method}'")
    excluded, _ = _prepare_columns(cols, names, what.get(method, method))
    keep = ~excluded
    kept_names = [c for c, k in zip(names, keep, strict=True) if k]
    full = np.zeros(cols.shape[0])
    if method == "entropy":
        _check_epsilon(epsilon)
        _check_non_negative(cols, names)
        full[keep] = 1.0 - _entropy_core(cols[keep].T, epsilon)
    elif method == "critic":
        full[keep] = _critic_core(cols[keep].T)[2]
    elif method == "cv":
        full[keep] = _cv_core(cols[keep].T, kept_names)
    else:
        full[keep] = 1.0
    return _normalised_weights(full)


def entropy_weights(x: pd.DataFrame, epsilon: float = 0.0) -> WeightResult:
    """Entropy weights, reference paper eqs. (2)-(5), ``0 ln 0 = 0``; optional epsilon shift."""
    import numpy as np
    import pandas as pd

    prep = _prepare(x, "entropy")
    _check_epsilon(epsilon)
    _check_non_negative(np.ascontiguousarray(prep.v.to_numpy().T), list(prep.v.columns))
    e = _entropy_core(prep.kept.to_numpy(), epsilon)
    ent = prep.spread(e, 1.0)
    div = 1.0 - ent
    w = prep.weights(1.0 - e)
    diag = pd.DataFrame({"entropy": ent, "divergence": div})
    return WeightResult("entropy", w, prep.excluded, diag, float(epsilon), tuple(prep.warns))


def critic_weights(x: pd.DataFrame) -> WeightResult:
    """CRITIC weights ``sigma_j sum_k (1 - r_jk)`` on the normalised, direction-applied matrix."""
    import pandas as pd

    prep = _prepare(x, "CRITIC")
    sigma, conflict, info, equal = _critic_core(prep.kept.to_numpy())
    warns = list(prep.warns)
    if equal:
        # A single informative column (or all perfectly correlated): conflict is 0 for all.
        warns.append(CRITIC_EQUAL_WARNING)
    w = prep.weights(info)
    diag = pd.DataFrame(
        {
            "sigma": prep.spread(sigma, 0.0),
            "conflict": prep.spread(conflict, 0.0),
            "information": prep.spread(info, 0.0),
        }
    )
    return WeightResult("critic", w, prep.excluded, diag, 0.0, tuple(warns))


def cv_weights(x: pd.DataFrame) -> WeightResult:
    """Coefficient-of-variation weights ``(sd_j / mean_j) / sum_k (sd_k / mean_k)``."""
    import pandas as pd

    prep = _prepare(x, "coefficient-of-variation")
    kept = prep.kept
    cv = _cv_core(kept.to_numpy(), list(kept.columns))
    w = prep.weights(cv)
    v = prep.v
    diag = pd.DataFrame({"mean": v.mean(), "sd": v.std(ddof=1), "cv": prep.spread(cv, 0.0)})
    return WeightResult("cv", w, prep.excluded, diag, 0.0, tuple(prep.warns))


def equal_weights(x: pd.DataFrame) -> WeightResult:
    """Equal weights over the informative (non-constant) indicators."""
    import numpy as np

    prep = _prepare(x, "equal")
    w = prep.weights(np.ones(len(prep.keep)))
    return WeightResult("equal", w, prep.excluded, None, 0.0, tuple(prep.warns))


def _user_values(given: Mapping[str, float], cols: list[str]) -> dict[str, float]:
    """The user's weights checked: one per column, finite, >= 0, not all 0."""
    import math

    known = set(cols)
    unknown = [k for k in given if k not in known]
    if unknown:
        hint = did_you_mean(str(unknown[0]), cols)
        raise InputError(f"weight given for unknown indicator '{unknown[0]}'{hint}")
    missing = [c for c in cols if c not in given]
    if missing:
        raise InputError(
            f"no weight given for indicator(s) {', '.join(missing)}",
            fix="give a weight for every indicator (0 to leave one out)",
        )
    clean: dict[str, float] = {}
    for k, val in given.items():
        try:
            f = float(val)
        except (TypeError, ValueError):
            raise InputError(f"weight for '{k}' is not a number: {val!r}") from None
        if not math.isfinite(f) or f < 0:
            raise InputError(f"weight for '{k}' must be a finite number >= 0, got {val!r}")
        clean[k] = f
    if sum(clean.values()) <= 0:
        raise InputError("user weights sum to 0", fix="give at least one positive weight")
    return clean


def user_weights(x: pd.DataFrame, given: Mapping[str, float]) -> WeightResult:
    """User-given weights: validated, constant indicators set to 0, renormalised to sum 1."""
    import numpy as np
    import pandas as pd

    prep = _prepare(x, "user")
    cols = [str(c) for c in prep.v.columns]
    clean = _user_values(given, cols)
    total = sum(clean.values())
    warns = list(prep.warns)
    for c in prep.excluded:
        if clean.get(c, 0.0) > 0:
            clean[c] = 0.0
    if abs(total - 1.0) > 1e-9:
        warns.append(f"user weights summed to {total:g}; renormalised to 1")
    full = np.array([clean.get(c, 0.0) for c in cols], dtype=float)
    w = pd.Series(_normalised_weights(full), index=prep.v.columns, dtype=float)
    return WeightResult("user", w, prep.excluded, None, 0.0, tuple(warns))


def compute_weights(
    x: pd.DataFrame,
    method: str = "entropy",
    *,
    epsilon: float = 0.0,
    user: Mapping[str, float] | None = None,
) -> WeightResult:
    """Dispatch to the weighting ``method`` (one of :data:`METHODS`)."""
    if method == "entropy":
        return entropy_weights(x, epsilon)
    if method == "critic":
        return critic_weights(x)
    if method == "cv":
        return cv_weights(x)
    if method == "equal":
        return equal_weights(x)
    if method == "user":
        if not user:
            raise InputError(
                "method 'user' needs the weights", fix="give a weight for every indicator"
            )
        return user_weights(x, user)
    hint = did_you_mean(method, METHODS)
    raise InputError(
        f"unknown weighting method '{method}'{hint}", fix=f"use one of {', '.join(METHODS)}"
    )
