"""Study-level STIRPAT driver analysis (paper eq. 9, with its errors corrected).

``ln C = b0 + b1 ln P + b2 ln A + b3 ln T + b4 ln RE + e`` by default, with
C = co2[modern], P = employment[modern], A = output_value[modern],
T = output_value[modern] / energy[modern] (energy expressed in tce, so T is yuan per
tce; the slope B is the same in any unit), RE = rd_expenditure[modern].

Runs unit-root tests (unitroot.py), Engle-Granger cointegration, OLS with VIF (ols.py),
the SPSS-convention ridge with all k rules (ridge.py, kselect.py), bootstrap intervals,
the predicted-vs-actual check, and a fixed-effects panel across member sectors
(panel.py).  Configuration lives in ``[stirpat]`` of study.toml (see ``validate_config``).
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from carbonpath.core.errors import InputError, StudyError
from carbonpath.core.results import jsonable
from carbonpath.stirpat.kselect import RULES, TRACE_TOL, choose_k
from carbonpath.stirpat.ols import fit_ols, validate_design
from carbonpath.stirpat.panel import fit_panel_fe
from carbonpath.stirpat.ridge import (
    bootstrap_ridge,
    check_fit,
    coefficient_records,
    fit_check_dict,
    fit_ridge,
    k_convention,
    k_grid,
    loo_predictions,
    ridge_trace,
)
from carbonpath.stirpat.unitroot import (
    LOW_POWER_WARNING,
    SHORT_SERIES,
    engle_granger,
    unit_root_table,
)

GJ_PER_TCE = 29.3076
# Variables held in GJ that STIRPAT expresses in tce for readable levels.
ENERGY_VARIABLES = frozenset({"energy", "energy_total", "electricity"})

DEFAULT_REGRESSORS = {
    "lnP": "employment[modern]",
    "lnA": "output_value[modern]",
    "lnT": "output_value[modern] / energy[modern]",
    "lnRE": "rd_expenditure[modern]",
}
DEFAULTS: dict = {
    "response": "co2[modern]",
    "regressors": DEFAULT_REGRESSORS,
    "k": "trace",
    "k_grid": [0.0, 1.0, 0.01],
    "trace_tol": TRACE_TOL,
    "bootstrap": 2000,
    "panel": True,
    "adf_regression": "c",
}

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TERM = r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*\[\s*([^\[\]/]+?)\s*\]\s*"
_SINGLE = re.compile(rf"^{_TERM}$")
_RATIO = re.compile(rf"^{_TERM}/{_TERM}$")

Resolver = Callable[[str, str], "object"]


@dataclass(frozen=True)
class Term:
    """``var[scope]`` or ``var[scope] / var[scope]`` as written in study.toml."""

    text: str
    num: tuple[str, str]
    den: tuple[str, str] | None = None


def parse_term(text: object, key: str) -> Term:
    """Parse a regressor/response specification (regex only, no evaluation)."""
    if not isinstance(text, str):
        raise StudyError(
            f'expected a string like "employment[modern]", got {text!r}',
            file="study.toml",
            key=key,
        )
    m = _RATIO.match(text)
    if m:
        return Term(text.strip(), (m.group(1), m.group(2)), (m.group(3), m.group(4)))
    m = _SINGLE.match(text)
    if m:
        return Term(text.strip(), (m.group(1), m.group(2)))
    raise StudyError(
        f"cannot read {text!r}",
        file="study.toml",
        key=key,
        fix='write "variable[scope]" or "variable[scope] / variable[scope]", '
        'e.g. "output_value[modern] / energy[modern]"',
    )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def validate_config(raw: dict | None) -> dict:
    """Fill defaults for ``[stirpat]`` and check keys and types.

    Raises ``StudyError(file="study.toml", key="stirpat.<key>")`` on unknown keys or
    wrong types.  Returns a new dict; regressors keep their configured order.
    """
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise StudyError("[stirpat] must be a table", file="study.toml", key="stirpat")
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        raise StudyError(
            f"unknown key '{unknown[0]}'",
            file="study.toml",
            key=f"stirpat.{unknown[0]}",
            fix=f"use one of: {', '.join(DEFAULTS)}",
        )
    cfg = copy.deepcopy(DEFAULTS)
    cfg.update(copy.deepcopy(raw))

    parse_term(cfg["response"], "stirpat.response")
    regs = cfg["regressors"]
    if not isinstance(regs, dict) or not regs:
        raise StudyError(
            'regressors must be a table of name = "variable[scope]"',
            file="study.toml",
            key="stirpat.regressors",
        )
    for name, spec in regs.items():
        if not _NAME.match(str(name)) or name == "const":
            raise StudyError(
                f"regressor name '{name}' is not a plain identifier (or is 'const')",
                file="study.toml",
                key=f"stirpat.regressors.{name}",
                fix="use a name like lnP",
            )
        parse_term(spec, f"stirpat.regressors.{name}")

    k = cfg["k"]
    if isinstance(k, str):
        key = k.strip().lower()
        if key == "auto":
            key = "trace"
        if key not in RULES:
            raise StudyError(
                f"unknown k rule '{k}'",
                file="study.toml",
                key="stirpat.k",
                fix="use a number >= 0 or one of: trace, hkb, lw, gcv",
            )
        cfg["k"] = key
    elif not _is_number(k) or not math.isfinite(k) or k < 0:
        raise StudyError(
            f"k must be a number >= 0 or a rule name, got {k!r}",
            file="study.toml",
            key="stirpat.k",
        )
    else:
        cfg["k"] = float(k)

    grid = cfg["k_grid"]
    if (
        not isinstance(grid, list)
        or len(grid) != 3
        or not all(_is_number(v) and math.isfinite(v) for v in grid)
        or not (0 <= grid[0] < grid[1] and grid[2] > 0)
        or (grid[1] - grid[0]) / grid[2] > 100000
    ):
        raise StudyError(
            f"k_grid must be [start, stop, step] with 0 <= start < stop, step > 0, got {grid!r}",
            file="study.toml",
            key="stirpat.k_grid",
        )
    cfg["k_grid"] = [float(v) for v in grid]

    tol = cfg["trace_tol"]
    if not _is_number(tol) or not (0 < tol < 1):
        raise StudyError(
            f"trace_tol must be a number between 0 and 1, got {tol!r}",
            file="study.toml",
            key="stirpat.trace_tol",
        )
    cfg["trace_tol"] = float(tol)

    boot = cfg["bootstrap"]
    if isinstance(boot, bool) or not isinstance(boot, int) or boot < 0:
        raise StudyError(
            f"bootstrap must be a whole number >= 0 (0 = off), got {boot!r}",
            file="study.toml",
            key="stirpat.bootstrap",
        )
    if not isinstance(cfg["panel"], bool):
        raise StudyError(
            f"panel must be true or false, got {cfg['panel']!r}",
            file="study.toml",
            key="stirpat.panel",
        )
    if cfg["adf_regression"] not in ("c", "ct"):
        raise StudyError(
            f'adf_regression must be "c" or "ct", got {cfg["adf_regression"]!r}',
            file="study.toml",
            key="stirpat.adf_regression",
        )
    return cfg


def _series(
    resolve: Resolver, var: str, scope: str, years: list[int], key: str, text: str
) -> np.ndarray:
    s = resolve(var, scope)
    s = s.reindex(years)
    missing = [
        int(y) for y, v in zip(years, s.to_numpy(dtype=float), strict=True) if not np.isfinite(v)
    ]
    if missing:
        raise StudyError(
            f"{var}[{scope}] has no value for {', '.join(map(str, missing))} (in {text})",
            file="study.toml",
            key=key,
            fix="fill the data for those years or restrict the study years",
        )
    vals = s.to_numpy(dtype=float)
    if var in ENERGY_VARIABLES:
        vals = vals / GJ_PER_TCE
    return vals


def _log_term(
    resolve: Resolver, term: Term, years: list[int], key: str, scope_map: dict[str, str]
) -> np.ndarray:
    """ln of a term; non-positive values raise a StudyError naming year and variable."""
    parts = [term.num] + ([term.den] if term.den else [])
    logs = []
    for var, scope in parts:
        scope = scope_map.get(scope, scope)
        vals = _series(resolve, var, scope, years, key, term.text)
        bad = np.flatnonzero(vals <= 0)
        if bad.size:
            i = int(bad[0])
            raise StudyError(
                f"{var}[{scope}] is {vals[i]:g} in {years[i]}; its logarithm is undefined",
                file="study.toml",
                key=key,
                fix="correct the data or choose a positive variable",
            )
        logs.append(np.log(vals))
    return logs[0] - logs[1] if len(logs) == 2 else logs[0]


def _design(
    cfg: dict, resolve: Resolver, years: list[int], scope_map: dict[str, str] | None = None
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    scope_map = scope_map or {}
    y = _log_term(
        resolve,
        parse_term(cfg["response"], "stirpat.response"),
        years,
        "stirpat.response",
        scope_map,
    )
    names = list(cfg["regressors"])
    cols = [
        _log_term(
            resolve,
            parse_term(cfg["regressors"][nm], f"stirpat.regressors.{nm}"),
            years,
            f"stirpat.regressors.{nm}",
            scope_map,
        )
        for nm in names
    ]
    return y, np.column_stack(cols), names


@dataclass(frozen=True)
class StirpatResults:
    """Everything the STIRPAT analysis produced, JSON-ready via ``to_dict()``."""

    specification: dict
    data: list[dict]
    unit_roots: list[dict]
    cointegration: dict
    ols: dict
    ridge: dict
    panel: dict
    warnings: tuple[str, ...] = field(default_factory=tuple)
    #: B of every valid bootstrap resample (resamples x regressors), for scenario intervals
    bootstrap_draws: np.ndarray | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict:
        return jsonable(
            {
                "specification": self.specification,
                "data": self.data,
                "unit_roots": self.unit_roots,
                "cointegration": self.cointegration,
                "ols": self.ols,
                "ridge": self.ridge,
                "panel": self.panel,
                "warnings": list(self.warnings),
            }
        )

    def tables(self) -> dict:
        """``{name: DataFrame}`` for tables/*.csv and the workbook."""
        import pandas as pd

        ur_rows = []
        for rec in self.unit_roots:
            a, kp = rec["adf"], rec["kpss"]
            ur_rows.append(
                {
                    "variable": rec["variable"],
                    "difference": rec["order"],
                    "adf_stat": a.get("stat"),
                    "adf_p_asymptotic": a.get("p_asymptotic"),
                    "adf_lags": a.get("lags"),
                    "adf_crit_5pct_finite_sample": (a.get("crit") or {}).get("5%"),
                    "adf_verdict": a.get("verdict", a.get("status")),
                    "kpss_stat": kp.get("stat"),
                    "kpss_p": kp.get("p"),
                    "kpss_verdict": kp.get("verdict", kp.get("status")),
                }
            )
        out = {
            "stirpat_data": pd.DataFrame(self.data),
            "stirpat_unit_roots": pd.DataFrame(ur_rows),
            "stirpat_ridge": pd.DataFrame(self.ridge.get("coefficients", [])),
            "stirpat_ridge_trace": pd.DataFrame(self.ridge.get("trace", [])),
        }
        if self.ols.get("status", "ok") == "ok":
            out["stirpat_ols"] = pd.DataFrame(self.ols["coefficients"])
        fit = self.ridge.get("fit")
        if fit:
            frame = {
                "year": [r["year"] for r in self.data],
                "actual_log": fit["actual"],
                "predicted_log": fit["predicted"],
                "loo_predicted_log": fit["loo"]["predicted"],
            }
            if fit.get("levels"):
                frame["actual"] = fit["levels"]["actual"]
                frame["predicted"] = fit["levels"]["predicted"]
            out["stirpat_fit"] = pd.DataFrame(frame)
        if self.panel.get("status") == "ok":
            out["stirpat_panel"] = pd.DataFrame(self.panel["coefficients"])
        return out


def _panel(cfg: dict, resolve: Resolver, years: list[int], members: list[str]) -> dict:
    """Fixed-effects panel over member sectors: scope "modern" -> each member's code."""
    if not cfg["panel"]:
        return {"status": "off"}
    if len(members) < 2:
        return {"status": "skipped", "reason": "fewer than two member sectors"}
    ys, Xs, ents = [], [], []
    try:
        for code in members:
            y, X, names = _design(cfg, resolve, years, {"modern": str(code)})
            ys.append(y)
            Xs.append(X)
            ents.extend([str(code)] * len(years))
        res = fit_panel_fe(
            np.concatenate(ys),
            np.vstack(Xs),
            np.array(ents),
            names,
            time=np.tile(np.asarray(years), len(members)),
        )
    except InputError as exc:
        return {"status": "skipped", "reason": exc.one_line()}
    out = res.to_dict()
    out["scope_rule"] = 'scope "modern" in each term is replaced by each member sector'
    out["members"] = [str(m) for m in members]
    return out


def run_stirpat(
    config: dict,
    resolve: Callable[[str, str], object],
    years: list[int],
    members: list[str],
    seed: int,
) -> StirpatResults:
    """Run the full STIRPAT analysis for one study (see module docstring).

    ``resolve(variable, scope)`` returns a year-indexed float Series in canonical units.
    """
    cfg = validate_config(config)
    years = [int(y) for y in years]
    y, X, names = _design(cfg, resolve, years)
    try:  # too few years, a constant or perfectly collinear regressor: name the key
        validate_design(y, X, names)
    except InputError as exc:
        fix = exc.fix
        if "collinear" in exc.message:  # ridge cannot identify an exact linear dependence
            fix = "drop a redundant regressor from [stirpat.regressors]"
        raise StudyError(exc.message, file="study.toml", key="stirpat.regressors", fix=fix) from exc
    n, p = X.shape
    warnings: list[str] = []
    if n < SHORT_SERIES:
        warnings.append(LOW_POWER_WARNING.format(limit=SHORT_SERIES, n=n))

    series = {"lnC": y} | {nm: X[:, j] for j, nm in enumerate(names)}
    unit_roots = unit_root_table(series, regression=cfg["adf_regression"])
    coint = engle_granger(y, X)
    if coint["status"] != "ok":
        warnings.append(
            f"Engle-Granger cointegration: {coint['status']} ({n} years, {p} regressors); "
            "no statistic is reported."
        )

    try:
        ols = {"status": "ok", **fit_ols(y, X, names).to_dict()}
    except InputError as exc:
        ols = {"status": "not computed", "reason": exc.one_line()}
        warnings.append(f"OLS not computed: {exc.one_line()}.")

    grid = k_grid(*cfg["k_grid"])
    trace = ridge_trace(y, X, names, grid)
    choice = choose_k(y, X, cfg["k"], trace=trace, tol=cfg["trace_tol"])
    fit = fit_ridge(y, X, choice.k, names)
    ci = None
    if cfg["bootstrap"] > 0:
        ci = bootstrap_ridge(y, X, choice.k, replications=cfg["bootstrap"], seed=seed)
        if ci.valid < ci.replications:
            warnings.append(
                f"{ci.replications - ci.valid} of {ci.replications} bootstrap resamples had "
                "a constant column and were skipped."
            )
    loo = loo_predictions(y, X, choice.k)
    check_log = check_fit(y, fit.fitted, loo)
    check_lvl = check_fit(np.exp(y), np.exp(fit.fitted), np.exp(loo))
    fit_dict = {"scale": "log", **fit_check_dict(check_log), "levels": fit_check_dict(check_lvl)}
    for note in choice.notes:
        warnings.append(note[0].upper() + note[1:] + ".")
    warnings.append(
        "Ridge t and p-values treat k as fixed and ignore the bias ridge introduces; "
        "read them together with the bootstrap intervals."
    )
    elast = ", ".join(f"{nm} {fit.b[j]:.3f}" for j, nm in enumerate(names))
    warnings.append(
        "In this log-log model the elasticities are the unstandardized coefficients B "
        f"({elast}), not the standardized Beta."
    )
    warnings.append(
        "On the log scale the mean residual is zero by construction, so the paired t-test "
        "of predicted vs actual is informative only on levels (fit.levels)."
    )
    ridge = {
        "k": choice.k,
        "k_rule": choice.rule,
        "k_candidates": choice.candidates,
        "k_mass_lambda": {"hkb": choice.hkb_lambda, "lw": choice.lw_lambda},
        "trace_rule": choice.trace_rule,
        "trace_stable_within_grid": choice.trace_stable,
        "k_convention": k_convention(n, choice.k),
        "coefficients": coefficient_records(fit, ci),
        "r2": fit.r2,
        "adj_r2": fit.adj_r2,
        "f": fit.f,
        "f_p": fit.f_p,
        "df_model": p,
        "df_resid": fit.df_resid,
        "trace": trace.records(),
        "vif_trace": trace.vif_records(),
        "gcv": [{"k": float(k), "gcv": g} for k, g in zip(trace.k, choice.gcv, strict=True)],
        "bootstrap": {
            "replications": cfg["bootstrap"],
            "valid": None if ci is None else ci.valid,
            "level": None if ci is None else ci.level,
            "method": "case resampling, percentile intervals, k fixed",
            "seed": seed,
        },
        "fit": fit_dict,
    }
    data = [
        {"year": yr, "lnC": float(y[i]), **{nm: float(X[i, j]) for j, nm in enumerate(names)}}
        for i, yr in enumerate(years)
    ]
    spec = {
        "response": {"name": "lnC", "term": cfg["response"]},
        "regressors": [{"name": nm, "term": cfg["regressors"][nm]} for nm in names],
        "energy_unit": "energy variables expressed in tce (GJ / 29.3076)",
        "n": n,
        "years": years,
    }
    return StirpatResults(
        specification=spec,
        data=data,
        unit_roots=unit_roots,
        cointegration=coint,
        ols=ols,
        ridge=ridge,
        panel=_panel(cfg, resolve, years, members),
        warnings=tuple(warnings),
        bootstrap_draws=None if ci is None else ci.draws,
    )
