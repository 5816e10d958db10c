"""Study-level step of the low-carbon development index: :func:`run`.

Evaluates every indicator (parsed once in :class:`~carbonpath.index.settings.Indicator`)
through the study's scope resolver, normalises (paper section 3.3.2), weights (eqs. 2-5
or an alternative), aggregates (eq. 6, subsystems, TOPSIS, coupling coordination,
obstacle degree), runs the robustness analysis and, for ``unit = "sector"`` or
``"region"``, the pooled panel index with ranks and coverage.  The methods live in
``normalise``, ``weights``, ``composite``, ``robustness`` and ``panel``; this module
only feeds them and turns their errors into located study errors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from carbonpath.core import expr as expr_mod
from carbonpath.core.errors import InputError, StudyError
from carbonpath.core.evaluate import evaluate
from carbonpath.index.composite import (
    composite_scores,
    coupling_coordination,
    obstacle_degree,
    subsystem_scores,
    topsis_closeness,
)
from carbonpath.index.normalise import Normalised, normalise
from carbonpath.index.panel import panel_index
from carbonpath.index.results import (
    IndexEcho,
    IndexResults,
    PanelIndex,
    Sensitivity,
    SensitivityEcho,
    SeriesCoverage,
)
from carbonpath.index.robustness import bootstrap_entropy_weights, monte_carlo
from carbonpath.index.settings import OBJECTIVE_METHODS, IndexSettings, Indicator
from carbonpath.index.weights import WeightResult, compute_weights

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Resolve", "Where", "effective_unit", "evaluate_indicators", "run"]

FILE = "study.toml"
SUBSYSTEM_WEIGHTS = "global weights renormalised within each subsystem"

#: ``resolve(variable, scope)`` -> a year-indexed float Series (study.resolver.Resolver)
Resolve = Callable[[str, str], "pd.Series"]


class StudyView(Protocol):
    """What the step reads from the loaded study."""

    @property
    def years(self) -> list[int]: ...  # pragma: no cover

    @property
    def members(self) -> list[str]: ...  # pragma: no cover

    @property
    def seed(self) -> int: ...  # pragma: no cover


def _located(exc: InputError, key: str) -> StudyError:
    return StudyError(exc.message, file=FILE, key=key, fix=exc.fix)


# -------------------------------------------------------------------- indicators
@dataclass(frozen=True)
class Where:
    """Which unit an evaluation is for: ``swap`` replaces scope ``modern`` (a sector
    panel), ``label`` is added to messages, e.g. " (sector 39)"."""

    label: str = ""
    swap: str | None = None
    strict: bool = True


def _evaluate_one(
    ind: Indicator, key: str, resolve: Resolve, years: list[int], where: Where
) -> pd.Series:
    """One indicator over ``years``; errors name the indicator (and unit) and the key."""
    tree = ind.tree
    if where.swap is not None:
        tree = expr_mod.replace_scope(tree, "modern", where.swap)
    name = ind.name
    label = f"indicator '{name}'{where.label}"
    try:
        s = evaluate(tree, resolve, years=years, name=name)
    except InputError as exc:
        msg = exc.message
        if not msg.startswith("indicator '"):
            msg = f"indicator '{name}': {msg}"
        if where.label:
            msg = msg.replace(f"indicator '{name}'", label, 1)
        raise StudyError(msg, file=FILE, key=key, fix=exc.fix) from None
    return s.reindex(years)


def _check_values(
    ind: Indicator, key: str, values: pd.Series, years: list[int], where: Where
) -> None:
    """A study year without a finite value is an error (a panel keeps NaN: the unit-year
    is dropped and reported; infinities are errors everywhere)."""
    import numpy as np

    label = f"indicator '{ind.name}'{where.label}"
    for y, v in zip(years, values.to_numpy(dtype=float), strict=True):
        if np.isfinite(v) or (np.isnan(v) and not where.strict):
            continue
        if np.isnan(v) and ind.uses_lag:
            fix = f"growth/lag need data for the year(s) before {y}; add them to the study data"
        else:
            fix = "check the variables it uses for that year"
        what = "has no value" if np.isnan(v) else "is not finite"
        raise StudyError(f"{label} {what} for year {y}", file=FILE, key=key, fix=fix)


def evaluate_indicators(
    indicators: Sequence[Indicator],
    resolve: Resolve,
    years: Sequence[int],
    *,
    where: Where | None = None,
) -> pd.DataFrame:
    """The raw indicator matrix: one row per year, one column per indicator."""
    import pandas as pd

    where = where or Where()
    years = list(years)
    cols = {}
    for i, ind in enumerate(indicators, start=1):
        key = f"index.indicators[{i}].expr"
        s = _evaluate_one(ind, key, resolve, years, where)
        _check_values(ind, key, s, years, where)
        cols[ind.name] = s.to_numpy(dtype=float)
    return pd.DataFrame(cols, index=pd.Index(years, name="year"))


# ------------------------------------------------------------------- the index
@dataclass(frozen=True)
class _Core:
    """Normalisation, weights and the alternative weightings of the reported index."""

    norm: Normalised
    wres: WeightResult
    alternatives: dict[str, Any]
    entropy: WeightResult | None
    warnings: list[str]


def _weights(raw: pd.DataFrame, settings: IndexSettings) -> _Core:
    """Normalise, weight with the chosen method, and compute the four objective
    weightings on the same normalised matrix (entropy also gives E_j, D_j)."""
    import numpy as np
    import pandas as pd

    try:
        norm = normalise(raw, settings.directions, settings.normalisation)
    except InputError as exc:
        raise _located(exc, "index.normalisation") from None
    x, eps = norm.values, settings.epsilon
    try:
        wres = compute_weights(x, settings.method, epsilon=eps, user=settings.weights)
    except InputError as exc:
        raise _located(exc, "index.method") from None
    warns = list(wres.warnings)
    alt: dict[str, Any] = {}
    entropy = None
    for m in OBJECTIVE_METHODS:
        try:
            r = compute_weights(x, m, epsilon=eps)
        except InputError as exc:
            alt[m] = pd.Series(np.nan, index=settings.names)
            warns.append(f"alternative weights '{m}' not computed ({exc.message})")
            continue
        alt[m] = r.weights
        if m == "entropy":
            entropy = r
    return _Core(norm, wres, alt, entropy, warns)


def _weights_table(settings: IndexSettings, core: _Core) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    names = settings.names
    w = core.wres.weights
    rank = w.rank(ascending=False, method="min").astype(int)
    diag = core.entropy.diagnostics if core.entropy is not None else None
    excluded = set(core.wres.excluded)
    return pd.DataFrame(
        {
            "indicator": names,
            "label": [d.label for d in settings.indicators],
            "subsystem": [d.subsystem for d in settings.indicators],
            "direction": [d.direction for d in settings.indicators],
            "weight": w.reindex(names).to_numpy(),
            "entropy": diag["entropy"].reindex(names).to_numpy() if diag is not None else np.nan,
            "divergence": diag["divergence"].reindex(names).to_numpy()
            if diag is not None
            else np.nan,
            "rank": rank.reindex(names).to_numpy(),
            "excluded": [n in excluded for n in names],
        }
    )


def _long(frame: pd.DataFrame, var: str, value: str) -> pd.DataFrame:
    """A (year x var) frame as long records year, var, value."""
    return (
        frame.rename_axis("year").reset_index().melt(id_vars="year", var_name=var, value_name=value)
    )


def _subsystems(
    x: pd.DataFrame, w: pd.Series, settings: IndexSettings, warns: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Subsystem scores (weights renormalised within) and their coupling C, T, D."""
    import pandas as pd

    empty_cc = pd.DataFrame(columns=["year", "c", "t", "d"])
    subs = settings.subsystem_names
    if not subs:
        return pd.DataFrame(columns=["year", "subsystem", "score"]), empty_cc
    try:
        u = subsystem_scores(x, w, {d.name: d.subsystem for d in settings.indicators})
    except InputError as exc:
        raise _located(exc, "index.indicators") from None
    if len(subs) < 2:
        warns.append("coupling coordination needs at least 2 subsystems; not computed")
        return _long(u, "subsystem", "score"), empty_cc
    cc = coupling_coordination(u, settings.coupling_alpha)
    for y in cc.index[cc["c"].isna()]:
        warns.append(f"coupling degree undefined in {y}: every subsystem score is 0 (D set to 0)")
    return _long(u, "subsystem", "score"), cc.rename_axis("year").reset_index()


# ------------------------------------------------------------------ sensitivity
def _monte_carlo(raw, settings: IndexSettings, scores, seed: int, warns: list[str]):
    """Monte Carlo summary per year, mean rank shift and its settings (or False)."""
    import pandas as pd

    rob = settings.robustness
    if rob is None:
        return pd.DataFrame(columns=["year"]), None, False
    mc = monte_carlo(
        raw,
        settings.directions,
        baseline=(settings.method, settings.normalisation, settings.epsilon),
        draws=rob.draws,
        seed=seed,
        methods=rob.methods,
        normalisations=rob.normalisations,
        epsilons=rob.epsilons,
        leave_one_out=rob.leave_one_out,
        baseline_scores=scores if settings.method == "user" else None,
    )
    warns.extend(mc.warnings)
    return mc.summary.rename_axis("year").reset_index(), mc.mean_abs_rank_shift, mc.settings


def _intervals(raw, settings: IndexSettings, seed: int) -> pd.DataFrame:
    """Bootstrap (years resampled, seed + 1) intervals of the min-max entropy weights."""
    import pandas as pd

    if settings.bootstrap == 0:
        return pd.DataFrame(columns=["indicator", "weight", "median", "p5", "p95"])
    names, eps = settings.names, settings.epsilon
    bs = bootstrap_entropy_weights(
        raw, settings.directions, draws=settings.bootstrap, seed=seed + 1, epsilon=eps
    )
    minmax = normalise(raw, settings.directions, "minmax").values
    base = compute_weights(minmax, "entropy", epsilon=eps).weights
    return pd.DataFrame(
        {
            "indicator": names,
            "weight": base.reindex(names).to_numpy(),
            "median": bs["median"].reindex(names).to_numpy(),
            "p5": bs["lower"].reindex(names).to_numpy(),
            "p95": bs["upper"].reindex(names).to_numpy(),
        }
    )


def _sensitivity(raw, settings: IndexSettings, scores, seed: int, warns: list[str]) -> Sensitivity:
    per_year, shift, mc_settings = _monte_carlo(raw, settings, scores, seed, warns)
    intervals = _intervals(raw, settings, seed)
    boot = settings.bootstrap
    echo = SensitivityEcho(
        robustness=mc_settings,
        bootstrap=boot,
        bootstrap_seed=seed + 1 if boot else None,
        bootstrap_weights=(
            f"min-max + entropy (epsilon {settings.epsilon:g}), years resampled with "
            "replacement, 5-95 % percentile"
        )
        if boot
        else None,
    )
    return Sensitivity(
        per_year=per_year, mean_abs_rank_shift=shift, weight_intervals=intervals, settings=echo
    )


# ------------------------------------------------------------------------ panel
def _sector_units(study: StudyView, settings: IndexSettings, resolver: Resolve):
    """Sector panel: scope ``modern`` becomes each member sector in turn."""
    members = [str(m) for m in (study.members or [])]
    if not members:
        raise StudyError(
            "panel mode needs the study's member sectors",
            file=FILE,
            key=settings.unit_key,
            fix='define member sectors or set index.unit = "aggregate"',
        )
    return [(m, resolver, Where(f" (sector {m})", swap=m, strict=False)) for m in members]


def _region_units(settings: IndexSettings, units: Mapping[str, Resolve] | None):
    """Region panel: every region's own resolver, expressions unchanged."""
    if not units:
        raise StudyError(
            'unit = "region" needs a study with regions (regions.csv)',
            file=FILE,
            key="index.unit",
            fix='declare the regions (see docs/study-format.md) or set index.unit = "aggregate"',
        )
    return [
        (str(code), res, Where(f" (region {code})", strict=False)) for code, res in units.items()
    ]


def _panel(
    study: StudyView,
    settings: IndexSettings,
    resolver: Resolve,
    units: Mapping[str, Resolve] | None,
    years: list[int],
    unit: str,
) -> PanelIndex | None:
    """The pooled index over unit-years (None for ``unit = "aggregate"``)."""
    import pandas as pd

    if unit == "aggregate":
        return None
    if unit == "sector":
        plan = _sector_units(study, settings, resolver)
    else:
        plan = _region_units(settings, units)
    frames = []
    for code, res, where in plan:
        f = evaluate_indicators(settings.indicators, res, years, where=where)
        f.index = pd.MultiIndex.from_product([[code], f.index], names=[unit, "year"])
        frames.append(f)
    try:
        return panel_index(
            pd.concat(frames),
            settings.directions,
            unit=unit,
            normalisation=settings.normalisation,
            method=settings.method,
            epsilon=settings.epsilon,
            user=settings.weights,
            units=[p[0] for p in plan],
            years=years,
        )
    except InputError as exc:
        raise StudyError(
            f"panel: {exc.message}", file=FILE, key=settings.unit_key, fix=exc.fix
        ) from None


# -------------------------------------------------------------------------- run
def _check_size(settings: IndexSettings, years: list[int]) -> None:
    n = len(settings.indicators)
    if n < 2:
        raise StudyError(
            f"the index needs at least 2 indicators, got {n}",
            file=FILE,
            key="index.indicators",
            fix="add [[index.indicators]] tables",
        )
    if len(years) < 3:
        raise InputError(f"the index needs at least 3 study years, got {len(years)}")


def _values_table(raw: pd.DataFrame, x: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    years = list(raw.index)
    return pd.DataFrame(
        {
            "year": np.repeat(years, len(names)),
            "indicator": names * len(years),
            "value": raw[names].to_numpy().ravel(),
            "normalised": x[names].to_numpy().ravel(),
        }
    )


def _echo(settings, years, seed, core: _Core, sens: Sensitivity, unit: str) -> IndexEcho:
    return IndexEcho(
        normalisation=settings.normalisation,
        method=settings.method,
        epsilon=settings.epsilon,
        years=tuple(years),
        seed=int(seed),
        directions=settings.directions,
        excluded=tuple(core.wres.excluded),
        constant=tuple(core.norm.constant),
        user_weights=settings.weights,
        coupling_alpha=settings.coupling_alpha,
        subsystem_weights=SUBSYSTEM_WEIGHTS,
        panel=settings.panel,
        sensitivity=sens.settings,
        unit=unit,
    )


def effective_unit(settings: IndexSettings, panel_study: bool) -> str:
    """The unit of observation: as written in study.toml; without ``unit`` (and
    without ``panel = true``) "region" in a panel study, "aggregate" otherwise."""
    if panel_study and "unit" not in settings.model_fields_set and not settings.panel:
        return "region"
    return settings.unit


def _aggregate(
    settings: IndexSettings, resolver: Resolve, years: list[int], panel_study: bool
) -> tuple[pd.DataFrame, SeriesCoverage]:
    """The raw matrix of the reported (time-series) index and its coverage.

    In a panel study ``resolver`` reads the sum of all regions; a year in which the
    sum is incomplete (a region lacks data) is dropped and listed, never filled.
    """
    import numpy as np
    import pandas as pd

    where = Where(" (sum of regions)", strict=False) if panel_study else None
    raw = evaluate_indicators(settings.indicators, resolver, years, where=where)
    label = "sum of regions" if panel_study else "aggregate"
    bad = raw.isna().any(axis=1).to_numpy()
    reasons = [
        "no value for indicator(s) "
        + ", ".join(c for c in raw.columns if np.isnan(raw.loc[y, c]))
        + " (the sum over regions is incomplete in this year)"
        for y in raw.index[bad]
    ]
    kept = raw.loc[~bad]
    cov = SeriesCoverage(
        unit="aggregate",
        units=(label,),
        years=tuple(int(y) for y in kept.index),
        rows_used=len(kept),
        rows_possible=len(raw),
        balanced=not bad.any(),
        units_dropped=(),
        dropped=pd.DataFrame(
            {
                "unit": [label] * int(bad.sum()),
                "year": raw.index[bad].astype(int),
                "reason": reasons,
            }
        ),
    )
    if len(kept) < 3:
        raise StudyError(
            f"the index of the {label} has {len(kept)} complete year(s); at least 3 are needed",
            file=FILE,
            key="index.indicators",
            fix="add the missing data or restrict the study years",
        )
    return kept, cov


def run(
    study: StudyView,
    settings: IndexSettings,
    *,
    resolver: Resolve,
    units: Mapping[str, Resolve] | None = None,
) -> IndexResults:
    """Compute the low-carbon development index of ``study`` for its years.

    ``resolver`` evaluates the indicators of the reported (aggregate) index; it may
    return years before the first study year (read by lag/growth).  ``units`` maps each
    region code to that region's resolver (given for a panel study, where ``resolver``
    reads the sum of all regions) and is used when the unit is "region" (the panel over
    region-years, the default of a panel study); a sector panel (``unit = "sector"``)
    evaluates ``modern`` as each of ``study.members``.  ``study.seed`` drives the
    Monte Carlo (seed) and the bootstrap (seed + 1).
    """
    import pandas as pd

    years = sorted({int(y) for y in study.years})
    _check_size(settings, years)
    seed = int(study.seed)
    unit = effective_unit(settings, units is not None)
    raw, cov = _aggregate(settings, resolver, years, units is not None)
    years_used = [int(y) for y in raw.index]
    core = _weights(raw, settings)
    warns = core.warnings
    if not cov.balanced:
        warns.append(
            f"index: {cov.rows_possible - cov.rows_used} of {cov.rows_possible} years of the "
            f"{cov.units[0]} dropped for missing values (see index.coverage)"
        )
    x, w = core.norm.values, core.wres.weights
    scores = composite_scores(x, w)
    subsystems, coupling = _subsystems(x, w, settings, warns)
    sens = _sensitivity(raw, settings, scores, seed, warns)
    panel = _panel(study, settings, resolver, units, years, unit)
    if panel is not None:
        warns.extend(panel.warnings)
    names = settings.names
    return IndexResults(
        weights=_weights_table(settings, core),
        scores=pd.DataFrame({"year": years_used, "score": scores.to_numpy()}),
        subsystems=subsystems,
        coupling=coupling,
        topsis=pd.DataFrame({"year": years_used, "closeness": topsis_closeness(x, w).to_numpy()}),
        obstacles=_long(obstacle_degree(x, w), "indicator", "obstacle"),
        alternative_weights=pd.DataFrame(
            {
                "indicator": names,
                **{m: a.reindex(names).to_numpy() for m, a in core.alternatives.items()},
            }
        ),
        sensitivity=sens,
        indicator_values=_values_table(raw, x, names),
        settings=_echo(settings, years_used, seed, core, sens, unit),
        warnings=tuple(dict.fromkeys(warns)),
        panel=panel,
        coverage=cov,
        raw=raw,
        normalised=x,
        weight_result=core.wres,
    )
