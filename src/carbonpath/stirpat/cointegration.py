"""Engle-Granger (1987) cointegration test of the long-run STIRPAT regression.

The statistic is the ADF tau (no constant) on the residuals of ``y = a + X b + u``
(statsmodels ``coint``, maxlag 0 for n < 20); the asymptotic p-value is MacKinnon's
(1994) approximation (statsmodels).  The critical values are MacKinnon's (2010) Table 2
finite-sample values for N = number of variables (regressors + 1) with a constant at
T = n - 1 (as Stata's ``egranger`` and statsmodels count T), from carbonpath's own copy
of the table (:mod:`carbonpath.stirpat.critical_values`).  When the long-run regression
leaves fewer than 10 residual degrees of freedom the result says ``too few
observations`` and carries no number.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonpath.core.results import ResultBase
from carbonpath.stirpat.critical_values import critical_values, max_variables
from carbonpath.stirpat.unitroot import SHORT_SERIES

__all__ = ["MIN_EG_DF", "EngleGranger", "EngleGrangerNotComputed", "engle_granger"]

MIN_EG_DF = 10


@dataclass(frozen=True, eq=False)
class EngleGrangerNotComputed(ResultBase):
    """No statistic: too few residual degrees of freedom, or the test failed."""

    test: str
    n: int
    regressors: int
    df_resid: int
    status: str
    message: str


@dataclass(frozen=True, eq=False)
class EngleGranger(ResultBase):
    """Residual-based tau, its asymptotic p-value, finite-sample critical values, verdict."""

    test: str
    n: int
    regressors: int
    df_resid: int
    status: str
    stat: float
    p_asymptotic: float
    crit: pd.Series  # "1%", "5%", "10%"
    verdict: str


def _statistic(yy: np.ndarray, XX: np.ndarray) -> tuple[float, float]:
    from statsmodels.tsa.stattools import coint

    short = yy.size < SHORT_SERIES
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stat, pval, _ = coint(
            yy, XX, trend="c", maxlag=0 if short else None, autolag=None if short else "aic"
        )
    return float(stat), float(pval)


def engle_granger(
    y: Sequence[float] | np.ndarray,
    X: Sequence[Sequence[float]] | np.ndarray,
    *,
    min_df: int = MIN_EG_DF,
) -> EngleGranger | EngleGrangerNotComputed:
    """Engle-Granger test of y on X (with a constant); see the module docstring."""
    yy = np.asarray(y, dtype=float)
    XX = np.asarray(X, dtype=float)
    if XX.ndim == 1:
        XX = XX[:, None]
    n, m = XX.shape
    df = n - m - 1
    base = {"test": "Engle-Granger", "n": n, "regressors": m, "df_resid": df}
    if df < min_df:
        return EngleGrangerNotComputed(
            **base,
            status="too few observations",
            message=(
                f"the long-run regression leaves {df} residual degrees of freedom "
                f"(fewer than {min_df}); no cointegration statistic is reported"
            ),
        )
    if m + 1 > max_variables("c"):
        return EngleGrangerNotComputed(
            **base,
            status="not computed",
            message=f"MacKinnon (2010) Table 2 covers at most {max_variables('c')} variables",
        )
    try:
        stat, pval = _statistic(yy, XX)
    except (ValueError, np.linalg.LinAlgError) as exc:
        return EngleGrangerNotComputed(**base, status="too few observations", message=str(exc))
    if not np.isfinite(stat):
        return EngleGrangerNotComputed(
            **base, status="too few observations", message="statistic not finite"
        )
    crit = pd.Series(critical_values("c", m + 1, n - 1), dtype=float)
    verdict = (
        "residual unit root rejected at 5%: evidence of cointegration"
        if stat < crit["5%"]
        else "residual unit root not rejected at 5%: no evidence of cointegration"
    )
    return EngleGranger(
        **base,
        status="ok",
        stat=stat,
        p_asymptotic=pval,
        crit=crit,
        verdict=verdict,
    )
