"""Targets checked on the scenario paths of every region and of the sum of the regions.

For a target with reduction r and base year b, region u's goal is x*_u = x_u,b (1 - r)
with x the CO2 (absolute) or the CO2 per output value (intensity); the sum's goal uses
Σ_u C_u,b (and Σ_u Q_u,b).  A path meets it when its value at the target year T is
<= x*, and "at the upper bound" when the 97.5 % bound is.  For an intensity target the
output follows the scenario's rate of the output driver in each region,
Q_u,T = Q_u,t0 (1 + g_u)^(T - t0), and the sum's intensity is Σ_u C_u,T / Σ_u Q_u,T.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from carbonpath.core.errors import StudyError
from carbonpath.core.scopes import parse_scope
from carbonpath.core.settings import FILE
from carbonpath.pathways.results import CHECK_COLUMNS
from carbonpath.pathways.settings import Target

TOTAL = "total"
COLUMNS = ("region", *CHECK_COLUMNS)


def _at(frame: pd.DataFrame, year: int, value: str, key: str, what: str) -> pd.Series:
    """``value`` of every region in ``year`` (a region without it stops the run)."""
    wide = frame.pivot(index="year", columns="region", values=value)
    if year not in wide.index or wide.loc[year].isna().any():
        lacking = (
            sorted(wide.columns)
            if year not in wide.index
            else sorted(wide.columns[wide.loc[year].isna()])
        )
        raise StudyError(
            f"base year {year}: {what} is missing for region {', '.join(map(str, lacking))}",
            file=FILE,
            key=key,
            fix="choose a base year every region has",
        )
    return wide.loc[year].astype(float)


def _output_growth(
    assumptions: pd.DataFrame, driver: str, scenario: str, steps: int
) -> pd.Series | None:
    """(1 + g_u)^steps of the output driver per region, or None without that driver."""
    sel = assumptions[(assumptions["scenario"] == scenario) & (assumptions["driver"] == driver)]
    if sel.empty:
        return None
    return (1.0 + sel.set_index("region")["rate"].astype(float)) ** steps


def _projected(paths: pd.DataFrame, scenario: str, year: int) -> pd.DataFrame:
    sel = paths[(paths["scenario"] == scenario) & (paths["year"] == year)]
    return sel.set_index("region")[["co2_t", "lo", "hi"]].astype(float)


def _rows_for(
    target: Target,
    scenario: str,
    base: pd.Series,
    projected: pd.DataFrame,
    scope: str,
) -> list[dict[str, object]]:
    """One check row per region and for the sum (``base`` and ``projected`` by region,
    "total" included, in the target's measure)."""
    rows = []
    for region in [*sorted(r for r in base.index if r != TOTAL), TOTAL]:
        b = float(base[region])
        goal = b * (1.0 - target.reduction)
        value, lo, hi = (float(projected.loc[region, c]) for c in ("co2_t", "lo", "hi"))
        rows.append(
            {
                "region": region,
                "target": target.name,
                "scenario": scenario,
                "type": target.type,
                "declared_scope": target.scope,
                "applied_scope": scope,
                "base_year": target.base_year,
                "target_year": target.target_year,
                "base_value": b,
                "target_value": goal,
                "projected_value": value,
                "projected_lo": lo,
                "projected_hi": hi,
                "projected_reduction": 1.0 - value / b,
                "required_reduction": target.reduction,
                "met": bool(value <= goal),
                "met_at_upper_bound": bool(hi <= goal) if math.isfinite(hi) else None,
            }
        )
    return rows


def _measure(
    target: Target,
    scenario: str,
    *,
    c_base: pd.Series,
    q_base: pd.Series | None,
    paths: pd.DataFrame,
    q_anchor: pd.Series | None,
    growth: pd.Series | None,
) -> tuple[pd.Series, pd.DataFrame]:
    """Base values and projected values (with their interval) by region and for the sum."""
    projected = _projected(paths, scenario, target.target_year)
    base = pd.concat([c_base, pd.Series({TOTAL: c_base.sum()})])
    if target.type == "absolute":
        return base, projected
    assert q_base is not None and q_anchor is not None and growth is not None
    q_t = q_anchor * growth.reindex(q_anchor.index)
    q_t[TOTAL] = q_t.sum()
    base = base / pd.concat([q_base, pd.Series({TOTAL: q_base.sum()})])
    return base, projected.div(q_t.reindex(projected.index), axis=0)


def _skip(target: Target, anchor: int, horizon: int, has_output: bool) -> str | None:
    if parse_scope(target.scope).crosses_regions:
        return f"target '{target.name}' names regions in its scope; not checked per region"
    if target.type == "intensity" and not has_output:
        return f"target '{target.name}' not checked: no output path per region"
    if not anchor < target.target_year <= horizon:
        return (
            f"target '{target.name}' ({target.target_year}) is outside the projection "
            f"{anchor + 1}-{horizon}; not checked"
        )
    return None


def region_target_checks(
    targets: Sequence[Target],
    *,
    paths: pd.DataFrame,
    assumptions: pd.DataFrame,
    co2: pd.DataFrame,
    output: pd.DataFrame | None,
    anchor: int,
    horizon: int,
    scope: str,
    output_driver: str,
) -> tuple[pd.DataFrame, list[str]]:
    """Every target on every region's path and the sum's (see the module docstring).

    ``paths``/``assumptions``: a ``UnitScenarioResults``' tables (by ``region``);
    ``co2``: region, year, co2_t observed; ``output``: region, year, value or None.
    """
    rows: list[dict[str, object]] = []
    notes: list[str] = []
    scenarios = list(dict.fromkeys(paths["scenario"]))
    has_output = output is not None and (assumptions["driver"] == output_driver).any()
    for i, t in enumerate(targets):
        why = _skip(t, anchor, horizon, has_output)
        if why:
            notes.append(why)
            continue
        key = f"targets[{i + 1}].base_year"
        c_base = _at(co2, t.base_year, "co2_t", key, "CO2")
        q_base = q_anchor = None
        if t.type == "intensity":
            assert output is not None
            q_base = _at(output, t.base_year, "value", key, "output")
            q_anchor = _at(output, anchor, "value", key, "output")
        if t.scope != scope:
            notes.append(
                f"target '{t.name}' is declared for scope '{t.scope}'; its reduction is "
                f"applied to the projected scope '{scope}' (same base year, same fraction)"
            )
        for scen in scenarios:
            growth = _output_growth(assumptions, output_driver, scen, t.target_year - anchor)
            base, projected = _measure(
                t,
                scen,
                c_base=c_base,
                q_base=q_base,
                paths=paths,
                q_anchor=q_anchor,
                growth=growth,
            )
            rows += _rows_for(t, scen, base, projected, scope)
    return pd.DataFrame(rows, columns=list(COLUMNS)), notes
