"""STIRPAT over a panel of regions (``[stirpat] unit = "region"``).

Every term is evaluated in each region (``co2[modern]`` = the CO2 of that region's
member sectors).  A region-year where a term is missing or not positive (its logarithm
is undefined) is dropped and listed in the coverage; nothing is filled in.  On the
region-years kept:

- ``panel``: ``ln C_it = a_i (+ g_t) + x_it' b + e_it`` (:func:`~.panel.fit_panel`:
  ``effects`` entity, entity and time, or none; ``cov`` cluster by region,
  Driscoll-Kraay or robust);
- ``ols`` and ``ridge``: least squares and the SPSS-convention ridge (every k rule, the
  k-rule sensitivity table, the bootstrap) on the within-transformed data
  ``y~ = y - ybar_i`` (two-way: also net of the period effects), so that their slopes
  are elasticities within regions over time; OLS gives the fixed-effects slopes, but
  its standard errors ignore the absorbed means: read ``panel`` for inference;
- ``regions``: a time series per region with at least p + 3 years: OLS B, SE, p and
  ridge B at the study's k rule.

Unit-root and cointegration tests of single time series do not apply to the stacked
panel and are reported as not computed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from carbonpath.core.errors import InputError
from carbonpath.stirpat.cointegration import EngleGrangerNotComputed
from carbonpath.stirpat.identity import check_identity
from carbonpath.stirpat.kselect import choose_k
from carbonpath.stirpat.ols import fit_ols
from carbonpath.stirpat.panel import fit_panel, within
from carbonpath.stirpat.results import (
    Specification,
    StirpatCoverage,
    StirpatResults,
    TermSpec,
)
from carbonpath.stirpat.ridge import fit_ridge, k_grid, ridge_trace
from carbonpath.stirpat.ridge_step import ridge_results
from carbonpath.stirpat.settings import RESPONSE_NAME, StirpatSettings, Term
from carbonpath.stirpat.words import glossary

__all__ = ["MIN_EXTRA_YEARS", "REGION_SCOPE_RULE", "region_design", "run_regions"]

Resolve = Callable[[str, str], pd.Series]
#: a region's own time series needs at least p + MIN_EXTRA_YEARS years
MIN_EXTRA_YEARS = 3
REGION_SCOPE_RULE = "each region is an entity; every term is evaluated in each region"
WITHIN_NOTE = (
    "Panel over regions: OLS and ridge are fitted on the within-transformed data "
    "({what}); their slopes are within-region elasticities. OLS standard errors ignore "
    "the absorbed effects: use the panel model's standard errors for inference."
)
_WHAT = {
    (): "pooled: the data unchanged",
    ("entity",): "each region's means removed",
    ("entity", "time"): "region and year effects removed",
}


def _log_part(resolve: Resolve, var: str, scope: str, years: list[int], energy: frozenset, gj):
    """ln of one variable over ``years`` (NaN where missing or not positive) and the
    reason per year."""
    values = resolve(var, scope).reindex(years).to_numpy(dtype=float)
    if var in energy:
        values = values / gj
    reasons = []
    for v in values:
        if not np.isfinite(v):
            reasons.append(f"{var}[{scope}] has no value")
        elif v <= 0:
            reasons.append(f"{var}[{scope}] is {v:g}, its logarithm is undefined")
        else:
            reasons.append("")
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(values > 0, np.log(np.where(values > 0, values, 1.0)), np.nan)
    return logs, reasons


def _log_term(resolve: Resolve, term: Term, years: list[int], energy, gj):
    logs, reasons = [], []
    for var, scope in term.parts():
        lg, why = _log_part(resolve, var, scope, years, energy, gj)
        logs.append(lg)
        reasons.append(why)
    value = logs[0] - logs[1] if len(logs) == 2 else logs[0]
    why = [[r for r in parts if r] for parts in zip(*reasons, strict=True)]
    return value, why


def region_design(
    settings: StirpatSettings,
    units: Mapping[str, Resolve],
    years: Sequence[int],
    energy: frozenset[str],
    gj_per_tce: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the complete region-years: region, year, lnC, regressors; the dropped ones with
    the reason)."""
    years = [int(y) for y in years]
    terms = {RESPONSE_NAME: settings.response, **settings.regressors}
    kept, dropped = [], []
    for code, resolve in units.items():
        cols, why = {}, [[] for _ in years]
        for name, term in terms.items():
            cols[name], reasons = _log_term(resolve, term, years, energy, gj_per_tce)
            for i, r in enumerate(reasons):
                why[i].extend(r)
        frame = pd.DataFrame({"region": code, "year": years, **cols})
        ok = np.array([not w for w in why])
        kept.append(frame[ok])
        dropped += [
            {"region": code, "year": y, "reason": "; ".join(dict.fromkeys(w))}
            for y, w, good in zip(years, why, ok, strict=True)
            if not good
        ]
    data = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame()
    return data, pd.DataFrame(dropped, columns=["region", "year", "reason"])


def _coverage(data: pd.DataFrame, dropped: pd.DataFrame, codes: list[str], years: list[int]):
    used = [c for c in codes if (data["region"] == c).any()]
    return StirpatCoverage(
        unit="region",
        units=tuple(used),
        years=tuple(sorted({int(y) for y in data["year"]})),
        rows_used=len(data),
        rows_possible=len(codes) * len(years),
        balanced=dropped.empty,
        units_dropped=tuple(c for c in codes if c not in used),
        dropped=dropped,
    )


def _one_region(y: np.ndarray, X: np.ndarray, names: list[str], settings: StirpatSettings):
    """OLS and ridge (at the study's k rule) of one region's time series."""
    ols = fit_ols(y, X, names)
    trace = ridge_trace(y, X, names, k_grid(settings.k_grid))
    choice = choose_k(y, X, settings.k, trace=trace, tol=settings.trace_tol)
    ridge_b = fit_ridge(y, X, choice.k).b
    return ols, choice.k, ridge_b


def per_region(data: pd.DataFrame, names: list[str], settings: StirpatSettings) -> pd.DataFrame:
    """One row per region and term (one row with the reason for a region not fitted)."""
    rows = []
    need = len(names) + MIN_EXTRA_YEARS
    for code, part in data.groupby("region", sort=False):
        n = len(part)
        base = {"region": code, "nobs": n}
        if n < need:
            reason = f"{n} years; a time series of {len(names)} regressors needs {need}"
            rows.append({**base, "status": "skipped", "reason": reason})
            continue
        y, X = part[RESPONSE_NAME].to_numpy(), part[names].to_numpy()
        try:
            ols, k, rb = _one_region(y, X, names, settings)
        except InputError as exc:
            rows.append({**base, "status": "skipped", "reason": exc.one_line()})
            continue
        first, last = int(part["year"].min()), int(part["year"].max())
        for j, nm in enumerate(names):
            rows.append(
                {
                    **base,
                    "status": "ok",
                    "reason": "",
                    "first_year": first,
                    "last_year": last,
                    "term": nm,
                    "ols_b": float(ols.params[nm]),
                    "ols_se": float(ols.bse[nm]),
                    "ols_p": float(ols.pvalues[nm]),
                    "ols_r2": float(ols.rsquared),
                    "ridge_k": float(k),
                    "ridge_b": float(rb[j]),
                }  # fmt: skip
            )
    cols = ["region", "status", "reason", "nobs", "first_year", "last_year", "term",
            "ols_b", "ols_se", "ols_p", "ols_r2", "ridge_k", "ridge_b"]  # fmt: skip
    return pd.DataFrame(rows).reindex(columns=cols)


def _panel(settings: StirpatSettings, data: pd.DataFrame, names: list[str], codes: list[str]):
    bandwidth = None if settings.bandwidth == "auto" else settings.bandwidth
    res = fit_panel(
        data[RESPONSE_NAME].to_numpy(),
        data[names].to_numpy(),
        data["region"].to_numpy(dtype=object).astype(str),
        data["year"].to_numpy(),
        names,
        effects=settings.effects,
        cov=settings.cov,
        bandwidth=bandwidth,
        identity_tol=settings.identity_tol,
    )
    used = tuple(c for c in codes if (data["region"] == c).any())
    return replace(res, scope_rule=REGION_SCOPE_RULE, members=used, labels=settings.all_labels())


def _specification(settings: StirpatSettings, years: tuple[int, ...], n: int) -> Specification:
    return Specification(
        response=TermSpec(RESPONSE_NAME, settings.response.text, settings.label(RESPONSE_NAME)),
        regressors=tuple(
            TermSpec(nm, term.text, settings.label(nm)) for nm, term in settings.regressors.items()
        ),
        energy_unit="energy variables expressed in tce",
        n=n,
        years=years,
    )


def _fit_table(data: pd.DataFrame, fit) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": data["region"].to_numpy(),
            "year": data["year"].to_numpy(dtype=int),
            "actual_within": fit.actual,
            "predicted_within": fit.predicted,
            "loo_predicted_within": fit.loo.predicted,
        }
    )


def run_regions(
    settings: StirpatSettings,
    units: Mapping[str, Resolve],
    years: Sequence[int],
    seed: int,
    *,
    energy: frozenset[str],
    gj_per_tce: float,
) -> StirpatResults:
    """The STIRPAT analysis over regions (module docstring); ``units`` maps each region
    code to its resolver."""
    codes, years = list(units), [int(y) for y in years]
    names = list(settings.regressors)
    data, dropped = region_design(settings, units, years, energy, gj_per_tce)
    cov = _coverage(data, dropped, codes, years)
    if len(cov.units) < 2:
        raise InputError(
            f"the panel over regions has {len(cov.units)} region(s) with complete data; "
            "at least 2 are needed",
            fix="add the missing data (stirpat.coverage lists what is missing)",
        )
    warnings: list[str] = []
    if not cov.balanced:
        warnings.append(
            f"stirpat: {cov.rows_possible - cov.rows_used} of {cov.rows_possible} region-years "
            "dropped (see stirpat.coverage)"
        )
    panel = _panel(settings, data, names, codes)
    eff = tuple(settings.effects)
    yt, Xt = within(
        data[RESPONSE_NAME].to_numpy(), data[names].to_numpy(),
        data["region"].astype(str).to_numpy(), data["year"].to_numpy(), eff,
    )  # fmt: skip
    warnings.append(WITHIN_NOTE.format(what=_WHAT[eff]))
    ols = fit_ols(yt, Xt, names)
    ols = replace(ols, response=RESPONSE_NAME, labels=settings.all_labels())
    identity = check_identity(
        yt - yt.mean(), Xt - Xt.mean(axis=0), names, tol=settings.identity_tol
    )
    ridge, draws = ridge_results(yt, Xt, names, settings, seed, warnings, identity)
    for ident, where in ((identity, ""), (panel.identity, "Panel model: ")):
        if ident is not None and ident.holds:
            warnings.append(where + ident.message)
    not_computed = EngleGrangerNotComputed(
        test="Engle-Granger", n=len(data), regressors=len(names), df_resid=0,
        status="not computed",
        message="a single-series cointegration test does not apply to a panel over regions",
    )  # fmt: skip
    return StirpatResults(
        specification=_specification(settings, cov.years, len(data)),
        data=data,
        unit_roots=(),
        cointegration=not_computed,
        ols=ols,
        ridge=ridge,
        panel=panel,
        warnings=tuple(dict.fromkeys(warnings)),
        labels=pd.Series(settings.all_labels(), dtype=object),
        identity=identity,
        unit_roots_table=pd.DataFrame(),
        fit_table=_fit_table(data, ridge.fit),
        bootstrap_draws=draws,
        unit="region",
        coverage=cov,
        glossary=glossary(settings, [RESPONSE_NAME, *names], per_region=True),
        regions=per_region(data, names, settings),
    )
