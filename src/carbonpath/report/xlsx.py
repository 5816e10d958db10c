"""The Excel workbook (``results.xlsx``): one sheet per result table.

Built with openpyxl from ``results.tables()`` only.  Each sheet has its table's column
names as header (they carry the units, e.g. ``co2_t``, ``intensity_t_per_1e8_yuan``),
a frozen header row and an autofilter; numbers are written as numbers (NaN as an empty
cell), and every text (cells, headers, sheet names, the title) goes through
:func:`carbonpath.report.safe.sheet_text`: bidirectional overrides, invisible and control
characters are removed or made spaces (:func:`carbonpath.core.text.display_text`, so
the writer never meets a character XML forbids), and text whose first non-blank
character is = + - @ (or a tab / line break) gets a leading apostrophe so a
spreadsheet never runs it as a formula.
A first sheet ``contents`` lists the study, every sheet and the table it holds.

Deterministic: the workbook's created/modified properties are fixed and the ZIP
container is rewritten with fixed member timestamps, so two runs on the same results
give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from carbonpath.core.text import display_text
from carbonpath.report.safe import sheet_text

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from carbonpath.report.contract import ResultsLike as Results

FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
ZIP_TIME = (2000, 1, 1, 0, 0, 0)
MAX_SHEET = 31
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def sheet_names(names: list[str]) -> dict[str, str]:
    """Table name -> Excel sheet name: <= 31 characters, no []:*?/\\, unique, not 'History'.

    Uniqueness is case-insensitive (as in Excel); clashes get a suffix ~2, ~3, ...
    """
    used = {"contents"}
    out: dict[str, str] = {}
    for name in names:
        base = _BAD_SHEET.sub("_", display_text(name)).strip("' ") or "table"
        if base.lower() == "history":
            base = "history_"
        cand = base[:MAX_SHEET]
        i = 2
        while cand.lower() in used:
            suffix = f"~{i}"
            cand = base[: MAX_SHEET - len(suffix)] + suffix
            i += 1
        used.add(cand.lower())
        out[name] = cand
    return out


def _scalar(v: Any) -> Any:
    """A numpy scalar as the Python value it holds."""
    if hasattr(v, "item") and not isinstance(v, str | bytes):
        try:
            return v.item()
        except (ValueError, AttributeError):
            pass
    return v


def cell_value(v: Any) -> Any:
    """A value openpyxl writes as the right cell type; text is made safe (sheet_text)."""
    v = _scalar(v)
    if v is None or isinstance(v, bool | int):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, str):
        return sheet_text(v)
    if isinstance(v, dict | list | tuple):
        return sheet_text(json.dumps(v, ensure_ascii=False, default=str))
    try:
        import pandas as pd

        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return sheet_text(str(v))


def _width(header: str, values: list[Any]) -> float:
    longest = max(
        [len(str(header))]
        + [
            len(f"{v:.6g}") if isinstance(v, float) else len(str(v))
            for v in values[:200]
            if v is not None
        ]
    )
    return float(min(max(longest + 2, 8), 60))


def _fill_sheet(ws: Any, frame: pd.DataFrame) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    headers = [sheet_text(str(c)) for c in frame.columns]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    columns = (
        [[cell_value(v) for v in frame[c].tolist()] for c in frame.columns]
        if len(frame.columns)
        else []
    )
    for row in zip(*columns, strict=True) if columns else []:
        ws.append(list(row))
    ws.freeze_panes = "A2"
    if len(frame.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{max(len(frame) + 1, 1)}"
        for j, (h, col) in enumerate(zip(headers, columns, strict=True), start=1):
            ws.column_dimensions[get_column_letter(j)].width = _width(h, col)


def workbook_bytes(results: Results) -> bytes:
    """The deterministic bytes of results.xlsx."""
    from openpyxl import Workbook

    tables = results.tables()
    d_study = results.study or {}
    names = sheet_names(list(tables))
    wb = Workbook()
    ws = wb.active
    ws.title = "contents"
    ws.append(["sheet", "table", "rows", "columns"])
    for name, frame in tables.items():
        ws.append([sheet_text(names[name]), sheet_text(name), len(frame), len(frame.columns)])
    ws.append([])
    ws.append(["study", sheet_text(str(d_study.get("title", "")))])
    ws.append(
        [
            "note",
            "Column names carry the units (co2_t = tonnes CO2; *_yuan = yuan; *_tce = tonnes of standard coal equivalent). Numbers are unrounded.",
        ]
    )
    ws.freeze_panes = "A2"
    for col, width in zip("ABCD", (32, 40, 8, 8), strict=True):
        ws.column_dimensions[col].width = width
    for name, frame in tables.items():
        _fill_sheet(wb.create_sheet(names[name]), frame)
    wb.properties.creator = "carbonpath"
    wb.properties.lastModifiedBy = "carbonpath"
    wb.properties.title = display_text(d_study.get("title", ""))[:255]
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    wb.save(raw)
    return _normalise_zip(raw.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the xlsx container with fixed timestamps (openpyxl stamps 'now')."""
    fixed = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_DATES.sub(lambda m: m.group(1) + fixed + m.group(3), body)
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def write_xlsx(results: Results, folder: Path) -> Path:
    """Write ``folder/results.xlsx``; return its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "results.xlsx"
    path.write_bytes(workbook_bytes(results))
    return path
