"""Tables ready for the template: headers with units and rows of formatted cells."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from carbonpath.report.html.format import (
    HEADERS,
    PERCENT,
    SCALE,
    column_digits,
    finite,
    fmt_cell,
    is_count,
)

#: decimals of regression tables (as SPSS prints them)
COEF_DECIMALS = {k: 3 for k in ("b", "se", "beta", "t", "vif", "ci_lo", "ci_hi")}


@dataclass
class Cell:
    """One formatted cell; numbers are right-aligned."""

    text: str
    numeric: bool = False

    @property
    def long(self) -> bool:
        """Long text gets a minimum width so it does not wrap into a narrow column."""
        return not self.numeric and len(self.text) > 40


@dataclass
class Table:
    """A table ready for the template: headers and rows of formatted cells."""

    caption: str
    headers: list[str]
    rows: list[list[Cell]]
    note: str = ""
    warn: str = ""


def _columns(rows: list[dict[str, Any]], columns: list[str] | None) -> list[str]:
    """``columns`` present in ``rows``, or every key in first-seen order."""
    if columns is not None:
        return [c for c in columns if any(c in r for r in rows)]
    out: list[str] = []
    for r in rows:
        out += [k for k in r if k not in out]
    return out


def _digits(rows: list[dict[str, Any]], col: str) -> int | None:
    """Decimals of column ``col`` (None: per-value format, for counts and percentages)."""
    if is_count(col) or col in PERCENT:
        return None
    vals = [r.get(col) for r in rows]
    if col in SCALE:
        vals = [v / SCALE[col] if finite(v) is not None else v for v in vals]
    return column_digits(vals)


def records_table(
    records: list[dict[str, Any]],
    caption: str,
    columns: list[str] | None = None,
    headers: dict[str, str] | None = None,
    note: str = "",
    warn: str = "",
    decimals: dict[str, int] | None = None,
) -> Table | None:
    """A Table from plain records; columns default to every key in first-seen order.

    Numbers get one number of decimals per column (``column_digits``) unless
    ``decimals`` fixes it for a column (regression tables use 3, as SPSS does).
    """
    rows = [r for r in records or [] if isinstance(r, dict)]
    if not rows:
        return None
    cols = _columns(rows, columns)
    names = {**HEADERS, **(headers or {})}
    digits = {c: _digits(rows, c) for c in cols} | (decimals or {})
    out_rows = [
        [Cell(fmt_cell(c, r.get(c), digits.get(c)), finite(r.get(c)) is not None) for c in cols]
        for r in rows
    ]
    return Table(caption, [names.get(c, c) for c in cols], out_rows, note, warn)


def add_tables(target: list[Table], *tables: Table | None) -> None:
    """Append the tables that exist (a records_table of no records is None)."""
    target.extend(t for t in tables if t is not None)
