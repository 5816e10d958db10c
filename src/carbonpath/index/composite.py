"""Aggregation of a normalised indicator matrix into composite scores.

Inputs are the normalised, larger-is-better matrix ``X`` (rows = years, or
sector-year pairs in panel mode; columns = indicators) and weights ``w`` summing to 1.

- :func:`composite_scores`: ``Y_i = sum_j w_j X_ij`` (reference paper eq. 6).
- :func:`subsystem_scores`: for each subsystem s, ``U_si = sum_{j in s} w_j X_ij /
  sum_{j in s} w_j``, i.e. the global weights renormalised *within* the subsystem, so a
  subsystem score lies in [0, 1] like the total index and the subsystems can be coupled.
  (The alternative, the subsystem's share of eq. 6 without renormalising, is
  ``U_si * sum_{j in s} w_j``; the renormalised form is the one the coupling model needs.)
- :func:`topsis_closeness`: ``V = w * X``; ideal ``V+ = max_i V``, anti-ideal
  ``V- = min_i V`` per column; ``d+ = ||V_i - V+||``, ``d- = ||V_i - V-||`` (Euclidean);
  closeness ``d- / (d+ + d-)`` (Hwang & Yoon 1981), on the index's own normalisation.
- :func:`coupling_coordination`: ``C = n (prod U_i)^(1/n) / sum U_i`` (equivalently
  ``[prod U_i / ((1/n) sum U_i)^n]^(1/n)``, the normative form in Wang, Kong, Ren, Zhi &
  Dai 2021, J. Natural Resources 36(3) 793-810), ``T = sum alpha_i U_i`` (equal alpha by
  default), ``D = sqrt(C T)``.
- :func:`obstacle_degree`: ``O_ij = w_j (1 - X_ij) / sum_k w_k (1 - X_ik)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from carbonpath.core.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "composite_scores",
    "coupling_coordination",
    "obstacle_degree",
    "subsystem_scores",
    "topsis_closeness",
]


def _aligned(x: pd.DataFrame, w: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    import numpy as np

    missing = [c for c in x.columns if c not in w.index]
    if missing:
        raise InputError(f"no weight for indicator(s) {', '.join(map(str, missing))}")
    w = w.reindex(x.columns).astype(float)
    if not np.isfinite(w.to_numpy()).all() or (w < 0).any():
        raise InputError("weights must be finite and >= 0")
    return x.astype(float), w


def composite_scores(x: pd.DataFrame, w: pd.Series) -> pd.Series:
    """Composite index ``Y_i = sum_j w_j X_ij`` (reference paper eq. 6)."""
    x, w = _aligned(x, w)
    out = x.to_numpy() @ w.to_numpy()
    import pandas as pd

    return pd.Series(out, index=x.index, name="score")


def subsystem_scores(x: pd.DataFrame, w: pd.Series, subsystems: Mapping[str, str]) -> pd.DataFrame:
    """Score per subsystem with the weights renormalised within each subsystem.

    ``subsystems`` maps indicator -> subsystem name; columns of the result follow the
    order in which subsystems first appear.
    """
    import pandas as pd

    x, w = _aligned(x, w)
    members: dict[str, list[int]] = {}  # subsystem -> column positions, in first-seen order
    for j, c in enumerate(x.columns):
        s = subsystems.get(c)
        if s is None:
            raise InputError(f"indicator '{c}' has no subsystem")
        members.setdefault(s, []).append(j)
    out = {}
    for s, pos in members.items():
        ws = w.iloc[pos]
        total = float(ws.sum())
        if not total > 0:
            raise InputError(
                f"subsystem '{s}' has total weight 0 (all its indicators are constant or weighted 0)",
                fix="check its indicators' data or weights",
            )
        out[s] = x.iloc[:, pos].to_numpy() @ (ws / total).to_numpy()
    return pd.DataFrame(out, index=x.index)


def topsis_closeness(x: pd.DataFrame, w: pd.Series) -> pd.Series:
    """TOPSIS relative closeness on the weighted normalised matrix (larger = better)."""
    import numpy as np
    import pandas as pd

    x, w = _aligned(x, w)
    v = x.to_numpy() * w.to_numpy()
    best, worst = v.max(axis=0), v.min(axis=0)
    d_pos = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_neg = np.sqrt(((v - worst) ** 2).sum(axis=1))
    denom = d_pos + d_neg
    if (denom == 0).any():
        raise InputError("TOPSIS is undefined: every weighted indicator is constant")
    return pd.Series(d_neg / denom, index=x.index, name="closeness")


def coupling_coordination(
    u: pd.DataFrame, alpha: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Coupling degree C, development index T and coupling coordination degree D.

    ``u`` holds one column per subsystem with scores in [0, 1] (n >= 2 subsystems).
    ``C = n (prod U)^(1/n) / sum U``; ``T = sum alpha_i U_i``; ``D = sqrt(C T)``.
    When every U is 0, C is undefined (0/0): it is returned as NaN and D as 0.
    """
    import math

    import numpy as np
    import pandas as pd

    n = u.shape[1]
    if n < 2:
        raise InputError(f"coupling coordination needs at least 2 subsystems, got {n}")
    a = u.astype(float).to_numpy()
    if not np.isfinite(a).all() or (a < 0).any():
        raise InputError(
            "coupling coordination needs subsystem scores >= 0",
            fix="use min-max, z-score or ratio normalisation",
        )
    if alpha is None:
        al = np.full(n, 1.0 / n)
    else:
        unknown = [k for k in alpha if k not in u.columns]
        missing = [c for c in u.columns if c not in alpha]
        if unknown or missing:
            raise InputError(
                f"coupling alpha must name each subsystem exactly once (unknown: {unknown or 'none'}, missing: {missing or 'none'})"
            )
        al = np.array([float(alpha[c]) for c in u.columns])
        if (al < 0).any() or not math.isclose(al.sum(), 1.0, rel_tol=0, abs_tol=1e-9):
            raise InputError(f"coupling alpha must be >= 0 and sum to 1, got sum {al.sum():g}")
    total = a.sum(axis=1)
    geo = np.exp(np.log(np.where(a > 0, a, 1.0)).mean(axis=1))
    geo = np.where((a > 0).all(axis=1), geo, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(total > 0, n * geo / total, np.nan)
    t = a @ al
    d = np.sqrt(np.where(np.isnan(c), 0.0, c) * t)
    return pd.DataFrame({"c": c, "t": t, "d": d}, index=u.index)


def obstacle_degree(x: pd.DataFrame, w: pd.Series) -> pd.DataFrame:
    """Obstacle degree ``O_ij = w_j (1 - X_ij) / sum_k w_k (1 - X_ik)``.

    ``1 - X_ij`` is the indicator's deviation from the best normalised value; a row
    with no deviation at all (every weighted indicator at its best) has O = 0 throughout.
    """
    import numpy as np
    import pandas as pd

    x, w = _aligned(x, w)
    a = x.to_numpy()
    if (a > 1 + 1e-12).any() or (a < -1e-12).any():
        raise InputError("the obstacle degree needs normalised values in [0, 1]")
    dev = w.to_numpy() * (1.0 - a)
    total = dev.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        o = np.where(total > 0, dev / np.where(total > 0, total, 1.0), 0.0)
    return pd.DataFrame(o, index=x.index, columns=x.columns)
