"""Study-level STIRPAT driver analysis (the reference paper's eq. 9, its errors corrected).

``ln C = b0 + b1 ln P + b2 ln A + b3 ln T + b4 ln RE + e`` by default, with
C = co2[modern], P = employment[modern], A = output_value[modern],
T = output_value[modern] / energy[modern] (energy expressed in tce, so T is yuan per
tce; the slope B is the same in any unit), RE = rd_expenditure[modern].

:func:`run` reads the terms through the resolver, then runs the unit-root tests, the
Engle-Granger test, OLS, the SPSS-convention ridge with every k rule, the bootstrap, the
predicted-vs-actual check, the elasticity sensitivity to the k rule, the identity check
and the panel model across member sectors (each member is an entity).  The ridge part
is in :mod:`carbonpath.stirpat.ridge_step`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from carbonpath.core.errors import InputError, StudyError
from carbonpath.core.evaluate import check_currencies
from carbonpath.core.units import TCE_GJ
from carbonpath.stirpat.cointegration import engle_granger
from carbonpath.stirpat.design import validate_design
from carbonpath.stirpat.errors import CollinearityError
from carbonpath.stirpat.identity import check_identity
from carbonpath.stirpat.ols import fit_ols
from carbonpath.stirpat.panel import fit_panel
from carbonpath.stirpat.regions import run_regions
from carbonpath.stirpat.results import (
    PanelOff,
    Skipped,
    Specification,
    StirpatCoverage,
    StirpatResults,
    TermSpec,
)
from carbonpath.stirpat.ridge_step import fit_table, ridge_results
from carbonpath.stirpat.settings import RESPONSE_NAME, StirpatSettings, Term
from carbonpath.stirpat.unitroot import (
    LOW_POWER_WARNING,
    SHORT_SERIES,
    unit_root_frame,
    unit_root_table,
)
from carbonpath.stirpat.words import glossary

__all__ = ["ENERGY_VARIABLES", "GJ_PER_TCE", "run", "run_arrays"]

GJ_PER_TCE = TCE_GJ
#: variables held in GJ that STIRPAT expresses in tce for readable levels
ENERGY_VARIABLES = frozenset({"energy", "energy_total", "electricity"})
ENERGY_UNIT = f"energy variables expressed in tce (GJ / {TCE_GJ:g})"
PANEL_SCOPE_RULE = 'scope "modern" in each term is replaced by each member sector'

Resolver = Callable[[str, str], pd.Series]


def _series(resolve: Resolver, var: str, scope: str, years: list[int], key: str, text: str):
    values = resolve(var, scope).reindex(years).to_numpy(dtype=float)
    missing = [y for y, v in zip(years, values, strict=True) if not np.isfinite(v)]
    if missing:
        raise StudyError(
            f"{var}[{scope}] has no value for {', '.join(map(str, missing))} (in {text})",
            file="study.toml",
            key=key,
            fix="fill the data for those years or restrict the study years",
        )
    return values / GJ_PER_TCE if var in ENERGY_VARIABLES else values


def _log_term(
    resolve: Resolver, term: Term, years: list[int], key: str, scope_map: dict[str, str]
) -> np.ndarray:
    """ln of a term; a non-positive value raises a StudyError naming year and variable."""
    logs = []
    for var, scope in term.parts():
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
    settings: StirpatSettings,
    resolve: Resolver,
    years: list[int],
    scope_map: dict[str, str] | None = None,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    scope_map = scope_map or {}
    y = _log_term(resolve, settings.response, years, "stirpat.response", scope_map)
    names = list(settings.regressors)
    cols = [
        _log_term(resolve, term, years, f"stirpat.regressors.{nm}", scope_map)
        for nm, term in settings.regressors.items()
    ]
    return y, np.column_stack(cols), names


def _check_design(y: np.ndarray, X: np.ndarray, names: list[str]) -> None:
    """Too few years, a constant or perfectly collinear regressor: name the key."""
    try:
        validate_design(y, X, names)
    except InputError as exc:
        fix = exc.fix
        if isinstance(exc, CollinearityError):  # ridge cannot identify an exact dependence
            fix = "drop a redundant regressor from [stirpat.regressors]"
        raise StudyError(exc.message, file="study.toml", key="stirpat.regressors", fix=fix) from exc


def _panel(
    settings: StirpatSettings, resolve: Resolver, years: list[int], members: Sequence[str]
) -> Any:
    """The panel over member sectors: scope "modern" -> each member's code (an entity)."""
    if not settings.panel:
        return PanelOff()
    if len(members) < 2:
        return Skipped("skipped", "fewer than two member sectors")
    ys, Xs, ents = [], [], []
    try:
        for code in members:
            y, X, names = _design(settings, resolve, years, {"modern": str(code)})
            ys.append(y)
            Xs.append(X)
            ents.extend([str(code)] * len(years))
        res = fit_panel(
            np.concatenate(ys),
            np.vstack(Xs),
            np.array(ents),
            np.tile(np.asarray(years), len(members)),
            names,
            effects=settings.effects,
            cov=settings.cov,
            bandwidth=None if settings.bandwidth == "auto" else settings.bandwidth,
            identity_tol=settings.identity_tol,
        )
    except InputError as exc:
        return Skipped("skipped", exc.one_line())
    return replace(
        res,
        scope_rule=PANEL_SCOPE_RULE,
        members=tuple(str(m) for m in members),
        labels=settings.all_labels(),
    )


def _check_bandwidth(settings: StirpatSettings, periods: int) -> None:
    """A Driscoll-Kraay bandwidth must be below the number of periods (years)."""
    bw = settings.bandwidth
    if settings.cov == "driscoll-kraay" and bw != "auto" and bw >= periods:
        raise StudyError(
            f"the Driscoll-Kraay bandwidth {bw} is not below the number of years ({periods})",
            file="study.toml",
            key="stirpat.bandwidth",
            fix=f'use a bandwidth from 0 to {periods - 1}, or "auto"',
        )


def _ols(y: np.ndarray, X: np.ndarray, names: list[str], settings, warnings: list[str]):
    try:
        res = fit_ols(y, X, names)
    except InputError as exc:
        warnings.append(f"OLS not computed: {exc.one_line()}.")
        return Skipped("not computed", exc.one_line())
    return replace(res, response=RESPONSE_NAME, labels=settings.all_labels())


def _specification(settings: StirpatSettings, years: list[int]) -> Specification:
    return Specification(
        response=TermSpec(RESPONSE_NAME, settings.response.text, settings.label(RESPONSE_NAME)),
        regressors=tuple(
            TermSpec(nm, term.text, settings.label(nm)) for nm, term in settings.regressors.items()
        ),
        energy_unit=ENERGY_UNIT,
        n=len(years),
        years=tuple(years),
    )


def _data(years: list[int], y: np.ndarray, X: np.ndarray, names: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame({"year": np.asarray(years, dtype=np.int64), RESPONSE_NAME: y})
    for j, nm in enumerate(names):
        frame[nm] = X[:, j]
    return frame


def _early_warnings(n: int, p: int, coint) -> list[str]:
    out = []
    if n < SHORT_SERIES:
        out.append(LOW_POWER_WARNING.format(limit=SHORT_SERIES, n=n))
    if coint.status != "ok":
        out.append(
            f"Engle-Granger cointegration: {coint.status} ({n} years, {p} regressors); "
            "no statistic is reported."
        )
    return out


def run_arrays(
    settings: StirpatSettings,
    resolve: Resolver,
    years: Sequence[int],
    members: Sequence[str],
    seed: int,
) -> StirpatResults:
    """The analysis on a resolver, study years, member sectors and seed (see :func:`run`)."""
    years = [int(yr) for yr in years]
    if settings.panel:
        _check_bandwidth(settings, len(years))
    y, X, names = _design(settings, resolve, years)
    _check_design(y, X, names)
    n, p = X.shape
    coint = engle_granger(y, X)
    warnings = _early_warnings(n, p, coint)
    ols = _ols(y, X, names, settings, warnings)
    identity = check_identity(y - y.mean(), X - X.mean(axis=0), names, tol=settings.identity_tol)
    ridge, draws = ridge_results(y, X, names, settings, seed, warnings, identity)
    panel = _panel(settings, resolve, years, members)
    for ident in (identity, getattr(panel, "identity", None)):
        if ident is not None and ident.holds:
            where = "" if ident is identity else "Panel model: "
            warnings.append(where + ident.message)
    rows = unit_root_table(
        {RESPONSE_NAME: y} | {nm: X[:, j] for j, nm in enumerate(names)},
        regression=settings.adf_regression,
    )
    return StirpatResults(
        specification=_specification(settings, years),
        data=_data(years, y, X, names),
        unit_roots=rows,
        cointegration=coint,
        ols=ols,
        ridge=ridge,
        panel=panel,
        warnings=tuple(warnings),
        labels=pd.Series(settings.all_labels(), dtype=object),
        identity=identity,
        unit_roots_table=unit_root_frame(rows),
        fit_table=fit_table(years, ridge.fit),
        bootstrap_draws=draws,
    )


def _complete_years(
    settings: StirpatSettings, resolve: Resolver, years: list[int]
) -> tuple[list[int], pd.DataFrame]:
    """The years in which every term has a value (a panel study's sum of regions), and
    the others with the reason."""
    terms = [settings.response, *settings.regressors.values()]
    why: dict[int, list[str]] = {}
    for term in terms:
        for var, scope in term.parts():
            values = resolve(var, scope).reindex(years)
            for y in values.index[values.isna()]:
                why.setdefault(int(y), []).append(f"{var}[{scope}] has no value")
    dropped = pd.DataFrame(
        [{"unit": "sum of regions", "year": y, "reason": "; ".join(r)} for y, r in why.items()],
        columns=["unit", "year", "reason"],
    )
    return [y for y in years if y not in why], dropped.sort_values("year", kind="stable")


def _series_coverage(label: str, years: list[int], used: list[int], dropped) -> StirpatCoverage:
    return StirpatCoverage(
        unit="aggregate",
        units=(label,),
        years=tuple(used),
        rows_used=len(used),
        rows_possible=len(years),
        balanced=len(used) == len(years),
        units_dropped=(),
        dropped=dropped.reset_index(drop=True),
    )


def _check_currencies(settings: StirpatSettings, resolver: Resolver) -> None:
    """A ratio term whose two variables are in different currencies is an error."""
    currency_of = getattr(resolver, "currency", None)
    terms = {"response": settings.response} | {
        f"regressors.{nm}": t for nm, t in settings.regressors.items()
    }
    for key, term in terms.items():
        try:
            check_currencies(term.parts(), currency_of, f"term '{term.text}'")
        except InputError as exc:
            raise StudyError(
                exc.message, file="study.toml", key=f"stirpat.{key}", fix=exc.fix
            ) from None


def _run_regions(settings: StirpatSettings, units, years: list[int], seed: int):
    if units is None:
        raise StudyError(
            'unit = "region" needs a study with regions (regions.csv)',
            file="study.toml",
            key="stirpat.unit",
            fix='declare the regions (see docs/study-format.md) or set unit = "aggregate"',
        )
    if settings.cov == "driscoll-kraay":
        _check_bandwidth(settings, len(years))
    try:
        return run_regions(
            settings, units, years, seed, energy=ENERGY_VARIABLES, gj_per_tce=GJ_PER_TCE
        )
    except InputError as exc:
        if isinstance(exc, StudyError):
            raise
        raise StudyError(
            f"panel over regions: {exc.message}",
            file="study.toml",
            key="stirpat.regressors",
            fix=exc.fix,
        ) from None


def run(
    study: Any,
    settings: StirpatSettings,
    *,
    resolver: Resolver,
    units: Mapping[str, Resolver] | None = None,
) -> StirpatResults:
    """The STIRPAT step: ``study`` gives the years, the member sectors and the seed;
    ``resolver(variable, scope)`` a year-indexed float Series in canonical units.

    ``units`` (a panel study) maps each region code to its resolver, and ``resolver``
    then reads the sum of all regions.  The unit of observation is
    ``settings.effective_unit``: "region" runs :func:`carbonpath.stirpat.regions.run_regions`;
    "aggregate" and "sector" the time series (of the sum of regions in a panel study,
    on the years where it is complete), with the panel over member sectors when
    ``panel`` is on or the unit is "sector".
    """
    years = [int(y) for y in study.years]
    _check_currencies(settings, resolver)
    unit = settings.effective_unit(units is not None)
    if unit == "region":
        return _run_regions(settings, units, years, int(study.seed))
    label = "sum of regions" if units is not None else "aggregate"
    used, dropped = (
        _complete_years(settings, resolver, years)
        if units is not None
        else (years, pd.DataFrame(columns=["unit", "year", "reason"]))
    )
    if unit == "sector" and not settings.panel:
        settings = settings.model_copy(update={"panel": True})
    res = run_arrays(settings, resolver, used, study.members, study.seed)
    names = [RESPONSE_NAME, *settings.regressors]
    warnings = res.warnings
    if len(used) < len(years):
        warnings = (
            *warnings,
            f"stirpat: {len(years) - len(used)} of {len(years)} years of the {label} dropped "
            "(see stirpat.coverage)",
        )
    return replace(
        res,
        unit=unit,
        coverage=_series_coverage(label, years, used, dropped),
        glossary=glossary(settings, names),
        warnings=warnings,
    )
