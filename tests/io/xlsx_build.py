"""Build small .xlsx files by hand, with the defects a hostile file may carry.

The XML is written here (not by openpyxl) so that a test controls every byte: a
declared dimension that lies, a cell far beyond the table, a DTD with an entity bomb,
truncated XML, a part that unpacks to far more than it packs (a ZIP bomb).
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

BOMB_DTD = (
    '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + "]>"
)


def column_letters(n: int) -> str:
    """1 -> A, 27 -> AA."""
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _number(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return repr(value)
    return None


def sheet_xml(
    rows: Sequence[Sequence[Any]],
    strings: list[str],
    *,
    dimension: str | None = None,
    extra_cells: Sequence[tuple[str, Any]] = (),
    doctype: str = "",
    padding_mb: int = 0,
) -> bytes:
    """The XML of one worksheet; text goes to ``strings`` (shared strings)."""

    def cell(ref: str, value: Any) -> str:
        if value is None:
            return ""
        num = _number(value)
        if num is not None:
            return f'<c r="{ref}"><v>{num}</v></c>'
        if isinstance(value, str) and value.startswith("&"):  # an entity reference, raw
            return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
        strings.append(str(value))
        return f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>'

    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', doctype]
    out.append(f'<worksheet xmlns="{NS}" xmlns:r="{REL_NS}">')
    if dimension:
        out.append(f'<dimension ref="{dimension}"/>')
    out.append("<sheetData>")
    for i, row in enumerate(rows, start=1):
        cells = "".join(cell(f"{column_letters(j)}{i}", v) for j, v in enumerate(row, start=1))
        out.append(f'<row r="{i}">{cells}</row>')
    for ref, value in extra_cells:
        digits = "".join(ch for ch in ref if ch.isdigit())
        out.append(f'<row r="{digits}">{cell(ref, value)}</row>')
    out.append("</sheetData>")
    out.append(" " * (padding_mb * 1024 * 1024))
    out.append("</worksheet>")
    return "".join(out).encode("utf-8")


def build_xlsx(
    sheets: dict[str, Sequence[Sequence[Any]]],
    *,
    dimension: str | None = None,
    extra_cells: Sequence[tuple[str, Any]] = (),
    doctype: str = "",
    truncate: int = 0,
    padding_mb: int = 0,
) -> bytes:
    """An .xlsx container holding ``sheets`` (name -> rows); the knobs damage sheet 1."""
    strings: list[str] = []
    parts: dict[str, bytes] = {}
    for n, (_name, rows) in enumerate(sheets.items(), start=1):
        first = n == 1
        xml = sheet_xml(
            rows,
            strings,
            dimension=dimension if first else None,
            extra_cells=extra_cells if first else (),
            doctype=doctype if first else "",
            padding_mb=padding_mb if first else 0,
        )
        parts[f"xl/worksheets/sheet{n}.xml"] = xml[: len(xml) - truncate] if first else xml
    sheet_list = "".join(
        f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(sheets, start=1)
    )
    parts["xl/workbook.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{REL_NS}">'
        f"<sheets>{sheet_list}</sheets></workbook>"
    ).encode()
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{DOC}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    rels += f'<Relationship Id="rIdS" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    parts["xl/_rels/workbook.xml.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_NS}">{rels}'
        "</Relationships>"
    ).encode()
    si = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    parts["xl/sharedStrings.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">{si}</sst>'
    ).encode()
    parts["_rels/.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_NS}">'
        f'<Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ).encode()
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    parts["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
        'main+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        f"{overrides}</Types>"
    ).encode()
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in (
            "[Content_Types].xml",
            "_rels/.rels",
            *sorted(set(parts) - {"[Content_Types].xml", "_rels/.rels"}),
        ):
            zf.writestr(
                zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)),
                parts[name],
                zipfile.ZIP_DEFLATED,
            )
    return raw.getvalue()


def csv_rows(text: str) -> list[list[Any]]:
    """The rows of a CSV text with numbers as numbers (as a spreadsheet would hold them)."""
    import csv

    out: list[list[Any]] = []
    for row in csv.reader(io.StringIO(text)):
        cells: list[Any] = []
        for c in row:
            try:
                value: Any = int(c) if c.strip().lstrip("-").isdigit() else float(c)
            except ValueError:
                value = c if c != "" else None
            if isinstance(value, float) and not math.isfinite(value):
                value = c
            cells.append(value)
        out.append(cells)
    return out
