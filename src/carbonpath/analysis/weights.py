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

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from carbonpath.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
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


def _prepare(x: pd.DataFrame, what: str) -> tuple[pd.DataFrame, tuple[str, ...], list[str]]:
    import numpy as np

    if x.shape[0] < 2:
        raise InputError(f"{what} weights need at least 2 observations, got {x.shape[0]}")
    if x.shape[1] < 1:
        raise InputError(f"{what} weights need at least one indicator")
    v = x.astype(float)
    if not np.isfinite(v.to_numpy()).all():
        bad = [c for c in v.columns if not np.isfinite(v[c].to_numpy()).all()]
        raise InputError(
            f"{what} weights: indicator(s) {', '.join(map(str, bad))} have missing or non-finite values"
        )
    excluded = tuple(c for c in v.columns if v[c].max() == v[c].min())
    warns = [
        f"indicator '{c}' is constant and carries no information; it is excluded (weight 0)"
        for c in excluded
    ]
    if len(excluded) == v.shape[1]:
        raise InputError(
            f"{what} weights: every indicator is constant",
            fix="check the data; a composite index needs indicators that vary",
        )
    return v, excluded, warns


def _finish(v: pd.DataFrame, raw: Mapping[str, float]) -> pd.Series:
    import pandas as pd

    w = pd.Series({c: float(raw.get(c, 0.0)) for c in v.columns}, dtype=float)
    total = float(w.sum())
    if not total > 0:
        raise InputError("the weights sum to 0; no indicator carries information")
    return w / total


def entropy_weights(x: pd.DataFrame, epsilon: float = 0.0) -> WeightResult:
    """Entropy weights, reference paper eqs. (2)-(5), ``0 ln 0 = 0``; optional epsilon shift."""
    import numpy as np
    import pandas as pd

    v, excluded, warns = _prepare(x, "entropy")
    if not (np.isfinite(epsilon) and epsilon >= 0):
        raise InputError(f"epsilon must be a finite number >= 0, got {epsilon}")
    if (v.to_numpy() < 0).any():
        neg = [c for c in v.columns if (v[c] < 0).any()]
        raise InputError(
            f"entropy weights need non-negative values; indicator(s) {', '.join(map(str, neg))} have negative values",
            fix="normalise first (min-max)",
        )
    n = v.shape[0]
    keep = [c for c in v.columns if c not in excluded]
    a = v[keep].to_numpy() + epsilon
    colsum = a.sum(axis=0)
    if (
        colsum <= 0
    ).any():  # pragma: no cover - a non-constant non-negative column has a positive sum
        raise InputError("entropy weights: a column sums to 0")
    p = a / colsum
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / np.log(n)
    ent = pd.Series(1.0, index=v.columns)
    ent[keep] = e
    div = 1.0 - ent
    w = _finish(v, div[keep].to_dict())
    diag = pd.DataFrame({"entropy": ent, "divergence": div})
    return WeightResult("entropy", w, excluded, diag, float(epsilon), tuple(warns))


def critic_weights(x: pd.DataFrame) -> WeightResult:
    """CRITIC weights ``sigma_j sum_k (1 - r_jk)`` on the normalised, direction-applied matrix."""
    import numpy as np
    import pandas as pd

    v, excluded, warns = _prepare(x, "CRITIC")
    keep = [c for c in v.columns if c not in excluded]
    a = v[keep].to_numpy()
    sigma = a.std(axis=0, ddof=1)
    r = np.corrcoef(a, rowvar=False) if len(keep) > 1 else np.ones((1, 1))
    r = np.atleast_2d(r)
    conflict = (1.0 - r).sum(axis=0)
    info = sigma * conflict
    if not info.sum() > 0:
        # A single informative column (or all perfectly correlated): conflict is 0 for all.
        warns.append(
            "CRITIC: all informative indicators are perfectly correlated; equal weights used"
        )
        info = np.ones_like(info)
    sig = pd.Series(0.0, index=v.columns)
    con = pd.Series(0.0, index=v.columns)
    inf = pd.Series(0.0, index=v.columns)
    sig[keep], con[keep], inf[keep] = sigma, conflict, info
    w = _finish(v, inf[keep].to_dict())
    diag = pd.DataFrame({"sigma": sig, "conflict": con, "information": inf})
    return WeightResult("critic", w, excluded, diag, 0.0, tuple(warns))


def cv_weights(x: pd.DataFrame) -> WeightResult:
    """Coefficient-of-variation weights ``(sd_j / mean_j) / sum_k (sd_k / mean_k)``."""
    import pandas as pd

    v, excluded, warns = _prepare(x, "coefficient-of-variation")
    keep = [c for c in v.columns if c not in excluded]
    mean = v[keep].mean()
    if (mean <= 0).any():
        bad = [str(c) for c in mean.index[mean <= 0]]
        raise InputError(
            f"coefficient-of-variation weights need a positive mean; indicator(s) {', '.join(bad)} have mean <= 0",
            fix="normalise first (min-max)",
        )
    cv = v[keep].std(ddof=1) / mean
    full = pd.Series(0.0, index=v.columns)
    full[keep] = cv
    w = _finish(v, full[keep].to_dict())
    diag = pd.DataFrame({"mean": v.mean(), "sd": v.std(ddof=1), "cv": full})
    return WeightResult("cv", w, excluded, diag, 0.0, tuple(warns))


def equal_weights(x: pd.DataFrame) -> WeightResult:
    """Equal weights over the informative (non-constant) indicators."""
    v, excluded, warns = _prepare(x, "equal")
    w = _finish(v, {c: 1.0 for c in v.columns if c not in excluded})
    return WeightResult("equal", w, excluded, None, 0.0, tuple(warns))


def user_weights(x: pd.DataFrame, given: Mapping[str, float]) -> WeightResult:
    """User-given weights: validated, constant indicators set to 0, renormalised to sum 1."""
    import math

    v, excluded, warns = _prepare(x, "user")
    cols = [str(c) for c in v.columns]
    unknown = [k for k in given if k not in cols]
    if unknown:
        close = difflib.get_close_matches(str(unknown[0]), cols, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
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
    total = sum(clean.values())
    if total <= 0:
        raise InputError("user weights sum to 0", fix="give at least one positive weight")
    for c in excluded:
        if clean.get(c, 0.0) > 0:
            clean[c] = 0.0
    if abs(total - 1.0) > 1e-9:
        warns.append(f"user weights summed to {total:g}; renormalised to 1")
    w = _finish(v, clean)
    return WeightResult("user", w, excluded, None, 0.0, tuple(warns))


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
    close = difflib.get_close_matches(method, METHODS, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise InputError(
        f"unknown weighting method '{method}'{hint}", fix=f"use one of {', '.join(METHODS)}"
    )
