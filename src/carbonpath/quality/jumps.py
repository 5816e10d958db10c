"""The jump rule and the zero-run rule (used on cells and on totals).

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

A zero run is a zero, or several years of zeros, between two non-zero observed years:
often missing years written as 0 (CEADs Beijing 2017 cement process; Ningxia 2000-2002,
where every combustion source of every sector is zero).

Every series is scored at once (:mod:`carbonpath.quality.stacked`); only the flagged
values are turned into findings.  The one-series functions below are the same rule on
one series.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from carbonpath.quality.flags import fmt, make_flag
from carbonpath.quality.stacked import Flat, jumps, neighbour_index, zero_run_bounds

__all__ = [
    "Series",
    "jump_flags",
    "jump_found",
    "jump_scores",
    "log_trend",
    "neighbourhoods",
    "zero_run_flags",
    "zero_run_found",
    "zero_runs",
]

#: a finding with its place: (series, flat position of its value, flag)
Found = tuple[int, int, dict[str, Any]]


@dataclass(frozen=True)
class Series:
    """Many series' observed values (``flat``) with what a finding names: ``sector`` and
    ``variable`` per series; ``file``, ``line`` and ``unit`` per value (or one for all)."""

    flat: Flat
    sector: list[str]
    variable: list[str]
    file: Any
    line: Any
    unit: Any

    def at(self, col: str, i: int) -> Any:
        v = getattr(self, col)
        return v[i] if isinstance(v, (list, np.ndarray)) else v


def neighbourhoods(n: int, window: int) -> list[list[int]]:
    """Indices of each position's neighbourhood N(i) (see the module docstring)."""
    if n < 2:
        return [[] for _ in range(n)]
    return neighbour_index(n, window).tolist()


def _one(values: np.ndarray, years: np.ndarray | None) -> Flat:
    x = np.asarray(values, dtype=float)
    t = np.zeros(len(x)) if years is None else np.asarray(years, dtype=float)
    return Flat(values=x, years=t, offsets=np.array([0, len(x)]))


def log_trend(values: np.ndarray, years: np.ndarray | None) -> float:
    """Repeated-median slope of log10(x) on the year over the positive values (decades
    per year): for each point the median of its slopes to every other point, then the
    median of those (Siegel 1982, breakdown point 50 %, so one slipped value in a short
    series cannot move it).  0 with fewer than 3 positive values or no years."""
    from carbonpath.quality.stacked import _trend

    if years is None:
        return 0.0
    x = np.asarray(values, dtype=float)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        lg = np.log10(x)
    return float(_trend(lg, np.asarray(years, dtype=float)[None, :], x > 0)[0])


def jump_scores(
    values: np.ndarray, window: int = 2, years: np.ndarray | None = None
) -> tuple[np.ndarray, list[str]]:
    """Scores r_i (NaN where undefined) and a kind per value: 'ratio', 'appears' or ''.

    ``values`` are the observed (non-missing) values of one series in year order.
    'appears': x_i > 0 while every neighbour is zero.  With ``years`` the logs are
    detrended first by the series' :func:`log_trend`, so that a steady growth (or
    decline) does not make the values at the ends look like jumps, nor hide a slip there.
    """
    flat = _one(values, years)
    cfg = {"jump_window": window, "jump_min_points": 5, "jump_threshold": 0.0}
    cfg |= {"jump_mad_k": 0.0, "jump_error_threshold": 0.0}
    found = jumps(flat, cfg)
    r = found.r if years is not None else found.shown
    kind = [
        "appears" if a else "ratio" if np.isfinite(s) else ""
        for a, s in zip(found.appears, r, strict=False)
    ]
    return r, kind


def zero_runs(vals: np.ndarray) -> list[tuple[int, int]]:
    """Runs ``(i, j)`` (inclusive positions) of zeros with a positive value on each side."""
    first, last = zero_run_bounds(_one(vals, None))
    return list(zip(first.tolist(), last.tolist(), strict=False))


def zero_run_found(series: Series, check: str = "zero_between") -> list[Found]:
    """A zero (or a run of zeros over several years) between two non-zero years.

    One flag per run; its size is what the run lacks against the straight line between
    the bounding values, sum over t of x_a + (x_b - x_a)(t - a)/(b - a).
    """
    flat = series.flat
    first, last = zero_run_bounds(flat)
    owner = np.searchsorted(flat.offsets, first, side="right") - 1
    years = flat.years
    out = []
    for s, i, j in zip(owner.tolist(), first.tolist(), last.tolist(), strict=False):
        ya, yb = int(years[i - 1]), int(years[j + 1])
        xa, xb = float(flat.values[i - 1]), float(flat.values[j + 1])
        lack = sum(xa + (xb - xa) * (int(years[k]) - ya) / (yb - ya) for k in range(i, j + 1))
        y0, y1 = int(years[i]), int(years[j])
        when = f"in {y0}" if i == j else f"in every year {y0}-{y1} ({j - i + 1} years)"
        var = series.variable[s]
        flag = make_flag(
            "warning",
            check,
            f"{var} is zero {when} between {fmt(xa)} ({ya}) and {fmt(xb)} ({yb}): "
            + ("a missing value written as 0?" if i == j else "missing years written as 0?"),
            file=series.at("file", i),
            line=series.at("line", i),
            year=y0,
            sector=series.sector[s],
            variable=var,
            value=0.0,
            unit=series.at("unit", i) or None,
            size=lack,
        )
        out.append((s, i, flag))
    return out


def _jump_flag(series: Series, s: int, i: int, found: Any, cfg: dict[str, Any], check: str):
    flat = series.flat
    lo = int(flat.offsets[s])
    n = int(flat.offsets[s + 1]) - lo
    years = ", ".join(
        str(int(flat.years[lo + j])) for j in neighbour_index(n, cfg["jump_window"])[i - lo]
    )
    var, year, x = series.variable[s], int(flat.years[i]), flat.values[i]
    where = dict(
        file=series.at("file", i),
        line=series.at("line", i),
        year=year,
        sector=series.sector[s],
        variable=var,
        value=x,
        unit=series.at("unit", i) or None,
    )
    if found.appears[i]:
        msg = (
            f"{var} is {fmt(x)} in {year} while it is zero in the "
            f"neighbouring years ({years}): a new source or a reclassification?"
        )
        return make_flag("warning", check, msg, **where, size=x)
    r = found.r[i]
    factor = 10 ** found.shown[i]
    sev = "error" if found.error[i] else "warning"
    how = f"{factor:.3g} times" if factor >= 1 else f"1/{1 / factor:.3g} of"
    hint = " (a unit or decimal slip of 10x?)" if sev == "error" else ""
    msg = f"{var} in {year} is {how} the median of its neighbouring years ({years}){hint}"
    return make_flag(sev, check, msg, **where, size=x - x / 10**r)  # off the trend-adjusted


def jump_found(series: Series, cfg: dict[str, Any], check: str = "jump") -> list[Found]:
    """The jump rule (module docstring) on every series; findings of the flagged values."""
    flat = series.flat
    found = jumps(flat, cfg)
    at = np.flatnonzero(found.flagged)
    owner = np.searchsorted(flat.offsets, at, side="right") - 1
    return [
        (s, i, _jump_flag(series, s, i, found, cfg, check))
        for s, i in zip(owner.tolist(), at.tolist(), strict=False)
    ]


def _rows_series(rows: list[Any], vals: np.ndarray, sector: str, var: str) -> Series:
    flat = Flat(
        values=np.asarray(vals, dtype=float),
        years=np.array([int(r["year"]) for r in rows]),
        offsets=np.array([0, len(rows)]),
    )
    col = {c: [r[c] for r in rows] for c in ("file", "line", "unit")}
    return Series(flat, [sector], [var], col["file"], col["line"], col["unit"])


def zero_run_flags(
    rows: list[Any], vals: np.ndarray, sector: str, var: str, check: str = "zero_between"
) -> list[dict[str, Any]]:
    """:func:`zero_run_found` on one series' observed rows (``year, file, line, unit``)."""
    return [f for _, _, f in zero_run_found(_rows_series(rows, vals, sector, var), check)]


def jump_flags(
    rows: list[Any],
    vals: np.ndarray,
    sector: str,
    var: str,
    cfg: dict[str, Any],
    check: str = "jump",
) -> list[dict[str, Any]]:
    """:func:`jump_found` on one series' observed rows (``year, file, line, unit``)."""
    return [f for _, _, f in jump_found(_rows_series(rows, vals, sector, var), cfg, check)]
