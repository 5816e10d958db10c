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
from carbonpath.quality.flags import fmt, frame, make_flag
from carbonpath.quality.folding import fold_into_zero_runs
from carbonpath.quality.identical import check_identical
from carbonpath.quality.jumps import (
    Series,
    jump_found,
    jump_scores,
    log_trend,
    neighbourhoods,
    zero_run_found,
)
from carbonpath.quality.stacked import Flat
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


def _ordered(d: pd.DataFrame, key: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows of every series together, each in year order (series in ``groupby``'s
    order of first appearance), and the series of each row."""
    codes = d.groupby(["sector", key], sort=False).ngroup().to_numpy()
    keep = np.flatnonzero(codes >= 0)  # a missing key belongs to no series
    order = keep[np.lexsort((d["year"].to_numpy()[keep], codes[keep]))]
    return d.iloc[order].reset_index(drop=True), codes[order].astype(np.int64)


def _offsets(series: np.ndarray, count: int) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(np.bincount(series, minlength=count))])


class _Table:
    """The rows of every series in year order, as numpy columns (one pass, no per-row
    Python); findings are built only for the rows a check flags."""

    def __init__(self, df: pd.DataFrame, key: str) -> None:
        d, self.series = _ordered(frame(df, key), key)
        self.count = int(self.series.max()) + 1 if len(self.series) else 0
        self.offsets = _offsets(self.series, self.count)
        self.value = d["value"].to_numpy(dtype=float)
        self.year = d["year"].to_numpy()
        self.col = {c: d[c].to_numpy(dtype=object) for c in ("file", "line", "unit")}
        self.dim = d["dimension"].astype(str).to_numpy(dtype=object)
        first = self.offsets[:-1]
        self.sector = [str(x) for x in d["sector"].to_numpy(dtype=object)[first]]
        self.var = [str(x) for x in d[key].to_numpy(dtype=object)[first]]
        var_of_row = d[key].astype(str).to_numpy(dtype=object)
        self.known = pd.Series(var_of_row).map(EXPECTED_DIMENSIONS).fillna("").to_numpy(object)
        given = pd.DataFrame({"s": self.series, "dim": self.dim})
        given = given.loc[given["dim"] != ""].drop_duplicates()
        self.dims = [[] for _ in range(self.count)]
        for s, dim in sorted(zip(given["s"].tolist(), given["dim"].tolist(), strict=False)):
            self.dims[s].append(dim)

    def where(self, i: int) -> dict[str, Any]:
        """Where row ``i`` is, as a finding names it."""
        return {
            "file": self.col["file"][i],
            "line": self.col["line"][i],
            "year": self.year[i],
            "value": self.value[i],
            "unit": self.col["unit"][i] or None,
        }

    def observed(self) -> tuple[Series, np.ndarray]:
        """The observed values as :class:`Series` (and their rows in the table)."""
        rows = np.flatnonzero(~np.isnan(self.value))
        flat = Flat(self.value[rows], self.year[rows], _offsets(self.series[rows], self.count))
        col = {c: v[rows] for c, v in self.col.items()}
        return Series(flat, self.sector, self.var, col["file"], col["line"], col["unit"]), rows


def check_series(
    df: pd.DataFrame, key: str, config: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Per-series checks: unit, negative, jump, zero_between, non_integer, share.

    ``df`` holds ``year, sector, <key>, value`` (canonical floats, NaN = missing) and
    optionally ``unit, dimension, file, line``.  Findings come series by series (in
    ``groupby`` order), in the order of the checks above, each check in year order.
    """
    cfg = {**DEFAULTS, **(config or {})}
    skip = set(cfg["skip"])
    t = _Table(df, key)
    found: list[tuple[int, int, int, dict[str, Any]]] = []
    if "unit" not in skip:
        found += _unit_flags(t, key == "fuel")
    found += _value_flags(t, key == "fuel", skip)
    series, rows = t.observed()
    if "zero_between" not in skip:
        found += [(s, 4, int(rows[i]), f) for s, i, f in zero_run_found(series)]
    if "jump" not in skip:
        found += [(s, 5, int(rows[i]), f) for s, i, f in jump_found(series, cfg)]
    found.sort(key=lambda item: item[:3])
    return [f for *_, f in found]


def _unit_flags(t: _Table, is_fuel: bool) -> list[tuple[int, int, int, dict[str, Any]]]:
    """A series mixing kinds of units; a value in a unit of the wrong kind."""
    out = []
    for s in [s for s, dims in enumerate(t.dims) if len(dims) > 1]:
        i = int(t.offsets[s])
        msg = (
            f"{t.var[s]} of sector {t.sector[s]} mixes units of different kinds "
            f"({', '.join(t.dims[s])}) across years; give every year in the same kind of unit"
        )
        flag = make_flag(
            "error",
            "unit",
            msg,
            file=t.col["file"][i],
            sector=t.sector[s],
            variable=t.var[s],
            unit=t.col["unit"][i] or None,
        )
        out.append((s, 0, -1, flag))
    dim, known = t.dim, t.known
    wrong_known = (known != "") & (dim != "") & (dim != known)
    wrong_fuel = (known == "") & (dim != "") & ~np.isin(dim, ENERGY_DIMENSIONS) & is_fuel
    for i in np.flatnonzero(wrong_known | wrong_fuel).tolist():
        s, var = int(t.series[i]), t.var[int(t.series[i])]
        if wrong_known[i]:
            msg = f"{var} needs a {known[i]} unit but is given as {dim[i]}"
        else:
            msg = f"fuel {var} needs a mass, volume or energy unit but is given as {dim[i]}"
        flag = make_flag("error", "unit", msg, **t.where(i), sector=t.sector[s], variable=var)
        out.append((s, 0, i, flag))
    return out


def _value_flags(
    t: _Table, is_fuel: bool, skip: set[str]
) -> list[tuple[int, int, int, dict[str, Any]]]:
    """negative (an error where the quantity cannot be negative), share (a ratio outside
    [0, 1]) and non_integer (a count that is not a whole number)."""
    v = t.value
    obs = ~np.isnan(v)
    strict_series = np.array(
        [
            is_fuel or bool(EXPECTED_DIMENSIONS.get(var)) or "ratio" in dims
            for var, dims in zip(t.var, t.dims, strict=True)
        ],
        dtype=bool,
    )
    with np.errstate(invalid="ignore"):
        negative = obs & (v < 0)
        share = obs & (t.dim == "ratio") & ~((v >= 0) & (v <= 1))
        is_count = np.isin(t.dim, COUNT_DIMENSIONS) | np.isin(t.known, COUNT_DIMENSIONS)
        whole = np.abs(v - np.round(v)) <= 1e-6 * np.maximum(1.0, np.abs(v))
    checks_ = (
        ("negative", 1, negative),
        ("share", 2, share),
        ("non_integer", 3, obs & is_count & ~whole),
    )
    out = []
    for check, rank, mask in checks_:
        if check in skip:
            continue
        for i in np.flatnonzero(mask).tolist():
            s = int(t.series[i])
            var, x = t.var[s], float(v[i])
            if check == "negative":
                sev, msg, size = (
                    ("error" if strict_series[s] else "warning"),
                    f"{var} is negative ({fmt(x)})",
                    x,
                )
            elif check == "share":
                sev, size = "error", None
                msg = f"{var} is a share but {fmt(x)} lies outside [0, 1] (write 45% or 0.45)"
            else:
                sev, size = "warning", None  # a kind of value, not an amount: always listed
                msg = (
                    f"{var} is a count but {fmt(x)} is not a whole number "
                    "(an average, an estimate or a mis-scaled unit?)"
                )
            flag = make_flag(
                sev, check, msg, **t.where(i), sector=t.sector[s], variable=var, size=size
            )
            out.append((s, rank, i, flag))
    return out


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
        totals = breaks.unexplained(breaks.check_totals(df, key, sectors, cfg), flags)
        if "zero_between" not in skip:
            totals = fold_into_zero_runs(
                totals,
                flags,
                frame(df, key),
                ["sector", key],
                lambda filled: breaks.check_totals(filled, key, sectors, cfg),
                int(cfg["jump_window"]),
            )
        flags += totals
    if "reallocation" not in skip:
        flags += breaks.check_reallocation(df, key, sectors, cfg)
    return flags
