"""Numbers that stay numbers: an emission or indicator that would be infinite is an
input error located at the input that made it so (never a ``null`` in results.json).

An overflow means that some input is absurdly large or small (a value, a correction, a
factor of 1e308 or 1e-300).  Of the inputs a number was computed from, the one to name
is the most extreme in orders of magnitude, ``|log10 |x||``: real activity data, output
values and factors lie within about 15 orders of magnitude of 1, while a value that
overflows a product or a sum lies hundreds of orders away.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from carbonpath.core.errors import InputError, StudyError
from carbonpath.core.units import parse_unit

__all__ = [
    "magnitude",
    "most_extreme",
    "overflow_error",
    "row_location",
    "row_text",
    "shown_value",
]

#: what to do about an absurd input value
VALUE_FIX = "correct the value (a unit or exponent slip?) in its file, or its corrections.csv row"


def magnitude(x: float) -> float:
    """Orders of magnitude of ``x`` away from 1: ``|log10 |x||`` (0 for 0, inf for inf)."""
    ax = abs(float(x))
    if ax == 0.0 or math.isnan(ax):
        return 0.0
    return abs(math.log10(ax)) if math.isfinite(ax) else math.inf


def most_extreme(values: np.ndarray | pd.Series) -> int:
    """Position of the value furthest from 1 in orders of magnitude."""
    arr = np.abs(np.asarray(values, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        mags = np.where((arr > 0) & np.isfinite(arr), np.abs(np.log10(arr)), 0.0)
    mags[np.isinf(arr)] = np.inf
    return int(np.argmax(mags))


def row_location(row: pd.Series | dict[str, Any]) -> tuple[str | None, int | None]:
    """``(file, line)`` of an input row, when the table carries them."""
    file = row.get("file")
    line = row.get("line")
    file = str(file) if isinstance(file, str) and file else None
    try:
        line = int(line) if line is not None and not pd.isna(line) and int(line) > 0 else None
    except (TypeError, ValueError):
        line = None
    return file, line


def _text(value: Any) -> str:
    """A cell as text ('' for empty and missing cells)."""
    return value if isinstance(value, str) else ""


def row_text(row: pd.Series | dict[str, Any]) -> str:
    """``year 2015, sector A, coal`` for an energy, economy or inventory row."""
    parts = []
    if row.get("year") is not None and not pd.isna(row.get("year")):
        parts.append(f"year {int(row.get('year'))}")
    if _text(row.get("sector")):
        parts.append(f"sector {row.get('sector')}")
    what = _text(row.get("fuel")) or _text(row.get("variable"))
    if what:
        parts.append(what)
    return ", ".join(parts)


def shown_value(row: pd.Series | dict[str, Any], value_column: str = "value") -> str:
    """The row's value as written in its file: in its ``source_unit`` when known
    (canonical value / unit factor), else in its canonical ``unit``."""
    value = float(row.get(value_column))
    source = _text(row.get("source_unit"))
    if source:
        try:
            return f"{value / parse_unit(source).factor:g} {source}"
        except InputError:
            pass
    unit = _text(row.get("unit"))
    return f"{value:g} {unit}".rstrip()


def overflow_error(what: str, rows: pd.DataFrame, *, value_column: str = "value") -> InputError:
    """The error for ``what`` being infinite, located at the most extreme of ``rows``.

    ``rows``: the input rows ``what`` was computed from, with ``value_column`` (and
    ``unit``, ``file``, ``line``, ``year``, ``sector``, ``fuel``/``variable`` where known).
    """
    if rows.empty:
        return InputError(f"{what} is too large to represent (overflow)", fix=VALUE_FIX)
    row = rows.iloc[most_extreme(rows[value_column].to_numpy(dtype=float))]
    message = (
        f"{row_text(row)}: value {shown_value(row, value_column)} makes {what} too large to "
        "represent (overflow)"
    )
    file, line = row_location(row)
    if file is None:
        return InputError(message, fix=VALUE_FIX)
    return StudyError(message, file=file, row=line, column="value", fix=VALUE_FIX)
