"""Fill missing years of a series, always visibly.

Interior gaps (a missing year with observed years on both sides) are filled by linear
interpolation between the nearest observed years a < t < b, the reference paper's
method:

    x_t = x_a + (x_b - x_a) (t - a) / (b - a)

Edge gaps (before the first or after the last observed year) are not filled unless
the study says how, with ``[quality] extrapolate``:

- ``"none"`` (default): left missing; the coverage check reports an error.
- ``"hold"``: the nearest observed value is carried (x_t = x_b).
- ``"linear"``: the straight line through the two nearest observed years a < b on
  that side, x_t = x_b + (x_b - x_a) (t - b) / (b - a); refused when it would turn a
  non-negative quantity negative.

Observed values of the lead years (``lead_years`` before the first study year) serve
as interpolation anchors; lead years themselves are never required or filled.
Every filled value is returned as a record and a flag (check ``gap_filled``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from carbonpath.quality.flags import incomplete_groups, make_flag


def interpolate(a: int, xa: float, b: int, xb: float, t: int) -> float:
    """Value at ``t`` on the straight line through (a, xa) and (b, xb)."""
    return xa + (xb - xa) * (t - a) / (b - a)


def _extrapolate(
    oy: np.ndarray, ox: np.ndarray, t: int, side: np.ndarray, before: bool, how: str
) -> tuple[float, str] | str:
    """Edge year ``t``: held or extrapolated from the observed years on its side."""
    near = int(side[-1]) if before else int(side[0])
    if how == "hold":
        return float(ox[oy == near][0]), f"held at the {near} value"
    if len(side) < 2:
        return "linear extrapolation needs two observed years on that side"
    far = int(side[-2]) if before else int(side[1])
    value = interpolate(far, ox[oy == far][0], near, ox[oy == near][0], t)
    if value < 0 and bool(np.all(ox >= 0)):
        return (
            f"linear extrapolation gives a negative value ({value:.6g}); "
            'use extrapolate = "hold" or supply the value'
        )
    return value, f"linear extrapolation from {min(far, near)} and {max(far, near)}"


def fill_value(
    oy: np.ndarray, ox: np.ndarray, t: int, extrapolate: str
) -> tuple[float, str, str] | str:
    """(value, method, severity) for missing year ``t`` of a series observed at years
    ``oy`` (sorted, non-empty) with values ``ox``; or the reason it stays missing."""
    before, after = oy[oy < t], oy[oy > t]
    if len(before) and len(after):
        a, b = int(before[-1]), int(after[0])
        value = interpolate(a, ox[oy == a][0], b, ox[oy == b][0], t)
        return value, f"linear interpolation between {a} and {b}", "info"
    if extrapolate == "none":
        return (
            "it lies outside the observed years "
            f"{int(oy[0])}-{int(oy[-1])} (edge years are not extrapolated unless "
            '[quality] extrapolate = "linear" or "hold")'
        )
    side = before if len(before) else after
    found = _extrapolate(oy, ox, t, side, bool(len(before)), extrapolate)
    if isinstance(found, str):
        return found
    return found[0], found[1], "warning"


def _filled(
    t: int,
    sector: str,
    var: str,
    value: float,
    method: str,
    severity: str,
    template: pd.Series,
    line: int | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The record and the flag of one filled value."""
    unit = template.get("unit", "")
    record = {
        "year": t,
        "sector": sector,
        "variable": var,
        "value": float(value),
        "unit": unit,
        "method": method,
    }
    flag = make_flag(
        severity,
        "gap_filled",
        f"{var} of sector {sector} in {t} is missing; filled with {value:.6g} {unit} by {method}",
        file=template.get("file", None),
        line=line,
        year=t,
        sector=sector,
        variable=var,
        value=value,
        unit=unit or None,
        size=value,
    )
    return record, flag


def _new_row(template: pd.Series, t: int, value: float) -> dict[str, Any]:
    """A row for a year the series had no row for: its first row with the filled value."""
    row = template.to_dict()
    row.update({"year": t, "value": value, "filled": True})
    if "line" in row:
        row["line"] = 0
    if "corrected" in row:
        row["corrected"] = False
    return row


def _apply(
    d: pd.DataFrame,
    set_pos: list[np.ndarray],
    set_val: list[float],
    new_rows: list[dict[str, Any]],
) -> pd.DataFrame:
    """Write the filled values into their rows and append the rows that were absent."""
    if set_pos:
        at = np.concatenate(set_pos)
        vals = np.repeat(np.array(set_val, dtype=float), [len(p) for p in set_pos])
        d.iloc[at, d.columns.get_loc("value")] = vals
        d.iloc[at, d.columns.get_loc("filled")] = True
    if new_rows:
        d = pd.concat([d, pd.DataFrame(new_rows, columns=d.columns)], ignore_index=True)
        d = d.astype({"year": int, "value": float})
        if "line" in d:
            d["line"] = d["line"].astype(int)
    d["filled"] = d["filled"].astype(bool)
    return d


def fill_gaps(
    df: pd.DataFrame,
    key: str,
    years: list[int],
    extrapolate: str = "none",
) -> tuple[pd.DataFrame, list[dict[str, Any]], list[dict[str, Any]], dict[tuple, str]]:
    """Fill the missing study ``years`` of every series present in ``df``.

    Returns ``(frame, filled, flags, unfilled)``: the frame with filled values (rows
    added where a year had no row at all, ``line`` 0) and ``filled = True`` on them;
    the filled records ``year, sector, variable, value, unit, method``; their flags;
    and ``{(year, sector, variable): reason}`` for values that stay missing.
    """
    d = df.copy()
    if "filled" not in d.columns:
        d["filled"] = False
    filled: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    unfilled: dict[tuple, str] = {}
    new_rows: list[dict[str, Any]] = []
    set_pos: list[np.ndarray] = []  # rows of d that get a filled value ...
    set_val: list[float] = []  # ... and that value
    col_year = d["year"].to_numpy()
    col_value = d["value"].to_numpy(dtype=float)
    col_line = d["line"].to_numpy() if "line" in d else None
    sectors = d["sector"].to_numpy(dtype=object)
    keys = d[key].to_numpy(dtype=object)
    for pos in incomplete_groups(d, ["sector", key], years):
        sector, var = sectors[pos[0]], keys[pos[0]]
        obs = pos[~np.isnan(col_value[pos])]
        obs = obs[np.argsort(col_year[obs], kind="quicksort")]  # as sort_values("year")
        oy = col_year[obs].astype(int)
        ox = col_value[obs]
        have = set(oy.tolist())
        template = None
        for t in years:
            if t in have:
                continue
            cell = (t, str(sector), str(var))
            if len(oy) == 0:
                unfilled[cell] = "the series has no value in any year"
                continue
            found = fill_value(oy, ox, t, extrapolate)
            if isinstance(found, str):
                unfilled[cell] = found
                continue
            value, method, severity = found
            if template is None:
                template = d.iloc[int(pos[0])]  # the series' first row, as groupby gives it
            at = pos[col_year[pos] == t]
            if len(at):
                set_pos.append(at)
                set_val.append(value)
                line = int(col_line[at[0]]) if col_line is not None else None
            else:
                new_rows.append(_new_row(template, t, value))
                line = None
            rec, flag = _filled(t, str(sector), str(var), value, method, severity, template, line)
            filled.append(rec)
            flags.append(flag)
    d = _apply(d, set_pos, set_val, new_rows)
    return d, filled, flags, unfilled
