"""The ridge part of the study step: k rules, the fit at the chosen k, the bootstrap,
the predicted-vs-actual check and the elasticity sensitivity to the k rule.

Elasticity sensitivity: B is refitted at the k of every rule (trace, HKB, L-W, GCV; a
rule whose k is undefined or unusable gives an empty column); ``sign_change`` is true
for a regressor whose B is positive under one rule and negative under another.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonpath.core.errors import InputError
from carbonpath.stirpat.identity import IdentityCheck
from carbonpath.stirpat.krule import RULES
from carbonpath.stirpat.kselect import KChoice, choose_k
from carbonpath.stirpat.resampling import (
    BootstrapIntervals,
    bootstrap_ridge,
    check_fit,
    loo_predictions,
)
from carbonpath.stirpat.results import BootstrapInfo, ModelFit, RidgeResults
from carbonpath.stirpat.ridge import RidgeFit, fit_ridge, k_convention, k_grid, ridge_trace
from carbonpath.stirpat.settings import RESPONSE_NAME, StirpatSettings

__all__ = ["fit_table", "k_sensitivity", "ridge_results"]

BOOTSTRAP_METHOD = "case resampling, percentile intervals, k fixed"
RULE_NAMES = {"trace": "trace", "hkb": "HKB", "lw": "L-W", "gcv": "GCV"}


def _coefficients(fit: RidgeFit, ci: BootstrapIntervals | None) -> pd.DataFrame:
    """The fit's coefficient table with the bootstrap interval columns when it ran."""
    frame = fit.coefficients.copy()
    if ci is not None:
        frame["ci_lo"] = np.r_[ci.const[0], ci.b[:, 0]]
        frame["ci_hi"] = np.r_[ci.const[1], ci.b[:, 1]]
    return frame


def _b_at(y: np.ndarray, X: np.ndarray, k: float) -> np.ndarray:
    """B at k, or NaN when the rule gives no usable k."""
    if not (np.isfinite(k) and k >= 0):
        return np.full(X.shape[1], np.nan)
    try:
        return fit_ridge(y, X, k).b
    except InputError:
        return np.full(X.shape[1], np.nan)


def _sign_note(row: pd.Series, candidates: dict[str, float]) -> str:
    parts = [
        f"{row[f'b_{r}']:+.3f} with {RULE_NAMES[r]} (k = {candidates[r]:.3g})"
        for r in RULES
        if np.isfinite(row[f"b_{r}"])
    ]
    return (
        f"The sign of {row['term']}'s elasticity depends on the k rule: {', '.join(parts)}; "
        "do not read its sign as established."
    )


def k_sensitivity(
    y: np.ndarray,
    X: np.ndarray,
    names: list[str],
    candidates: dict[str, float],
    labels: dict[str, str],
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """B under every k rule (columns ``b_<rule>``), ``sign_change``, and a note per change."""
    frame = pd.DataFrame({"term": names, "label": [labels[nm] for nm in names]})
    for rule in RULES:
        frame[f"b_{rule}"] = _b_at(y, X, candidates[rule])
    values = frame[[f"b_{r}" for r in RULES]].to_numpy()
    frame["sign_change"] = [
        bool(np.any(row[np.isfinite(row)] > 0) and np.any(row[np.isfinite(row)] < 0))
        for row in values
    ]
    notes = tuple(_sign_note(row, candidates) for _, row in frame.iterrows() if row["sign_change"])
    return frame, notes


def _bootstrap(y, X, k, settings: StirpatSettings, seed: int, warnings: list[str]):
    if settings.bootstrap <= 0:
        return None
    ci = bootstrap_ridge(y, X, k, replications=settings.bootstrap, seed=seed)
    if ci.valid < ci.replications:
        warnings.append(
            f"{ci.replications - ci.valid} of {ci.replications} bootstrap resamples had "
            "a constant column and were skipped."
        )
    return ci


def _model_fit(y: np.ndarray, X: np.ndarray, fit: RidgeFit) -> ModelFit:
    loo = loo_predictions(y, X, fit.k)
    return ModelFit.from_checks(
        check_fit(y, fit.fitted, loo),
        check_fit(np.exp(y), np.exp(fit.fitted), np.exp(loo)),
    )


def _late_warnings(choice: KChoice, fit: RidgeFit, names: list[str], warnings: list[str]):
    for note in choice.notes:
        warnings.append(note[0].upper() + note[1:] + ".")
    warnings.append(
        "Ridge t and p-values treat k as fixed and ignore the bias ridge introduces; "
        "read them together with the bootstrap intervals."
    )
    elast = ", ".join(f"{nm} {b:.3f}" for nm, b in zip(names, fit.b, strict=True))
    warnings.append(
        "In this log-log model the elasticities are the unstandardized coefficients B "
        f"({elast}), not the standardized Beta."
    )
    warnings.append(
        "On the log scale the mean residual is zero by construction, so the paired t-test "
        "of predicted vs actual is informative only on levels (fit.levels)."
    )


def _frame(ks: np.ndarray, column: str, values: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"k": ks.astype(float), column: values})


def ridge_results(
    y: np.ndarray,
    X: np.ndarray,
    names: list[str],
    settings: StirpatSettings,
    seed: int,
    warnings: list[str],
    identity: IdentityCheck,
) -> tuple[RidgeResults, np.ndarray | None]:
    """The ridge results (and the bootstrap draws of B); appends to ``warnings``."""
    n, p = X.shape
    trace = ridge_trace(y, X, names, k_grid(settings.k_grid))
    choice = choose_k(y, X, settings.k, trace=trace, tol=settings.trace_tol)
    fit = fit_ridge(y, X, choice.k, names)
    ci = _bootstrap(y, X, choice.k, settings, seed, warnings)
    model_fit = _model_fit(y, X, fit)
    _late_warnings(choice, fit, names, warnings)
    labels = settings.all_labels()
    sensitivity, sign_notes = k_sensitivity(y, X, names, choice.candidates, labels)
    notes = sign_notes + ((identity.message,) if identity.holds else ())
    if ci is not None:
        notes = (
            f"Bootstrap {100 * ci.level:g}% intervals ({BOOTSTRAP_METHOD}, {ci.valid} valid "
            "resamples) do not rely on t: see bootstrap_conf_int().",
            *notes,
        )
    result = RidgeResults(
        k=choice.k,
        k_rule=choice.rule,
        k_candidates=pd.Series(choice.candidates, dtype=float),
        k_mass_lambda=pd.Series({"hkb": choice.hkb_lambda, "lw": choice.lw_lambda}, dtype=float),
        trace_rule=choice.trace_rule,
        trace_stable_within_grid=choice.trace_stable,
        k_convention=k_convention(n, choice.k),
        coefficients=_coefficients(fit, ci),
        r2=fit.r2,
        adj_r2=fit.adj_r2,
        f=fit.f,
        f_p=fit.f_p,
        df_model=p,
        df_resid=fit.df_resid,
        trace=trace.to_frame(),
        vif_trace=trace.vif_frame(),
        gcv=_frame(trace.k, "gcv", choice.gcv),
        bootstrap=BootstrapInfo(
            replications=settings.bootstrap,
            valid=None if ci is None else ci.valid,
            level=None if ci is None else ci.level,
            method=BOOTSTRAP_METHOD,
            seed=seed,
        ),
        fit=model_fit,
        k_sensitivity=sensitivity,
        k_sensitivity_notes=sign_notes,
        nobs=n,
        response=RESPONSE_NAME,
        labels=labels,
        notes=notes,
    )
    return result, None if ci is None else ci.draws


def fit_table(years: list[int], fit: ModelFit) -> pd.DataFrame:
    """Year, actual, predicted and LOO-predicted ln C, and the levels (stirpat_fit.csv)."""
    return pd.DataFrame(
        {
            "year": years,
            "actual_log": fit.actual,
            "predicted_log": fit.predicted,
            "loo_predicted_log": fit.loo.predicted,
            "actual": fit.levels.actual,
            "predicted": fit.levels.predicted,
        }
    )
