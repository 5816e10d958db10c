"""Targets checked on scenario paths: is the reduction reached at the target year?

For a target with base value x_base (CO2, or CO2 per output value for an intensity
target) and reduction r, the goal is x* = x_base (1 - r); a path meets it when its
projected value at the target year is <= x*, and "at the upper bound" when the 97.5 %
bound of its interval is.  Base values come from the projected scope's observed series
(a target declared for another scope is applied to the projected scope, with a note).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from carbonpath.core.errors import StudyError
from carbonpath.core.settings import FILE
from carbonpath.pathways.results import CHECK_COLUMNS
from carbonpath.pathways.scenarios import Projection
from carbonpath.pathways.settings import Target


def _by_year(series: pd.Series) -> pd.Series:
    s = series.dropna().astype(float)
    s.index = s.index.astype(int)
    return s


def _base_value(target: Target, key: str, c: pd.Series, q: pd.Series | None) -> float:
    """x_base: CO2 (absolute) or CO2 / output (intensity) in the base year."""
    if target.base_year not in c.index:
        raise StudyError(
            f"base year {target.base_year} of target '{target.name}' is outside the data",
            file=FILE,
            key=f"{key}.base_year",
        )
    if target.type == "absolute":
        return float(c.loc[target.base_year])
    assert q is not None
    if target.base_year not in q.index:
        raise StudyError(
            f"base year {target.base_year} has no output value", file=FILE, key=f"{key}.base_year"
        )
    return float(c.loc[target.base_year]) / float(q.loc[target.base_year])


def _skip_note(target: Target, has_output: bool) -> str | None:
    """Why a target cannot be checked on the paths, or None."""
    if target.type == "intensity" and not has_output:
        return f"target '{target.name}' not checked: no output series"
    return None


def _outside_note(target: Target, projection: Projection) -> str | None:
    if not projection.anchor_year < target.target_year <= projection.horizon:
        return (
            f"target '{target.name}' ({target.target_year}) is outside the projection "
            f"{projection.anchor_year + 1}-{projection.horizon}; not checked"
        )
    return None


def _path_value(
    target: Target, scenario: str, projection: Projection, intensity: pd.DataFrame
) -> tuple[float, float, float]:
    """The path's value and interval at the target year (per output value if intensity)."""
    paths = projection.paths
    row = paths[(paths["scenario"] == scenario) & (paths["year"] == target.target_year)].iloc[0]
    value, lo, hi = float(row["co2_t"]), float(row["lo"]), float(row["hi"])
    if target.type == "intensity":
        sel = intensity[
            (intensity["scenario"] == scenario) & (intensity["year"] == target.target_year)
        ]
        out_t = float(sel.iloc[0]["output"])
        value, lo, hi = value / out_t, lo / out_t, hi / out_t
    return value, lo, hi


def _check_rows(
    target: Target,
    base: float,
    projection: Projection,
    intensity: pd.DataFrame,
    scope: str,
) -> list[dict[str, object]]:
    goal = base * (1.0 - target.reduction)
    rows: list[dict[str, object]] = []
    for scen in projection.paths["scenario"].unique():
        value, lo, hi = _path_value(target, scen, projection, intensity)
        rows.append(
            {
                "target": target.name,
                "scenario": scen,
                "type": target.type,
                "declared_scope": target.scope,
                "applied_scope": scope,
                "base_year": target.base_year,
                "target_year": target.target_year,
                "base_value": base,
                "target_value": goal,
                "projected_value": value,
                "projected_lo": lo,
                "projected_hi": hi,
                "projected_reduction": 1.0 - value / base,
                "required_reduction": target.reduction,
                "met": bool(value <= goal),
                "met_at_upper_bound": bool(hi <= goal) if math.isfinite(hi) else None,
            }
        )
    return rows


def scenario_target_checks(
    targets: Sequence[Target],
    projection: Projection,
    intensity: pd.DataFrame,
    co2: pd.Series,
    output: pd.Series | None,
    scope: str,
) -> tuple[pd.DataFrame, list[str]]:
    """Compare each target with the projected paths at its target year.

    ``co2``/``output``: the observed series of the projected ``scope`` (index year);
    ``output`` None when there is no intensity path.  Returns the checks table and notes.
    """
    rows: list[dict[str, object]] = []
    notes: list[str] = []
    c = _by_year(co2)
    q = _by_year(output) if output is not None else None
    for i, t in enumerate(targets):
        key = f"targets[{i + 1}]"
        skip = _skip_note(t, q is not None)
        if skip:
            notes.append(skip)
            continue
        if t.base_year not in c.index:
            _base_value(t, key, c, q)  # raises: the base year is outside the data
        outside = _outside_note(t, projection)
        if outside:
            notes.append(outside)
            continue
        if t.scope != scope:
            notes.append(
                f"target '{t.name}' is declared for scope '{t.scope}'; its reduction is "
                f"applied to the projected scope '{scope}' (same base year, same fraction)"
            )
        rows.extend(_check_rows(t, _base_value(t, key, c, q), projection, intensity, scope))
    return pd.DataFrame(rows, columns=list(CHECK_COLUMNS)), notes
