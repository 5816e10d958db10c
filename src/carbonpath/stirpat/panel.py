"""Fixed-effects (within) panel regression with entity-clustered standard errors.

Model (Wooldridge, *Econometric Analysis of Cross Section and Panel Data*, ch. 10):
``y_it = a_i + x_it' b + e_it``.  The within transformation subtracts each entity's
means, ``b = (X~'X~)^-1 X~'y~``.  Cluster-robust covariance (Arellano 1987), clusters =
entities g = 1..G:

``V = c (X~'X~)^-1 [sum_g X~_g' e_g e_g' X~_g] (X~'X~)^-1``

with ``c = G/(G-1) * (N-1)/(N-K)`` (``small_sample=True``, Stata's ``xtreg, fe
vce(cluster)``; K = number of slopes, the entity effects are nested in the clusters and
not counted) or ``c = 1`` (``small_sample=False``).  p-values use Student t with G - 1
df when ``small_sample`` else the normal distribution.  R2 is the within R2.
The intercept reported is the average effect ``ybar - xbar' b`` (as linearmodels does
when a constant is included).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from carbonpath.core.errors import InputError
from carbonpath.stirpat.ols import finite_or_none


@dataclass(frozen=True)
class PanelResult:
    """Within-estimator coefficients with entity-clustered standard errors."""

    names: tuple[str, ...]
    params: np.ndarray
    bse: np.ndarray
    tvalues: np.ndarray
    pvalues: np.ndarray
    const: float
    nobs: int
    entities: int
    periods: int
    r2_within: float
    small_sample: bool
    df_t: int | None  # None: normal reference distribution

    def to_dict(self) -> dict:
        """JSON-ready dict (NaN -> None)."""
        return {
            "status": "ok",
            "model": "fixed effects (within), entity effects",
            "cov": "clustered by entity"
            + (" with G/(G-1)*(N-1)/(N-K) correction, t on G-1 df" if self.small_sample else ""),
            "nobs": self.nobs,
            "entities": self.entities,
            "periods": self.periods,
            "r2_within": finite_or_none(self.r2_within),
            "const_average_effect": finite_or_none(self.const),
            "coefficients": [
                {
                    "term": nm,
                    "b": finite_or_none(self.params[j]),
                    "se": finite_or_none(self.bse[j]),
                    "t": finite_or_none(self.tvalues[j]),
                    "p": finite_or_none(self.pvalues[j]),
                }
                for j, nm in enumerate(self.names)
            ],
        }


def fit_panel_fe(
    y: Sequence[float] | np.ndarray,
    X: Sequence[Sequence[float]] | np.ndarray,
    entity: Sequence[object] | np.ndarray,
    names: Sequence[str] | None = None,
    *,
    time: Sequence[object] | np.ndarray | None = None,
    small_sample: bool = True,
) -> PanelResult:
    """Fixed-effects panel fit; raises ``InputError`` for unusable designs."""
    yy = np.asarray(y, dtype=float).ravel()
    XX = np.asarray(X, dtype=float)
    if XX.ndim == 1:
        XX = XX[:, None]
    ent = np.asarray(entity)
    n, k = XX.shape
    nm = [f"x{j + 1}" for j in range(k)] if names is None else [str(s) for s in names]
    if yy.size != n or ent.size != n or len(nm) != k:
        raise InputError("panel y, X, entity and names have inconsistent lengths")
    if not (np.all(np.isfinite(yy)) and np.all(np.isfinite(XX))):
        raise InputError("the panel data contain missing or non-finite values")
    codes, ent_idx = np.unique(ent, return_inverse=True)
    g = codes.size
    if g < 2:
        raise InputError("a panel model needs at least two entities", fix="add sectors")
    if n - g - k < 1:
        raise InputError(
            f"{n} panel observations are too few for {g} entity effects and {k} slopes"
        )
    counts = np.bincount(ent_idx)
    ymean = np.bincount(ent_idx, weights=yy) / counts
    Xmean = np.column_stack([np.bincount(ent_idx, weights=XX[:, j]) / counts for j in range(k)])
    yt = yy - ymean[ent_idx]
    Xt = XX - Xmean[ent_idx]
    for j in range(k):
        if np.allclose(Xt[:, j], 0.0, atol=1e-12 * max(1.0, float(np.max(np.abs(XX[:, j]))))):
            raise InputError(
                f"regressor '{nm[j]}' does not vary within any entity, so the entity "
                "effects absorb it",
                fix=f"drop '{nm[j]}' from the panel model",
            )
    xtx = Xt.T @ Xt
    ev = np.linalg.eigvalsh(xtx)
    if ev[0] <= 1e-12 * ev[-1]:
        raise InputError(
            f"the within-transformed regressors {nm} are perfectly collinear",
            fix="drop a redundant regressor",
        )
    xtxi = np.linalg.inv(xtx)
    b = xtxi @ (Xt.T @ yt)
    e = yt - Xt @ b
    meat = np.zeros((k, k))
    for gi in range(g):
        s = Xt[ent_idx == gi].T @ e[ent_idx == gi]
        meat += np.outer(s, s)
    c = (g / (g - 1)) * ((n - 1) / (n - k)) if small_sample else 1.0
    cov = c * xtxi @ meat @ xtxi
    bse = np.sqrt(np.diag(cov))
    with np.errstate(divide="ignore", invalid="ignore"):
        tv = b / bse
    if small_sample:
        pv = 2.0 * stats.t.sf(np.abs(tv), g - 1)
        df_t: int | None = g - 1
    else:
        pv = 2.0 * stats.norm.sf(np.abs(tv))
        df_t = None
    r2w = 1.0 - float(e @ e) / float(yt @ yt)
    periods = int(np.unique(np.asarray(time)).size) if time is not None else int(counts.max())
    return PanelResult(
        names=tuple(nm),
        params=b,
        bse=bse,
        tvalues=tv,
        pvalues=pv,
        const=float(yy.mean() - XX.mean(axis=0) @ b),
        nobs=n,
        entities=g,
        periods=periods,
        r2_within=r2w,
        small_sample=small_sample,
        df_t=df_t,
    )
