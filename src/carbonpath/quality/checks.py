"""Data-quality checks on a study's tidy tables: each finding is a flag, never a silent fix.

A *series* is one sector's values of one variable (or fuel) over the years.  The checks
(every one explained for users in docs/quality-checks.md):

- ``unit``: a variable's unit has the wrong dimension, or one series mixes dimensions.
- ``negative``: a quantity that cannot be negative is.
- ``jump``: an order-of-magnitude jump against the neighbouring years (robust rule
  below); a value that appears out of zero.
- ``zero_between``: a zero, or a run of zeros over several years, between two non-zero
  years.
- ``non_integer``: a count (employment, institutions) that is not a whole number.
- ``share``: a ratio outside [0, 1].
- ``identical``: two sectors with the same values in all years or in a run of years
  (:mod:`carbonpath.quality.identical`).
- ``components``: fuels converted to energy exceed the reported ``energy_total``.
- ``members_vs_reference``: the member sectors add up to more than the reference
  aggregate.
- ``totals``: jumps and runs of zeros in sector totals and the region's total;
  ``reallocation``: an amount moved between sectors (:mod:`carbonpath.quality.breaks`).
- ``coverage``: a series lacks a study year (checked after gap filling, see
  :mod:`carbonpath.quality.assure`); a member lacks a variable the others have.

The jump rule and the zero-run rule are in :mod:`carbonpath.quality.jumps`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from carbonpath.core.variables import ECONOMY_VARIABLES
from carbonpath.quality import breaks
from carbonpath.quality.flags import Rows, fmt, frame, group_positions, make_flag
from carbonpath.quality.identical import check_identical
from carbonpath.quality.jumps import (
    jump_flags,
    jump_scores,
    log_trend,
    neighbourhoods,
    zero_run_flags,
)
from carbonpath.quality.totals import check_members_vs_reference

#: known economy variables -> required dimension (as in docs/study-format.md)
__all__ = ["CHECKS", "DEFAULTS", "jump_scores", "log_trend", "neighbourhoods", "run_checks"]

EXPECTED_DIMENSIONS = ECONOMY_VARIABLES
ENERGY_DIMENSIONS = ("mass", "volume", "energy")
COUNT_DIMENSIONS = ("headcount", "count")

CHECKS = (
    "unit",
    "negative",
    "jump",
    "zero_between",
    "non_integer",
    "share",
    "identical",
    "components",
    "members_vs_reference",
    "coverage",
    "totals",
    "reallocation",
)

DEFAULTS: dict[str, Any] = {
    "jump_threshold": 0.7,
    "jump_error_threshold": 0.9,
    "jump_window": 2,
    "jump_mad_k": 3.0,
    "jump_min_points": 5,
    "total_tolerance": 0.05,
    "skip": [],
}


_SERIES_COLS = ("file", "line", "year", "value", "unit", "dimension")


def _series(d: pd.DataFrame, key: str):
    """(sector, variable, rows in year order) of every series, as ``groupby`` yields them."""
    rows = Rows(d, (*_SERIES_COLS, "sector", key))
    years = d["year"].to_numpy()
    for pos in group_positions(d, ["sector", key], sort=False):
        pos = pos[np.argsort(years[pos], kind="quicksort")]  # as sort_values("year")
        first = int(pos[0])
        yield (
            str(rows.col["sector"][first]),
            str(rows.col[key][first]),
            [rows.row(int(i)) for i in pos],
        )


def check_series(
    df: pd.DataFrame, key: str, config: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Per-series checks: unit, negative, jump, zero_between, non_integer, share.

    ``df`` holds ``year, sector, <key>, value`` (canonical floats, NaN = missing) and
    optionally ``unit, dimension, file, line``.
    """
    cfg = {**DEFAULTS, **(config or {})}
    skip = set(cfg["skip"])
    d = frame(df, key)
    flags: list[dict[str, Any]] = []
    for sector, var, g in _series(d, key):
        flags += _series_flags(sector, var, g, key, cfg, skip)
    return flags


def _where(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "file": row["file"],
        "line": row["line"],
        "year": row["year"],
        "value": row["value"],
        "unit": row["unit"] or None,
    }


def _unit_flags(
    sector: str, var: str, g: list[dict[str, Any]], dims: list[str], is_fuel: bool
) -> list[dict[str, Any]]:
    """A series mixing kinds of units; a value in a unit of the wrong kind."""
    known_dim = EXPECTED_DIMENSIONS.get(var)
    flags = []
    if len(dims) > 1:
        flags.append(
            make_flag(
                "error",
                "unit",
                f"{var} of sector {sector} mixes units of different kinds ({', '.join(dims)}) "
                "across years; give every year in the same kind of unit",
                file=g[0]["file"],
                sector=sector,
                variable=var,
                unit=g[0]["unit"] or None,
            )
        )
    for row in g:
        dim = row["dimension"]
        if not dim:
            continue
        if known_dim and dim != known_dim:
            msg = f"{var} needs a {known_dim} unit but is given as {dim}"
        elif is_fuel and dim not in ENERGY_DIMENSIONS:
            msg = f"fuel {var} needs a mass, volume or energy unit but is given as {dim}"
        else:
            continue
        flags.append(make_flag("error", "unit", msg, **_where(row), sector=sector, variable=var))
    return flags


def _value_flags(
    check: str, sector: str, var: str, rows: list[dict[str, Any]], severity: str, rule: Any
) -> list[dict[str, Any]]:
    """One flag per row for which ``rule(row)`` gives (message, size)."""
    flags = []
    for row in rows:
        found = rule(row)
        if found is not None:
            msg, size = found
            flags.append(
                make_flag(
                    severity, check, msg, **_where(row), sector=sector, variable=var, size=size
                )
            )
    return flags


def _negative(var: str):
    def rule(row: dict[str, Any]):
        v = row["value"]
        return (f"{var} is negative ({fmt(v)})", v) if v < 0 else None

    return rule


def _outside_share(var: str):
    def rule(row: dict[str, Any]):
        v = row["value"]
        if row["dimension"] == "ratio" and not 0 <= v <= 1:
            return f"{var} is a share but {fmt(v)} lies outside [0, 1] (write 45% or 0.45)", None
        return None

    return rule


def _non_integer(var: str):
    known_dim = EXPECTED_DIMENSIONS.get(var)

    def rule(row: dict[str, Any]):
        v = row["value"]
        is_count = row["dimension"] in COUNT_DIMENSIONS or known_dim in COUNT_DIMENSIONS
        if is_count and abs(v - round(v)) > 1e-6 * max(1.0, abs(v)):
            return (
                f"{var} is a count but {fmt(v)} is not a whole number "
                "(an average, an estimate or a mis-scaled unit?)",
                None,  # a kind of value, not an amount: always listed
            )
        return None

    return rule


def _series_flags(
    sector: str,
    var: str,
    g: list[dict[str, Any]],
    key: str,
    cfg: dict[str, Any],
    skip: set[str],
) -> list[dict[str, Any]]:
    """The per-series checks on one series' rows (year order)."""
    flags: list[dict[str, Any]] = []
    dims = sorted({row["dimension"] for row in g} - {""})
    is_fuel = key == "fuel"
    if "unit" not in skip:
        flags += _unit_flags(sector, var, g, dims, is_fuel)
    rows = [row for row in g if not pd.isna(row["value"])]
    vals = np.array([row["value"] for row in rows], dtype=float)
    strict = is_fuel or EXPECTED_DIMENSIONS.get(var) or "ratio" in dims
    rules = (
        ("negative", "error" if strict else "warning", _negative(var)),
        ("share", "error", _outside_share(var)),
        ("non_integer", "warning", _non_integer(var)),
    )
    for check, severity, rule in rules:
        if check not in skip:
            flags += _value_flags(check, sector, var, rows, severity, rule)
    if "zero_between" not in skip:
        flags.extend(zero_run_flags(rows, vals, sector, var))
    if "jump" not in skip and len(vals) >= 2:
        flags.extend(jump_flags(rows, vals, sector, var, cfg))
    return flags


def run_checks(
    df: pd.DataFrame,
    key: str,
    *,
    config: dict[str, Any] | None = None,
    sectors: pd.DataFrame | None = None,
) -> list[dict[str, Any]]:
    """Every value check on one tidy table (``year, sector, <key>, value`` ...).

    Useful on any long frame, e.g. an imported CEADs inventory with ``key="fuel"``.
    """
    cfg = {**DEFAULTS, **(config or {})}
    skip = set(cfg["skip"])
    flags = check_series(df, key, cfg)
    if "identical" not in skip:
        flags += check_identical(df, key, sectors=sectors)
    if "members_vs_reference" not in skip and sectors is not None:
        flags += check_members_vs_reference(df, key, sectors, cfg["total_tolerance"])
    if "zero_between" not in skip:
        flags += breaks.common_zero_runs(flags)
    if "totals" not in skip:
        flags += breaks.unexplained(breaks.check_totals(df, key, sectors, cfg), flags)
    if "reallocation" not in skip:
        flags += breaks.check_reallocation(df, key, sectors, cfg)
    return flags
