"""Unit-root (ADF, KPSS) and Engle-Granger cointegration tests, honest on short series.

- ADF (Dickey & Fuller 1979; statsmodels ``adfuller``) on levels, first and second
  differences.  For n < 20 the default is maxlag 0 (no lag search, ``autolag=None``):
  with a handful of points a lag search has nothing to choose from.  The verdict uses
  the finite-sample critical value of MacKinnon's (2010) response surface
  (statsmodels ``mackinnoncrit(N=1, regression, nobs)``), not the asymptotic p-value,
  which is shown for reference only.
- KPSS (Kwiatkowski et al. 1992; statsmodels ``kpss``) beside it: null = stationarity.
  Its p-value is interpolated in a table and bounded to [0.01, 0.10].
- Engle-Granger (1987): ADF without constant on the residuals of the long-run OLS, with
  MacKinnon critical values for N = number of variables (statsmodels ``coint``).  When
  the long-run regression leaves fewer than 10 residual degrees of freedom the result
  says ``too few observations`` and carries no number.

Verdict wording never says "stationary": the tests can only reject or fail to reject.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np

from carbonpath.stirpat.ols import finite_or_none

SHORT_SERIES = 20
MIN_ADF_DF = 3
MIN_EG_DF = 10
LOW_POWER_WARNING = (
    "With fewer than {limit} observations (here {n}) unit-root and cointegration tests "
    "have little power: failing to reject a unit root is the expected outcome whether or "
    "not one exists, and rejections rest on very few points."
)


def _trend_terms(regression: str) -> int:
    return {"n": 0, "c": 1, "ct": 2, "ctt": 3}[regression]


def adf_test(
    x: Sequence[float] | np.ndarray,
    *,
    regression: str = "c",
    maxlag: int | None = None,
    autolag: str | None = None,
) -> dict:
    """ADF test with finite-sample critical values and a verdict that follows them.

    Defaults: for n < 20, ``maxlag=0`` and ``autolag=None``; otherwise statsmodels'
    default maxlag with ``autolag="AIC"``.
    """
    from statsmodels.tsa.adfvalues import mackinnoncrit
    from statsmodels.tsa.stattools import adfuller

    s = np.asarray(x, dtype=float)
    n = int(s.size)
    short = n < SHORT_SERIES
    if maxlag is None and short:
        maxlag, autolag = 0, None
    elif maxlag is None and autolag is None:
        autolag = "AIC"
    lags_guess = 0 if maxlag is None else int(maxlag)
    base = {"test": "ADF", "n": n, "regression": regression}
    if n - 1 - lags_guess - (1 + _trend_terms(regression) + lags_guess) < MIN_ADF_DF:
        return {**base, "status": "too few observations", "verdict": "not computed"}
    if not np.all(np.isfinite(s)) or np.ptp(s) == 0:
        return {**base, "status": "not computed: constant or non-finite series"}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = adfuller(s, maxlag=maxlag, autolag=autolag, regression=regression)
    except (ValueError, np.linalg.LinAlgError) as exc:
        return {**base, "status": f"too few observations ({exc})", "verdict": "not computed"}
    stat, pval, usedlag, nobs = float(res[0]), float(res[1]), int(res[2]), int(res[3])
    cv = mackinnoncrit(N=1, regression=regression, nobs=nobs)
    crit = {"1%": float(cv[0]), "5%": float(cv[1]), "10%": float(cv[2])}
    if stat < crit["5%"]:
        verdict = "unit root rejected at 5% (finite-sample critical value)"
    else:
        verdict = "unit root not rejected at 5% (finite-sample critical value)"
        if pval < 0.05:
            verdict += "; the asymptotic p-value below 0.05 overstates the evidence"
    return {
        **base,
        "status": "ok",
        "stat": stat,
        "p_asymptotic": pval,
        "lags": usedlag,
        "nobs": nobs,
        "crit": crit,
        "verdict": verdict,
    }


def kpss_test(x: Sequence[float] | np.ndarray, *, regression: str = "c") -> dict:
    """KPSS test (null: stationarity); n < 20 uses 0 lags, else statsmodels' "auto"."""
    from statsmodels.tsa.stattools import kpss

    s = np.asarray(x, dtype=float)
    n = int(s.size)
    base = {"test": "KPSS", "n": n, "regression": regression}
    if n < 4 or not np.all(np.isfinite(s)) or np.ptp(s) == 0:
        return {**base, "status": "too few observations", "verdict": "not computed"}
    nlags: int | str = 0 if n < SHORT_SERIES else "auto"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stat, pval, lags, crit = kpss(s, regression=regression, nlags=nlags)[:4]
    except (ValueError, np.linalg.LinAlgError) as exc:
        return {**base, "status": f"not computed ({exc})", "verdict": "not computed"}
    crit_f = {key: float(v) for key, v in crit.items()}
    bound = None
    if pval <= 0.01:
        bound = "p <= 0.01 (table limit)"
    elif pval >= 0.10:
        bound = "p >= 0.10 (table limit)"
    verdict = (
        "stationarity rejected at 5%"
        if stat > crit_f["5%"]
        else "stationarity not rejected at 5% (not evidence of stationarity)"
    )
    return {
        **base,
        "status": "ok",
        "stat": float(stat),
        "p": float(pval),
        "p_bound": bound,
        "lags": int(lags),
        "crit": crit_f,
        "verdict": verdict,
    }


def unit_root_table(
    series: Mapping[str, Sequence[float] | np.ndarray], *, regression: str = "c"
) -> list[dict]:
    """ADF and KPSS for each series on levels, first and second differences.

    Returns records ``{variable, order (0/1/2), adf: {...}, kpss: {...}}``.
    """
    out = []
    for name, values in series.items():
        s = np.asarray(values, dtype=float)
        for order in (0, 1, 2):
            d = np.diff(s, n=order) if order else s
            out.append(
                {
                    "variable": name,
                    "order": order,
                    "adf": adf_test(d, regression=regression),
                    "kpss": kpss_test(d, regression=regression),
                }
            )
    return out


def engle_granger(
    y: Sequence[float] | np.ndarray,
    X: Sequence[Sequence[float]] | np.ndarray,
    *,
    min_df: int = MIN_EG_DF,
) -> dict:
    """Engle-Granger test on the long-run regression y = a + X b + u (statsmodels coint).

    Returns ``status: "too few observations"`` (and no statistic) when
    n - (number of regressors) - 1 < ``min_df`` or statsmodels cannot compute it.
    """
    from statsmodels.tsa.stattools import coint

    yy = np.asarray(y, dtype=float)
    XX = np.asarray(X, dtype=float)
    if XX.ndim == 1:
        XX = XX[:, None]
    n, m = XX.shape
    df = n - m - 1
    base = {"test": "Engle-Granger", "n": n, "regressors": m, "df_resid": df}
    if df < min_df:
        return {
            **base,
            "status": "too few observations",
            "message": (
                f"the long-run regression leaves {df} residual degrees of freedom "
                f"(fewer than {min_df}); no cointegration statistic is reported"
            ),
        }
    short = n < SHORT_SERIES
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stat, pval, crit = coint(
                yy,
                XX,
                trend="c",
                maxlag=0 if short else None,
                autolag=None if short else "aic",
            )
    except (ValueError, np.linalg.LinAlgError) as exc:
        return {**base, "status": "too few observations", "message": str(exc)}
    crit_d = {"1%": float(crit[0]), "5%": float(crit[1]), "10%": float(crit[2])}
    if not np.isfinite(stat):
        return {**base, "status": "too few observations", "message": "statistic not finite"}
    verdict = (
        "residual unit root rejected at 5%: evidence of cointegration"
        if stat < crit_d["5%"]
        else "residual unit root not rejected at 5%: no evidence of cointegration"
    )
    return {
        **base,
        "status": "ok",
        "stat": float(stat),
        "p_asymptotic": finite_or_none(pval),
        "crit": crit_d,
        "verdict": verdict,
    }
