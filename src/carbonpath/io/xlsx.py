"""A safe .xlsx reader: the real extent of every sheet, bounded, never trusting the file.

An .xlsx workbook is a ZIP container of XML parts.  This reader opens it with
:mod:`zipfile` and streams the parts it needs (workbook, relationships, shared strings,
styles, one sheet) through :mod:`xml.parsers.expat`, so that:

- the sheet's declared ``<dimension>`` is ignored: the rows are those the sheet XML
  holds (a file declaring ``A1:XFD1048576`` costs nothing, one declaring fewer rows
  than it holds loses none);
- a cell with a value beyond row :data:`~carbonpath.core.limits.MAX_TABLE_ROWS` or
  column :data:`~carbonpath.core.limits.MAX_TABLE_COLUMNS`, more than
  :data:`~carbonpath.core.limits.MAX_TABLE_CELLS` filled cells, or a cell of more than
  :data:`~carbonpath.core.limits.MAX_CELL_CHARS` characters is refused;
- a part that unpacks to more than :data:`~carbonpath.core.limits.MAX_XLSX_PART_MB`
  MB, or above 10 MB at a ratio over :data:`~carbonpath.core.limits.MAX_XLSX_RATIO`:1
  (a ZIP bomb), and more than :data:`~carbonpath.core.limits.MAX_XLSX_TOTAL_MB` MB in
  all, is refused before it is unpacked;
- any document type declaration (DTD) is refused, so no entity can be declared or
  expanded (XML entity bombs, external entities); malformed XML is refused naming the
  part, line and column.

Values are as Excel stores them (what openpyxl gives with ``data_only=True``): numbers
(int when written without a decimal point or exponent), text, booleans, error codes as
text (``#N/A``), the cached result of a formula, and dates for numbers in a date format.
Every problem is a one-line :class:`~carbonpath.core.errors.StudyError`.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.parsers import expat

from carbonpath.core.errors import StudyError, suggest
from carbonpath.core.limits import (
    MAX_CELL_CHARS,
    MAX_TABLE_CELLS,
    MAX_TABLE_COLUMNS,
    MAX_TABLE_ROWS,
    MAX_XLSX_PART_MB,
    MAX_XLSX_PARTS,
    MAX_XLSX_RATIO,
    MAX_XLSX_TOTAL_MB,
)
from carbonpath.io.files import MB, read_input, size_text

__all__ = [
    "Sheet",
    "Workbook",
    "cell_text",
    "open_workbook",
    "sheet_rows",
    "workbook_from_bytes",
]

_REL_DOC = "officeDocument"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")
_INT = re.compile(r"^[+-]?\d{1,18}$")
#: built-in number formats that are dates or times (ECMA-376 18.8.30)
_DATE_IDS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
_FMT_NOISE = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]')


class _Refused(Exception):
    """Raised inside an expat handler; becomes a StudyError naming the part."""


class _Reader:
    """Streams one XML part through expat with DTDs refused; subclasses collect.

    Element names are matched by their local name; attributes of OOXML are unqualified
    except ``r:id``, which is looked up by its local name.
    """

    #: element local names whose character data is collected
    text_tags: frozenset[str] = frozenset()

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.text: list[str] = []
        self.length = 0
        #: depth inside <rPh> (phonetic runs, not part of the text)
        self.phonetic = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        """An element opens (local name, attributes by local name)."""

    def end(self, tag: str, text: str) -> None:
        """An element closes; ``text`` is its collected character data."""

    def feed(self, stream: Iterator[bytes]) -> None:
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = _no_dtd
        parser.EntityDeclHandler = _no_dtd
        parser.ExternalEntityRefHandler = _no_dtd
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._chars
        for chunk in stream:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]  # the local name (strict OOXML uses prefixes)
        self.stack.append(tag)
        if tag in self.text_tags:
            self.text = []
            self.length = 0
        elif tag == "rPh":
            self.phonetic += 1
        self.start(tag, attrs)

    def _end(self, name: str) -> None:
        tag = self.stack.pop()
        if tag == "rPh":
            self.phonetic -= 1
        self.end(tag, "".join(self.text) if tag in self.text_tags else "")

    def _chars(self, data: str) -> None:
        if self.stack and self.stack[-1] in self.text_tags and not self.phonetic:
            self.text.append(data)
            self.length += len(data)
            if self.length > MAX_CELL_CHARS:
                raise _Refused(f"holds a text of more than {MAX_CELL_CHARS:,} characters")


def _no_dtd(*_args: Any) -> None:
    raise _Refused(
        "declares a document type (DTD), which no workbook needs; refused as a possible "
        "XML entity bomb"
    )


class _Relations(_Reader):
    def __init__(self) -> None:
        super().__init__()
        self.targets: dict[str, tuple[str, str]] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "Relationship":
            kind = attrs.get("Type", "").rpartition("/")[2]
            self.targets[attrs.get("Id", "")] = (kind, attrs.get("Target", ""))


class _WorkbookPart(_Reader):
    def __init__(self) -> None:
        super().__init__()
        self.sheets: list[tuple[str, str]] = []
        self.date1904 = False

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "sheet":
            rid = next((v for k, v in attrs.items() if k.rpartition(":")[2] == "id"), "")
            self.sheets.append((attrs.get("name", ""), rid))
        elif tag == "workbookPr":
            self.date1904 = attrs.get("date1904", "0").lower() in ("1", "true")


class _SharedStrings(_Reader):
    text_tags = frozenset({"t"})

    def __init__(self) -> None:
        super().__init__()
        self.strings: list[str] = []
        self.parts: list[str] = []

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "si":
            self.parts = []

    def end(self, tag: str, text: str) -> None:
        if tag == "t" and not self.phonetic:
            self.parts.append(text)
        elif tag == "si":
            if len(self.strings) >= MAX_TABLE_CELLS:
                raise _Refused(f"holds more than {MAX_TABLE_CELLS:,} texts")
            self.strings.append("".join(self.parts))


class _Styles(_Reader):
    def __init__(self) -> None:
        super().__init__()
        self.formats: dict[int, str] = {}
        self.xf_formats: list[int] = []

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "numFmt":
            self.formats[_int(attrs.get("numFmtId"))] = attrs.get("formatCode", "")
        elif tag == "xf" and "cellXfs" in self.stack:
            self.xf_formats.append(_int(attrs.get("numFmtId")))

    def date_styles(self) -> frozenset[int]:
        """Indexes of the cell styles whose number format is a date or time."""
        return frozenset(
            i
            for i, fmt in enumerate(self.xf_formats)
            if fmt in _DATE_IDS or (fmt in self.formats and is_date_format(self.formats[fmt]))
        )


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return -1


def is_date_format(code: str) -> bool:
    """Whether a number-format code shows a date or time (d, m, y, h, s outside quotes)."""
    first = code.split(";")[0]
    return re.search(r"[dmyhsDMYHS]", _FMT_NOISE.sub("", first)) is not None


def column_index(letters: str) -> int:
    """1-based column number of ``A``, ``AB``, ``XFD``."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


class _SheetPart(_Reader):
    """Collects ``rows[r - 1][c - 1] = value`` for every cell that holds a value."""

    text_tags = frozenset({"v", "t"})

    def __init__(self, convert: Callable[[str, str, int, Callable[[], str]], Any]) -> None:
        super().__init__()
        self.convert = convert
        self.rows: list[list[Any]] = []
        self.row = 0
        self.col = 0
        self.cells = 0
        self.cell: dict[str, str] = {}
        self.value: str | None = None
        self.inline: list[str] = []

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "row":
            self.row = _int(attrs["r"]) if "r" in attrs else self.row + 1
            self.col = 0
        elif tag == "c":
            self.cell = attrs
            self.value = None
            self.inline = []
            ref = attrs.get("r")
            m = _CELL_REF.match(ref or "")
            if ref is not None and m is None:
                raise _Refused(f"has a cell with the reference '{ref[:20]}'")
            self.col = column_index(m.group(1)) if m else self.col + 1
            if m:
                self.row = int(m.group(2))

    def end(self, tag: str, text: str) -> None:
        if tag == "v" and self.stack[-1:] == ["c"]:
            self.value = text
        elif tag == "t" and "is" in self.stack and not self.phonetic:
            self.inline.append(text)
        elif tag == "c":
            kind = self.cell.get("t", "n")
            raw = self.value or None  # <v></v>: no value (a formula never calculated)
            if kind == "inlineStr":
                raw = "".join(self.inline) if self.inline else None
            if raw is not None:
                self.put(self.convert(kind, raw, _int(self.cell.get("s")), self.ref))

    def ref(self) -> str:
        letters = ""
        n = self.col
        while n:
            n, r = divmod(n - 1, 26)
            letters = chr(65 + r) + letters
        return f"{letters}{self.row}"

    def put(self, value: Any) -> None:
        if not 1 <= self.col <= MAX_TABLE_COLUMNS:
            raise _Refused(
                f"has a value in cell {self.ref()}, beyond the {MAX_TABLE_COLUMNS:,} columns "
                "a table may have"
            )
        if not 1 <= self.row <= MAX_TABLE_ROWS:
            raise _Refused(
                f"has a value in row {self.row:,}, beyond the {MAX_TABLE_ROWS:,} rows a table "
                "may have"
            )
        self.cells += 1
        if self.cells > MAX_TABLE_CELLS:
            raise _Refused(f"has more than {MAX_TABLE_CELLS:,} filled cells")
        while len(self.rows) < self.row:
            self.rows.append([])
        row = self.rows[self.row - 1]
        if len(row) < self.col:
            row.extend([None] * (self.col - len(row)))
        row[self.col - 1] = value


class Sheet:
    """One worksheet: its rows as read (index i is spreadsheet row i + 1)."""

    def __init__(self, title: str, rows: list[list[Any]]) -> None:
        self.title = title
        self.rows = rows

    def iter_rows(self, min_row: int = 1, values_only: bool = True) -> Iterator[tuple[Any, ...]]:
        """Rows from ``min_row`` as tuples of values (the openpyxl call the readers use)."""
        for row in self.rows[min_row - 1 :]:
            yield tuple(row)


class Workbook:
    """An opened workbook: :attr:`sheetnames`, ``wb[name]`` -> :class:`Sheet`."""

    def __init__(self, data: bytes, label: str) -> None:
        self.label = label
        self.read = 0
        #: SHA-256 of the file (set by :func:`open_workbook`)
        self.sha256 = ""
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            if len(self.zip.infolist()) > MAX_XLSX_PARTS:
                raise StudyError(
                    f"holds more than {MAX_XLSX_PARTS:,} parts, which no workbook needs",
                    file=label,
                    fix="re-save it as .xlsx from a spreadsheet program",
                )
            self._index()
        except StudyError:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, KeyError, ValueError) as exc:
            raise self.unreadable(type(exc).__name__) from None
        self._cache: dict[str, Sheet] = {}

    def unreadable(self, why: str) -> StudyError:
        return StudyError(
            f"is not a readable .xlsx workbook ({why})",
            file=self.label,
            fix="re-save it as .xlsx from a spreadsheet program",
        )

    def _check_size(self, info: zipfile.ZipInfo, what: str) -> None:
        """Refuse a part over the size or ratio limit (a ZIP bomb) before unpacking it."""
        size, packed = info.file_size, max(info.compress_size, 1)
        if size > MAX_XLSX_PART_MB * MB or (size > 10 * MB and size / packed > MAX_XLSX_RATIO):
            raise StudyError(
                f"{what} unpacks to {size_text(size)} from {size_text(packed)}, more than a "
                "workbook part may (a ZIP bomb?)",
                file=self.label,
                fix="check that this is the right file (limits: docs/reliability.md)",
            )
        self.read += size
        if self.read > MAX_XLSX_TOTAL_MB * MB:
            raise StudyError(
                f"unpacks to more than {MAX_XLSX_TOTAL_MB:,} MB",
                file=self.label,
                fix="check that this is the right file (limits: docs/reliability.md)",
            )

    def _part(self, name: str, reader: _Reader, what: str | None = None) -> _Reader:
        """Stream part ``name`` into ``reader`` after the size and ratio checks.

        ``what`` names the part in messages (default ``part <name>``).
        """
        what = what or f"part {name[:80]}"
        try:
            info = self.zip.getinfo(name)
        except KeyError:
            raise self.unreadable(f"it lacks the part {name[:80]}") from None
        self._check_size(info, what)
        try:
            with self.zip.open(info) as fh:
                reader.feed(iter(lambda: fh.read(1 << 20), b""))
        except (StudyError, _Refused, expat.ExpatError) as exc:
            raise self._located(exc, what) from None
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise self.unreadable(type(exc).__name__) from None
        except RuntimeError:  # an encrypted part
            raise self.unreadable("it is encrypted or password-protected") from None
        return reader

    def _located(self, exc: Exception, what: str) -> StudyError:
        if isinstance(exc, StudyError):
            return exc
        if isinstance(exc, expat.ExpatError):
            return StudyError(
                f"{what} is not well-formed XML "
                f"({expat.ErrorString(exc.code)}, line {exc.lineno}, column {exc.offset})",
                file=self.label,
                fix="re-save it as .xlsx from a spreadsheet program",
            )
        return StudyError(
            f"{what} {exc}",
            file=self.label,
            fix="check that this is the right file, or re-save it as .xlsx",
        )

    def _relations(self, part: str) -> dict[str, tuple[str, str]]:
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if rels not in self.zip.NameToInfo:
            return {}
        targets = self._part(rels, _Relations()).targets  # type: ignore[attr-defined]
        return {k: (kind, _resolve(folder, t)) for k, (kind, t) in targets.items()}

    def _index(self) -> None:
        doc = next(
            (t for kind, t in self._relations("").values() if kind == _REL_DOC),
            "xl/workbook.xml",
        )
        book = self._part(doc, _WorkbookPart())
        rels = self._relations(doc)
        self.date1904 = book.date1904  # type: ignore[attr-defined]
        self._sheets = {
            name: rels[rid][1]
            for name, rid in book.sheets  # type: ignore[attr-defined]
            if rid in rels and rels[rid][0] == "worksheet"
        }
        self.sheetnames = list(self._sheets)
        by_kind = {kind: target for kind, target in rels.values()}
        self._strings_part = by_kind.get("sharedStrings")
        self._styles_part = by_kind.get("styles")
        self._strings: list[str] | None = None
        self._dates: frozenset[int] | None = None

    def _convert(self, kind: str, raw: str, style: int, ref: Callable[[], str]) -> Any:
        if kind == "s":
            strings = self.strings()
            i = _int(raw)
            if not 0 <= i < len(strings):
                raise _Refused(f"cell {ref()} points to text {raw[:20]}, which the workbook lacks")
            return strings[i]
        if kind in ("str", "inlineStr", "e"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            return _iso_date(raw)
        return self._number(raw, style, ref)

    def _number(self, raw: str, style: int, ref: Callable[[], str]) -> Any:
        text = raw.strip()
        try:
            value: Any = int(text) if _INT.match(text) else float(text)
        except ValueError:
            raise _Refused(f"cell {ref()} holds '{text[:20]}', which is not a number") from None
        if style in self.date_styles():
            return excel_date(value, self.date1904)
        return value

    def strings(self) -> list[str]:
        if self._strings is None:
            self._strings = (
                self._part(self._strings_part, _SharedStrings()).strings  # type: ignore[attr-defined]
                if self._strings_part and self._strings_part in self.zip.NameToInfo
                else []
            )
        return self._strings

    def date_styles(self) -> frozenset[int]:
        if self._dates is None:
            self._dates = (
                self._part(self._styles_part, _Styles()).date_styles()  # type: ignore[attr-defined]
                if self._styles_part and self._styles_part in self.zip.NameToInfo
                else frozenset()
            )
        return self._dates

    def sheet(self, which: str | int | None) -> Sheet:
        """A sheet by name (exact, else ignoring case and spaces), 1-based number, or the
        first sheet for ``None``; a sheet that is not there is a StudyError listing them."""
        names = self.sheetnames
        if not names:
            raise StudyError("has no worksheet", file=self.label, fix="add the table as a sheet")
        if which is None:
            return self[names[0]]
        if isinstance(which, int):
            if not 1 <= which <= len(names):
                raise StudyError(
                    f"has no sheet number {which} (it has {len(names)})",
                    file=self.label,
                    fix=f"sheets: {', '.join(names)}",
                )
            return self[names[which - 1]]
        folded = {n.strip().casefold(): n for n in names}
        if which in names or which.strip().casefold() in folded:
            return self[which if which in names else folded[which.strip().casefold()]]
        raise StudyError(
            f"has no sheet '{which}'{suggest(which, names)}",
            file=self.label,
            fix=f"sheets are: {', '.join(names)}",
        )

    def __getitem__(self, name: str) -> Sheet:
        if name not in self._sheets:
            raise KeyError(name)
        if name not in self._cache:
            self.strings()
            self.date_styles()
            part = self._part(self._sheets[name], _SheetPart(self._convert), f"sheet '{name}'")
            self._cache[name] = Sheet(name, part.rows)  # type: ignore[attr-defined]
        return self._cache[name]

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _resolve(folder: str, target: str) -> str:
    """A relationship target as a part name (absolute ``/xl/...`` or relative)."""
    path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
    return posixpath.normpath(path).lstrip("/")


def _iso_date(text: str) -> Any:
    try:
        return dt.datetime.fromisoformat(text.strip().rstrip("Z"))
    except ValueError:
        return text


def excel_date(serial: float, date1904: bool = False) -> Any:
    """An Excel date serial as a datetime (1900 system with its leap-year bug, or 1904)."""
    if date1904:
        base = dt.datetime(1904, 1, 1)
    elif serial < 60:
        base = dt.datetime(1899, 12, 31)
    else:
        base = dt.datetime(1899, 12, 30)
    if not 0 <= serial < 2958466:  # outside 1900-9999: keep the number
        return serial
    days, fraction = divmod(float(serial), 1.0)  # Excel keeps times to the millisecond
    return base + dt.timedelta(days=days, milliseconds=round(fraction * 86_400_000))


def cell_text(value: Any) -> str:
    """A cell as the text a CSV export would hold (whole floats without '.0')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def sheet_rows(ws: Sheet) -> list[list[str]]:
    """All rows of a sheet as text cells; list index i is spreadsheet row i + 1."""
    return [[cell_text(v) for v in r] for r in ws.rows]


def workbook_from_bytes(data: bytes, label: str) -> Workbook:
    """A :class:`Workbook` from the bytes of a file; not-a-workbook is a StudyError."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise StudyError(
            "is an old-style .xls workbook",
            file=label,
            fix="open it in a spreadsheet program and save it as .xlsx",
        )
    if not data.startswith(b"PK"):
        raise StudyError(
            "is not an Excel workbook (.xlsx)",
            file=label,
            fix="give an .xlsx file (a CSV table goes in the study folder as .csv)",
        )
    return Workbook(data, label)


def open_workbook(
    path: Path, *, label: str | None = None, root: Path | None = None, max_bytes: int | None = None
) -> Workbook:
    """Open an .xlsx workbook through :func:`carbonpath.io.files.read_input`.

    ``root``: the study folder the file must lie in; ``max_bytes``: the size limit.
    The workbook's SHA-256 is :attr:`Workbook.sha256`.
    """
    label = label or Path(path).name
    found = read_input(Path(path), label=label, root=root, max_bytes=max_bytes)
    wb = workbook_from_bytes(found.data, label)
    wb.sha256 = found.sha256
    return wb
