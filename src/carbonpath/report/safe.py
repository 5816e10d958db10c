"""Make user text safe in spreadsheets: neutralise formula-like cells.

A CSV/XLSX text cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage
return) would be executed as a formula by Excel or LibreOffice (CSV injection, OWASP).
Such text cells get a leading apostrophe; numbers stay numbers.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Prefix a formula-like *text* value with an apostrophe; leave others alone."""
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are neutralised."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out
