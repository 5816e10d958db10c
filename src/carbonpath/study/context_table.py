"""``context.csv``: series that describe a study's setting, shown as report figures.

Optional. Columns ``series,year,value,unit,source`` and optionally ``category`` (a row
label instead of a year, for tables by industry or by batch), ``kind`` (``line``,
``bar`` or ``table``; ``line`` by default), ``illustrative`` (``true`` when the values
are placeholders of the right shape, not data), ``title`` and ``title_zh``. Every row
needs a series, a value and a source; a series has one kind, one unit, one source and
either years or categories. The report draws each line/bar series as a figure with its
source and shows each table series as a table; nothing here enters an analysis.
"""

from __future__ import annotations

import math

import pandas as pd

from carbonpath.core.errors import StudyError
from carbonpath.core.text import display_text
from carbonpath.io.tables import Table, parse_number, parse_year

__all__ = ["CONTEXT_OPTIONAL", "CONTEXT_REQUIRED", "KINDS", "read_context"]

CONTEXT_REQUIRED = ["series", "value", "unit", "source"]
CONTEXT_OPTIONAL = ["year", "category", "kind", "illustrative", "title", "title_zh"]
KINDS = ("line", "bar", "table")
_TRUE = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False, "": False}
_SAME = ("kind", "unit", "source")


def _flag(text: str, t: Table, line: int) -> bool:
    v = _TRUE.get(text.strip().lower())
    if v is None:
        raise StudyError(
            f"illustrative '{display_text(text)}' is not true or false",
            file=t.label,
            row=line,
            column="illustrative",
            fix="write true (placeholder values) or false (data)",
        )
    return v


def _record(rec: dict[str, str], line: int, t: Table) -> dict[str, object]:
    """One checked row: series, year or category, finite value, kind, illustrative."""

    def bad(column: str, what: str, fix: str) -> StudyError:
        return StudyError(what, file=t.label, row=line, column=column, fix=fix)

    if not rec["series"]:
        raise bad("series", "a context row needs a series name", "name the series")
    value = parse_number(rec["value"], file=t.label, row=line, column="value")
    if value is None or not math.isfinite(value):
        raise bad("value", "a context row needs a value", "give the number, or drop the row")
    if not rec["source"]:
        raise bad("source", "a context row needs its source", "name the publication or table")
    kind = (rec.get("kind") or "line").strip().lower()
    if kind not in KINDS:
        raise bad("kind", f"kind '{display_text(kind)}' is unknown", "use line, bar or table")
    year = parse_year(rec["year"], file=t.label, row=line) if rec.get("year") else None
    category = rec.get("category", "")
    if (year is None) == (not category):
        raise bad("year", "give either a year or a category", "fill exactly one of the two")
    return {
        "series": display_text(rec["series"]),
        "year": year,
        "category": display_text(category),
        "value": value,
        "unit": display_text(rec["unit"]),
        "source": display_text(rec["source"]),
        "kind": kind,
        "illustrative": _flag(rec.get("illustrative", ""), t, line),
        "title": display_text(rec.get("title", "")),
        "title_zh": display_text(rec.get("title_zh", "")),
        "line": line,
    }


def _check_series(rows: list[dict[str, object]], t: Table) -> None:
    """One kind, unit and source per series, and years or categories, not both."""
    first: dict[object, dict[str, object]] = {}
    for r in rows:
        f = first.setdefault(r["series"], r)
        for col in (*_SAME, "year_or_category"):
            a = (f["year"] is None) if col == "year_or_category" else f[col]
            b = (r["year"] is None) if col == "year_or_category" else r[col]
            if a != b:
                raise StudyError(
                    f"series '{r['series']}' mixes {col.replace('_', ' ')}s "
                    f"('{a}' on line {f['line']}, '{b}' here)",
                    file=t.label,
                    row=int(r["line"]),  # type: ignore[arg-type]
                    column="year" if col == "year_or_category" else col,
                    fix=f"give every row of a series the same {col.replace('_', ' ')}",
                )


def read_context(t: Table) -> pd.DataFrame:
    """The context series as a frame, rows in the file's order (series keep their order)."""
    rows = [
        _record(dict(zip(t.columns, cells, strict=True)), line, t)
        for cells, line in zip(t.rows, t.lines, strict=True)
    ]
    _check_series(rows, t)
    frame = pd.DataFrame(rows)
    return frame.drop(columns=["line"]) if not frame.empty else frame
