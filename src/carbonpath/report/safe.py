"""Make user text safe in spreadsheets: neutralise formula-like cells, quote line breaks.

A CSV/XLSX text cell whose first non-blank character is ``=``, ``+``, ``-``, ``@``, a
tab, a carriage return or a line feed would be run as a formula by Excel or
LibreOffice (CSV injection, OWASP); a leading blank does not stop them.  Such text
cells get a leading apostrophe; numbers stay numbers.

In CSV a line break inside a cell must be quoted: Python's csv writer quotes a cell
holding ``\\n`` (the line terminator carbonpath writes) but not a bare ``\\r``, which
every CSV reader takes as the end of a row, so :func:`csv_text` writes a line break
inside a cell as ``\\n`` (``\\r\\n`` and ``\\r`` become ``\\n``) and the cell is quoted.
In XLSX every text goes through :func:`carbonpath.core.text.display_text` first
(:func:`sheet_text`): no bidirectional override, invisible or control character.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from carbonpath.core.limits import MAX_CELL_CHARS
from carbonpath.core.text import display_text

#: the first character that is not a blank (space, no-break space, ideographic space ...)
#: is one that starts a formula, or a tab / CR / LF
_FORMULA = re.compile(r"^[^\S\t\r\n]*[=+\-@\t\r\n]")
_BREAK = re.compile(r"\r\n?")


def neutralise(value: Any) -> Any:
    """Prefix a formula-like *text* value with an apostrophe; leave others alone."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def csv_text(value: Any) -> Any:
    """A text value as a CSV cell: line breaks as ``\\n`` (so the cell is quoted), then
    neutralised; other values unchanged."""
    if isinstance(value, str):
        return neutralise(_BREAK.sub("\n", value))
    return value


def sheet_text(value: str) -> str:
    """A text as an XLSX cell: visible characters only, at most Excel's cell length,
    neutralised."""
    text = display_text(value)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return neutralise(text)


def _is_text(series: pd.Series) -> bool:
    return series.dtype == object or pd.api.types.is_string_dtype(series)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are neutralised."""
    return _map_text(frame, neutralise)


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` ready for ``to_csv``: text cells and names through :func:`csv_text`."""
    return _map_text(frame, csv_text)


def _map_text(frame: pd.DataFrame, fn: Any) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype(object)
        if _is_text(out[col]):
            out[col] = out[col].map(fn)
    out.columns = [fn(str(c)) for c in out.columns]
    return out
