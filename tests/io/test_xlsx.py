"""The safe XLSX reader (io/xlsx.py), checked against openpyxl and against hostile files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from carbonpath.core.errors import StudyError
from carbonpath.io import xlsx
from carbonpath.io.xlsx import excel_date, is_date_format, open_workbook, workbook_from_bytes
from tests.conftest import CEADS, needs_ceads
from tests.io.xlsx_build import BOMB_DTD, build_xlsx

ROWS = [
    ["year", "sector", "variable", "value", "unit"],
    [2015, "39", "output_value", 1234.5, "10^4 yuan"],
    [],
    [2016, "39", "output_value", -2.5e-7, "万元"],
    [None, None, "note", True, "=SUM(1)"],
]


def _trimmed(rows: list[list]) -> list[list]:
    out = []
    for r in rows:
        r = list(r)
        while r and r[-1] is None:
            r.pop()
        out.append(r)
    while out and not out[-1]:
        out.pop()
    return out


def _openpyxl_rows(data: bytes, sheet: str) -> list[list]:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return _trimmed([list(r) for r in wb[sheet].iter_rows(values_only=True)])
    finally:
        wb.close()


def test_matches_openpyxl_on_a_workbook_openpyxl_wrote(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "economy"
    for r in ROWS:
        ws.append(r)
    ws["G9"] = dt.datetime(2019, 3, 1, 12, 30)
    ws["H2"] = "=B2*2"  # a formula without a cached value: None, as with data_only=True
    other = wb.create_sheet("Sheet 2")
    other.append(["a", 1, 2.0, False])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    data = path.read_bytes()
    mine = open_workbook(path)
    assert mine.sheetnames == ["economy", "Sheet 2"]
    for name in mine.sheetnames:
        assert _trimmed(mine[name].rows) == _openpyxl_rows(data, name)
    assert mine["economy"].rows[8][6] == dt.datetime(2019, 3, 1, 12, 30)
    assert mine.sheet(2).title == "Sheet 2" and mine.sheet(" sheet 2 ").title == "Sheet 2"
    with pytest.raises(StudyError, match="has no sheet 'ecnomy'; did you mean|did you mean"):
        mine.sheet("ecnomy")
    with pytest.raises(StudyError, match="has no sheet number 3 \\(it has 2\\)"):
        mine.sheet(3)


@needs_ceads
@pytest.mark.parametrize("year", [1998, 2019])
def test_matches_openpyxl_on_ceads_workbooks(year: int) -> None:
    path = CEADS / f"Emission_Inventories_for_30_Provinces_{year}.xlsx"
    data = path.read_bytes()
    mine = workbook_from_bytes(data, path.name)
    ref = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    assert mine.sheetnames == ref.sheetnames
    for name in mine.sheetnames:
        theirs = _trimmed([list(r) for r in ref[name].iter_rows(values_only=True)])
        assert _trimmed(mine[name].rows) == theirs, name
    ref.close()


def test_declared_dimension_is_ignored() -> None:
    rows = [["year", "value"], *([[2000 + i, float(i)] for i in range(50)])]
    short = workbook_from_bytes(build_xlsx({"s": rows}, dimension="A1:B3"), "short.xlsx")
    assert len(short["s"].rows) == 51  # openpyxl's read-only mode stops at row 3
    huge = workbook_from_bytes(build_xlsx({"s": rows}, dimension="A1:XFD1048576"), "h.xlsx")
    assert len(huge["s"].rows) == 51 and max(len(r) for r in huge["s"].rows) == 2


def test_cells_beyond_the_table_are_refused() -> None:
    for cell, text in (("XFD1", "beyond the 1,024 columns"), ("A2000000", "row 2,000,000")):
        wb = workbook_from_bytes(build_xlsx({"s": ROWS}, extra_cells=[(cell, 1)]), "b.xlsx")
        with pytest.raises(StudyError, match=text) as e:
            wb["s"]
        assert str(e.value).startswith("b.xlsx: sheet 's' has a value in")
    # an empty cell far away (formatting only) is not a value
    data = build_xlsx({"s": ROWS}).replace(
        b"</sheetData>", b'<row r="9"><c r="XFD9" s="1"/></row></sheetData>'
    )
    assert len(workbook_from_bytes(data, "f.xlsx")["s"].rows) == 5


def test_cell_count_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_TABLE_CELLS", 10)
    wb = workbook_from_bytes(build_xlsx({"s": [[1, 2, 3]] * 4}), "c.xlsx")
    with pytest.raises(StudyError, match="more than 10 filled cells"):
        wb["s"]


def test_zip_bomb_is_refused_before_unpacking() -> None:
    data = build_xlsx({"s": ROWS}, padding_mb=20)
    wb = workbook_from_bytes(data, "bomb.xlsx")
    with pytest.raises(StudyError, match="unpacks to 20.0 MB from .* KB.*ZIP bomb"):
        wb["s"]


def test_part_and_total_size_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_XLSX_PART_MB", 0)
    with pytest.raises(StudyError, match="more than a workbook part may"):
        workbook_from_bytes(build_xlsx({"s": ROWS}), "p.xlsx")
    monkeypatch.setattr(xlsx, "MAX_XLSX_PART_MB", 512)
    monkeypatch.setattr(xlsx, "MAX_XLSX_TOTAL_MB", 0)
    with pytest.raises(StudyError, match="unpacks to more than 0 MB"):
        workbook_from_bytes(build_xlsx({"s": ROWS}), "t.xlsx")


def test_entity_bomb_and_external_entity_are_refused() -> None:
    wb = workbook_from_bytes(
        build_xlsx({"s": ROWS}, doctype=BOMB_DTD, extra_cells=[("A9", "&i;")]), "e.xlsx"
    )
    with pytest.raises(StudyError, match="declares a document type \\(DTD\\)"):
        wb["s"]
    external = '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    wb = workbook_from_bytes(
        build_xlsx({"s": ROWS}, doctype=external, extra_cells=[("A9", "&x;")]), "x.xlsx"
    )
    with pytest.raises(StudyError) as e:
        wb["s"]
    assert "DTD" in str(e.value) and "root:" not in str(e.value)


def test_malformed_and_missing_parts() -> None:
    wb = workbook_from_bytes(build_xlsx({"s": ROWS}, truncate=30), "m.xlsx")
    with pytest.raises(StudyError, match="sheet 's' is not well-formed XML \\(.*line 1, column"):
        wb["s"]
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    with pytest.raises(StudyError, match="lacks the part xl/workbook.xml"):
        workbook_from_bytes(raw.getvalue(), "z.xlsx")
    with pytest.raises(StudyError, match="is not a readable .xlsx workbook"):
        workbook_from_bytes(b"PK\x03\x04garbage", "g.xlsx")
    with pytest.raises(StudyError, match="is not an Excel workbook"):
        workbook_from_bytes(b"year,sector\n", "t.xlsx")
    with pytest.raises(StudyError, match="old-style .xls"):
        workbook_from_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 50, "o.xlsx")


def test_strict_prefixes_rich_text_and_inline_strings() -> None:
    data = build_xlsx({"s": [["a"]]})
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["xl/worksheets/sheet1.xml"] = (
        b'<?xml version="1.0"?><x:worksheet xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/'
        b'main"><x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c>'
        b'<x:c r="C1" t="inlineStr"><x:is><x:r><x:t>in</x:t></x:r><x:r><x:t>line</x:t></x:r>'
        b'</x:is></x:c><x:c t="b"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    parts["xl/sharedStrings.xml"] = (
        b'<sst xmlns="x"><si><r><t>rich </t></r><r><t>text</t></r><rPh><t>PHONETIC</t></rPh>'
        b"</si></sst>"
    )
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    assert workbook_from_bytes(raw.getvalue(), "s.xlsx")["s"].rows == [
        ["rich text", None, "inline", True]
    ]


def test_dates() -> None:
    assert excel_date(43525.5) == dt.datetime(2019, 3, 1, 12, 0)
    assert excel_date(1) == dt.datetime(1900, 1, 1)
    assert excel_date(61) == dt.datetime(1900, 3, 1)  # after Excel's 29 Feb 1900
    assert excel_date(0, date1904=True) == dt.datetime(1904, 1, 1)
    assert excel_date(-5) == -5
    assert is_date_format("yyyy-mm-dd") and is_date_format('[$-804]yyyy"年"m"月"')
    assert not is_date_format("0.00") and not is_date_format('0.0 "days"')
    assert not is_date_format("[Red]#,##0")
