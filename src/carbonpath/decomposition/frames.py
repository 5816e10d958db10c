"""Tidy LMDI results: periods, units and their totals, effect tables.

The frame adapters (:mod:`.sectoral` for the sectoral identity, :mod:`.identity` for
Kaya and user identities) pivot tidy tables to arrays, run :mod:`.lmdi` per period and
hand the per-unit effects to :func:`build_result`, which adds the totals and lays
everything out as tidy frames.

Units are the finest rows of a decomposition (a sector, a region, a region's sector);
their key columns are ``sector``, ``region`` or ``region, sector``.  Totals: over the last
key within each value of the earlier keys (a region's sectors), and, when there are
several regions, per sector over the regions and over everything.  A total's additive
effect is the sum of its units' effects; its multiplicative effect decomposes its own
ratio, D_x = exp(dC_x / L(C^T, C^0)) with C the total's value (Ang 2015).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from carbonpath.core.errors import InputError
from carbonpath.decomposition.lmdi import TOTAL, multiplicative

#: a period request: "chained", "first_last" or a (start, end) pair
PeriodRequest = str | Sequence[int]


@dataclass(frozen=True)
class LmdiResult:
    """Result of an LMDI-I decomposition.

    ``effects``: period_start, period_end, the key columns (``sector``; ``region``,
    ``sector``; ...: a unit's code or "total"), effect, additive (in the quantity's
    unit), multiplicative (ratio).  ``totals``: period_start, period_end, keys,
    <quantity>_start, <quantity>_end, change, ratio.  ``zero_cells``: cells whose value
    is zero in exactly one year of a period and how they were treated.  A unit's
    multiplicative effect decomposes that unit's own ratio C_u^T / C_u^0; a total row's
    decomposes the total's ratio.
    """

    mode: str
    effect_names: tuple[str, ...]
    delta: float
    zero_limits: bool
    periods: tuple[tuple[int, int], ...]
    effects: pd.DataFrame
    totals: pd.DataFrame
    zero_cells: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)
    keys: tuple[str, ...] = ("sector",)
    quantity: str = "co2"


@dataclass(frozen=True)
class PeriodEffects:
    """Additive effects of one period by unit (1-D per effect), the units' values in the
    start and end year and the zero cells (one dict per row of ``zero_cells``)."""

    start: int
    end: int
    by_unit: dict[str, np.ndarray]
    c_start: np.ndarray
    c_end: np.ndarray
    zero_rows: list[dict[str, object]]


class Prepared(Protocol):
    """Validated, pivoted inputs of a decomposition (what :func:`build_result` needs)."""

    mode: str
    keys: tuple[str, ...]
    units: list[tuple[str, ...]]
    pairs: list[tuple[int, int]]
    effect_names: tuple[str, ...]
    quantity: str
    zero_columns: tuple[str, ...]
    notes: tuple[str, ...]

    def period_effects(self, delta: float, zero_limits: bool) -> list[PeriodEffects]: ...


def resolve_periods(
    years: Sequence[int], periods: PeriodRequest | Sequence[PeriodRequest]
) -> list[tuple[int, int]]:
    """Turn a period request into (start, end) pairs.

    ``"chained"``: consecutive data years (year-to-year); ``"first_last"``: first to
    last data year; or explicit (start, end) pairs.  A list may mix these.
    """
    ys = sorted({int(y) for y in years})
    if len(ys) < 2:
        raise InputError("LMDI needs at least two years of data", fix="add another year")
    items = [periods] if isinstance(periods, str) else list(periods)
    pairs: list[tuple[int, int]] = []
    for item in items:
        for p in _period_pairs(ys, item):
            if p not in pairs:
                pairs.append(p)
    return pairs


def _period_pairs(ys: list[int], item: object) -> list[tuple[int, int]]:
    """The (start, end) pairs of one period request on the sorted data years ``ys``."""
    if isinstance(item, str):
        if item == "chained":
            return list(zip(ys[:-1], ys[1:], strict=True))
        if item == "first_last":
            return [(ys[0], ys[-1])]
        raise InputError(
            f"unknown period '{item}'",
            fix="use 'chained', 'first_last' or [start, end] year pairs",
        )
    pair = tuple(int(y) for y in item)  # type: ignore[attr-defined]
    if len(pair) != 2 or pair[0] >= pair[1]:
        raise InputError(
            f"period {list(pair)} is not a [start, end] pair with start < end",
            fix="write periods as [start, end], e.g. [2015, 2020]",
        )
    for y in pair:
        if y not in ys:
            raise InputError(
                f"period year {y} is outside the data ({ys[0]}-{ys[-1]})",
                fix=f"use years among {ys}",
            )
    return [(pair[0], pair[1])]


@dataclass(frozen=True)
class _Scope:
    """A row of the effect tables: a unit (``direct``: its own values) or a total."""

    label: tuple[str, ...]
    index: np.ndarray
    direct: bool


def scopes(units: list[tuple[str, ...]], n_keys: int) -> list[_Scope]:
    """Units and totals in table order (see the module docstring).

    One key: every unit, then the total.  Two keys (region, sector): per region its
    sectors and its total; with several regions, then every sector over all regions
    and the grand total.  No key: the single unit.
    """
    if n_keys == 0:
        return [_Scope((), np.array([0]), True)]
    everything = np.arange(len(units))
    if n_keys == 1:
        out = [_Scope(u, np.array([i]), True) for i, u in enumerate(units)]
        return [*out, _Scope((TOTAL,), everything, False)]
    firsts = sorted({u[0] for u in units})
    out = []
    for r in firsts:
        members = np.array([i for i, u in enumerate(units) if u[0] == r])
        out += [_Scope(units[i], np.array([i]), True) for i in members]
        out.append(_Scope((r, TOTAL), members, False))
    if len(firsts) > 1:
        for s in sorted({u[1] for u in units}):
            members = np.array([i for i, u in enumerate(units) if u[1] == s])
            out.append(_Scope((TOTAL, s), members, False))
        out.append(_Scope((TOTAL, TOTAL), everything, False))
    return out


def _values(x: np.ndarray, scope: _Scope) -> float:
    """A unit's own value, or the sum over the total's units."""
    return float(x[scope.index[0]]) if scope.direct else float(x[scope.index].sum())


def scope_numbers(
    period: PeriodEffects, effect_names: Sequence[str], rows: list[_Scope]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Values at start and end by scope, and the additive and multiplicative effects as
    (scope x effect) arrays."""
    start = np.array([_values(period.c_start, s) for s in rows])
    end = np.array([_values(period.c_end, s) for s in rows])
    additive = np.empty((len(rows), len(effect_names)))
    for j, x in enumerate(effect_names):
        additive[:, j] = [_values(period.by_unit[x], s) for s in rows]
    shape = additive.shape
    mult = multiplicative(
        additive, np.broadcast_to(start[:, None], shape), np.broadcast_to(end[:, None], shape)
    )
    return start, end, additive, mult


def build_result(
    inputs: Prepared, periods: list[PeriodEffects], delta: float, zero_limits: bool
) -> LmdiResult:
    """Assemble the ``LmdiResult`` tables from the per-period effects."""
    names = inputs.effect_names
    rows = scopes(inputs.units, len(inputs.keys))
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("start", "end", "add", "mul", "c0", "c1")}
    zero_rows: list[dict[str, object]] = []
    for period in periods:
        start, end, additive, mult = scope_numbers(period, names, rows)
        cols["start"].append(np.full(additive.size, period.start, dtype=np.int64))
        cols["end"].append(np.full(additive.size, period.end, dtype=np.int64))
        cols["add"].append(additive.ravel())
        cols["mul"].append(mult.ravel())
        cols["c0"].append(start)
        cols["c1"].append(end)
        zero_rows.extend(period.zero_rows)
    n_periods = len(periods)
    c_start, c_end = np.concatenate(cols["c0"]), np.concatenate(cols["c1"])
    positive = c_start > 0
    ratio = np.full(c_start.shape, np.nan)
    ratio[positive] = c_end[positive] / c_start[positive]
    effects: dict[str, object] = {
        "period_start": np.concatenate(cols["start"]),
        "period_end": np.concatenate(cols["end"]),
    }
    totals: dict[str, object] = {
        "period_start": np.repeat([p.start for p in periods], len(rows)).astype(np.int64),
        "period_end": np.repeat([p.end for p in periods], len(rows)).astype(np.int64),
    }
    for k, key in enumerate(inputs.keys):
        effects[key] = [s.label[k] for s in rows for _ in names] * n_periods
        totals[key] = [s.label[k] for s in rows] * n_periods
    effects["effect"] = list(names) * (len(rows) * n_periods)
    effects["additive"] = np.concatenate(cols["add"])
    effects["multiplicative"] = np.concatenate(cols["mul"])
    q = inputs.quantity
    totals.update(
        {f"{q}_start": c_start, f"{q}_end": c_end, "change": c_end - c_start, "ratio": ratio}
    )
    return LmdiResult(
        mode=inputs.mode,
        effect_names=names,
        delta=delta,
        zero_limits=zero_limits,
        periods=tuple(inputs.pairs),
        effects=pd.DataFrame(effects),
        totals=pd.DataFrame(totals),
        zero_cells=pd.DataFrame(zero_rows, columns=list(inputs.zero_columns)),
        notes=(*inputs.notes, *_zero_note(len(zero_rows), delta, zero_limits, q)),
        keys=inputs.keys,
        quantity=q,
    )


def _zero_note(n: int, delta: float, zero_limits: bool, quantity: str) -> tuple[str, ...]:
    if not n:
        return ()
    how = (
        "they receive the analytical limit of LMDI (Ang & Liu 2007)"
        if zero_limits
        else f"they use the small value delta = {delta:g} (converges slowly, check delta_sensitivity)"
    )
    what = "CO2" if quantity == "co2" else quantity
    return (f"{n} cell(s) have zero {what} in one year of a period; " + how,)


def zero_rows(
    pair: tuple[int, int],
    labels: dict[str, object],
    values: tuple[float, float],
    treatment: str,
    assigned: list[str],
    quantity: str = "co2",
) -> dict[str, object]:
    """One row of ``zero_cells``: the period, the cell's keys, its values, the rule used."""
    return {
        "period_start": pair[0],
        "period_end": pair[1],
        **labels,
        f"{quantity}_start": values[0],
        f"{quantity}_end": values[1],
        "treatment": treatment,
        "assigned_to": ",".join(assigned),
    }


def chain_effects(result: LmdiResult) -> pd.DataFrame:
    """Cumulate year-to-year (chained) effects over their whole span.

    Additive effects of consecutive periods are summed, multiplicative ones
    multiplied (Ang 2015, chaining).  Uses the consecutive periods of ``result``
    only; returns rows for (first year, last year) with the same columns as
    ``result.effects``.  The chained total differs slightly from a direct first->last
    decomposition because LMDI is not chain-consistent in its effects.
    """
    eff = result.effects
    keys = list(result.keys)
    cols = ["period_start", "period_end", *keys, "effect", "additive", "multiplicative"]
    consecutive = _consecutive(set(result.periods))
    if len(consecutive) < 2:
        return pd.DataFrame(columns=cols)
    mask = np.zeros(len(eff), dtype=bool)
    for y0, y1 in consecutive:
        mask |= (eff["period_start"] == y0).to_numpy() & (eff["period_end"] == y1).to_numpy()
    grouped = (
        eff[mask]
        .groupby([*keys, "effect"], sort=False)
        .agg(additive=("additive", "sum"), multiplicative=("multiplicative", "prod"))
    )
    out = grouped.reset_index()
    out.insert(0, "period_end", consecutive[-1][1])
    out.insert(0, "period_start", consecutive[0][0])
    return out[cols]


def _consecutive(periods: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """The chain of periods from the first start year, each taking the nearest end."""
    chain: list[tuple[int, int]] = []
    current = min(p[0] for p in periods) if periods else None
    while current is not None:
        ends = sorted(y1 for y0, y1 in periods if y0 == current)
        if not ends:
            break
        chain.append((current, ends[0]))
        current = ends[0]
    return chain


@dataclass(frozen=True)
class DeltaCheck:
    """Outcome of rerunning LMDI with several small values delta."""

    deltas: tuple[float, ...]
    max_abs_diff: float
    max_rel_diff: float
    tolerance: float
    insensitive: bool


def compare_deltas(
    inputs: Prepared, deltas: Sequence[float], zero_limits: bool, tolerance: float
) -> DeltaCheck:
    """Rerun the decomposition of ``inputs`` for each delta and compare with the first.

    Relative difference of an additive effect = |x_delta - x_ref| / max(|x_ref|, f)
    with the floor f = 1e-9 * the largest |additive effect| (so effects that are zero
    do not divide by zero); multiplicative effects are compared on ln D_X.  The result
    is insensitive when every relative difference is <= ``tolerance`` (Ang & Liu 2007
    recommend checking delta between 1e-10 and 1e-20).
    """
    if len(deltas) < 2:
        raise InputError("give at least two values of delta to compare")
    rows = scopes(inputs.units, len(inputs.keys))
    runs = []
    for d in deltas:
        numbers = [
            scope_numbers(p, inputs.effect_names, rows)
            for p in inputs.period_effects(d, zero_limits)
        ]
        runs.append(
            (
                np.concatenate([add.ravel() for _, _, add, _ in numbers]),
                np.concatenate([mul.ravel() for _, _, _, mul in numbers]),
            )
        )
    ref_add = runs[0][0]
    ref_mul = np.log(runs[0][1])
    scale = float(np.nanmax(np.abs(ref_add))) if ref_add.size else 0.0
    floor = max(scale * 1e-9, np.finfo(float).tiny)
    max_abs = 0.0
    max_rel = 0.0
    for add, run_mul in runs[1:]:
        mul = np.log(run_mul)
        d_add = np.abs(add - ref_add)
        max_abs = max(max_abs, float(np.nanmax(d_add)) if d_add.size else 0.0)
        rel = d_add / np.maximum(np.abs(ref_add), floor)
        finite = np.isfinite(ref_mul) & np.isfinite(mul)
        rel_mul = np.abs(mul[finite] - ref_mul[finite]) / np.maximum(np.abs(ref_mul[finite]), 1e-9)
        for arr in (rel, rel_mul):
            if arr.size:
                max_rel = max(max_rel, float(np.nanmax(arr)))
    return DeltaCheck(
        deltas=tuple(float(d) for d in deltas),
        max_abs_diff=max_abs,
        max_rel_diff=max_rel,
        tolerance=tolerance,
        insensitive=bool(max_rel <= tolerance),
    )
