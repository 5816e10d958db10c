"""Totals that break only because cells under them are zero for several years.

A run of zeros over two or more years in the cells (one province with every combustion
fuel zero in all manufacturing sectors for three years) empties the sector totals above
them and makes the region's total, and the panel total, jump at the run and at its
edges.  Those are the same break seen from above, not separate findings.

The rule (a counterfactual): put every cell of a run of zeros over two or more years on
the straight line between its bounding years, x_a + (x_b - x_a)(t - a)/(b - a) (what the
zero-run finding says is missing), and run the totals check again.  A totals finding
(year, sector, variable) that is no longer found there is a *consequence* of the zero
runs: it is not listed on its own but folded into the zero-run finding that explains
it, whose message then names it.  That finding is the largest zero-run finding under
the total (its series is part of the total; a common run, ``sector`` ``*``, is under
every total of its region) whose years, widened by 2w years on each side (the reach of
a neighbourhood near the ends of a series, w = ``jump_window``), hold the total's year,
and only when that run lacks per year at least half the totals finding's size (its
size over its number of years >= 0.5 x the total's size: the run is the break, not a
part of it); otherwise the totals finding is kept.  Single-year zeros
are not folded: a total falling in one year because many cells are zero in that year
(Hainan 2002) is listed as the totals finding it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from carbonpath.quality.stacked import Flat, zero_run_bounds

__all__ = ["fill_zero_runs", "fold_into_zero_runs"]

TOTAL = "total"
#: a run of zeros over this many years or more is folded (a single zero year is not)
LEAST_YEARS = 2
#: the run must lack, per year, at least this share of the totals finding's size
HALF = 0.5


def fill_zero_runs(df: pd.DataFrame, by: list[str]) -> pd.DataFrame | None:
    """``df`` with every cell of a run of zeros over ``LEAST_YEARS`` or more years of
    each series (``by``: the columns naming a series) on the straight line between its
    bounding years; None when there is no such run."""
    values = df["value"].to_numpy(dtype=float)
    codes = df.groupby(by, sort=False).ngroup().to_numpy()
    rows = np.flatnonzero((codes >= 0) & ~np.isnan(values))
    years = df["year"].to_numpy()
    rows = rows[np.lexsort((years[rows], codes[rows]))]
    counts = np.bincount(codes[rows], minlength=int(codes.max()) + 1 if len(codes) else 0)
    flat = Flat(values[rows], years[rows], np.concatenate([[0], np.cumsum(counts)]))
    first, last = zero_run_bounds(flat)
    long = last - first + 1 >= LEAST_YEARS
    first, last = first[long], last[long]
    if not len(first):
        return None
    length = last - first + 1
    at = np.repeat(first, length) + (
        np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
    )
    a, b = np.repeat(first - 1, length), np.repeat(last + 1, length)
    ya, yb, t = (flat.years[i].astype(float) for i in (a, b, at))
    xa, xb = flat.values[a], flat.values[b]
    out = df.copy()
    col = out.columns.get_loc("value")
    out.iloc[rows[at], col] = xa + (xb - xa) * (t - ya) / (yb - ya)
    return out


def _span(f: dict[str, Any]) -> tuple[int, int] | None:
    """(first, last) year of a zero-run finding over several years, else None."""
    msg = f["message"]
    if f["check"] != "zero_between" or "in every year " not in msg:
        return None
    y0, y1 = msg.split("in every year ", 1)[1].split(" ", 1)[0].split("-")
    return int(y0), int(y1)


def _under(cell: dict[str, Any], total: dict[str, Any]) -> bool:
    """Whether the cell's series is part of the total (same region, sector, variable
    where the total has one)."""
    if total.get("region", cell.get("region")) not in ("*", cell.get("region")):
        return False
    if total["sector"] != "*" and cell["sector"] not in (total["sector"], "*"):
        return False
    return total["variable"] == TOTAL or cell["variable"] in (total["variable"], TOTAL)


def _explaining(
    total: dict[str, Any], runs: list[tuple[dict[str, Any], tuple[int, int]]], reach: int
):
    """The zero-run finding that explains a folded total (module docstring), or None."""
    year = int(total["year"])
    under = [
        (f, y1 - y0 + 1)
        for f, (y0, y1) in runs
        if _under(f, total) and y0 - reach <= year <= y1 + reach
    ]
    if not under:
        return None
    best, years = max(under, key=lambda item: item[0]["size"] or 0.0)
    per_year = (best["size"] or 0.0) / years
    return best if per_year >= HALF * (total["size"] or 0.0) else None


def _name(sector: str, variable: str, panel: bool) -> str:
    if panel:
        return "the panel total" if variable == TOTAL else f"the panel total of {variable}"
    if sector == "*":
        return "the region's total" if variable == TOTAL else f"{variable} over the sectors"
    return f"the total of sector {sector}" if variable == TOTAL else f"{variable} of {sector}"


def _note(target: dict[str, Any], folded: list[dict[str, Any]]) -> None:
    """Append to the zero-run finding which totals show its break."""
    years: dict[tuple[str, str, bool], list[int]] = {}
    for f in folded:
        k = (str(f["sector"]), str(f["variable"]), f.get("region") == "*")
        years.setdefault(k, []).append(int(f["year"]))
    parts = [
        f"{_name(s, v, p)} ({', '.join(str(y) for y in sorted(ys))})"
        for (s, v, p), ys in years.items()
    ]
    target["message"] += (
        f"; the totals above show the same break: {'; '.join(parts)} "
        f"({len(folded)} totals finding(s) folded in here)"
    )


def fold_into_zero_runs(
    totals: list[dict[str, Any]],
    cells: list[dict[str, Any]],
    df: pd.DataFrame,
    by: list[str],
    recheck: Callable[[pd.DataFrame], list[dict[str, Any]]],
    window: int = 2,
) -> list[dict[str, Any]]:
    """The totals findings that are not consequences of the zero runs over several
    years in ``df`` (module docstring); each consequence is named in the zero-run finding
    of ``cells`` that explains it."""
    runs = [(f, span) for f in cells if (span := _span(f)) is not None]
    reach = 2 * int(window)  # a neighbourhood reaches 2w years on one side near the ends
    if not totals or not runs:
        return totals
    explains = [_explaining(t, runs, reach) if t["year"] is not None else None for t in totals]
    if all(e is None for e in explains):  # no run could explain any: no re-check needed
        return totals
    filled = fill_zero_runs(df, by)
    if filled is None:
        return totals
    still = {(f["year"], f["sector"], f["variable"]) for f in recheck(filled)}
    kept: list[dict[str, Any]] = []
    folded: dict[int, list[dict[str, Any]]] = {}
    targets: dict[int, dict[str, Any]] = {}
    for t, target in zip(totals, explains, strict=True):
        if target is None or (t["year"], t["sector"], t["variable"]) in still:
            kept.append(t)
            continue
        folded.setdefault(id(target), []).append(t)
        targets[id(target)] = target
    for k, items in folded.items():
        _note(targets[k], items)
    return kept
