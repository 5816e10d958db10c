"""Covariance estimators of the panel regression (sandwich forms on the transformed data).

With the transformed design X~ (n x k), residuals e, A = (X~'X~)^-1, K slopes, the
absorbed effects d (0 pooled, G entity, G + T - 1 two-way) and, of those, d_c not nested
in the entity clusters (0 pooled and entity effects, T - 1 time effects):

- ``cluster`` (Arellano 1987; Stata ``xtreg, fe vce(cluster)``):
  ``V = G/(G-1) (n-1)/(n-k-d_c) A [sum_g X~_g'e_g e_g'X~_g] A``, t on G - 1 df
  (effects nested in the clusters are not counted; time effects are, as Stata counts
  ``i.year`` dummies);
- ``robust`` (White 1980): ``V = n/(n-k-d) A [sum_i e_i^2 x~_i x~_i'] A``, t on n - k - d df;
- ``driscoll-kraay`` (Driscoll & Kraay 1998): with the period sums of the scores
  ``xi_t = sum_i x~_it e_it`` (periods in time order),
  ``S = Gamma_0 + sum_{j=1..m} w_j (Gamma_j + Gamma_j')``, ``Gamma_j = sum_t xi_t xi_{t-j}'``,
  Bartlett weights ``w_j = 1 - j/(m+1)``, ``V = n/(n-k-d) A S A``, t on n - k - d df.
  The bandwidth m is a setting; ``auto`` is ``floor(4 (T/100)^(2/9))`` (the Newey-West
  rule of thumb linearmodels uses by default), and m must be below the number of
  periods T.

These are the covariances of linearmodels ``PanelOLS`` / ``PooledOLS`` with
``debiased=True`` (and ``group_debias=True`` for ``cluster``; see
docs/methods/stirpat.md for the exact correspondence).
"""

from __future__ import annotations

import math

import numpy as np

from carbonpath.core.errors import InputError

__all__ = ["auto_bandwidth", "bartlett_weights", "cov_cluster", "cov_dk", "cov_robust"]


def auto_bandwidth(periods: int) -> int:
    """floor(4 (T/100)^(2/9)), the Newey-West rule-of-thumb bandwidth."""
    return int(math.floor(4 * (periods / 100) ** (2 / 9)))


def bartlett_weights(bandwidth: int) -> np.ndarray:
    """w_j = 1 - j / (m + 1), j = 0..m."""
    return 1.0 - np.arange(bandwidth + 1) / (bandwidth + 1)


def _sandwich(A: np.ndarray, meat: np.ndarray, scale: float) -> np.ndarray:
    """scale A meat A, evaluated as ((scale A) meat) A."""
    return scale * A @ meat @ A


def cov_robust(Xt: np.ndarray, e: np.ndarray, A: np.ndarray, df_resid: int) -> np.ndarray:
    """White's heteroskedasticity-robust covariance scaled by n / (n - k - d)."""
    xe = Xt * e[:, None]
    return _sandwich(A, xe.T @ xe, Xt.shape[0] / df_resid)


def cov_cluster(
    Xt: np.ndarray, e: np.ndarray, A: np.ndarray, groups: np.ndarray, df_cluster: int
) -> np.ndarray:
    """Cluster-robust covariance scaled by G/(G-1) (n-1)/(n-k-d_c); ``groups`` are 0..G-1."""
    n, k = Xt.shape
    g = int(groups.max()) + 1
    meat = np.zeros((k, k))
    for gi in range(g):
        s = Xt[groups == gi].T @ e[groups == gi]
        meat += np.outer(s, s)
    scale = (g / (g - 1)) * ((n - 1) / df_cluster)
    return _sandwich(A, meat, scale)


def cov_dk(
    Xt: np.ndarray,
    e: np.ndarray,
    A: np.ndarray,
    periods: np.ndarray,
    bandwidth: int,
    df_resid: int,
) -> np.ndarray:
    """Driscoll-Kraay covariance with Bartlett weights; ``periods`` are 0..T-1 in time order."""
    n, k = Xt.shape
    t_count = int(periods.max()) + 1
    if bandwidth >= t_count:
        raise InputError(
            f"the Driscoll-Kraay bandwidth {bandwidth} is not below the number of "
            f"periods ({t_count})",
            fix=f"use a bandwidth from 0 to {t_count - 1}",
        )
    xi = np.zeros((t_count, k))
    np.add.at(xi, periods, Xt * e[:, None])
    w = bartlett_weights(bandwidth)
    meat = xi.T @ xi
    for j in range(1, bandwidth + 1):
        gamma = xi[j:].T @ xi[:-j]
        meat += w[j] * (gamma + gamma.T)
    return _sandwich(A, meat, n / df_resid)
