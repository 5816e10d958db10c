"""Tables ready for the template: headers with units and rows of formatted cells."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from carbonpath.report.html.format import (
    PERCENT,
    SCALE,
    column_digits,
    finite,
    fmt_cell,
    is_count,
)
from carbonpath.report.i18n import has_text, text

#: a table wider than this many columns shows the first ones (the columns are listed
#: by importance) and names the rest, which are in results.xlsx
MAX_COLUMNS = 8

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
    kind: str = ""  # "coef": a regression table (SPSS layout in report.docx)
    number: int = 0  # "Table n" in the report (set when the page is built)
    ids: list[str] | None = None  # the results' column ids, in the order of ``headers``


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


def header(col: str, lang: str = "en", keys: str = "") -> str:
    """A column's header with its unit: ``header.<keys>.<col>``, ``header.<col>`` or the
    id in words ('tce_ncv_gap_pct' -> 'Tce ncv gap pct'), never a raw id."""
    for key in (f"header.{keys}.{col}" if keys else "", f"header.{col}"):
        if key and has_text(key, lang):
            return text(key, lang)
    words = col.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _collapse(cols: list[str], lang: str, keys: str, sheet: str) -> tuple[list[str], str]:
    """The first MAX_COLUMNS columns and a note naming the others (in the workbook)."""
    if len(cols) <= MAX_COLUMNS:
        return cols, ""
    rest = cols[MAX_COLUMNS:]
    names = text("word.list_sep", lang).join(header(c, lang, keys) for c in rest)
    return cols[:MAX_COLUMNS], text(
        "report.more_columns", lang, n=len(rest), sheet=sheet or "–", columns=names
    )


def records_table(
    records: list[dict[str, Any]],
    caption: str,
    columns: list[str] | None = None,
    headers: dict[str, str] | None = None,
    note: str = "",
    warn: str = "",
    decimals: dict[str, int] | None = None,
    *,
    lang: str = "en",
    keys: str = "",
    sheet: str = "",
    kind: str = "",
) -> Table | None:
    """A Table from plain records; columns default to every key in first-seen order.

    Headers come from the catalogue (``header.<keys>.<col>``, then ``header.<col>``;
    ``headers`` overrides). Numbers get one number of decimals per column
    (``column_digits``) unless ``decimals`` fixes it for a column (regression tables use
    3, as SPSS does). More than MAX_COLUMNS columns: the first ones are shown and the
    note names the others, which are on the workbook sheet ``sheet``.
    """
    rows = [r for r in records or [] if isinstance(r, dict)]
    if not rows:
        return None
    cols, more = _collapse(_columns(rows, columns), lang, keys, sheet)
    names = {c: header(c, lang, keys) for c in cols} | (headers or {})
    digits = {c: _digits(rows, c) for c in cols} | (decimals or {})
    out_rows = [
        [Cell(_cell(c, r.get(c), digits.get(c), lang), finite(r.get(c)) is not None) for c in cols]
        for r in rows
    ]
    note = " ".join(x for x in (note, more) if x)
    return Table(caption, [names.get(c, c) for c in cols], out_rows, note, warn, kind, ids=cols)


def _cell(col: str, v: Any, digits: int | None, lang: str) -> str:
    """A cell's text; booleans as yes/no in the report language."""
    if isinstance(v, bool):
        return text("word.yes" if v else "word.no", lang)
    return fmt_cell(col, v, digits)


def add_tables(target: list[Table], *tables: Table | None) -> None:
    """Append the tables that exist (a records_table of no records is None)."""
    target.extend(t for t in tables if t is not None)
