"""Study level of decomposition and pathways: LMDI, targets and scenarios.

Reads the study.toml sections ``[decomposition]``, ``[[targets]]`` and
``[scenarios]`` (``validate_config``), feeds the method modules
(``accounting.lmdi``, ``analysis.targets``, ``analysis.scenarios``) and returns
frozen result objects with ``to_dict()`` (JSON-ready) and ``tables()``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from carbonpath.core.errors import InputError, StudyError
from carbonpath.core.results import jsonable

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

STUDY_FILE = "study.toml"
DEFAULT_DRIVERS: tuple[str, ...] = ("lnP", "lnA", "lnT", "lnRE")
DEFAULT_PERIODS: tuple[str, ...] = ("chained", "first_last")
DECOMPOSITION_KEYS = frozenset({"periods", "delta", "zero_limits"})
TARGET_KEYS = frozenset(
    {"name", "type", "scope", "base_year", "target_year", "reduction", "source", "trend_years"}
)
SCENARIO_SETTINGS = frozenset({"horizon", "trend_years", "scope", "output_driver"})
ANCHOR_NOTE = (
    "ln C_t = ln C_t0 + sum_j b_j (ln X_jt - ln X_j,t0): anchored at the last observed "
    "year t0, so each path starts at actual emissions"
)
INTERVAL_NOTE = (
    "2.5/97.5 percentiles over the coefficient bootstrap draws; coefficient "
    "uncertainty only (driver paths and residuals are not varied)"
)


# ----------------------------------------------------------------------------- config


def _err(message: str, key: str, fix: str | None = None) -> StudyError:
    return StudyError(message, file=STUDY_FILE, key=key, fix=fix)


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _year(value: object, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not (1900 <= value <= 2100):
        raise _err(f"'{value}' is not a year", key, fix="write a year such as 2020")
    return int(value)


def _known_drivers(raw: Mapping[str, Any]) -> tuple[str, ...]:
    """Model terms of ``[stirpat] regressors`` when declared, else lnP, lnA, lnT, lnRE."""
    stirpat = raw.get("stirpat")
    declared = stirpat.get("regressors") if isinstance(stirpat, Mapping) else None
    if isinstance(declared, Mapping) and declared:
        return tuple(str(name) for name in declared)
    return DEFAULT_DRIVERS


def _validate_decomposition(section: object) -> dict[str, Any]:
    if section is None:
        section = {}
    if not isinstance(section, Mapping):
        raise _err("[decomposition] must be a table", "decomposition")
    for key in section:
        if key not in DECOMPOSITION_KEYS:
            raise _err(
                f"unknown key '{key}'",
                f"decomposition.{key}",
                fix=f"use one of {sorted(DECOMPOSITION_KEYS)}",
            )
    raw_periods = section.get("periods", list(DEFAULT_PERIODS))
    items = [raw_periods] if isinstance(raw_periods, str) else raw_periods
    if not isinstance(items, list) or not items:
        raise _err(
            "periods must be a list",
            "decomposition.periods",
            fix='e.g. periods = ["chained", "first_last", [2015, 2020]]',
        )
    periods: list[str | list[int]] = []
    for item in items:
        if item in ("chained", "first_last"):
            periods.append(str(item))
            continue
        if isinstance(item, str) and re.fullmatch(r"\s*\d{4}\s*-\s*\d{4}\s*", item):
            item = [int(y) for y in item.split("-")]
        if (
            isinstance(item, list)
            and len(item) == 2
            and all(isinstance(y, int) and not isinstance(y, bool) for y in item)
            and item[0] < item[1]
        ):
            periods.append(
                [_year(item[0], "decomposition.periods"), _year(item[1], "decomposition.periods")]
            )
            continue
        raise _err(
            f"period {item!r} is not understood",
            "decomposition.periods",
            fix='use "chained", "first_last" or [start, end] with start < end',
        )
    delta = section.get("delta", 1e-10)
    if not _is_number(delta) or not (0 < float(delta) < 1e-6):
        raise _err(
            f"delta = {delta!r} is not a small positive number",
            "decomposition.delta",
            fix="use a value between 1e-20 and 1e-10 (Ang & Liu 2007)",
        )
    zero_limits = section.get("zero_limits", True)
    if not isinstance(zero_limits, bool):
        raise _err("zero_limits must be true or false", "decomposition.zero_limits")
    return {"periods": periods, "delta": float(delta), "zero_limits": zero_limits}


def _validate_targets(section: object) -> list[dict[str, Any]]:
    if section is None:
        return []
    if isinstance(section, Mapping):
        section = [section]
    if not isinstance(section, list):
        raise _err("targets must be written as [[targets]] tables", "targets")
    out: list[dict[str, Any]] = []
    names: set[str] = set()
    for i, item in enumerate(section):
        where = f"targets[{i}]"
        if not isinstance(item, Mapping):
            raise _err("each [[targets]] entry must be a table", where)
        for key in item:
            if key not in TARGET_KEYS:
                raise _err(
                    f"unknown key '{key}'",
                    f"{where}.{key}",
                    fix=f"use one of {sorted(TARGET_KEYS)}",
                )
        name = item.get("name", f"target_{i + 1}")
        if not isinstance(name, str) or not name.strip():
            raise _err("name must be a non-empty string", f"{where}.name")
        if name in names:
            raise _err(
                f"target name '{name}' is used twice", f"{where}.name", fix="give unique names"
            )
        names.add(name)
        kind = item.get("type")
        if kind not in ("intensity", "absolute"):
            raise _err(
                f"type {kind!r} is not 'intensity' or 'absolute'",
                f"{where}.type",
                fix='write type = "intensity" (CO2 per output value) or "absolute"',
            )
        for key in ("base_year", "target_year", "reduction"):
            if key not in item:
                raise _err(f"target '{name}' lacks {key}", f"{where}.{key}")
        base = _year(item["base_year"], f"{where}.base_year")
        target = _year(item["target_year"], f"{where}.target_year")
        if target <= base:
            raise _err(
                f"target year {target} is not after base year {base}",
                f"{where}.target_year",
            )
        reduction = item["reduction"]
        if not _is_number(reduction) or not (0 < float(reduction) < 1):
            raise _err(
                f"reduction {reduction!r} is not a fraction between 0 and 1",
                f"{where}.reduction",
                fix="write 20% as 0.20",
            )
        scope = item.get("scope", "modern")
        if not isinstance(scope, str) or not scope:
            raise _err("scope must be a string", f"{where}.scope")
        source = item.get("source", "")
        if not isinstance(source, str):
            raise _err("source must be a string", f"{where}.source")
        trend_years = item.get("trend_years", 3)
        if not isinstance(trend_years, int) or isinstance(trend_years, bool) or trend_years < 1:
            raise _err("trend_years must be a whole number >= 1", f"{where}.trend_years")
        out.append(
            {
                "name": name,
                "type": kind,
                "scope": scope,
                "base_year": base,
                "target_year": target,
                "reduction": float(reduction),
                "source": source,
                "trend_years": trend_years,
            }
        )
    return out


def _validate_rate(value: object, key: str) -> float | str:
    if value == "trend":
        return "trend"
    if not _is_number(value) or not math.isfinite(float(value)):  # type: ignore[arg-type]
        raise _err(
            f"growth rate {value!r} is not a number or 'trend'",
            key,
            fix='write an annual rate such as 0.05 (5% a year) or "trend"',
        )
    rate = float(value)  # type: ignore[arg-type]
    if not (-1.0 < rate <= 1.0):
        raise _err(
            f"growth rate {rate} is outside (-1, 1]",
            key,
            fix="rates are fractions per year: write 5% as 0.05",
        )
    return rate


def _validate_scenarios(section: object, drivers: tuple[str, ...]) -> dict[str, Any]:
    if section is None:
        section = {}
    if not isinstance(section, Mapping):
        raise _err("[scenarios] must be a table", "scenarios")
    horizon = _year(section.get("horizon", 2030), "scenarios.horizon")
    trend_years = section.get("trend_years", 3)
    if not isinstance(trend_years, int) or isinstance(trend_years, bool) or trend_years < 1:
        raise _err("trend_years must be a whole number >= 1", "scenarios.trend_years")
    scope = section.get("scope", "modern")
    if not isinstance(scope, str) or not scope:
        raise _err("scope must be a string", "scenarios.scope")
    output_driver = section.get("output_driver", "lnA")
    if output_driver not in drivers:
        raise _err(
            f"output_driver '{output_driver}' is not a model driver",
            "scenarios.output_driver",
            fix=f"use one of {', '.join(drivers)}",
        )
    out: dict[str, Any] = {
        "horizon": horizon,
        "trend_years": trend_years,
        "scope": scope,
        "output_driver": output_driver,
    }
    named = 0
    for name, table in section.items():
        if name in SCENARIO_SETTINGS:
            continue
        if not isinstance(table, Mapping):
            raise _err(
                f"unknown key '{name}'",
                f"scenarios.{name}",
                fix=f"settings are {sorted(SCENARIO_SETTINGS)}; scenarios are [scenarios.<name>] tables",
            )
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_\-]*", name):
            raise _err(f"scenario name '{name}' is not a simple name", f"scenarios.{name}")
        label = table.get("label", name)
        if not isinstance(label, str):
            raise _err("label must be a string", f"scenarios.{name}.label")
        spec: dict[str, Any] = {"label": label}
        for key, value in table.items():
            if key == "label":
                continue
            if key not in drivers:
                raise _err(
                    f"unknown driver '{key}' in scenario '{name}'",
                    f"scenarios.{name}.{key}",
                    fix=f"use one of {', '.join(drivers)}",
                )
            spec[key] = _validate_rate(value, f"scenarios.{name}.{key}")
        out[name] = spec
        named += 1
    if named == 0:
        out["baseline"] = {"label": "Recent trends"}
    return out


def validate_config(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and fill defaults for ``[decomposition]``, ``[[targets]]``, ``[scenarios]``.

    ``raw`` is the parsed study.toml (other sections are ignored, except the names
    of ``[stirpat] regressors``, which, when present, are the known drivers).  Returns
    ``{"decomposition": {...}, "targets": [...], "scenarios": {...}}``; validating
    the returned dict again gives the same dict.  Raises ``StudyError`` with
    ``file="study.toml"`` and the offending key.
    """
    drivers = _known_drivers(raw)
    return {
        "decomposition": _validate_decomposition(raw.get("decomposition")),
        "targets": _validate_targets(raw.get("targets")),
        "scenarios": _validate_scenarios(raw.get("scenarios"), drivers),
    }


# ----------------------------------------------------------------------------- output


# ----------------------------------------------------------------------------- decomposition


@dataclass(frozen=True)
class DecompositionResults:
    """LMDI-I decomposition of CO2 change (see docs/methods/decomposition.md)."""

    mode: str
    effect_names: tuple[str, ...]
    delta: float
    zero_limits: bool
    periods: tuple[tuple[int, int], ...]
    effects: pd.DataFrame
    totals: pd.DataFrame
    chained: pd.DataFrame
    zero_cells: pd.DataFrame
    insensitivity: dict[str, Any]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "LMDI-I (Ang 2004, 2015), additive and multiplicative",
            "mode": self.mode,
            "effects_names": list(self.effect_names),
            "delta": self.delta,
            "zero_handling": "analytical limits (Ang & Liu 2007)"
            if self.zero_limits
            else "small-value substitution only",
            "periods": [list(p) for p in self.periods],
            "effects": jsonable(self.effects),
            "totals": jsonable(self.totals),
            "chained": jsonable(self.chained),
            "zero_cells": jsonable(self.zero_cells),
            "insensitivity": dict(self.insensitivity),
            "notes": list(self.notes),
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "decomposition_effects": self.effects,
            "decomposition_totals": self.totals,
            "decomposition_chained": self.chained,
            "decomposition_zero_cells": self.zero_cells,
        }


def run_decomposition(
    co2: pd.DataFrame,
    energy: pd.DataFrame | None,
    output: pd.DataFrame,
    config: Mapping[str, Any],
) -> DecompositionResults:
    """LMDI-I of ``co2`` (year, sector, fuel, co2_t) with ``output`` (year, sector, value).

    ``energy`` (year, sector, fuel, value in GJ) or None for inventory mode.
    ``config``: the study config (its ``decomposition`` section is read).  Sectors are
    those of ``output``; pass only the studied sectors.  Period years outside the data
    raise ``StudyError`` at key ``decomposition.periods``.
    """
    from carbonpath.decomposition import lmdi

    cfg = validate_config(config)["decomposition"]
    years = set(int(y) for y in output["year"]) & set(int(y) for y in co2["year"])
    if energy is not None:
        years &= set(int(y) for y in energy["year"])
    data_years = sorted(years)
    if len(data_years) < 2:
        raise InputError("decomposition needs at least two years with CO2 and output data")
    for item in cfg["periods"]:
        if isinstance(item, list):
            for y in item:
                if y not in years:
                    raise _err(
                        f"period year {y} is outside the data ({data_years[0]}-{data_years[-1]})",
                        "decomposition.periods",
                        fix=f"use years among {data_years}",
                    )
    periods = [tuple(p) if isinstance(p, list) else p for p in cfg["periods"]]
    result = lmdi.decompose(
        co2, output, energy, periods=periods, delta=cfg["delta"], zero_limits=cfg["zero_limits"]
    )
    deltas = (cfg["delta"],) + tuple(d for d in lmdi.SENSITIVITY_DELTAS if d != cfg["delta"])
    check = lmdi.delta_sensitivity(
        co2, output, energy, periods=periods, deltas=deltas, zero_limits=cfg["zero_limits"]
    )
    chained = lmdi.chain_effects(result)
    if "chained" not in cfg["periods"]:
        chained = chained.iloc[0:0]
    notes = list(result.notes)
    if not check.insensitive:
        notes.append(
            f"results change with delta (max relative difference {check.max_rel_diff:.3g}); "
            "set zero_limits = true"
        )
    return DecompositionResults(
        mode=result.mode,
        effect_names=result.effect_names,
        delta=result.delta,
        zero_limits=result.zero_limits,
        periods=result.periods,
        effects=result.effects,
        totals=result.totals,
        chained=chained,
        zero_cells=result.zero_cells,
        insensitivity=check.to_dict(),
        notes=tuple(notes),
    )


# ----------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class TargetResults:
    """One record per declared target (see analysis.targets.TargetProgress)."""

    records: tuple[dict[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"records": [dict(r) for r in self.records]}

    def tables(self) -> dict[str, pd.DataFrame]:
        import pandas as pd

        return {"targets": pd.DataFrame(list(self.records))}


def _series_for(
    series: pd.Series | Mapping[str, pd.Series], scope: str, key: str, what: str
) -> pd.Series:
    if isinstance(series, Mapping):
        if scope not in series:
            raise _err(
                f"no {what} series for scope '{scope}'",
                key,
                fix=f"use a scope among {sorted(series)}",
            )
        return series[scope]
    return series


def _target_series(
    target: Mapping[str, Any],
    key: str,
    co2: pd.Series | Mapping[str, pd.Series],
    output: pd.Series | Mapping[str, pd.Series] | None,
) -> tuple[pd.Series, str]:
    from carbonpath.pathways.targets import intensity_series

    c = _series_for(co2, target["scope"], f"{key}.scope", "CO2")
    if target["type"] == "absolute":
        return c.dropna().astype(float), "t"
    if output is None:
        raise _err(
            f"intensity target '{target['name']}' needs output value data",
            f"{key}.type",
            fix="provide output_value for the scope or use an absolute target",
        )
    q = _series_for(output, target["scope"], f"{key}.scope", "output")
    return intensity_series(c, q), "t/yuan"


def _check_years(series: pd.Series, target: Mapping[str, Any], key: str) -> None:
    years = sorted(int(y) for y in series.dropna().index)
    if not years:
        raise _err(f"no data for target '{target['name']}'", f"{key}.scope")
    if target["base_year"] not in years:
        raise _err(
            f"base year {target['base_year']} of target '{target['name']}' is outside the data "
            f"({years[0]}-{years[-1]})",
            f"{key}.base_year",
            fix="choose a base year with data",
        )


def run_targets(
    config: Mapping[str, Any],
    co2_series: pd.Series | Mapping[str, pd.Series],
    output_series: pd.Series | Mapping[str, pd.Series] | None,
) -> TargetResults:
    """Track every ``[[targets]]`` entry of ``config``.

    ``co2_series`` / ``output_series``: index year, t CO2 and yuan.  Pass a single
    Series when all targets share one scope, or a dict {scope: Series} so each target
    reads its own scope.  A base year, or a trend window, outside the data raises
    ``StudyError`` at ``targets[i].base_year`` / ``targets[i].trend_years``
    (i counts the [[targets]] tables from 0).
    """
    from carbonpath.pathways.targets import track_target

    targets = validate_config(config)["targets"]
    records: list[dict[str, Any]] = []
    for i, t in enumerate(targets):
        key = f"targets[{i}]"
        series, unit = _target_series(t, key, co2_series, output_series)
        _check_years(series, t, key)
        last = int(max(series.dropna().index))
        if last <= t["base_year"]:
            raise _err(
                f"no data after base year {t['base_year']} for target '{t['name']}'",
                f"{key}.base_year",
            )
        if int(last - t["trend_years"]) not in set(int(y) for y in series.dropna().index):
            raise _err(
                f"trend window of {t['trend_years']} years before {last} is outside the data",
                f"{key}.trend_years",
                fix=f"set trend_years to at most {last - int(min(series.dropna().index))}",
            )
        progress = track_target(
            series,
            base_year=t["base_year"],
            target_year=t["target_year"],
            reduction=t["reduction"],
            kind=t["type"],
            name=t["name"],
            unit=unit,
            trend_years=t["trend_years"],
        )
        record = progress.to_dict()
        record["scope"] = t["scope"]
        record["source"] = t["source"]
        records.append(record)
    return TargetResults(records=tuple(records))


# ----------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class ScenarioResults:
    """Projected CO2 by scenario, with assumptions, peaks and target checks."""

    anchor_year: int
    anchor_co2_t: float
    horizon: int
    trend_years: int
    scope: str
    n_bootstrap: int
    paths: pd.DataFrame
    assumptions: pd.DataFrame
    peaks: pd.DataFrame
    intensity: pd.DataFrame
    target_checks: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": ANCHOR_NOTE,
            "interval": INTERVAL_NOTE if self.n_bootstrap else None,
            "n_bootstrap": self.n_bootstrap,
            "scope": self.scope,
            "anchor_year": self.anchor_year,
            "anchor_co2_t": self.anchor_co2_t,
            "horizon": self.horizon,
            "trend_years": self.trend_years,
            "records": jsonable(self.paths),
            "assumptions": jsonable(self.assumptions),
            "peaks": jsonable(self.peaks),
            "intensity": jsonable(self.intensity),
            "target_checks": jsonable(self.target_checks),
            "notes": list(self.notes),
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "scenarios": self.paths,
            "scenario_assumptions": self.assumptions,
            "scenario_peaks": self.peaks,
            "scenario_intensity": self.intensity,
            "scenario_target_checks": self.target_checks,
        }


def _scenario_target_checks(
    targets: list[dict[str, Any]],
    projection: Any,
    intensity: pd.DataFrame,
    co2: pd.Series,
    output: pd.Series | None,
    scope: str,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Compare each target with the projected paths at its target year."""
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    c = co2.dropna().astype(float)
    c.index = c.index.astype(int)
    for i, t in enumerate(targets):
        key = f"targets[{i}]"
        if t["type"] == "intensity" and output is None:
            notes.append(f"target '{t['name']}' not checked: no output series")
            continue
        if t["base_year"] not in c.index:
            raise _err(
                f"base year {t['base_year']} of target '{t['name']}' is outside the data",
                f"{key}.base_year",
            )
        if not (projection.anchor_year < t["target_year"] <= projection.horizon):
            notes.append(
                f"target '{t['name']}' ({t['target_year']}) is outside the projection "
                f"{projection.anchor_year + 1}-{projection.horizon}; not checked"
            )
            continue
        if t["scope"] != scope:
            notes.append(
                f"target '{t['name']}' is declared for scope '{t['scope']}'; its reduction is "
                f"applied to the projected scope '{scope}' (same base year, same fraction)"
            )
        if t["type"] == "intensity":
            assert output is not None
            q = output.dropna().astype(float)
            q.index = q.index.astype(int)
            if t["base_year"] not in q.index:
                raise _err(
                    f"base year {t['base_year']} has no output value",
                    f"{key}.base_year",
                )
            base = float(c.loc[t["base_year"]]) / float(q.loc[t["base_year"]])
        else:
            base = float(c.loc[t["base_year"]])
        goal = base * (1.0 - t["reduction"])
        paths = projection.paths
        for scen in paths["scenario"].unique():
            row = paths[(paths["scenario"] == scen) & (paths["year"] == t["target_year"])].iloc[0]
            value, lo, hi = float(row["co2_t"]), float(row["lo"]), float(row["hi"])
            if t["type"] == "intensity":
                irow = intensity[
                    (intensity["scenario"] == scen) & (intensity["year"] == t["target_year"])
                ].iloc[0]
                out_t = float(irow["output"])
                value, lo, hi = value / out_t, lo / out_t, hi / out_t
            rows.append(
                {
                    "target": t["name"],
                    "scenario": scen,
                    "type": t["type"],
                    "declared_scope": t["scope"],
                    "applied_scope": scope,
                    "base_year": t["base_year"],
                    "target_year": t["target_year"],
                    "base_value": base,
                    "target_value": goal,
                    "projected_value": value,
                    "projected_lo": lo,
                    "projected_hi": hi,
                    "projected_reduction": 1.0 - value / base,
                    "required_reduction": t["reduction"],
                    "met": bool(value <= goal),
                    "met_at_upper_bound": bool(hi <= goal) if math.isfinite(hi) else None,
                }
            )
    return rows, notes


def run_scenarios(
    config: Mapping[str, Any],
    drivers: pd.DataFrame,
    co2_series: pd.Series,
    elasticities: Mapping[str, float],
    bootstrap: np.ndarray | None,
    output_series: pd.Series | None,
    targets_config: list[dict[str, Any]],
) -> ScenarioResults:
    """Project CO2 to the horizon for every ``[scenarios.<name>]`` table.

    ``drivers``: index year, columns = driver levels (P, A, T, RE).  ``co2_series``:
    t CO2 by year, same scope as the STIRPAT fit.  ``elasticities``: term -> b
    (``lnA`` -> 0.125; a constant is ignored).  ``bootstrap``: draws (B x p) in the
    elasticities' order, or None.  ``output_series``: output value (yuan) for the
    intensity path, or None.  ``targets_config``: the ``[[targets]]`` list.
    """
    import pandas as pd

    from carbonpath.pathways import scenarios as sc

    cfg = validate_config(config)["scenarios"]
    targets = _validate_targets(targets_config)
    terms = [k for k in elasticities if k.lower() not in sc.CONSTANT_NAMES]
    specs: list[sc.ScenarioSpec] = []
    for name, table in cfg.items():
        if name in SCENARIO_SETTINGS:
            continue
        rates = {k: v for k, v in table.items() if k != "label"}
        for k in rates:
            if k not in terms:
                raise _err(
                    f"driver '{k}' of scenario '{name}' is not in the fitted model",
                    f"scenarios.{name}.{k}",
                    fix=f"use one of {', '.join(terms)}",
                )
        specs.append(sc.ScenarioSpec(name=name, label=table["label"], rates=rates))
    c = co2_series.dropna()
    d = drivers.dropna()
    common = sorted(set(int(y) for y in c.index) & set(int(y) for y in d.index))
    if not common:
        raise InputError("CO2 and drivers share no year", fix="check the data years")
    anchor = common[-1]
    if cfg["horizon"] <= anchor:
        raise _err(
            f"horizon {cfg['horizon']} is not after the last data year {anchor}",
            "scenarios.horizon",
            fix=f"set a horizon after {anchor}",
        )
    if anchor - cfg["trend_years"] not in set(int(y) for y in d.index):
        raise _err(
            f"the trend window of {cfg['trend_years']} years before {anchor} is outside the data",
            "scenarios.trend_years",
            fix=f"set trend_years to at most {anchor - int(min(d.index))}",
        )
    projection = sc.project(
        drivers,
        co2_series,
        elasticities,
        specs,
        horizon=cfg["horizon"],
        trend_years=cfg["trend_years"],
        bootstrap=bootstrap,
    )
    notes: list[str] = []
    last_co2 = int(max(int(y) for y in c.index))
    if last_co2 != anchor:
        notes.append(f"anchored at {anchor}, the last year with both CO2 and driver data")
    if output_series is not None and cfg["output_driver"] in terms:
        intensity = sc.intensity_paths(projection, output_series, cfg["output_driver"])
    else:
        intensity = pd.DataFrame(columns=["year", "scenario", "output", "intensity"])
        if output_series is not None:
            notes.append(
                f"no intensity path: output driver {cfg['output_driver']} is not in the model"
            )
    check_rows, check_notes = _scenario_target_checks(
        targets,
        projection,
        intensity,
        co2_series,
        output_series if not intensity.empty else None,
        cfg["scope"],
    )
    notes.extend(check_notes)
    check_cols = [
        "target",
        "scenario",
        "type",
        "declared_scope",
        "applied_scope",
        "base_year",
        "target_year",
        "base_value",
        "target_value",
        "projected_value",
        "projected_lo",
        "projected_hi",
        "projected_reduction",
        "required_reduction",
        "met",
        "met_at_upper_bound",
    ]
    return ScenarioResults(
        anchor_year=projection.anchor_year,
        anchor_co2_t=projection.anchor_co2_t,
        horizon=projection.horizon,
        trend_years=projection.trend_years,
        scope=cfg["scope"],
        n_bootstrap=projection.n_bootstrap,
        paths=projection.paths,
        assumptions=projection.assumptions,
        peaks=projection.peaks,
        intensity=intensity,
        target_checks=pd.DataFrame(check_rows, columns=check_cols),
        notes=tuple(notes),
    )
