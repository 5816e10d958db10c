"""Excel workbook: one sheet per table, headers, numbers as numbers, neutralised text, determinism."""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from carbonpath.report import xlsx
from carbonpath.results import Results
from tests.report.studies import results_for


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory):
    from openpyxl import load_workbook

    results = results_for("hostile")
    path = xlsx.write_xlsx(results, tmp_path_factory.mktemp("xlsx"))
    return results, path, load_workbook(path)


def test_one_sheet_per_table(book) -> None:
    results, path, wb = book
    tables = results.tables()
    assert path.name == "results.xlsx"
    assert wb.sheetnames == ["contents", *xlsx.sheet_names(list(tables)).values()]
    contents = wb["contents"]
    listed = [
        (r[0], r[1])
        for r in contents.iter_rows(min_row=2, max_row=1 + len(tables), values_only=True)
    ]
    assert listed == [(xlsx.sheet_names(list(tables))[n], n) for n in tables]


def _check_cell(got: object, want: object) -> None:
    """A workbook cell holds the table's value: numbers as numbers, text neutralised."""
    if isinstance(want, float) and math.isnan(want):
        assert got is None
    elif isinstance(want, bool):
        assert got is want
    elif isinstance(want, int | float):
        assert isinstance(got, int | float) and not isinstance(got, bool)
        # not rounded: openpyxl writes 16 significant digits (Excel keeps 15)
        assert got == pytest.approx(want, rel=1e-15, abs=0)
    elif want is None or want is pd.NA or (isinstance(want, str) and not want):
        assert got is None  # a missing value or an empty text is an empty cell
    elif isinstance(want, str):
        assert got == (("'" + want) if want[:1] in "=+-@" else want)


def test_values_headers_and_frozen_row(book) -> None:
    results, _path, wb = book
    names = xlsx.sheet_names(list(results.tables()))
    for name, frame in results.tables().items():
        ws = wb[names[name]]
        assert ws.freeze_panes == "A2"
        rows = list(ws.iter_rows(values_only=True))
        if not len(frame.columns):
            continue
        assert list(rows[0]) == [str(c) for c in frame.columns]
        assert len(rows) == len(frame) + 1
        for i, rec in enumerate(frame.itertuples(index=False), start=1):
            for got, want in zip(rows[i], rec, strict=True):
                _check_cell(got, want)


def test_numbers_are_numeric_cells(book) -> None:
    results, _path, wb = book
    ws = wb[xlsx.sheet_names(list(results.tables()))["emissions_total"]]
    assert ws["A1"].value == "year" and ws["B1"].value == "co2_t"
    assert ws["B2"].data_type == "n"
    total = min(results.to_dict()["emissions"]["total"], key=lambda r: r["year"])
    # openpyxl writes 16 significant digits: equal to the last digit but one
    assert ws["B2"].value == pytest.approx(total["co2_t"], rel=1e-15, abs=0)


def test_formula_text_neutralised(book) -> None:
    results, _path, wb = book
    ws = wb[xlsx.sheet_names(list(results.tables()))["quality_corrections"]]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "'-decimal shift <b>x10</b>" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in values)
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


class _Tables:
    """A results part holding one hand-made table (the workbook reads only ``tables()``)."""

    def __init__(self, tables: dict[str, pd.DataFrame]):
        self._tables = tables

    def to_dict(self) -> dict[str, object]:
        return {}

    def tables(self) -> dict[str, pd.DataFrame]:
        return dict(self._tables)


def test_hostile_table_cells_and_headers(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    frame = pd.DataFrame(
        {
            "=cmd": ["=1+1", "+SUM(A1)", "@x", "-2", "plain", None],
            "value": [1.5, float("nan"), 3, -4.25, 0.0, 2],
        }
    )
    r = Results(
        study={"title": "=evil"},
        settings={},
        quality={},
        sections={"x": _Tables({"x_hostile": frame})},
    )
    wb = load_workbook(xlsx.write_xlsx(r, tmp_path))
    rows = list(wb["x_hostile"].iter_rows(values_only=True))
    assert rows[0] == ("'=cmd", "value")
    assert [row[0] for row in rows[1:]] == ["'=1+1", "'+SUM(A1)", "'@x", "'-2", "plain", None]
    assert [row[1] for row in rows[1:]] == [1.5, None, 3, -4.25, 0, 2]


def test_sheet_names_safe_and_unique() -> None:
    names = [
        "index_panel_alternative_weights_by_sector",
        "index_panel_alternative_weights_by_sector_2",
        "a/b:c*d?[e]",
        "History",
        "Contents",
        "emissions",
        "EMISSIONS",
    ]
    out = xlsx.sheet_names(names)
    assert all(len(v) <= 31 for v in out.values())
    assert len({v.lower() for v in out.values()} | {"contents"}) == len(names) + 1
    assert out["a/b:c*d?[e]"] == "a_b_c_d__e_"
    assert out["History"] != "History"
    assert out["index_panel_alternative_weights_by_sector"] == "index_panel_alternative_weights"
    assert out["index_panel_alternative_weights_by_sector_2"] == "index_panel_alternative_weigh~2"
    assert out["EMISSIONS"] == "EMISSIONS~2"
    assert out["Contents"] == "Contents~2"


def test_byte_identical_and_fixed_dates() -> None:
    results = results_for("full")
    a = xlsx.workbook_bytes(results)
    b = xlsx.workbook_bytes(results)
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        assert {i.date_time for i in z.infolist()} == {xlsx.ZIP_TIME}
        core = z.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2  # created and modified
