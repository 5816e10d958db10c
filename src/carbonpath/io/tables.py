"""Read the CSV tables of a study the way yearbook exports actually arrive.

- Encodings: UTF-8, UTF-8 with BOM, and GB18030/GBK (a superset decoder) are detected;
  a study may force one with ``encoding = "..."`` in study.toml (a text encoding of
  :data:`ENCODINGS`).  A GBK file forced to be read as UTF-8 is reported, never turned
  into mojibake, and so is a UTF-8 file with one line pasted from a GBK file (the file
  mixes encodings: the first line that is not UTF-8 is named).
- Bounds: the file is opened through :func:`carbonpath.io.files.read_input` (inside
  the study folder, a regular file, at most the size limit, not binary) and a table may
  hold at most :data:`~carbonpath.core.limits.MAX_TABLE_ROWS` rows,
  :data:`~carbonpath.core.limits.MAX_TABLE_COLUMNS` columns and
  :data:`~carbonpath.core.limits.MAX_TABLE_CELLS` cells.  A file whose first line
  names none of the table's columns is refused without showing its content.
- Missing values: empty cells and the yearbook dashes ``-``, ``—``, ``–``, ``…``
  are missing (``None``), never zero.
- Numbers: thousands separators (``1,234.5``) and full-width digits are accepted;
  text such as ``NaN``/``inf`` is refused (leave the cell empty for missing).

Every problem raises :class:`~carbonpath.core.errors.StudyError` naming the file, the
1-based line number (header = line 1) and the column.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carbonpath.core.errors import StudyError
from carbonpath.core.limits import MAX_TABLE_CELLS, MAX_TABLE_COLUMNS, MAX_TABLE_ROWS
from carbonpath.core.text import display_text
from carbonpath.io import columnar
from carbonpath.io.files import binary_kind, locate_input, read_input

MISSING_TOKENS = frozenset({"", "-", "--", "—", "——", "–", "…", "……", "...", "NA", "N/A", "n/a"})
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
#: encodings a study may force (Python codec names after normalisation)
ENCODINGS = frozenset(
    {
        "utf-8",
        "utf-8-sig",
        "gb18030",
        "gbk",
        "gb2312",
        "big5",
        "big5hkscs",
        "cp950",
        "iso8859-1",
        "cp1252",
        "ascii",
    }
)
_ENCODING_FIX = "use 'auto', 'utf-8' or 'gb18030'"


def shown(text: object, limit: int = 60) -> str:
    """A cell as an error message may show it: visible characters only, at most ``limit``."""
    s = display_text(text)
    return s if len(s) <= limit else s[: limit - 3] + "..."


class FrameRows(Sequence):
    """The rows of a columnar table as lists of cells, made only when one is asked for."""

    def __init__(self, frame: pd.DataFrame, columns: list[str]) -> None:
        self._frame = frame
        self._columns = columns

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __len__(self) -> int:
        return len(self._frame)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        return [_cell_text(self._frame[c].iat[i]) for c in self._columns]

    def __iter__(self) -> Iterator[list[str]]:
        cols = [self._frame[c] for c in self._columns]
        for cells in zip(*cols, strict=True):
            yield [_cell_text(v) for v in cells]


class FrameLines(Sequence):
    """The line numbers of a columnar table, as Python ints."""

    def __init__(self, lines: np.ndarray) -> None:
        self._lines = lines

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __len__(self) -> int:
        return int(self._lines.size)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [int(v) for v in self._lines[i]]
        return int(self._lines[i])

    def __iter__(self) -> Iterator[int]:
        return iter(self._lines.tolist())


def _cell_text(value: Any) -> str:
    """A typed cell (a Parquet number) as the text a CSV would hold; missing is ""."""
    if isinstance(value, str):
        return value
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return repr(float(value)) if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Table:
    """A read table: header, rows of stripped strings, and the line number of each row.

    A big table read column by column (:mod:`carbonpath.io.columnar`) also carries
    ``frame``: its cells as columns (text, or numbers from Parquet) plus ``line``;
    ``rows`` and ``lines`` are then views on it, made only when iterated.
    """

    path: Path
    label: str
    encoding: str
    columns: list[str]
    rows: Sequence[list[str]]
    lines: Sequence[int]
    #: SHA-256 of the file's bytes as read ("" when the table did not come from a file)
    sha256: str = ""
    frame: pd.DataFrame | None = None

    def column(self, name: str) -> list[str]:
        if self.frame is not None:
            return [_cell_text(v) for v in self.frame[name].tolist()]
        i = self.columns.index(name)
        return [r[i] for r in self.rows]

    @classmethod
    def of_frame(
        cls, frame: pd.DataFrame, *, path: Path, label: str, encoding: str, sha256: str = ""
    ) -> Table:
        """A columnar table: ``frame`` holds the columns, then ``line``."""
        columns = [c for c in frame.columns if c != "line"]
        lines = frame["line"].to_numpy(dtype=np.int64)
        return cls(
            path=path,
            label=label,
            encoding=encoding,
            columns=columns,
            rows=FrameRows(frame, columns),
            lines=FrameLines(lines),
            sha256=sha256,
            frame=frame,
        )


def _codec(encoding: str) -> str:
    """The Python codec for a forced ``encoding``; unknown or non-text codecs are errors."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        name = ""
    if not name:
        raise StudyError(
            f"encoding '{shown(encoding)}' is unknown",
            file="study.toml",
            key="encoding",
            fix=_ENCODING_FIX,
        )
    if name not in ENCODINGS:
        raise StudyError(
            f"encoding '{shown(encoding)}' is not a text encoding carbonpath reads tables in",
            file="study.toml",
            key="encoding",
            fix=_ENCODING_FIX + " (or big5, gbk, latin-1, cp1252)",
        )
    return "utf-8-sig" if name == "utf-8" else name


def _decode_forced(data: bytes, label: str, encoding: str) -> tuple[str, str]:
    enc = _codec(encoding)
    try:
        return data.decode(enc), encoding
    except UnicodeError as exc:
        start = getattr(exc, "start", 0)
        line = data[:start].count(b"\n") + 1
        hint = ""
        try:
            data.decode("gb18030")
            hint = " (it decodes as GB18030/GBK: Chinese-Windows export)"
        except UnicodeError:
            pass
        raise StudyError(
            f"is not valid {shown(encoding)}{hint}",
            file=label,
            row=line,
            fix="set encoding = 'gb18030' in study.toml, or 'auto' to detect it",
        ) from None


def _utf8_cjk_lines(data: bytes) -> Iterable[int]:
    """Line numbers of lines that are UTF-8 text with a character of U+0800 or above.

    Such a line is UTF-8 by intent: a GBK line decodes as UTF-8 only by accident, and
    then almost never to a three-byte character (as Chinese text in UTF-8 is).
    """
    for n, line in enumerate(data.split(b"\n"), start=1):
        if max(line, default=0) < 0x80:
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if any(ord(ch) >= 0x800 for ch in text):
            yield n


def _decode_auto(data: bytes, label: str) -> tuple[str, str]:
    """UTF-8 (with or without BOM), else GB18030; a file mixing both is refused."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        bad = data[: exc.start].count(b"\n") + 1
    good = next(iter(_utf8_cjk_lines(data)), None)
    if good is not None:
        raise StudyError(
            f"is not UTF-8 on this line, while line {good} and maybe others are UTF-8 "
            "(the file mixes two encodings)",
            file=label,
            row=bad,
            fix="save the whole file in one encoding (UTF-8); the line was probably pasted "
            "from a GBK (Chinese Windows) file",
        )
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise StudyError(
            "could not be decoded as UTF-8 or GB18030",
            file=label,
            row=data[: exc.start].count(b"\n") + 1,
            fix="save the file as UTF-8",
        ) from None


def decode_bytes(data: bytes, label: str, encoding: str = "auto") -> tuple[str, str]:
    """Decode file bytes; return ``(text, encoding_used)``."""
    kind = binary_kind(data[:8192])
    if kind is not None:
        raise StudyError(
            f"is {kind}, not a CSV text table",
            file=label,
            fix="export the sheet as CSV (UTF-8) or list the workbook under [files] in study.toml",
        )
    if encoding.lower() not in ("auto", ""):
        return _decode_forced(data, label, encoding)
    return _decode_auto(data, label)


def _csv_rows(text: str, label: str) -> list[list[str]]:
    """The rows of a CSV text, bounded in rows, columns and cells."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    cells = 0
    try:
        for row in reader:
            cells += len(row)
            if len(rows) >= MAX_TABLE_ROWS or len(row) > MAX_TABLE_COLUMNS:
                what = (
                    f"more than {MAX_TABLE_ROWS:,} rows"
                    if len(rows) >= MAX_TABLE_ROWS
                    else f"{len(row):,} cells in one row (at most {MAX_TABLE_COLUMNS:,})"
                )
                raise _too_big(label, what, reader.line_num)
            if cells > MAX_TABLE_CELLS:
                raise _too_big(label, f"more than {MAX_TABLE_CELLS:,} cells", reader.line_num)
            rows.append(row)
    except csv.Error as exc:
        raise StudyError(
            f"is not a readable CSV ({' '.join(str(exc).split())})",
            file=label,
            row=reader.line_num or None,
        ) from None
    return rows


def _too_big(label: str, what: str, line: int | None) -> StudyError:
    return StudyError(
        f"has {what}, more than a table may hold",
        file=label,
        row=line,
        fix="check that this is the right file (limits: docs/reliability.md)",
    )


def read_csv_table(
    path: Path,
    *,
    label: str,
    required: list[str],
    optional: list[str] | tuple[str, ...] = (),
    encoding: str = "auto",
    root: Path | None = None,
    max_bytes: int | None = None,
) -> Table:
    """Read a CSV with a header and check its columns.

    Missing required columns and columns that are neither required nor optional are
    errors (a misspelt header must not be ignored silently).  ``root``: the study
    folder the file must lie in; ``max_bytes``: the size limit (see
    :func:`carbonpath.io.files.read_input`).
    """
    if locate_input(Path(path), label=label, root=root) is None:
        raise StudyError(
            "file is missing", file=label, fix=f"create {Path(path).name} in the study folder"
        )
    found = read_input(path, label=label, root=root, max_bytes=max_bytes, text=True)
    text, used = decode_bytes(found.data, label, encoding)
    if not text.strip():
        raise StudyError("is empty", file=label, fix=f"add the header line {','.join(required)}")
    records = columnar.split_csv(text)
    if records is not None:
        table = table_from_records(
            records, path=path, label=label, encoding=used, required=required, optional=optional
        )
        return dataclasses.replace(table, sha256=found.sha256)
    table = table_from_rows(
        _csv_rows(text, label),
        path=path,
        label=label,
        encoding=used,
        required=required,
        optional=optional,
    )
    return dataclasses.replace(table, sha256=found.sha256)


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
    header = _header(raw_rows[header_line], label, header_line + 1, required, optional)
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
        rows.append((cells + [""] * width)[:width])
        lines.append(idx + 1)
    return Table(path=path, label=label, encoding=encoding, columns=header, rows=rows, lines=lines)


def _check_bounds(rec: columnar.Records, label: str) -> None:
    """The csv reader's bounds, on whole columns: the first record past one is named."""
    n = rec.count
    hits = []  # (line, order, what): on one line rows/columns come before cells
    if n > MAX_TABLE_ROWS:
        hits.append((MAX_TABLE_ROWS + 1, 0, f"more than {MAX_TABLE_ROWS:,} rows"))
    wide = np.flatnonzero(rec.widths > MAX_TABLE_COLUMNS)
    if wide.size:
        w = int(rec.widths[wide[0]])
        hits.append(
            (int(wide[0]) + 1, 0, f"{w:,} cells in one row (at most {MAX_TABLE_COLUMNS:,})")
        )
    over = np.flatnonzero(np.cumsum(rec.widths) > MAX_TABLE_CELLS)
    if over.size:
        hits.append((int(over[0]) + 1, 1, f"more than {MAX_TABLE_CELLS:,} cells"))
    if hits:
        line, _, what = min(hits)
        raise _too_big(label, what, line)


def table_from_records(
    rec: columnar.Records,
    *,
    path: Path,
    label: str,
    encoding: str,
    required: list[str] | tuple[str, ...],
    optional: list[str] | tuple[str, ...] = (),
) -> Table:
    """:func:`table_from_rows` on records split in C: the same header rules, skipped blank
    rows, padding and errors, with the cells kept as columns (no Python list per row)."""
    _check_bounds(rec, label)
    filled = np.flatnonzero(~rec.blank)
    if filled.size == 0:
        raise StudyError("is empty", file=label, fix=f"add the header line {','.join(required)}")
    h = int(filled[0])
    raw = rec.cells.slice(int(rec.starts[h]), int(rec.widths[h])).to_pylist()
    header = _header(raw, label, h + 1, required, optional)
    width = len(header)
    rows = filled[1:]
    extra = columnar.tail_filled(rec, width)[rows]
    if extra.any():
        k = int(rows[np.flatnonzero(extra)[0]])
        raise StudyError(
            f"has {int(rec.widths[k])} cells but the header has {width}",
            file=label,
            row=k + 1,
            fix="remove the extra cells or quote values that contain commas",
        )
    frame = pd.DataFrame(
        {name: columnar.column_cells(rec, rows, j) for j, name in enumerate(header)}
    )
    frame["line"] = rows + 1
    return Table.of_frame(frame, path=path, label=label, encoding=encoding)


def read_parquet_table(
    path: Path,
    *,
    label: str,
    required: list[str],
    optional: list[str] | tuple[str, ...] = (),
    root: Path | None = None,
    max_bytes: int | None = None,
) -> Table:
    """Read a Parquet table and check its columns as :func:`read_csv_table` does.

    Numeric columns stay typed (``value`` as float, ``year`` as integers); text columns
    are stripped; row ``i`` is reported as line ``i + 2`` (the line it would have in the
    same table written as CSV).  Bounded like a CSV (rows, columns, cells, file size).
    """
    if locate_input(Path(path), label=label, root=root) is None:
        raise StudyError(
            "file is missing", file=label, fix=f"create {Path(path).name} in the study folder"
        )
    found = read_input(path, label=label, root=root, max_bytes=max_bytes)
    try:
        names, cols = columnar.parquet_columns(found.data)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError ... on a damaged file
        raise StudyError(
            f"is not a readable Parquet file ({shown(' '.join(str(exc).split()), 120)})",
            file=label,
            fix="write the table with pyarrow, pandas (to_parquet) or DuckDB (COPY ... TO)",
        ) from None
    n = len(next(iter(cols.values()))) if cols else 0
    if n > MAX_TABLE_ROWS or len(names) > MAX_TABLE_COLUMNS or n * len(names) > MAX_TABLE_CELLS:
        raise _too_big(
            label,
            f"{n:,} rows x {len(names):,} columns",
            None,
        )
    header = _header([str(c) for c in names], label, 1, required, optional)
    frame = pd.DataFrame(
        {h: cols[c].reset_index(drop=True) for h, c in zip(header, names, strict=False)}
    )
    frame["line"] = np.arange(2, n + 2, dtype=np.int64)
    return Table.of_frame(frame, path=path, label=label, encoding="parquet", sha256=found.sha256)


def _header(
    cells: list[str],
    label: str,
    line: int,
    required: list[str] | tuple[str, ...],
    optional: list[str] | tuple[str, ...],
) -> list[str]:
    """The checked header: named, unique, with every required and no unknown column."""
    header = [unicodedata.normalize("NFKC", c).strip().lower() for c in cells]
    while header and header[-1] == "":
        header.pop()
    for i, name in enumerate(header):
        if name == "":
            raise StudyError(
                "has a column without a name",
                file=label,
                row=line,
                column=f"#{i + 1}",
                fix="name every column in the header line or delete the empty column",
            )
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise StudyError(f"names column '{shown(name)}' twice", file=label, row=line)
        seen.add(name)
    allowed = set(required) | set(optional)
    want = ",".join(required) + (f" (optional: {','.join(optional)})" if optional else "")
    if not allowed & seen:
        raise StudyError(  # not this table at all: never show what the file holds
            f"has no header line naming its columns (expected {','.join(required)})",
            file=label,
            row=line,
            fix=f"check that this is the right file; its first line must be {want}",
        )
    missing = [c for c in required if c not in header]
    if missing:
        raise StudyError(
            f"lacks column(s) {', '.join(missing)} (header is {shown(','.join(header), 200)})",
            file=label,
            row=line,
            fix=f"the header must be {want}",
        )
    extra = [c for c in header if c not in allowed]
    if extra:
        raise StudyError(
            f"has unknown column(s) {shown(', '.join(extra), 120)}",
            file=label,
            row=line,
            column=shown(extra[0]),
            fix=f"allowed columns are {','.join(list(required) + list(optional))}",
        )
    return header


def parse_number(text: str, *, file: str, row: int, column: str) -> float | None:
    """Parse one numeric cell: ``None`` for a missing marker, a float otherwise.

    A footnote mark (``①``, ``¹``, ``*`` ...) is refused before NFKC could fold it into
    a digit (``567①`` must never become 5671); ``……`` is missing (NFKC would make it
    six dots)."""
    from carbonpath.io.footnotes import has_mark

    if text.strip() in MISSING_TOKENS:
        return None
    if has_mark(text):
        raise StudyError(
            f"value '{shown(text)}' carries a footnote mark",
            file=file,
            row=row,
            column=column,
            fix='remove the mark (a [[yearbook]] entry strips marks with footnotes = "strip")',
        )
    s = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if s in MISSING_TOKENS:
        return None
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    if not _NUMBER.match(s):
        raise StudyError(
            f"value '{shown(text)}' is not a number",
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
            f"year '{shown(text)}' is not a four-digit year",
            file=file,
            row=row,
            column=column,
            fix="write the year as e.g. 2015",
        )
    return int(s)
