"""Columnar reading of big tables: CSV split in C (pyarrow), Parquet read typed.

:func:`split_csv` turns a CSV text without quotes (the form machine exports of facility
data take) into its records as Arrow arrays, with no Python object per cell: the text
is split on newlines and commas by ``pyarrow.compute``, and every cell is stripped
(and NFKC-normalised where it is not plain ASCII) as :func:`carbonpath.io.tables.
table_from_rows` does cell by cell.  A text with a quote, a lone carriage return or a
NUL returns ``None``: the ``csv`` module reads it (quoted cells may hold commas and
newlines).

:func:`parquet_columns` reads a Parquet file's bytes into typed columns: numbers stay
numbers (no text round trip), text columns become stripped strings with ``""`` for
null.  Row ``i`` of either is line ``i + 2`` of the file as a CSV (the header is line 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["Records", "column_cells", "parquet_columns", "split_csv", "tail_filled"]

#: cells outside printable ASCII and tab are normalised in Python (a few, usually)
_WIDE = r"[^\x20-\x7e\t]"


@dataclass(frozen=True)
class Records:
    """The records of a CSV text: flat cells, their record, position and record widths."""

    cells: pa.Array  #: every cell of every record, stripped (and NFKC) strings
    starts: np.ndarray  #: offset of each record's first cell in ``cells``
    widths: np.ndarray  #: cells per record (0 for an empty line)
    blank: np.ndarray  #: record holds no non-empty cell
    record: np.ndarray  #: per cell: its record
    position: np.ndarray  #: per cell: its 0-based position in the record
    filled: np.ndarray  #: per cell: not empty

    @property
    def count(self) -> int:
        return int(self.widths.size)


def _clean(cells: pa.Array) -> pa.Array:
    """Strip each cell; NFKC-normalise (then strip) those that are not printable ASCII."""
    out = pc.utf8_trim(cells, characters=" \t")
    wide = pc.match_substring_regex(cells, _WIDE)
    if pc.any(wide).as_py():
        idx = np.flatnonzero(wide.to_numpy(zero_copy_only=False))
        fixed = pd.Series(cells.take(pa.array(idx)).to_pylist(), dtype=object)
        fixed = pa.array(fixed.str.normalize("NFKC").str.strip().tolist(), type=pa.string())
        out = pc.replace_with_mask(out, wide, fixed)
    return out


def split_csv(text: str) -> Records | None:
    """The records of ``text`` split on newlines and commas (None: needs the csv module)."""
    if '"' in text or "\x00" in text or text.count("\r") != text.count("\r\n"):
        return None
    lines = pc.split_pattern(pa.array([text], type=pa.large_string()), "\n").flatten()
    if len(lines) and text.endswith("\n"):
        lines = lines.slice(0, len(lines) - 1)  # the final newline ends the last record
    lines = pc.utf8_rtrim(lines, characters="\r")
    split = pc.split_pattern(lines, ",")
    widths = pc.list_value_length(split).to_numpy(zero_copy_only=False).astype(np.int64)
    empty = pc.equal(lines, "").to_numpy(zero_copy_only=False)
    widths = np.where(empty, 0, widths)  # csv reads an empty line as a record of no cells
    starts = split.offsets.to_numpy()[:-1].astype(np.int64)
    cells = _clean(split.flatten().cast(pa.string()))
    filled = pc.not_equal(cells, "").to_numpy(zero_copy_only=False)
    row_of = np.repeat(np.arange(widths.size), pc.list_value_length(split).to_numpy())
    blank = np.bincount(row_of, weights=filled, minlength=widths.size) == 0
    position = np.arange(row_of.size) - starts[row_of]
    return Records(cells, starts, widths, blank, row_of, position, filled)


def column_cells(rec: Records, rows: np.ndarray, j: int) -> pd.Series:
    """Cell ``j`` of the given records as Arrow-backed text (``""`` where a record is short)."""
    has = rec.widths[rows] > j
    pos = np.where(has, rec.starts[rows] + j, 0)
    cells = rec.cells.take(pa.array(pos)) if len(rec.cells) else pa.nulls(rows.size, pa.string())
    cells = pc.if_else(pa.array(has), cells, "")
    return pd.Series(pd.arrays.ArrowStringArray(cells))


def tail_filled(rec: Records, width: int) -> np.ndarray:
    """Per record: a non-empty cell beyond the first ``width`` cells."""
    beyond = rec.filled & (rec.position >= width)
    return np.bincount(rec.record[beyond], minlength=rec.count) > 0


def parquet_columns(data: bytes) -> tuple[list[str], dict[str, pd.Series]]:
    """(column names as written, columns) of a Parquet file's bytes.

    Numeric columns stay numeric (float64, or Int64 for integers, with nulls as
    missing); every other column becomes stripped text with ``""`` for null.
    """
    import pyarrow.parquet as pq

    table = pq.read_table(pa.BufferReader(data))
    out: dict[str, pd.Series] = {}
    for name, col in zip(table.column_names, table.columns, strict=True):
        typ = col.type
        if pa.types.is_integer(typ):
            out[name] = pd.Series(col.to_pandas(), dtype="Int64")
        elif pa.types.is_floating(typ) or pa.types.is_decimal(typ):
            out[name] = pd.Series(pc.cast(col, pa.float64()).to_numpy(), dtype=float)
        else:
            text = pc.fill_null(pc.cast(col, pa.string()), "")
            flat = pa.concat_arrays(text.chunks) if text.num_chunks else pa.array([], pa.string())
            out[name] = pd.Series(pd.arrays.ArrowStringArray(_clean(flat)))
    return list(table.column_names), out


# -- streaming: a large CSV scanned in blocks, for the out-of-core fold (engine/csv) --

#: bytes per block of a streamed CSV (cut at the last newline of each block)
BLOCK = 8 * 2**20


def csv_blocks(path, block: int | None = None):  # -> Iterator[tuple[int, bytes]]
    """``(line of the block's first line, bytes)`` of a file in blocks of whole lines of
    about ``block`` bytes (:data:`BLOCK`); a block ends with a newline, except perhaps
    the file's last."""
    block = block or BLOCK
    line, carry = 1, b""
    with open(path, "rb") as fh:
        while True:
            data = fh.read(block)
            if not data:
                break
            data = carry + data
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                carry = data
                continue
            carry = data[cut:]
            yield line, data[:cut]
            line += data.count(b"\n", 0, cut)
    if carry:
        yield line, carry


@dataclass(frozen=True)
class BlockScan:
    """What a block of CSV lines holds, found on its bytes (numpy, no Python per line).

    ``empty``: lines of no character (or only ``\\r``: the CSV reader skips them);
    ``other``: lines whose number of cells (commas outside quotes + 1) is not the
    header's; ``odd_quote``: the first line with an odd number of quote characters (a
    quoted field that runs over the line end), or 0; ``lone_cr``/``nul``: a carriage
    return not before a newline, or a NUL, anywhere in the block.  Line numbers are
    the file's (the block's first line is ``first``)."""

    empty: np.ndarray
    other: np.ndarray
    odd_quote: int
    lone_cr: bool
    nul: bool


def scan_block(data: bytes, first: int, width: int) -> BlockScan:
    """Scan the lines of ``data`` (the file's lines ``first ...``) against ``width`` cells.

    The bytes ``"``, ``,``, ``\\r`` and ``\\n`` never occur inside a multi-byte
    character of UTF-8 or GB18030, so the scan needs no decoding."""
    arr = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(arr == 10)
    if not data.endswith(b"\n"):
        ends = np.append(ends, arr.size)
    starts = np.concatenate(([0], ends[:-1] + 1))
    length = ends - starts
    cr_end = (length > 0) & (arr[np.maximum(ends - 1, 0)] == 13)
    empty = (length == 0) | ((length == 1) & cr_end)
    quote = arr == 34
    odd_quote = 0
    comma = arr == 44
    if quote.any():
        qcount = np.concatenate(([0], np.cumsum(quote, dtype=np.int64)))
        per_line = qcount[ends] - qcount[starts]
        odd = np.flatnonzero(per_line % 2)
        if odd.size:
            odd_quote = first + int(odd[0])
        comma &= (qcount[1:] % 2) == 0  # a comma inside quotes separates nothing
    # commas per line: one pass over each line and its newline (no cumulative array)
    cells = np.add.reduceat(comma, starts, dtype=np.int32) + 1 if starts.size else starts
    lines = first + np.arange(ends.size, dtype=np.int64)
    return BlockScan(
        empty=lines[empty],
        other=lines[~empty & (cells != width)],
        odd_quote=odd_quote,
        lone_cr=data.count(b"\r") != data.count(b"\r\n"),
        nul=b"\x00" in data,
    )


def line_numbers(rows: np.ndarray, skipped: np.ndarray) -> np.ndarray:
    """The file lines of the CSV reader's data rows ``rows`` (0-based, in file order),
    when it emits every line after the header except the sorted ``skipped`` lines:
    line = row + 2 + the number of skipped lines before it."""
    before = skipped - 2 - np.arange(skipped.size, dtype=np.int64)
    return rows + 2 + np.searchsorted(before, rows, side="right")
