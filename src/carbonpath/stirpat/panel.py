"""Panel STIRPAT: pooled, entity fixed effects or two-way fixed effects, for any entities.

Model (Wooldridge, *Econometric Analysis of Cross Section and Panel Data*, ch. 10):
``y_it = a_i (+ g_t) + x_it' b + e_it`` for entities i (sectors today, regions later:
any labels) and periods t.

- ``effects = ()`` (pooled): OLS of y on [1, X].
- ``effects = ("entity",)``: the within transformation subtracts each entity's means,
  ``b = (X~'X~)^-1 X~'y~``.
- ``effects = ("entity", "time")``: the two-way within transformation, exact for
  unbalanced panels too: after the entity demeaning, y and X are residualised on the
  entity-demeaned period dummies (Frisch-Waugh-Lovell), which equals least squares
  with entity and period dummies.

The covariance (``cluster`` by entity, ``robust``, ``driscoll-kraay``) is in
:mod:`carbonpath.stirpat.panel_cov`.  R2 (``rsquared``) is that of the transformed
regression; ``r2_within`` = 1 - |y~ - X~b|^2 / |y~|^2 with ~ the entity demeaning; the
intercept reported for fixed-effects models is the average effect ``ybar - xbar' b``
(as linearmodels reports its constant).  A regressor that does not vary once the effects
are removed raises :class:`~carbonpath.stirpat.errors.AbsorbedRegressorError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from carbonpath.core.errors import InputError
from carbonpath.core.results import ResultBase, internal, table
from carbonpath.stirpat.design import SINGULAR_RATIO
from carbonpath.stirpat.errors import (
    AbsorbedRegressorError,
    CollinearityError,
    TooFewObservationsError,
)
from carbonpath.stirpat.identity import IdentityCheck, check_identity
from carbonpath.stirpat.panel_cov import auto_bandwidth, cov_cluster, cov_dk, cov_robust
from carbonpath.stirpat.regression import RegressionVocabulary, coefficient_frame
from carbonpath.stirpat.settings import IDENTITY_TOL

__all__ = ["COVS", "EFFECTS", "PanelResult", "fit_panel", "within"]

EFFECTS = ((), ("entity",), ("entity", "time"))
COVS = ("cluster", "robust", "driscoll-kraay")

_MODEL = {
    (): "pooled OLS",
    ("entity",): "fixed effects (within), entity effects",
    ("entity", "time"): "fixed effects (within), entity and time effects",
}


@dataclass(frozen=True, eq=False)
class PanelResult(RegressionVocabulary, ResultBase):
    """Panel estimates; ``coefficients`` has the slopes (and ``const`` when pooled)."""

    status: str
    model: str
    cov: str  # the covariance in words
    nobs: int
    entities: int
    periods: int
    r2_within: float
    const_average_effect: float
    coefficients: pd.DataFrame = table("stirpat_panel")
    #: set by the study step: how the entities were formed, and which they are
    scope_rule: str | None = None
    members: tuple[str, ...] = ()
    effects: tuple[str, ...] = ("entity",)
    cov_type: str = "cluster"
    bandwidth: int | None = None  # Driscoll-Kraay lags
    df_resid: int = 0  # n - k - d
    df_t: int | None = None  # df of the t reference distribution
    rsquared: float = float("nan")
    identity: IdentityCheck | None = None
    #: name and words of the response and regressors, for summary()
    response: str = internal("lnC")
    labels: dict | None = internal()

    def t_df(self) -> float | None:
        return None if self.df_t is None else float(self.df_t)

    @property
    def names(self) -> list[str]:
        return [t for t in self.coefficients["term"] if t != "const"]

    def summary(self):  # -> carbonpath.stirpat.summary.Summary
        """The coefficient table with a statsmodels-style header (see summary.py)."""
        from carbonpath.stirpat.summary import panel_summary

        return panel_summary(self)


@dataclass(frozen=True)
class _Panel:
    """Validated panel data with 0-based entity and period codes (in sorted label order)."""

    y: np.ndarray
    X: np.ndarray
    names: list[str]
    ent: np.ndarray
    g: int
    per: np.ndarray
    t: int


def _codes(labels: Sequence[object] | np.ndarray) -> tuple[np.ndarray, int]:
    codes, idx = np.unique(np.asarray(labels), return_inverse=True)
    return idx.ravel(), int(codes.size)


def _prepare(y, X, entity, time, names) -> _Panel:
    yy = np.asarray(y, dtype=float).ravel()
    XX = np.asarray(X, dtype=float)
    XX = XX[:, None] if XX.ndim == 1 else XX
    n, k = XX.shape
    nm = [f"x{j + 1}" for j in range(k)] if names is None else [str(s) for s in names]
    if yy.size != n or len(entity) != n or len(time) != n or len(nm) != k:
        raise InputError("panel y, X, entity, time and names have inconsistent lengths")
    if not (np.all(np.isfinite(yy)) and np.all(np.isfinite(XX))):
        raise InputError("the panel data contain missing or non-finite values")
    ent, g = _codes(entity)
    per, t = _codes(time)
    if np.unique(ent * t + per).size != n:
        raise InputError("the panel has more than one observation for an entity and period")
    if g < 2:
        raise InputError("a panel model needs at least two entities", fix="add sectors")
    return _Panel(yy, XX, nm, ent, g, per, t)


def _demean(values: np.ndarray, idx: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """values minus their group means (columns one by one, as bincount computes them)."""
    if values.ndim == 1:
        return values - (np.bincount(idx, weights=values) / counts)[idx]
    means = np.column_stack(
        [np.bincount(idx, weights=values[:, j]) / counts for j in range(values.shape[1])]
    )
    return values - means[idx]


def _two_way(yt: np.ndarray, Xt: np.ndarray, pn: _Panel, counts: np.ndarray) -> tuple:
    """Residualise entity-demeaned y, X on entity-demeaned period dummies (FWL)."""
    dummies = (pn.per[:, None] == np.arange(1, pn.t)[None, :]).astype(float)
    D = _demean(dummies, pn.ent, counts)
    Z = np.column_stack([yt, Xt])
    coef, _, rank, _ = np.linalg.lstsq(D, Z, rcond=None)
    Z = Z - D @ coef
    return Z[:, 0], Z[:, 1:], int(rank)


def _transform(pn: _Panel, effects: tuple[str, ...]) -> tuple:
    """(y~, X~ design, absorbed d, absorbed not nested in entity clusters d_c)."""
    n = pn.y.size
    if not effects:
        return pn.y, np.column_stack([np.ones(n), pn.X]), 0, 0
    counts = np.bincount(pn.ent)
    yt, Xt = _demean(pn.y, pn.ent, counts), _demean(pn.X, pn.ent, counts)
    if effects == ("entity",):
        return yt, Xt, pn.g, 0
    yt, Xt, rank = _two_way(yt, Xt, pn, counts)
    return yt, Xt, pn.g + rank, rank


def _check_design(pn: _Panel, Xt: np.ndarray, effects: tuple[str, ...], df: int) -> None:
    if df < 1:
        raise TooFewObservationsError(
            f"{pn.y.size} panel observations are too few for {pn.g} entities, "
            f"{pn.t} periods and {len(pn.names)} slopes ({' and '.join(effects) or 'no'} "
            "effects)"
        )
    slopes = Xt[:, 1:] if not effects else Xt
    for j, nm in enumerate(pn.names):
        scale = max(1.0, float(np.max(np.abs(pn.X[:, j]))))
        if np.allclose(slopes[:, j], 0.0, atol=1e-12 * scale):
            where = (
                "within any entity" if effects == ("entity",) else "once the effects are removed"
            )
            raise AbsorbedRegressorError(
                f"regressor '{nm}' does not vary {where}, so the effects absorb it",
                fix=f"drop '{nm}' from the panel model",
            )
    ev = np.linalg.eigvalsh(Xt.T @ Xt)
    if ev[0] <= SINGULAR_RATIO * ev[-1]:
        raise CollinearityError(
            f"the within-transformed regressors {pn.names} are perfectly collinear",
            fix="drop a redundant regressor",
        )


def _cov_words(cov: str, effects: tuple[str, ...], bandwidth: int | None) -> str:
    if cov == "cluster":
        dfc = {(): "N-K-1", ("entity",): "N-K", ("entity", "time"): "N-K-(T-1)"}[effects]
        return f"clustered by entity with G/(G-1)*(N-1)/({dfc}) correction, t on G-1 df"
    if cov == "robust":
        return "heteroskedasticity-robust (White) with N/(N-K-D) correction, t on N-K-D df"
    return (
        f"Driscoll-Kraay (Bartlett kernel, bandwidth {bandwidth}) with N/(N-K-D) "
        "correction, t on N-K-D df"
    )


def _covariance(pn, Xt, e, A, cov, df_resid, df_cluster, bandwidth) -> tuple:
    """(V, df of t or None) for the chosen covariance."""
    if cov == "cluster":
        return cov_cluster(Xt, e, A, pn.ent, df_cluster), pn.g - 1
    if cov == "robust":
        return cov_robust(Xt, e, A, df_resid), df_resid
    return cov_dk(Xt, e, A, pn.per, bandwidth, df_resid), df_resid


def fit_panel(
    y: Sequence[float] | np.ndarray,
    X: Sequence[Sequence[float]] | np.ndarray,
    entity: Sequence[object] | np.ndarray,
    time: Sequence[object] | np.ndarray,
    names: Sequence[str] | None = None,
    *,
    effects: Sequence[str] = ("entity",),
    cov: str = "cluster",
    bandwidth: int | None = None,
    identity_tol: float = IDENTITY_TOL,
) -> PanelResult:
    """Fit the panel model (module docstring); ``InputError`` for unusable designs.

    ``bandwidth`` (Driscoll-Kraay lags) defaults to floor(4 (T/100)^(2/9)).
    """
    eff = tuple(w for w in ("entity", "time") if w in effects)
    if eff not in EFFECTS or tuple(effects) not in (eff, eff[::-1]) or cov not in COVS:
        raise InputError(f"unknown panel model effects={list(effects)!r}, cov={cov!r}")
    pn = _prepare(y, X, entity, time, names)
    yt, Xt, d, d_c = _transform(pn, eff)
    n, k = Xt.shape
    _check_design(pn, Xt, eff, n - k - d)
    if cov == "driscoll-kraay" and bandwidth is None:
        bandwidth = auto_bandwidth(pn.t)
    A = np.linalg.inv(Xt.T @ Xt)
    b = A @ (Xt.T @ yt)
    e = yt - Xt @ b
    V, df_t = _covariance(pn, Xt, e, A, cov, n - k - d, n - k - d_c, bandwidth)
    bse = np.sqrt(np.diag(V))
    with np.errstate(divide="ignore", invalid="ignore"):
        tv = b / bse
    pv = 2.0 * stats.t.sf(np.abs(tv), df_t)
    slopes = b[1:] if not eff else b
    const = float(b[0]) if not eff else float(pn.y.mean() - pn.X.mean(axis=0) @ b)
    ident_y, ident_X = _identity_data(pn, yt, Xt, eff)
    return PanelResult(
        status="ok",
        model=_MODEL[eff],
        cov=_cov_words(cov, eff, bandwidth),
        nobs=n,
        entities=pn.g,
        periods=pn.t,
        r2_within=_r2_within(pn, slopes),
        const_average_effect=const,
        coefficients=coefficient_frame(
            (["const"] if not eff else []) + pn.names, b=b, se=bse, t=tv, p=pv
        ),
        effects=eff,
        cov_type=cov,
        bandwidth=bandwidth,
        df_resid=n - k - d,
        df_t=df_t,
        rsquared=_r2(yt, e, centred=not eff),
        identity=check_identity(
            ident_y, ident_X, pn.names, tol=identity_tol, intercept=_INTERCEPT[eff]
        ),
    )


_INTERCEPT = {(): "const", ("entity",): "a_i", ("entity", "time"): "a_i + g_t"}


def _r2(yt: np.ndarray, e: np.ndarray, *, centred: bool) -> float:
    """1 - e'e / y~'y~ of the transformed regression (y centred when pooled)."""
    yc = yt - yt.mean() if centred else yt
    return 1.0 - float(e @ e) / float(yc @ yc)


def _r2_within(pn: _Panel, slopes: np.ndarray) -> float:
    """1 - |y~ - X~ b|^2 / |y~|^2 with ~ the entity demeaning."""
    counts = np.bincount(pn.ent)
    yw, Xw = _demean(pn.y, pn.ent, counts), _demean(pn.X, pn.ent, counts)
    ew = yw - Xw @ slopes
    return 1.0 - float(ew @ ew) / float(yw @ yw)


def _identity_data(pn: _Panel, yt: np.ndarray, Xt: np.ndarray, eff: tuple) -> tuple:
    """The data the identity check reads: the transformed slopes (centred when pooled)."""
    if eff:
        return yt, Xt
    return pn.y - pn.y.mean(), pn.X - pn.X.mean(axis=0)


def within(
    y: Sequence[float] | np.ndarray,
    X: Sequence[Sequence[float]] | np.ndarray,
    entity: Sequence[object] | np.ndarray,
    time: Sequence[object] | np.ndarray,
    effects: Sequence[str] = ("entity",),
) -> tuple[np.ndarray, np.ndarray]:
    """(y~, X~): the data with the effects removed, as :func:`fit_panel` transforms them
    (entity demeaning; two-way: also residualised on the demeaned period dummies;
    pooled: the data unchanged)."""
    eff = tuple(w for w in ("entity", "time") if w in effects)
    pn = _prepare(y, X, entity, time, None)
    if not eff:
        return pn.y, pn.X
    yt, Xt, _, _ = _transform(pn, eff)
    return yt, Xt
