"""The ``identical`` check: two sectors carrying the same values, in all years or in a run.

A copied row or one source split in two (CEADs rubber 291 and plastics 292 carry the
same values in 2016-2019 in several provinces) shows as two sectors whose values are
equal in consecutive common years, at least ``min_years`` of them not zero.  Equal means
|a - b| <= 1e-9 x max(|a|, |b|) (the same published figure after unit conversion).

The reference aggregate equal to a member is no finding when every other member is zero
(or absent) in those years: an aggregate whose only non-zero part is that member must
equal it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from carbonpath.quality.flags import frame, make_flag, var_blocks

__all__ = ["check_identical", "longest_equal_run"]

REL = 1e-9


def _equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.abs(a - b) <= REL * np.maximum(np.abs(a), np.abs(b))


def longest_equal_run(a: np.ndarray, b: np.ndarray) -> tuple[int, int, int]:
    """(start, length, non-zero values) of the run of consecutive equal values (NaN never
    equal) holding the most non-zero values."""
    eq, nz = _equal(a, b).tolist(), (a != 0).tolist()
    best, start, run, count = (0, 0, 0), 0, 0, 0
    for i, e in enumerate(eq):
        if not e:
            run = count = 0
            continue
        if run == 0:
            start = i
        run += 1
        count += int(nz[i])
        if count > best[2]:
            best = (start, run, count)
    return best


def _run_matrix(wide: np.ndarray) -> np.ndarray:
    """For every pair of rows, the most non-zero values in one run of equal values."""
    eq = _equal(wide[:, None, :], wide[None, :, :])
    nz = np.broadcast_to((wide != 0)[:, None, :], eq.shape)
    count = np.zeros(eq.shape[:2], dtype=int)
    best = np.zeros_like(count)
    for y in range(eq.shape[2]):
        count = (count + nz[:, :, y]) * eq[:, :, y]
        best = np.maximum(best, count)
    return best


def _explained(
    i: int, j: int, cols: slice, wide: np.ndarray, roles: list[str], codes: list[str]
) -> bool:
    """A reference (or region row) equal to a member whose fellow members are zero there."""
    pair = {roles[i], roles[j]}
    if "member" not in pair or not pair & {"reference", "region"}:
        return False
    member = i if roles[i] == "member" else j
    others = [k for k, r in enumerate(roles) if r == "member" and k != member]
    if not others:
        return True
    block = np.nan_to_num(wide[others, cols], nan=0.0)
    return bool((block == 0).all())


def check_identical(
    df: pd.DataFrame, key: str, min_years: int = 3, sectors: pd.DataFrame | None = None
) -> list[dict[str, Any]]:
    """Warn when two sectors carry the same values in consecutive years, at least
    ``min_years`` of them not zero.

    ``df``: ``year, sector, <key>, value`` (NaN = missing); ``sectors`` (``code, role``)
    lets the reference row equal its only non-zero member without a finding.
    """
    d = frame(df, key)
    d = d.loc[d["value"].notna()]
    if d.empty:
        return []
    role_of = {} if sectors is None else dict(zip(sectors["code"], sectors["role"], strict=False))
    years = sorted(int(y) for y in d["year"].unique())
    files = d["file"].to_numpy(dtype=object)
    units = d["unit"].to_numpy(dtype=object)
    flags = []
    for var, codes, wide, first in var_blocks(d, key, years):
        roles = [role_of.get(c, "member") for c in codes]
        runs = _run_matrix(wide)
        for j in np.flatnonzero((runs >= min_years).any(axis=1)).tolist():
            flag = _pair_flag(j, runs, codes, roles, wide, years, min_years, str(var))
            if flag is not None:
                row = int(first[j])
                flag.update(file=str(files[row]) or None, unit=str(units[row]) or None)
                flags.append(flag)
    return flags


def _pair_flag(
    j: int,
    runs: np.ndarray,
    codes: list[str],
    roles: list[str],
    wide: np.ndarray,
    years: list[int],
    min_years: int,
    var: str,
) -> dict[str, Any] | None:
    """The finding for sector ``j`` against the first earlier sector it equals, if any."""
    given_j = ~np.isnan(wide[j])
    for i in np.flatnonzero(runs[j, :j] >= min_years).tolist():
        start, run, _nonzero = longest_equal_run(wide[i], wide[j])
        cols = slice(start, start + run)
        if _explained(i, j, cols, wide, roles, codes):
            continue
        given_i = ~np.isnan(wide[i])
        full = run == int(given_j.sum()) and bool((given_i == given_j).all())
        y0, y1 = years[start], years[start + run - 1]
        when = (
            f"in all {run} years"
            if full
            else f"in {y0}-{y1} ({run} of its {int(given_j.sum())} years)"
        )
        f = make_flag(
            "warning",
            "identical",
            f"{var} of sector {codes[j]} is identical to sector {codes[i]} {when}: one "
            "source split in two, or a copied row?",
            year=None if full else y0,
            sector=codes[j],
            variable=var,
            size=float(np.sum(np.abs(wide[j, cols]))),
        )
        return f
    return None
