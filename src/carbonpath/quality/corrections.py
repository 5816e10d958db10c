"""Apply documented corrections (``corrections.csv``) to published values.

A correction names ``year, sector, variable`` (an economy variable or a fuel), the
new ``value`` and a one-sentence ``reason``; ``unit`` is optional and defaults to the
unit the corrected row was written in (its ``source_unit``).  The value is converted
to the canonical unit like any other value.  A correction may also supply a value
for a year that has no row (the series must exist for that sector).  The quality
flags raised on the corrected cell are marked ``resolved``; every correction is
returned as a record (old and new value, canonical unit, reason) for the report.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from carbonpath.core.errors import InputError, StudyError
from carbonpath.core.units import parse_unit

#: checks on a single value that a correction of that value resolves
VALUE_CHECKS = frozenset(
    {"negative", "jump", "zero_between", "non_integer", "share", "unit", "components"}
)


def _num(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _series_of(frames: dict[str, pd.DataFrame], sector: str, var: str, file: str, line: Any) -> str:
    """Which frame ("variable" or "fuel") holds the series a correction names."""
    hits = [k for k, f in frames.items() if ((f["sector"] == sector) & (f[k] == var)).any()]
    if not hits:
        raise StudyError(
            f"there is no {var} data for sector {sector} to correct",
            file=file,
            row=line,
            column="variable",
            fix="check the sector code and the variable or fuel name",
        )
    return "variable" if "variable" in hits else "fuel"


def _factor(c: dict[str, Any], template: pd.Series, var: str, sector: str) -> float:
    """The factor onto the canonical unit of the correction's unit (default: the row's)."""
    file, line = c.get("file") or "corrections.csv", c.get("line")
    unit_text = str(c.get("unit") or "") or str(template.get("source_unit", "") or "")
    try:
        parsed = parse_unit(unit_text or str(template.get("unit", "")))
    except InputError as exc:
        raise StudyError(exc.message, file=file, row=line, column="unit", fix=exc.fix) from exc
    dim = template.get("dimension", "")
    if dim and parsed.dimension != dim:
        raise StudyError(
            f"unit '{unit_text}' is a {parsed.dimension}, but {var} of sector {sector} "
            f"is given as {dim}",
            file=file,
            row=line,
            column="unit",
            fix=f"give the corrected value in a {dim} unit, or leave unit empty",
        )
    return float(parsed.factor)


def _put(
    f: pd.DataFrame, at: pd.DataFrame, template: pd.Series, year: int, new: float
) -> tuple[pd.DataFrame, float | None]:
    """Write the corrected value into its row, or add the row; (frame, old value)."""
    if len(at):
        idx = at.index[0]
        old = _num(f.at[idx, "value"])
        f.at[idx, "value"] = new
        f.at[idx, "corrected"] = True
        return f, old
    row = template.to_dict()
    row.update({"year": year, "value": new, "corrected": True, "line": 0})
    if "filled" in row:
        row["filled"] = False
    return pd.concat([f, pd.DataFrame([row], columns=f.columns)], ignore_index=True), None


def _resolve(flags: list[dict[str, Any]], year: int, sector: str, var: str) -> None:
    """Mark the value checks raised on the corrected cell as resolved."""
    for fl in flags:
        if (
            fl.get("check") in VALUE_CHECKS
            and fl.get("year") == year
            and fl.get("sector") == sector
            and fl.get("variable") == var
        ):
            fl["resolved"] = True


def apply_corrections(
    energy: pd.DataFrame,
    economy: pd.DataFrame,
    corrections: pd.DataFrame | None,
    flags: list[dict[str, Any]],
) -> tuple[pd.DataFrame, pd.DataFrame, list[dict[str, Any]]]:
    """Return ``(energy, economy, applied)`` with the corrections in place.

    Both frames get a bool ``corrected`` column.  ``flags`` on corrected cells are
    marked ``resolved = True`` in place.  Problems with a correction itself (unknown
    series, unit of the wrong kind, two corrections of one value) raise StudyError
    located in the corrections file.
    """
    frames = {"fuel": energy.copy(), "variable": economy.copy()}
    for f in frames.values():
        if "corrected" not in f.columns:
            f["corrected"] = False
    applied: list[dict[str, Any]] = []
    seen: dict[tuple, int] = {}
    records = [] if corrections is None else corrections.to_dict("records")
    for c in records:
        file, line = c.get("file") or "corrections.csv", c.get("line")
        year, sector, var = int(c["year"]), str(c["sector"]), str(c["variable"]).lower()
        if (year, sector, var) in seen:
            raise StudyError(
                f"corrects {var} of sector {sector} in {year} again "
                f"(also on row {seen[(year, sector, var)]})",
                file=file,
                row=line,
                fix="keep one correction per value",
            )
        seen[(year, sector, var)] = line
        key = _series_of(frames, sector, var, file, line)
        f = frames[key]
        series = f.loc[(f["sector"] == sector) & (f[key] == var)]
        at = series.loc[series["year"] == year]
        template = at.iloc[0] if len(at) else series.iloc[0]
        new = float(c["value"]) * _factor(c, template, var, sector)
        frames[key], old = _put(f, at, template, year, new)
        _resolve(flags, year, sector, var)
        applied.append(
            {
                "year": year,
                "sector": sector,
                "variable": var,
                "old": old,
                "new": new,
                "unit": str(template.get("unit", "")),
                "reason": str(c["reason"]),
                "file": file,
                "line": line,
            }
        )
    if not records:
        return frames["fuel"], frames["variable"], applied
    for k, f in frames.items():
        f["corrected"] = f["corrected"].astype(bool)
        frames[k] = f.astype({"year": int, "value": float})
    return frames["fuel"], frames["variable"], applied
