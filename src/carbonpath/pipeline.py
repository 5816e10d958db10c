"""Run a study: every configured analysis in order, feeding each the study's data.

Order: emissions -> index -> stirpat -> decomposition -> decoupling -> targets ->
scenarios.  A step
whose inputs are absent (e.g. no energy data in inventory mode, no [stirpat] section)
is skipped with the reason recorded in ``results.skipped``; nothing is faked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from carbonpath.core.errors import InputError, StudyError
from carbonpath.core.steps import STEPS
from carbonpath.results import Results
from carbonpath.study import StudyData
from carbonpath.study import load_study as _load_data
from carbonpath.study.resolver import Resolver


def _blocking_error(study: StudyData) -> StudyError:
    first = study.blocking[0]
    more = len(study.blocking) - 1
    where = []
    if first.get("year") is not None:
        where.append(f"year {first['year']}")
    if first.get("sector"):
        where.append(f"sector {first['sector']}")
    if first.get("variable"):
        where.append(str(first["variable"]))
    text = first["message"]
    if where:
        text = f"{', '.join(where)}: {text}"
    if more:
        text += f" (and {more} more error{'s' if more > 1 else ''})"
    return StudyError(
        text,
        file=first.get("file"),
        row=first.get("line"),
        column="value",
        fix="correct the value or add a row to corrections.csv with a reason; "
        "`carbonpath check` lists every finding",
    )


def check_steps(names: list[str], prefix: str = "") -> None:
    """Refuse step names that are not in :data:`STEPS` (``prefix`` names the option)."""
    for name in names:
        if name not in STEPS:
            from carbonpath.core.errors import suggest

            raise InputError(
                f"{prefix}unknown step '{name}'{suggest(name, STEPS)}",
                fix=f"choose from {', '.join(STEPS)}",
            )


@dataclass
class RunContext:
    """What a step adapter sees: the study, the resolver and the earlier steps' results."""

    study: StudyData
    resolver: Resolver
    results: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One analysis of the registry.

    ``skip(study)`` gives the reason the step cannot run (its section or its data is
    absent) or None; ``run(ctx)`` returns the step's results object.  ``needs`` names
    earlier steps whose results ``run`` reads (they are computed even when not asked
    for, and reported only when asked for).
    """

    name: str
    run: Callable[[RunContext], Any]
    skip: Callable[[StudyData], str | None]
    needs: tuple[str, ...] = ()


def _skip_never(study: StudyData) -> str | None:
    return None


def _run_emissions(ctx: RunContext) -> Any:
    from carbonpath.accounting.step import run as run_accounting

    study = ctx.study
    acc = run_accounting(study, study.settings.accounting, factors=study.factors, seed=study.seed)
    ctx.resolver = ctx.resolver.with_co2(acc.by_sector)
    return acc


def _skip_index(study: StudyData) -> str | None:
    if not study.settings.index.indicators:
        return "study.toml defines no [[index.indicators]]"
    return None


def _sum_of_regions(resolver: Resolver) -> Callable[[str, str], pd.Series]:
    """``resolve(variable, scope)`` reading a scope without a region part as the sum of
    all regions (``modern`` -> ``*:modern``): the time series of a panel study."""
    from carbonpath.core.scopes import parse_scope

    def resolve(variable: str, scope: str) -> pd.Series:
        parsed = parse_scope(scope)
        return resolver(variable, scope if parsed.crosses_regions else f"*:{scope}")

    resolve.currency = resolver.currency  # type: ignore[attr-defined]
    return resolve


def _region_resolvers(ctx: RunContext) -> dict[str, Any] | None:
    """Each region's resolver in a panel study (None in a one-region study)."""
    if not ctx.study.is_panel:
        return None
    return {code: ctx.resolver.for_region(code) for code in ctx.resolver.regions}


def _run_index(ctx: RunContext) -> Any:
    from carbonpath.index.step import run

    units = _region_resolvers(ctx)
    resolver = _sum_of_regions(ctx.resolver) if units is not None else ctx.resolver
    return run(ctx.study, ctx.study.settings.index, resolver=resolver, units=units)


def _skip_stirpat(study: StudyData) -> str | None:
    if "stirpat" not in study.settings.given:
        return "study.toml has no [stirpat] section"
    return None


def _run_stirpat(ctx: RunContext) -> Any:
    from carbonpath.stirpat.step import run

    units = _region_resolvers(ctx)
    resolver = _sum_of_regions(ctx.resolver) if units is not None else ctx.resolver
    return run(ctx.study, ctx.study.settings.stirpat, resolver=resolver, units=units)


def _member_output(study: StudyData) -> pd.DataFrame:
    from carbonpath.decomposition.step import member_output

    return member_output(study.economy, study.members, study.years)


def _skip_decomposition(study: StudyData) -> str | None:
    if study.settings.decomposition.identity.kind != "sectoral":
        return None
    if _member_output(study)["value"].notna().sum() == 0:
        return (
            "no output_value in economy.csv: the activity and structure effects "
            'need output by sector (identity = "kaya" or a list of factors needs none)'
        )
    return None


def _run_decomposition(ctx: RunContext) -> Any:
    from carbonpath.accounting.emissions import activity_gj
    from carbonpath.decomposition import step as decomposition

    study = ctx.study
    return decomposition.run(
        study,
        study.settings.decomposition,
        resolver=ctx.resolver,
        co2_by_fuel=ctx.results["emissions"].by_fuel,
        energy_to_gj=lambda energy: activity_gj(energy, study.factors),
    )


def _skip_decoupling(study: StudyData) -> str | None:
    if not study.settings.decomposition.decoupling.enabled:
        return "[decomposition.decoupling] enabled = false"
    return _skip_decomposition(study)


def _run_decoupling(ctx: RunContext) -> Any:
    """Tapio decoupling of the decomposition's units, with the LMDI decoupling effort."""
    from carbonpath.pathways import step as pathways

    dec = ctx.results["decomposition"]
    return pathways.run_decoupling(
        resolver=ctx.resolver,
        totals=dec.totals,
        effects=dec.effects,
        keys=dec.keys,
        periods=dec.periods,
        driver=ctx.study.settings.decomposition.decoupling.driver,
        panel=ctx.study.is_panel,
    )


def _skip_targets(study: StudyData) -> str | None:
    return None if study.settings.targets.targets else "study.toml declares no [[targets]]"


def _run_targets(ctx: RunContext) -> Any:
    """Feed each target the CO2 and output-value series of its scope."""
    from carbonpath.pathways import step as pathways

    study = ctx.study
    return pathways.run_targets(study, study.settings.targets, resolver=ctx.resolver)


def _skip_scenarios(study: StudyData) -> str | None:
    return _skip_stirpat(study) and "scenarios need the STIRPAT model ([stirpat])"


def _run_scenarios(ctx: RunContext) -> Any:
    """Project with the fitted ridge elasticities (B) and the bootstrap draws."""
    from carbonpath.pathways import step as pathways

    cfg = ctx.study.settings
    stirpat = ctx.results["stirpat"]
    if ctx.study.is_panel:
        return _run_region_scenarios(ctx)
    elasticities = stirpat.ridge.params.drop("const").astype(float)
    drivers = stirpat.data.set_index("year")[list(elasticities.index)]
    return pathways.run_scenarios(
        ctx.study,
        cfg.scenarios,
        resolver=ctx.resolver,
        targets=cfg.targets,
        elasticities=elasticities,
        drivers=drivers,
        bootstrap=stirpat.bootstrap_draws,
    )


def _run_region_scenarios(ctx: RunContext) -> Any:
    """A panel's scenarios: every region from its own drivers, and the sum."""
    from carbonpath.pathways import step as pathways

    study, cfg = ctx.study, ctx.study.settings
    b, draws, source, interval = pathways.region_elasticities(
        ctx.results["stirpat"], study.region_codes, seed=study.seed, draws=cfg.stirpat.bootstrap
    )
    return pathways.run_region_scenarios(
        study,
        cfg.scenarios,
        resolver=ctx.resolver,
        terms={name: (t.num, t.den) for name, t in cfg.stirpat.regressors.items()},
        elasticities=b,
        bootstrap=draws,
        source=source,
        interval=interval,
        targets=cfg.targets,
    )


#: the registry, in run order
REGISTRY: tuple[Step, ...] = (
    Step("emissions", _run_emissions, _skip_never),
    Step("index", _run_index, _skip_index, needs=("emissions",)),
    Step("stirpat", _run_stirpat, _skip_stirpat, needs=("emissions",)),
    Step("decomposition", _run_decomposition, _skip_decomposition, needs=("emissions",)),
    Step("decoupling", _run_decoupling, _skip_decoupling, needs=("emissions", "decomposition")),
    Step("targets", _run_targets, _skip_targets, needs=("emissions",)),
    Step("scenarios", _run_scenarios, _skip_scenarios, needs=("emissions", "stirpat")),
)
if tuple(s.name for s in REGISTRY) != STEPS:  # pragma: no cover - a programming error
    raise RuntimeError("pipeline.REGISTRY does not follow core.steps.STEPS")


def _needed(wanted: set[str]) -> set[str]:
    """The wanted steps and every step they need, transitively."""
    by_name = {s.name: s for s in REGISTRY}
    todo, out = list(wanted), set()
    while todo:
        name = todo.pop()
        if name not in out:
            out.add(name)
            todo.extend(by_name[name].needs)
    return out


def run_study(
    study: StudyData,
    only: list[str] | None = None,
    progress: Callable[[str], Any] | None = None,
    allow_errors: bool = False,
) -> Results:
    """Run the study's steps (all, or those in ``only`` and what they need)."""
    check_steps(only or [])
    wanted = set(only) if only else set(STEPS)
    if study.blocking and not allow_errors:
        raise _blocking_error(study)
    resolver = Resolver(
        study.economy,
        study.energy,
        study.sectors,
        regions=study.regions if study.is_panel else None,
    )
    ctx = RunContext(study, resolver)
    needed = _needed(wanted)
    skipped: dict[str, str] = {}
    for step in REGISTRY:
        if step.name not in needed:
            continue
        reason = step.skip(study)
        if reason is not None:
            if step.name in wanted:
                skipped[step.name] = reason
            continue
        if step.name in wanted and progress is not None:
            progress(step.name)
        ctx.results[step.name] = step.run(ctx)
    sections = {n: r for n, r in ctx.results.items() if n in wanted}
    warnings: list[str] = []
    for res in sections.values():
        for w in getattr(res, "warnings", []) or []:
            if w not in warnings:
                warnings.append(w)
    return Results(
        study=_study_meta(study),
        settings=_settings(study),
        quality={"flags": study.flags, "corrections": study.corrections, "filled": study.filled},
        sections=sections,
        data=_data(study),
        skipped=skipped,
        warnings=warnings,
        source=None if study.builtin else study.path,
    )


def _study_meta(study: StudyData) -> dict[str, Any]:
    s = study.settings
    return {
        "title": s.title,
        "region": s.region,
        "description": s.description,
        "years": list(s.years),
        "lead_years": s.lead_years,
        "mode": study.mode,
        "builtin": study.builtin,
        "path": "(built-in)" if study.builtin else study.path.name,
        "groups": [{"id": g, "label": label} for g, label in study.groups.items()],
        "sectors": study.sectors.to_dict(orient="records"),
        "inputs": study.inputs,
        **_context_meta(study),
        # the regions of a panel study (codes, names, groups); none in a one-region study
        **({"regions": study.regions.to_dict(orient="records")} if study.is_panel else {}),
    }


def _context_meta(study: StudyData) -> dict[str, Any]:
    """context.csv's series and provenance for the report (no keys without the file)."""
    ctx = getattr(study, "context", None)
    if ctx is None:
        return {}
    return {"context": ctx.to_dict(orient="records"), "context_file": study.context_file}


#: rows of each input table results.json embeds at most (the rest: see ``inputs``)
MAX_DATA_ROWS = 10_000


def _data(study: StudyData) -> dict[str, Any]:
    """The study's input data after quality assurance (canonical units), for the report
    (with the region of each row in a panel study).

    A table longer than :data:`MAX_DATA_ROWS` is shown by its first rows only, with
    ``truncated`` giving its length; the inputs themselves are named by their SHA-256
    in ``study.inputs``.
    """
    cols = ["region", "year", "sector", "variable", "value", "unit", "filled", "corrected"]
    economy = study.economy[[c for c in cols if c in study.economy.columns]]
    tables = {"economy": economy}
    if study.energy is not None:
        ecols = ["region", "year", "sector", "fuel", "value", "unit", "filled", "corrected"]
        tables["energy"] = study.energy[[c for c in ecols if c in study.energy.columns]]
    out: dict[str, Any] = {
        k: t.head(MAX_DATA_ROWS).to_dict(orient="records") for k, t in tables.items()
    }
    long = {k: len(t) for k, t in tables.items() if len(t) > MAX_DATA_ROWS}
    if long:
        out["truncated"] = {k: {"rows": n, "shown": MAX_DATA_ROWS} for k, n in long.items()}
    return out


def _settings(study: StudyData) -> dict[str, Any]:
    """The settings used, as results.json shows them."""
    return study.settings.model_dump(mode="json")


@dataclass
class Study(StudyData):
    """A loaded study that can run: its settings and tables (:class:`StudyData`) and
    ``run()``, the whole assessment (or the steps in ``only``)."""

    @classmethod
    def from_data(cls, data: StudyData) -> Study:
        return cls(**{f.name: getattr(data, f.name) for f in fields(data)})

    def run(
        self,
        only: list[str] | None = None,
        progress: Callable[[str], Any] | None = None,
        allow_errors: bool = False,
    ) -> Results:
        """Run every configured step (or those in ``only`` and what they need)."""
        return run_study(self, only=only, progress=progress, allow_errors=allow_errors)


def load_study(path: str | Path | None = None) -> Study:
    """Load and validate a study folder (``None``: the built-in Beijing study)."""
    return Study.from_data(_load_data(path))


# ---------------------------------------------------------------------------
# pre-flight (`carbonpath check`): every step on the study, without the heavy parts


#: the fewest resamples and draws each step may be asked for; enough to walk its code
LIGHT_DRAWS = 10


def _light_settings(study: StudyData) -> Any:
    """The study's settings with every Monte Carlo and bootstrap cut to a few draws."""
    s = study.settings
    update: dict[str, Any] = {}
    unc = s.accounting.uncertainty
    from carbonpath.core.limits import MIN_DRAWS

    draws = min(unc.draws, MIN_DRAWS)
    update["accounting"] = s.accounting.model_copy(
        update={"uncertainty": unc.model_copy(update={"draws": draws})}
    )
    index: dict[str, Any] = {"bootstrap": min(s.index.bootstrap, LIGHT_DRAWS)}
    if s.index.robustness is not None:
        index["robustness"] = s.index.robustness.model_copy(
            update={"draws": min(s.index.robustness.draws, LIGHT_DRAWS)}
        )
    update["index"] = s.index.model_copy(update=index)
    if s.stirpat is not None:
        update["stirpat"] = s.stirpat.model_copy(
            update={"bootstrap": min(s.stirpat.bootstrap, LIGHT_DRAWS)}
        )
    return s.model_copy(update=update)


def preflight(study: StudyData, only: list[str] | None = None) -> Results:
    """Run every step ``run`` would run, with a few draws instead of thousands, so that
    any setting the steps refuse (an unknown name in an expression, a decomposition
    period outside the data, a grid year scope 2 lacks, a lead year ``growth()`` needs
    ...) raises here the same error ``run`` would raise.  The results are not for use:
    their intervals rest on a handful of draws."""
    light = Study.from_data(study)
    light.settings = _light_settings(study)
    return run_study(light, only=only)
