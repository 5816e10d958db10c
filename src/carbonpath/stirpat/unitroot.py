"""Unit-root tests (ADF, KPSS), honest on short series.

- ADF (Dickey & Fuller 1979; statsmodels ``adfuller``) on levels, first and second
  differences.  For n < 20 the default is maxlag 0 (no lag search, ``autolag=None``):
  with a handful of points a lag search has nothing to choose from.  The verdict uses
  the finite-sample critical value c(T) of MacKinnon's (2010) Table 2 (N = 1, see
  :mod:`carbonpath.stirpat.critical_values`) at the test regression's T observations,
  not the asymptotic p-value, which is shown for reference only.
- KPSS (Kwiatkowski et al. 1992; statsmodels ``kpss``) beside it: null = stationarity.
  Its p-value is interpolated in a table and bounded to [0.01, 0.10].

Verdict wording never says "stationary": the tests can only reject or fail to reject.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonpath.core.results import ResultBase
from carbonpath.stirpat.critical_values import critical_values

__all__ = [
    "LOW_POWER_WARNING",
    "SHORT_SERIES",
    "AdfResult",
    "KpssResult",
    "TestNotComputed",
    "UnitRootRow",
    "adf_test",
    "kpss_test",
    "unit_root_frame",
    "unit_root_table",
]

SHORT_SERIES = 20
MIN_ADF_DF = 3
LOW_POWER_WARNING = (
    "With fewer than {limit} observations (here {n}) unit-root and cointegration tests "
    "have little power: failing to reject a unit root is the expected outcome whether or "
    "not one exists, and rejections rest on very few points."
)


@dataclass(frozen=True, eq=False)
class TestNotComputed(ResultBase):
    """A test that was not run, and why (``status``)."""

    __test__ = False  # not a pytest test class

    test: str
    n: int
    regression: str
    status: str
    verdict: str | None = "not computed"


@dataclass(frozen=True, eq=False)
class AdfResult(ResultBase):
    """ADF statistic, asymptotic p, lags used, finite-sample critical values, verdict."""

    test: str
    n: int
    regression: str
    status: str
    stat: float
    p_asymptotic: float
    lags: int
    nobs: int
    crit: pd.Series  # "1%", "5%", "10%"
    verdict: str


@dataclass(frozen=True, eq=False)
class KpssResult(ResultBase):
    """KPSS statistic, table p-value (and its bound), lags, critical values, verdict."""

    test: str
    n: int
    regression: str
    status: str
    stat: float
    p: float
    p_bound: str | None
    lags: int
    crit: pd.Series  # "10%", "5%", "2.5%", "1%"
    verdict: str


@dataclass(frozen=True, eq=False)
class UnitRootRow(ResultBase):
    """ADF and KPSS of one series at one order of differencing (0, 1, 2)."""

    variable: str
    order: int
    adf: AdfResult | TestNotComputed
    kpss: KpssResult | TestNotComputed


def _trend_terms(regression: str) -> int:
    return {"n": 0, "c": 1, "ct": 2, "ctt": 3}[regression]


def _adf_lags(n: int, maxlag: int | None, autolag: str | None) -> tuple[int | None, str | None]:
    if maxlag is None and n < SHORT_SERIES:
        return 0, None
    if maxlag is None and autolag is None:
        return None, "AIC"
    return maxlag, autolag


def _adf_verdict(stat: float, crit5: float, pval: float) -> str:
    if stat < crit5:
        return "unit root rejected at 5% (finite-sample critical value)"
    verdict = "unit root not rejected at 5% (finite-sample critical value)"
    if pval < 0.05:
        verdict += "; the asymptotic p-value below 0.05 overstates the evidence"
    return verdict


def adf_test(
    x: Sequence[float] | np.ndarray,
    *,
    regression: str = "c",
    maxlag: int | None = None,
    autolag: str | None = None,
) -> AdfResult | TestNotComputed:
    """ADF test with finite-sample critical values and a verdict that follows them.

    Defaults: for n < 20, ``maxlag=0`` and ``autolag=None``; otherwise statsmodels'
    default maxlag with ``autolag="AIC"``.
    """
    from statsmodels.tsa.stattools import adfuller

    s = np.asarray(x, dtype=float)
    n = int(s.size)
    maxlag, autolag = _adf_lags(n, maxlag, autolag)
    lags_guess = 0 if maxlag is None else int(maxlag)
    base = {"test": "ADF", "n": n, "regression": regression}
    if n - 1 - lags_guess - (1 + _trend_terms(regression) + lags_guess) < MIN_ADF_DF:
        return TestNotComputed(**base, status="too few observations")
    if not np.all(np.isfinite(s)) or np.ptp(s) == 0:
        return TestNotComputed(
            **base, status="not computed: constant or non-finite series", verdict=None
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = adfuller(s, maxlag=maxlag, autolag=autolag, regression=regression)
    except (ValueError, np.linalg.LinAlgError) as exc:
        return TestNotComputed(**base, status=f"too few observations ({exc})")
    stat, pval, usedlag, nobs = float(res[0]), float(res[1]), int(res[2]), int(res[3])
    crit = pd.Series(critical_values(regression, 1, nobs), dtype=float)
    return AdfResult(
        **base,
        status="ok",
        stat=stat,
        p_asymptotic=pval,
        lags=usedlag,
        nobs=nobs,
        crit=crit,
        verdict=_adf_verdict(stat, float(crit["5%"]), pval),
    )


def _kpss_bound(pval: float) -> str | None:
    if pval <= 0.01:
        return "p <= 0.01 (table limit)"
    if pval >= 0.10:
        return "p >= 0.10 (table limit)"
    return None


def kpss_test(
    x: Sequence[float] | np.ndarray, *, regression: str = "c"
) -> KpssResult | TestNotComputed:
    """KPSS test (null: stationarity); n < 20 uses 0 lags, else statsmodels' "auto"."""
    from statsmodels.tsa.stattools import kpss

    s = np.asarray(x, dtype=float)
    n = int(s.size)
    base = {"test": "KPSS", "n": n, "regression": regression}
    if n < 4 or not np.all(np.isfinite(s)) or np.ptp(s) == 0:
        return TestNotComputed(**base, status="too few observations")
    nlags: int | str = 0 if n < SHORT_SERIES else "auto"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stat, pval, lags, crit = kpss(s, regression=regression, nlags=nlags)[:4]
    except (ValueError, np.linalg.LinAlgError) as exc:
        return TestNotComputed(**base, status=f"not computed ({exc})")
    crit_s = pd.Series({key: float(v) for key, v in crit.items()}, dtype=float)
    verdict = (
        "stationarity rejected at 5%"
        if stat > crit_s["5%"]
        else "stationarity not rejected at 5% (not evidence of stationarity)"
    )
    return KpssResult(
        **base,
        status="ok",
        stat=float(stat),
        p=float(pval),
        p_bound=_kpss_bound(pval),
        lags=int(lags),
        crit=crit_s,
        verdict=verdict,
    )


def unit_root_table(
    series: Mapping[str, Sequence[float] | np.ndarray], *, regression: str = "c"
) -> tuple[UnitRootRow, ...]:
    """ADF and KPSS for each series on levels, first and second differences."""
    out = []
    for name, values in series.items():
        s = np.asarray(values, dtype=float)
        for order in (0, 1, 2):
            d = np.diff(s, n=order) if order else s
            out.append(
                UnitRootRow(
                    variable=name,
                    order=order,
                    adf=adf_test(d, regression=regression),
                    kpss=kpss_test(d, regression=regression),
                )
            )
    return tuple(out)


def _get(test: object, name: str) -> object:
    return getattr(test, name, None)


def unit_root_frame(rows: Sequence[UnitRootRow]) -> pd.DataFrame:
    """One row per series and difference: ADF statistic, p, lags, 5% finite-sample
    critical value and verdict; KPSS statistic, p and verdict (the CSV table)."""
    records = []
    for row in rows:
        a, k = row.adf, row.kpss
        crit = _get(a, "crit")
        records.append(
            {
                "variable": row.variable,
                "difference": row.order,
                "adf_stat": _get(a, "stat"),
                "adf_p_asymptotic": _get(a, "p_asymptotic"),
                "adf_lags": _get(a, "lags"),
                "adf_crit_5pct_finite_sample": None if crit is None else float(crit["5%"]),
                "adf_verdict": a.verdict if a.verdict is not None else a.status,
                "kpss_stat": _get(k, "stat"),
                "kpss_p": _get(k, "p"),
                "kpss_verdict": k.verdict if k.verdict is not None else k.status,
            }
        )
    return pd.DataFrame(records)
