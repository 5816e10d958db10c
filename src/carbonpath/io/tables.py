"""Read the CSV tables of a study the way yearbook exports actually arrive.

- Encodings: UTF-8, UTF-8 with BOM, and GB18030/GBK (a superset decoder) are detected;
  a study may force one with ``encoding = "..."`` in study.toml.  A GBK file forced to
  be read as UTF-8 is reported, never turned into mojibake.
- Missing values: empty cells and the yearbook dashes ``-``, ``—``, ``–``, ``…``
  are missing (``None``), never zero.
- Numbers: thousands separators (``1,234.5``) and full-width digits are accepted;
  text such as ``NaN``/``inf`` is refused (leave the cell empty for missing).

Every problem raises :class:`~carbonpath.core.errors.StudyError` naming the file, the
1-based line number (header = line 1) and the column.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from carbonpath.core.errors import StudyError

MISSING_TOKENS = frozenset({"", "-", "--", "—", "——", "–", "…", "……", "...", "NA", "N/A", "n/a"})
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_AUTO_ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True)
class Table:
    """A read CSV: header, rows of stripped strings, and the line number of each row."""

    path: Path
    label: str
    encoding: str
    columns: list[str]
    rows: list[list[str]]
    lines: list[int]

    def column(self, name: str) -> list[str]:
        i = self.columns.index(name)
        return [r[i] for r in self.rows]


def decode_bytes(data: bytes, label: str, encoding: str = "auto") -> tuple[str, str]:
    """Decode file bytes; return ``(text, encoding_used)``."""
    if b"\x00" in data[:4096]:
        raise StudyError(
            "is a binary file, not a CSV text table",
            file=label,
            fix="export the sheet as CSV (UTF-8) or list the workbook under [files] in study.toml",
        )
    if encoding.lower() not in ("auto", ""):
        enc = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
        try:
            return data.decode(enc), encoding
        except LookupError as exc:
            raise StudyError(
                f"encoding '{encoding}' is unknown",
                file="study.toml",
                key="encoding",
                fix="use 'auto', 'utf-8' or 'gb18030'",
            ) from exc
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            hint = ""
            try:
                data.decode("gb18030")
                hint = " (it decodes as GB18030/GBK: Chinese-Windows export)"
            except UnicodeDecodeError:
                pass
            raise StudyError(
                f"is not valid {encoding}{hint}",
                file=label,
                row=line,
                fix="set encoding = 'gb18030' in study.toml, or 'auto' to detect it",
            ) from exc
    for enc in _AUTO_ENCODINGS:
        try:
            return data.decode(enc), ("utf-8" if enc == "utf-8-sig" else enc)
        except UnicodeDecodeError:
            continue
    raise StudyError(  # pragma: no cover - gb18030 decodes nearly any byte string
        "could not be decoded as UTF-8 or GB18030",
        file=label,
        fix="save the file as UTF-8",
    )


def read_csv_table(
    path: Path,
    *,
    label: str,
    required: list[str],
    optional: list[str] | tuple[str, ...] = (),
    encoding: str = "auto",
) -> Table:
    """Read a CSV with a header and check its columns.

    Missing required columns and columns that are neither required nor optional are
    errors (a misspelt header must not be ignored silently).
    """
    if not path.is_file():
        raise StudyError(
            "file is missing", file=label, fix=f"create {path.name} in the study folder"
        )
    data = path.read_bytes()
    text, used = decode_bytes(data, label, encoding)
    if not text.strip():
        raise StudyError("is empty", file=label, fix=f"add the header line {','.join(required)}")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        raw_rows = list(reader)
    except csv.Error as exc:
        raise StudyError(f"is not a readable CSV ({exc})", file=label) from exc
    return table_from_rows(
        raw_rows, path=path, label=label, encoding=used, required=required, optional=optional
    )


def table_from_rows(
    raw_rows: list[list[str]],
    *,
    path: Path,
    label: str,
    encoding: str,
    required: list[str] | tuple[str, ...],
    optional: list[str] | tuple[str, ...] = (),
) -> Table:
    """Build a :class:`Table` from rows of text cells (row ``i`` is line ``i + 1``).

    Shared by the CSV reader and the workbook reader (:mod:`carbonpath.io.yearbook`)
    so a table reads the same whether it arrives as CSV or as a sheet: the first
    non-empty row is the header, blank rows are skipped, header names are
    case-insensitive, and missing or unknown columns are errors.
    """
    if not any(any(str(c).strip() for c in r) for r in raw_rows):
        raise StudyError("is empty", file=label, fix=f"add the header line {','.join(required)}")
    header_line = 0
    while header_line < len(raw_rows) and not any(c.strip() for c in raw_rows[header_line]):
        header_line += 1
    header = [unicodedata.normalize("NFKC", c).strip().lower() for c in raw_rows[header_line]]
    while header and header[-1] == "":
        header.pop()
    for i, name in enumerate(header):
        if name == "":
            raise StudyError(
                "has a column without a name",
                file=label,
                row=header_line + 1,
                column=f"#{i + 1}",
                fix="name every column in the header line or delete the empty column",
            )
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise StudyError(f"names column '{name}' twice", file=label, row=header_line + 1)
        seen.add(name)
    missing = [c for c in required if c not in header]
    if missing:
        raise StudyError(
            f"lacks column(s) {', '.join(missing)} (header is {','.join(header)})",
            file=label,
            row=header_line + 1,
            fix=f"the header must be {','.join(required)}"
            + (f" (optional: {','.join(optional)})" if optional else ""),
        )
    allowed = set(required) | set(optional)
    extra = [c for c in header if c not in allowed]
    if extra:
        raise StudyError(
            f"has unknown column(s) {', '.join(extra)}",
            file=label,
            row=header_line + 1,
            column=extra[0],
            fix=f"allowed columns are {','.join(list(required) + list(optional))}",
        )
    rows: list[list[str]] = []
    lines: list[int] = []
    width = len(header)
    for idx in range(header_line + 1, len(raw_rows)):
        cells = [unicodedata.normalize("NFKC", c).strip() for c in raw_rows[idx]]
        if not any(cells):
            continue
        if len(cells) > width and any(cells[width:]):
            raise StudyError(
                f"has {len(cells)} cells but the header has {width}",
                file=label,
                row=idx + 1,
                fix="remove the extra cells or quote values that contain commas",
            )
        cells = (cells + [""] * width)[:width]
        rows.append(cells)
        lines.append(idx + 1)
    return Table(path=path, label=label, encoding=encoding, columns=header, rows=rows, lines=lines)


def parse_number(text: str, *, file: str, row: int, column: str) -> float | None:
    """Parse one numeric cell: ``None`` for a missing marker, a float otherwise."""
    s = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if s in MISSING_TOKENS:
        return None
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    if not _NUMBER.match(s):
        raise StudyError(
            f"value '{text}' is not a number",
            file=file,
            row=row,
            column=column,
            fix="write a plain number (1234.5), or leave the cell empty (or '-') if the value is missing",
        )
    value = float(s)
    if not math.isfinite(value):  # pragma: no cover - the pattern excludes inf/nan
        raise StudyError(f"value '{text}' is not finite", file=file, row=row, column=column)
    return value


def parse_year(text: str, *, file: str, row: int, column: str = "year") -> int:
    """Parse a year cell (a whole number)."""
    s = unicodedata.normalize("NFKC", text).strip()
    if s.endswith("年"):
        s = s[:-1]
    if not re.fullmatch(r"\d{4}", s):
        raise StudyError(
            f"year '{text}' is not a four-digit year",
            file=file,
            row=row,
            column=column,
            fix="write the year as e.g. 2015",
        )
    return int(s)
