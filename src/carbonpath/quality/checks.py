"""Data-quality checks on a study's tidy tables: each finding is a flag, never a silent fix.

A *series* is one sector's values of one variable (or fuel) over the years.  The checks
(every one explained for users in docs/quality-checks.md):

- ``unit``: a variable's unit has the wrong dimension, or one series mixes dimensions.
- ``negative``: a quantity that cannot be negative is.
- ``jump``: an order-of-magnitude jump against the neighbouring years (robust rule
  below); a value that appears out of zero.
- ``zero_between``: a zero between two non-zero years.
- ``non_integer``: a count (employment, institutions) that is not a whole number.
- ``share``: a ratio outside [0, 1].
- ``identical``: two sectors with the very same series.
- ``components``: fuels converted to energy exceed the reported ``energy_total``.
- ``members_vs_reference``: the member sectors add up to more than the reference
  aggregate.
- ``coverage``: a series lacks a study year (checked after gap filling, see
  :mod:`carbonpath.quality.assure`); a member lacks a variable the others have.

The jump rule (robust, scale-free).  For each observed value x_i of a series take its
neighbourhood N(i): up to ``window`` (w) observed values on each side, topped up from
the other side near the ends so that |N(i)| = min(2w, n - 1).  With positive values

    r_i = log10(x_i) - median_{j in N(i)} log10(x_j)

(zeros among the neighbours are left out of the median).  Flag when |r_i| >=
``jump_threshold`` (default 0.7, a factor of 5) and, for series with at least
``jump_min_points`` positive values, also |r_i - median(r)| >= ``jump_mad_k`` x 1.4826 x
MAD(r), so a naturally volatile series does not flag its ordinary swings (Leys et al.
2013, J. Exp. Soc. Psychol. 49, 764: median absolute deviation around the median).
Severity is ``error`` when |r_i| >= ``jump_error_threshold`` (default 0.9, a factor of
about 8: a decimal slip of 10x), otherwise ``warning``.  The median neighbourhood makes
the rule robust: a single slipped value does not make its neighbours look wrong.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from carbonpath.core.variables import ECONOMY_VARIABLES
from carbonpath.quality.flags import Rows, fmt, frame, group_positions, make_flag
from carbonpath.quality.totals import check_members_vs_reference

#: known economy variables -> required dimension (as in docs/study-format.md)
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


def neighbourhoods(n: int, window: int) -> list[list[int]]:
    """Indices of each position's neighbourhood N(i) (see the module docstring)."""
    return [list(nb) for nb in _neighbourhoods(n, window)]


@functools.cache
def _neighbourhoods(n: int, window: int) -> tuple[tuple[int, ...], ...]:
    out = []
    for i in range(n):
        short_left = max(0, window - i)  # values missing on the left near the start
        short_right = max(0, window - (n - 1 - i))  # ... and on the right near the end
        left = range(max(0, i - window - short_right), i)
        right = range(i + 1, min(n, i + 1 + window + short_left))
        out.append((*left, *right))
    return tuple(out)


def log_trend(values: np.ndarray, years: np.ndarray | None) -> float:
    """Repeated-median slope of log10(x) on the year over the positive values (decades
    per year): for each point the median of its slopes to every other point, then the
    median of those (Siegel 1982, breakdown point 50 %, so one slipped value in a short
    series cannot move it).  0 with fewer than 3 positive values or no years."""
    x = np.asarray(values, dtype=float)
    if years is None:
        return 0.0
    t = np.asarray(years, dtype=float)
    pos = x > 0
    if int(pos.sum()) < 3:
        return 0.0
    lx, tx = np.log10(x[pos]), t[pos]
    dt = tx[None, :] - tx[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        slopes = np.where(dt != 0, (lx[None, :] - lx[:, None]) / dt, np.nan)
    return float(np.median(np.nanmedian(slopes, axis=1)))


def jump_scores(
    values: np.ndarray, window: int = 2, years: np.ndarray | None = None
) -> tuple[np.ndarray, list[str]]:
    """Scores r_i (NaN where undefined) and a kind per value: 'ratio', 'appears' or ''.

    ``values`` are the observed (non-missing) values of one series in year order.
    'appears': x_i > 0 while every neighbour is zero.  With ``years`` the logs are
    detrended first by the series' :func:`log_trend`, so that a steady growth (or
    decline) does not make the values at the ends look like jumps, nor hide a slip there.
    """
    x = np.asarray(values, dtype=float)
    n = len(x)
    r = np.full(n, np.nan)
    kind = [""] * n
    xs = x.tolist()
    slope = log_trend(x, years)
    shift = slope * (np.asarray(years, dtype=float) if years is not None else np.zeros(n))
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = (np.log10(x) - shift).tolist()  # used only where x > 0
    for i, nb in enumerate(_neighbourhoods(n, window)):
        if xs[i] <= 0 or not nb:
            continue
        if all(xs[j] == 0 for j in nb):
            kind[i] = "appears"
            continue
        pos = sorted(logs[j] for j in nb if xs[j] > 0)
        if not pos:  # negative neighbours only
            continue
        r[i] = logs[i] - _median_sorted(pos)
        kind[i] = "ratio"
    return r, kind


def _median_sorted(v: list[float]) -> float:
    """Median of sorted values, computed as ``numpy.median`` does (mean of the middle two)."""
    m = len(v) // 2
    return v[m] if len(v) % 2 else float((np.float64(v[m - 1]) + v[m]) / 2)


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
    known_dim = EXPECTED_DIMENSIONS.get(var)
    is_fuel = key == "fuel"

    def flag(sev: str, check: str, msg: str, row: Any = None, value: Any = None) -> None:
        flags.append(
            make_flag(
                sev,
                check,
                msg,
                file=(row["file"] if row is not None else g[0]["file"]),
                line=(row["line"] if row is not None else None),
                year=(row["year"] if row is not None else None),
                sector=sector,
                variable=var,
                value=value if value is not None else (row["value"] if row is not None else None),
                unit=(row["unit"] if row is not None else g[0]["unit"]) or None,
            )
        )

    if "unit" not in skip:
        if len(dims) > 1:
            flag(
                "error",
                "unit",
                f"{var} of sector {sector} mixes units of different kinds ({', '.join(dims)}) "
                "across years; give every year in the same kind of unit",
            )
        for row in g:
            dim = row["dimension"]
            if not dim:
                continue
            if known_dim and dim != known_dim:
                flag(
                    "error",
                    "unit",
                    f"{var} needs a {known_dim} unit but is given as {dim}",
                    row,
                )
            elif is_fuel and dim not in ENERGY_DIMENSIONS:
                flag(
                    "error",
                    "unit",
                    f"fuel {var} needs a mass, volume or energy unit but is given as {dim}",
                    row,
                )
    rows = [row for row in g if not pd.isna(row["value"])]
    vals = np.array([row["value"] for row in rows], dtype=float)
    if "negative" not in skip:
        sev = "error" if (is_fuel or known_dim or "ratio" in dims) else "warning"
        for row in rows:
            if row["value"] < 0:
                flag(sev, "negative", f"{var} is negative ({fmt(row['value'])})", row)
    if "share" not in skip:
        for row in rows:
            if row["dimension"] == "ratio" and not 0 <= row["value"] <= 1:
                flag(
                    "error",
                    "share",
                    f"{var} is a share but {fmt(row['value'])} lies outside [0, 1] "
                    "(write 45% or 0.45)",
                    row,
                )
    if "non_integer" not in skip:
        for row in rows:
            v = row["value"]
            is_count = row["dimension"] in COUNT_DIMENSIONS or known_dim in COUNT_DIMENSIONS
            if is_count and abs(v - round(v)) > 1e-6 * max(1.0, abs(v)):
                flag(
                    "warning",
                    "non_integer",
                    f"{var} is a count but {fmt(v)} is not a whole number "
                    "(an average, an estimate or a mis-scaled unit?)",
                    row,
                )
    if "zero_between" not in skip:
        for i in range(1, len(rows) - 1):
            if vals[i] == 0 and vals[i - 1] > 0 and vals[i + 1] > 0:
                flag(
                    "warning",
                    "zero_between",
                    f"{var} is zero in {rows[i]['year']} between {fmt(vals[i - 1])} "
                    f"({rows[i - 1]['year']}) and {fmt(vals[i + 1])} ({rows[i + 1]['year']}): "
                    "a missing value written as 0?",
                    rows[i],
                )
    if "jump" not in skip and len(vals) >= 2:
        flags.extend(_jump_flags(rows, vals, sector, var, cfg))
    return flags


def _jump_flags(
    rows: list[Any], vals: np.ndarray, sector: str, var: str, cfg: dict[str, Any]
) -> list[dict[str, Any]]:
    window = int(cfg["jump_window"])
    years = np.array([int(row["year"]) for row in rows])
    r, kind = jump_scores(vals, window, years)
    shown, _ = jump_scores(vals, window)  # the ratio to the neighbours as published
    finite = r[np.isfinite(r)]
    use_mad = int(np.sum(vals > 0)) >= int(cfg["jump_min_points"]) and len(finite) >= 3
    med = float(np.median(finite)) if len(finite) else 0.0
    scale = 1.4826 * float(np.median(np.abs(finite - med))) if len(finite) else 0.0
    nbhd = _neighbourhoods(len(vals), window)
    out = []
    for i, row in enumerate(rows):
        if kind[i] != "appears" and (
            not np.isfinite(r[i])
            or abs(r[i]) < cfg["jump_threshold"]
            or (use_mad and abs(r[i] - med) < cfg["jump_mad_k"] * scale)
        ):
            continue
        years = ", ".join(str(int(rows[j]["year"])) for j in nbhd[i])
        unit = row["unit"] or None
        if kind[i] == "appears":
            out.append(
                make_flag(
                    "warning",
                    "jump",
                    f"{var} is {fmt(vals[i])} in {int(row['year'])} while it is zero in the "
                    f"neighbouring years ({years}): a new source or a reclassification?",
                    file=row["file"],
                    line=row["line"],
                    year=row["year"],
                    sector=sector,
                    variable=var,
                    value=vals[i],
                    unit=unit,
                )
            )
            continue
        factor = 10 ** shown[i]
        sev = "error" if abs(r[i]) >= cfg["jump_error_threshold"] else "warning"
        how = f"{factor:.3g} times" if factor >= 1 else f"1/{1 / factor:.3g} of"
        hint = " (a unit or decimal slip of 10x?)" if sev == "error" else ""
        out.append(
            make_flag(
                sev,
                "jump",
                f"{var} in {int(row['year'])} is {how} the median of its neighbouring years "
                f"({years}){hint}",
                file=row["file"],
                line=row["line"],
                year=row["year"],
                sector=sector,
                variable=var,
                value=vals[i],
                unit=unit,
            )
        )
    return out


def check_identical(df: pd.DataFrame, key: str, min_years: int = 3) -> list[dict[str, Any]]:
    """Warn when two sectors carry exactly the same series (>= ``min_years`` values, not all 0)."""
    d = frame(df, key)
    d = d.loc[d["value"].notna()]
    rows = Rows(d, ("file", "unit", "sector", key))
    years = d["year"].to_numpy()
    years_int = d["year"].astype(int).to_numpy()
    values = d["value"].astype(float).to_numpy()
    sector_codes = d.groupby("sector", sort=False).ngroup().to_numpy()
    flags = []
    for pos in group_positions(d, [key], sort=False):
        var = rows.col[key][pos[0]]
        seen: dict[tuple, str] = {}
        # sectors within this variable in order of first appearance, as groupby(sort=False)
        sec = sector_codes[pos]
        keep = sec >= 0
        pos, sec = pos[keep], sec[keep]
        if not len(pos):
            continue
        _, first = np.unique(sec, return_index=True)
        for code in sec[np.sort(first)]:
            s = pos[sec == code]
            s = s[np.argsort(years[s], kind="quicksort")]  # as sort_values("year")
            sv = values[s]
            if len(s) < min_years or (sv == 0).all():
                continue
            sig = tuple(zip(years_int[s].tolist(), sv.tolist(), strict=True))
            sector = rows.col["sector"][s[0]]
            if sig in seen:
                flags.append(
                    make_flag(
                        "warning",
                        "identical",
                        f"{var} of sector {sector} is identical to sector {seen[sig]} in all "
                        f"{len(s)} years: one source split in two, or a copied row?",
                        file=rows.col["file"][s[0]],
                        sector=str(sector),
                        variable=str(var),
                        unit=rows.col["unit"][s[0]] or None,
                    )
                )
            else:
                seen[sig] = str(sector)
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
        flags += check_identical(df, key)
    if "members_vs_reference" not in skip and sectors is not None:
        flags += check_members_vs_reference(df, key, sectors, cfg["total_tolerance"])
    return flags
