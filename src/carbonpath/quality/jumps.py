"""The jump rule and the zero-run rule on one series (used on cells and on totals).

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
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from carbonpath.quality.flags import fmt, make_flag

__all__ = [
    "jump_flags",
    "jump_scores",
    "log_trend",
    "neighbourhoods",
    "zero_run_flags",
    "zero_runs",
]


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


def zero_runs(vals: np.ndarray) -> list[tuple[int, int]]:
    """Runs ``(i, j)`` (inclusive positions) of zeros with a positive value on each side."""
    runs, i, n = [], 1, len(vals)
    while i < n - 1:
        if vals[i] == 0 and vals[i - 1] > 0:
            j = i
            while j + 1 < n and vals[j + 1] == 0:
                j += 1
            if j + 1 < n and vals[j + 1] > 0:
                runs.append((i, j))
            i = j + 1
        else:
            i += 1
    return runs


def zero_run_flags(
    rows: list[Any], vals: np.ndarray, sector: str, var: str, check: str = "zero_between"
) -> list[dict[str, Any]]:
    """A zero (or a run of zeros over several years) between two non-zero years.

    One flag per run; its size is what the run lacks against the straight line between
    the bounding values, sum over t of x_a + (x_b - x_a)(t - a)/(b - a).
    """
    out = []
    for i, j in zero_runs(vals):
        a, b = rows[i - 1], rows[j + 1]
        ya, yb = int(a["year"]), int(b["year"])
        xa, xb = float(vals[i - 1]), float(vals[j + 1])
        lack = sum(
            xa + (xb - xa) * (int(rows[k]["year"]) - ya) / (yb - ya) for k in range(i, j + 1)
        )
        y0, y1 = int(rows[i]["year"]), int(rows[j]["year"])
        when = f"in {y0}" if i == j else f"in every year {y0}-{y1} ({j - i + 1} years)"
        out.append(
            make_flag(
                "warning",
                check,
                f"{var} is zero {when} between {fmt(xa)} ({ya}) and {fmt(xb)} ({yb}): "
                + ("a missing value written as 0?" if i == j else "missing years written as 0?"),
                file=rows[i]["file"],
                line=rows[i]["line"],
                year=y0,
                sector=sector,
                variable=var,
                value=0.0,
                unit=rows[i]["unit"] or None,
                size=lack,
            )
        )
    return out


def jump_flags(
    rows: list[Any],
    vals: np.ndarray,
    sector: str,
    var: str,
    cfg: dict[str, Any],
    check: str = "jump",
) -> list[dict[str, Any]]:
    """The jump rule (module docstring) on one series' observed rows and values."""
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
                    check,
                    f"{var} is {fmt(vals[i])} in {int(row['year'])} while it is zero in the "
                    f"neighbouring years ({years}): a new source or a reclassification?",
                    file=row["file"],
                    line=row["line"],
                    year=row["year"],
                    sector=sector,
                    variable=var,
                    value=vals[i],
                    unit=unit,
                    size=vals[i],
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
                check,
                f"{var} in {int(row['year'])} is {how} the median of its neighbouring years "
                f"({years}){hint}",
                file=row["file"],
                line=row["line"],
                year=row["year"],
                sector=sector,
                variable=var,
                value=vals[i],
                unit=unit,
                size=vals[i] - vals[i] / 10 ** r[i],  # off the trend-adjusted neighbours
            )
        )
    return out
