"""Run a study: every configured analysis in order, feeding each the study's data.

Order: emissions -> index -> stirpat -> decomposition -> targets -> scenarios.  A step
whose inputs are absent (e.g. no energy data in inventory mode, no [stirpat] section)
is skipped with the reason recorded in ``results.skipped``; nothing is faked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from carbonpath.core.errors import InputError, StudyError
from carbonpath.results import Results
from carbonpath.study.resolver import Resolver

if TYPE_CHECKING:  # pragma: no cover
    from carbonpath.study import Study

STEPS = ("emissions", "index", "stirpat", "decomposition", "targets", "scenarios")


def _blocking_error(study: Study) -> StudyError:
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


def run_study(
    study: Study,
    only: list[str] | None = None,
    progress: Callable[[str], Any] | None = None,
    allow_errors: bool = False,
) -> Results:
    """Run the study's analyses; see the module docstring."""
    check_steps(only or [])
    wanted = set(only) if only else set(STEPS)
    if study.blocking and not allow_errors:
        raise _blocking_error(study)
    cfg = study.config
    given = set(cfg.get("sections_given", []))
    seed = study.seed
    resolver = Resolver(study.economy, study.energy, study.sectors)
    sections: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    warnings: list[str] = []

    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    # every step reads CO2, so emissions are always computed (reported only if wanted)
    acc = None
    acc_dict: dict[str, Any] = {}
    if wanted:
        step("emissions")
        from carbonpath.accounting.step import run_accounting

        acc = run_accounting(
            study.energy,
            study.economy,
            study.sectors,
            cfg["accounting"],
            seed,
            factors_override=study.factors_override,
            inventory=study.emissions_inventory,
        )
        acc_dict = acc.to_dict()
        co2 = pd.DataFrame(acc_dict["by_sector"])
        resolver = resolver.with_co2(co2)
        if "emissions" in wanted:
            sections["emissions"] = acc

    if "index" in wanted:
        if cfg["index"].get("indicators"):
            step("index")
            from carbonpath.index.step import run_index

            sections["index"] = run_index(
                cfg["index"], resolver, study.years, seed, members=study.members
            )
        else:
            skipped["index"] = "study.toml defines no [[index.indicators]]"

    stirpat = None
    if "stirpat" in wanted or "scenarios" in wanted:
        if "stirpat" in given:
            step("stirpat")
            from carbonpath.stirpat.step import run_stirpat

            stirpat = run_stirpat(cfg["stirpat"], resolver, study.years, study.members, seed)
            if "stirpat" in wanted:
                sections["stirpat"] = stirpat
        else:
            skipped["stirpat"] = "study.toml has no [stirpat] section"

    if wanted & {"decomposition", "targets", "scenarios"}:
        from carbonpath.pathways import step as pw

        output = study.economy.loc[
            study.economy["variable"] == "output_value", ["year", "sector", "value"]
        ]
        output = output[output["sector"].isin(study.members) & output["year"].isin(study.years)]
        if "decomposition" in wanted:
            if output["value"].notna().sum() == 0:
                skipped["decomposition"] = (
                    "no output_value in economy.csv: the activity and structure effects "
                    "need output by sector"
                )
            elif cfg.get("decomposition") is not None and acc is not None:
                step("decomposition")
                co2_fuel = pd.DataFrame(acc_dict["by_fuel"])
                co2_fuel = co2_fuel[co2_fuel["sector"].isin(study.members)]
                energy = None
                if study.energy is not None:
                    from carbonpath.accounting.emissions import activity_gj
                    from carbonpath.accounting.factors import resolve_factor_set

                    energy = study.energy[study.energy["sector"].isin(study.members)]
                    energy = energy[energy["year"].isin(study.years)]
                    fs = resolve_factor_set(cfg["accounting"]["factor_set"], study.factors_override)
                    energy = activity_gj(energy, fs)
                sections["decomposition"] = pw.run_decomposition(
                    co2_fuel, energy, output, {"decomposition": cfg["decomposition"]}
                )
            else:
                skipped["decomposition"] = "study.toml has no [decomposition] section"
        if "targets" in wanted:
            if cfg.get("targets"):
                step("targets")
                sections["targets"] = _targets(pw, cfg["targets"], resolver, study.years)
            else:
                skipped["targets"] = "study.toml declares no [[targets]]"
        if "scenarios" in wanted:
            if cfg.get("scenarios") and stirpat is not None:
                step("scenarios")
                sections["scenarios"] = _scenarios(
                    pw,
                    cfg["scenarios"],
                    stirpat,
                    cfg["stirpat"],
                    resolver,
                    cfg.get("targets") or [],
                )
            else:
                skipped["scenarios"] = (
                    "no [scenarios] section"
                    if not cfg.get("scenarios")
                    else "scenarios need the STIRPAT model ([stirpat])"
                )

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
    )


def _targets(
    pw: Any, targets_cfg: list[dict[str, Any]], resolver: Resolver, years: list[int]
) -> Any:
    """Feed each target the CO2 and output-value series of its scope."""
    scopes = sorted({t.get("scope", "modern") for t in targets_cfg})
    co2 = {s: resolver("co2", s).reindex(years) for s in scopes}
    output = {s: resolver("output_value", s).reindex(years) for s in scopes}
    return pw.run_targets({"targets": targets_cfg}, co2, output)


def _scenarios(
    pw: Any,
    cfg: dict[str, Any],
    stirpat: Any,
    stirpat_cfg: dict[str, Any],
    resolver: Resolver,
    targets: list[dict[str, Any]],
) -> Any:
    """Project with the fitted ridge elasticities (B) and the bootstrap draws."""
    d = stirpat.to_dict()
    coefs = d["ridge"]["coefficients"]
    elasticities = {c["term"]: c["b"] for c in coefs if c["term"] != "const"}
    drivers = pd.DataFrame(d["data"]).set_index("year")[list(elasticities)]
    years = list(drivers.index)
    scope = cfg.get("scope", "modern")
    co2 = resolver("co2", scope).reindex(years)
    output = resolver("output_value", scope).reindex(years)
    return pw.run_scenarios(
        {"scenarios": cfg, "stirpat": stirpat_cfg},
        drivers,
        co2,
        elasticities,
        stirpat.bootstrap_draws,
        output,
        targets,
    )


def _study_meta(study: Study) -> dict[str, Any]:
    cfg = study.config
    return {
        "title": cfg["title"],
        "region": cfg["region"],
        "description": cfg["description"],
        "years": list(cfg["years"]),
        "lead_years": cfg["lead_years"],
        "mode": study.mode,
        "builtin": study.builtin,
        "path": "(built-in)" if study.builtin else study.path.name,
        "groups": [{"id": g, "label": label} for g, label in study.groups.items()],
        "sectors": study.sectors.to_dict(orient="records"),
        "inputs": study.inputs,
    }


def _data(study: Study) -> dict[str, Any]:
    """The study's input data after quality assurance (canonical units), for the report."""
    cols = ["year", "sector", "variable", "value", "unit", "filled", "corrected"]
    economy = study.economy[[c for c in cols if c in study.economy.columns]]
    out: dict[str, Any] = {"economy": economy.to_dict(orient="records")}
    if study.energy is not None:
        ecols = ["year", "sector", "fuel", "value", "unit", "filled", "corrected"]
        energy = study.energy[[c for c in ecols if c in study.energy.columns]]
        out["energy"] = energy.to_dict(orient="records")
    return out


def _settings(study: Study) -> dict[str, Any]:
    cfg = {k: v for k, v in study.config.items() if k not in ("sections_given",)}
    return cfg
