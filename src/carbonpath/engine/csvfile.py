"""A large facility CSV streamed into the fold's DuckDB connection, with exact lines.

DuckDB's CSV reader numbers rows without the blank lines it skips and has no
row-number column, so the fold (:mod:`carbonpath.engine.fold`) does not use it for a
CSV.  Instead:

1. a cheap pass over the bytes in 8 MiB blocks (:func:`carbonpath.io.columnar.
   scan_block`, numpy, no Python per line) checks the encoding as the in-memory reader
   does (UTF-8 with or without BOM, else GB18030, or the study's ``encoding``; a file
   that is not UTF-8 is handed whole to :func:`carbonpath.io.tables.decode_bytes`, which
   gives the in-memory error or the encoding) and finds the empty lines, the lines
   whose number of cells is not the header's, and any quoted field running over a line
   end (refused at its line: such a record spans lines, the line numbers would drift);
2. pyarrow's streaming CSV reader (every column as text) reads the rest; it skips
   exactly the lines of step 1, so row ``i`` is line ``i + 2 +`` (lines of step 1
   before it) (:func:`carbonpath.io.columnar.line_numbers`); the lines of step 1 that
   hold cells are parsed by Python's csv module as the in-memory reader does (padded
   when short, an error when a cell beyond the header is filled); rows of empty cells
   are skipped, as in memory;
3. each batch, with its ``line``, is inserted into a table of the connection (an
   in-memory DuckDB database spills to ``[engine] temp_directory`` beyond
   ``memory_limit``: nothing is written anywhere else).

Value texts that are not plain decimals (``1,234``, full-width digits, ``—``) are
rewritten by the loader's own rule (``CsvSource.values``) to the number they stand for
as the in-memory path reads them; texts it refuses stay as they are, so the fold's
checks find them and the in-memory checks explain them.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from carbonpath.core.errors import StudyError
from carbonpath.io import columnar
from carbonpath.io.tables import _codec, decode_bytes

__all__ = ["CsvSource", "csv_header", "csv_rows_columns", "ingest_csv"]

_PLAIN = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_PARQUET_FIX = "write the table as Parquet"
_TABLE = "csv_rows"
#: bytes per block of pyarrow's streaming reader (each block is one batch)
READ_BLOCK = 16 * 2**20


@dataclass(frozen=True)
class CsvSource:
    """How to read a facility CSV: the raw header cells, the study's ``encoding``, the
    file's label, and the loader's rule for value texts that are not plain decimals
    (raw texts -> the plain number text, ``""`` for missing, or the text unchanged)."""

    header: list[str]
    encoding: str
    label: str
    values: Callable[[pd.Series], pd.Series]
    value_column: str = "value"


@dataclass
class _Scan:
    """What the byte pass found (lines are the file's)."""

    codec: str
    skipped: list[np.ndarray] = field(default_factory=list)
    other: list[tuple[int, bytes]] = field(default_factory=list)
    lines: int = 0


def _first_line(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.readline(1 << 20)


def _decode(data: bytes, codec: str) -> str:
    return data.decode(codec, errors="replace")


def _first_codec(head: bytes, encoding: str) -> str:
    """The codec of the header line: the study's, else UTF-8 (BOM skipped), else GB18030."""
    if encoding.lower() not in ("auto", ""):
        return _codec(encoding)
    try:
        head.decode("utf-8-sig")
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"


def csv_header(path: Path, encoding: str = "auto") -> list[str]:
    """The raw cells of a CSV's first line."""
    head = _first_line(path)
    text = _decode(head, _first_codec(head, encoding)).lstrip("\ufeff")
    return next(csv.reader(io.StringIO(text)), [])


def csv_rows_columns(path: Path, encoding: str = "auto") -> tuple[int, list[str]]:
    """(data lines, header cells) of a CSV from its first line and a count of its
    newlines (in blocks of 8 MiB: the file is never held whole).  The count includes
    blank lines (the fold skips them, as the in-memory reader does)."""
    names = csv_header(path, encoding)
    lines, last = 0, b"\n"
    for _, block in columnar.csv_blocks(path):
        lines += block.count(b"\n")
        last = block[-1:]
    lines += 0 if last == b"\n" else 1
    return max(lines - 1, 0), names


def _refuse_at(label: str, line: int, what: str, fix: str) -> StudyError:
    return StudyError(what, file=label, row=line, fix=fix)


def _check_block(src: CsvSource, first: int, block: bytes, scan) -> None:
    """Refuse what would make the line numbers drift: a record over two lines, a lone
    carriage return, a NUL."""
    if scan.odd_quote:
        raise _refuse_at(
            src.label,
            scan.odd_quote,
            "has a quoted field that runs over the end of the line (or an unpaired quote), "
            "which the large-table path cannot number by lines",
            f"remove the line breaks inside quoted cells, or {_PARQUET_FIX}",
        )
    for bad, what in ((rb"\r(?!\n)", "a carriage return without a newline"), (b"\x00", "a NUL")):
        if (scan.lone_cr if bad != b"\x00" else scan.nul) and (m := re.search(bad, block)):
            raise _refuse_at(
                src.label,
                first + block.count(b"\n", 0, m.start()),
                f"holds {what}, which the large-table path cannot number by lines",
                f"save the file with plain line ends (LF or CRLF), or {_PARQUET_FIX}",
            )


def _scan(path: Path, src: CsvSource) -> _Scan:
    """The byte pass (see the module docstring): encoding, skipped and odd lines."""
    forced = src.encoding.lower() not in ("auto", "")
    out = _Scan(codec=_codec(src.encoding) if forced else "utf-8-sig")
    decoder = codecs.getincrementaldecoder(out.codec)()
    checking = True
    width = len(src.header)
    for first, block in columnar.csv_blocks(path):
        if checking:
            try:
                decoder.decode(block)
            except UnicodeDecodeError:  # the in-memory reader's error, or its encoding
                _, used = decode_bytes(path.read_bytes(), src.label, src.encoding)
                out.codec = _codec(used)
                checking = False
        scan = columnar.scan_block(block, first, width)
        _check_block(src, first, block, scan)
        body = scan.empty[scan.empty > 1]
        other = scan.other[scan.other > 1]
        out.skipped += [body, other]
        if other.size:
            lines = block.split(b"\n")
            out.other += [(int(n), lines[int(n) - first]) for n in other]
        out.lines = first + block.count(b"\n") - (1 if block.endswith(b"\n") else 0)
    return out


def _blank(cells: list[pa.Array]) -> pa.Array:
    """Per row: every cell is empty after stripping (the in-memory reader skips it);
    only rows whose first cell is empty are joined and looked at."""
    first = pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(cells[0])), 0)
    if not pc.any(first).as_py():
        return first
    joined = pc.binary_join_element_wise(*cells, "")
    return pc.and_(first, pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(joined)), 0))


class _Rows:
    """Rows gathered into the DuckDB table, and the earliest over-wide row."""

    def __init__(self, con, src: CsvSource, named: int) -> None:
        self.con, self.src, self.named = con, src, named
        self.width = len(src.header)
        self.wide: tuple[int, int] | None = None  # (line, cells)
        self.value = src.header.index(src.value_column) if src.value_column in src.header else -1
        cols = ", ".join(f"c{j} VARCHAR" for j in range(self.width))
        con.execute(f"CREATE TABLE {_TABLE} ({cols}, line BIGINT)")

    def too_wide(self, line: int, cells: int) -> None:
        if self.wide is None or line < self.wide[0]:
            self.wide = (line, cells)

    def add(self, cells: list[pa.Array], lines: np.ndarray) -> None:
        """Insert rows (cells by column, their lines): blank rows skipped, an over-wide
        row noted, value texts made plain by the loader's rule."""
        keep = pc.invert(_blank(cells))
        for j in range(self.named, self.width):  # cells beyond the header's names
            filled = pc.not_equal(columnar._clean(cells[j]), "")
            hit = np.flatnonzero(pc.and_(filled, keep).to_numpy(zero_copy_only=False))
            if hit.size:
                self.too_wide(int(lines[hit[0]]), self.width)
        if self.value >= 0:
            cells[self.value] = self._plain(cells[self.value])
        names = [f"c{j}" for j in range(self.width)]
        batch = pa.table([*cells, pa.array(lines, pa.int64())], names=[*names, "line"])
        batch = batch.filter(keep)
        self.con.register("csv_batch", batch)
        self.con.execute(f"INSERT INTO {_TABLE} SELECT * FROM csv_batch")  # noqa: S608
        self.con.unregister("csv_batch")

    def _plain(self, col: pa.Array) -> pa.Array:
        odd = pc.invert(pc.match_substring_regex(col, _PLAIN))
        if not pc.any(odd).as_py():
            return col
        idx = np.flatnonzero(odd.to_numpy(zero_copy_only=False))
        raw = pd.Series(col.take(pa.array(idx)).to_pylist(), dtype=object)
        fixed = pa.array(self.src.values(raw).astype(str).tolist(), type=pa.string())
        return pc.replace_with_mask(col, odd, fixed)


def _other_rows(rows: _Rows, scan: _Scan) -> None:
    """The lines whose cell count is not the header's, read by the csv module."""
    if not scan.other:
        return
    keep, lines = [], []
    for line, text in scan.other:
        cells = next(csv.reader([_decode(text, scan.codec).rstrip("\r")]), [])
        clean = [c.strip() for c in columnar._clean(pa.array(cells, pa.string())).to_pylist()]
        if not any(clean):
            continue
        if len(cells) > rows.named and any(clean[rows.named :]):
            rows.too_wide(line, len(cells))
            continue
        keep.append((cells + [""] * rows.width)[: rows.width])
        lines.append(line)
    if keep:
        cols = [pa.array([r[j] for r in keep], pa.string()) for j in range(rows.width)]
        rows.add(cols, np.asarray(lines, dtype=np.int64))


def _stream(path: Path, rows: _Rows, scan: _Scan) -> tuple[int, int]:
    """Stream the rows pyarrow reads into the table; (rows read, rows it skipped)."""
    import pyarrow.csv as pacsv

    skipped = np.sort(np.concatenate([*scan.skipped, np.array([], np.int64)]).astype(np.int64))
    invalid = [0]

    def on_invalid(_row) -> str:
        invalid[0] += 1
        return "skip"

    names = [f"c{j}" for j in range(rows.width)]
    codec = "utf8" if scan.codec in ("utf-8", "utf-8-sig", "utf_8") else scan.codec
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(
            skip_rows=1, column_names=names, block_size=READ_BLOCK, encoding=codec
        ),
        parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    done = 0
    for batch in reader:
        n = batch.num_rows
        lines = columnar.line_numbers(np.arange(done, done + n, dtype=np.int64), skipped)
        rows.add([batch.column(j) for j in range(rows.width)], lines)
        done += n
    return done, invalid[0]


def ingest_csv(con, path: Path, src: CsvSource, named: int) -> str:
    """Load the CSV into a table of ``con`` (``c0 ...`` by header position, ``line``);
    returns its name.  ``named``: the header's named columns (the rest must be empty)."""
    scan = _scan(path, src)
    rows = _Rows(con, src, named)
    done, invalid = _stream(path, rows, scan)
    _other_rows(rows, scan)
    empty = sum(int(a.size) for a in scan.skipped) - len(scan.other)
    if invalid != len(scan.other) or done + invalid + empty + 1 != scan.lines:
        raise StudyError(
            "could not be split into lines exactly (quote characters inside cells?)",
            file=src.label,
            fix=f"remove the quote characters inside cells, or {_PARQUET_FIX}",
        )
    if rows.wide is not None:
        line, cells = rows.wide
        raise StudyError(
            f"has {cells} cells but the header has {named}",
            file=src.label,
            row=line,
            fix="remove the extra cells or quote values that contain commas",
        )
    return _TABLE
