"""The layout of a yearbook sheet as printed: headers, the unit line, where the table ends.

- Two-row headers: a fuel group over its sub-columns (``煤炭`` over ``原煤 | 洗精煤 |
  其他洗煤``), the group written once in a merged cell.  A column is addressed by its
  sub label (``原煤``), by ``group/sub`` (``煤炭/其他``, needed when a sub label repeats
  under several groups) or, for a column without a sub label, by its group (``天然气``).
  The group of a column is the nearest group cell at or left of it (a merged cell's
  value sits in its first column).
- The unit line in the title area: ``单位：万吨``, ``（单位：万吨标准煤）``, ``Unit: 10^4 t``
  in a cell above the header.
- The end of the table: notes under it (``注：``, ``资料来源：``, ``Note:``, ``Source:``,
  or a row starting with a footnote mark such as ``①``) end the block; a blank row ends
  it unless the next filled row is a sector the entry maps (spacer rows).
"""

from __future__ import annotations

import re
from typing import Any

from carbonpath.io.footnotes import MARK_CHARS
from carbonpath.io.yearbook_config import norm_label

__all__ = ["column_keys", "is_note", "slash_key", "strip_label_marks", "title_unit"]

_UNIT_LINE = re.compile(
    r"(?:计量单位|單位|单位|unit)\s*[:：]\s*(?P<unit>[^\s,，;；)）\]]+)", re.IGNORECASE
)
_NOTE = re.compile(
    rf"^\s*(?:(?:注释|注|说明|资料来源|数据来源|来源|notes?|sources?)\s*[:：\d]|[{MARK_CHARS}])",
    re.IGNORECASE,
)
_TRAILING_MARKS = re.compile(rf"[{MARK_CHARS}]+\s*$")


def slash_key(label: str) -> str:
    """A normalised label with ``group / sub`` spacing removed: ``煤炭/原煤``."""
    return re.sub(r"\s*/\s*", "/", norm_label(label))


def strip_label_marks(label: str) -> str:
    """A row label without trailing footnote marks (``医药制造业①`` -> ``医药制造业``)."""
    return _TRAILING_MARKS.sub("", label).strip()


def _cell(row: list[Any], j: int) -> str:
    return str(row[j]).strip() if j < len(row) and row[j] is not None else ""


def column_keys(rows: list[list[str]], header_rows: list[int]) -> dict[int, list[str]]:
    """0-based column -> the keys it is addressed by (see the module docstring)."""
    if len(header_rows) == 1:
        header = rows[header_rows[0] - 1]
        return {j: [slash_key(c)] for j, c in enumerate(header) if norm_label(c)}
    top, sub = rows[header_rows[0] - 1], rows[header_rows[1] - 1]
    out: dict[int, list[str]] = {}
    group = ""
    for j in range(max(len(top), len(sub))):
        if _cell(top, j):
            group = slash_key(_cell(top, j))
        s = slash_key(_cell(sub, j))
        if s:
            out[j] = [s, f"{group}/{s}"] if group else [s]
        elif _cell(top, j):
            out[j] = [group]
    return out


def title_unit(rows: list[list[str]], first_header_row: int) -> tuple[str, int, int] | None:
    """``(unit text, row, column)`` of the last unit line above the header, if any."""
    found = None
    for i in range(min(first_header_row - 1, len(rows))):
        for j, cell in enumerate(rows[i]):
            m = _UNIT_LINE.search(str(cell or ""))
            if m:
                found = (m.group("unit").strip(), i + 1, j)
    return found


def is_note(label: str) -> bool:
    """Whether a row label starts a note under the table (注：, 资料来源：, ①, Note: ...)."""
    return bool(_NOTE.match(label or ""))
