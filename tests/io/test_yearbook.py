"""Workbook input: study tables as sheets, and yearbook-style wide sheets via [[yearbook]]."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pytest

from carbonpath.core.errors import StudyError
from carbonpath.io import workbook, yearbook
from carbonpath.io.tables import read_csv_table


def _book(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def test_sheet_reads_like_the_csv(tmp_path: Path) -> None:
    rows = [
        ["year", "sector", "variable", "value", "unit"],
        [2015, "39", "output_value", 1234.5, "10^4 yuan"],
        [],
        [2016.0, "39", "output_value", "1,300", "10^4 yuan"],
    ]
    xlsx = _book(tmp_path / "study.xlsx", {"sectors": [["code"]], "economy": rows})
    csv = tmp_path / "economy.csv"
    csv.write_text(
        "year,sector,variable,value,unit\n2015,39,output_value,1234.5,10^4 yuan\n\n"
        '2016,39,output_value,"1,300",10^4 yuan\n',
        encoding="utf-8",
    )
    req = ["year", "sector", "variable", "value", "unit"]
    a = workbook.read_workbook_table(xlsx, "economy", label="study.xlsx [economy]", required=req)
    b = read_csv_table(csv, label="economy.csv", required=req)
    assert a.columns == b.columns and a.rows == b.rows and a.lines == b.lines == [2, 4]
    assert a.label == "study.xlsx [economy]"


def test_workbook_errors(tmp_path: Path) -> None:
    xlsx = _book(tmp_path / "study.xlsx", {"economy": [["year", "sector"]]})
    with pytest.raises(StudyError) as e:
        workbook.read_workbook_table(xlsx, "energy", required=["year"])
    assert str(e.value).startswith("study.xlsx: has no sheet 'energy'") and "economy" in str(
        e.value
    )
    with pytest.raises(StudyError, match="lacks column"):
        workbook.read_workbook_table(xlsx, "economy", required=["year", "value"])
    txt = tmp_path / "data.xlsx"
    txt.write_text("not a workbook")
    with pytest.raises(StudyError, match=r"^data\.xlsx: is not an Excel workbook"):
        workbook.read_workbook_table(txt, "economy", required=["year"])
    xls = tmp_path / "old.xlsx"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(StudyError, match="old-style .xls"):
        workbook.read_workbook_table(xls, "economy", required=["year"])
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(StudyError, match="not a readable .xlsx"):
        workbook.read_workbook_table(broken, "economy", required=["year"])


# --- yearbook-style wide sheets ------------------------------------------------

ENERGY_2019 = [
    ["表 5-3 分行业能源消费量 (2019)", None, None, None],
    ["行业", "原煤", "天然气", "电力"],
    [None, "万吨", "亿立方米", "亿千瓦时"],
    ["总计", 100, 10, 500],
    ["  化学原料和化学制品制造业", 12.5, "-", 30],
    ["医药制造业", "1,234.5", 0.5, 12],
    [None, None, None, None],
    ["注：数据来源……", None, None, None],
]


def _entry(**over):
    raw = {
        "file": "energy_{year}.xlsx",
        "sheet": "{year}",
        "years": [2019, 2019],
        "table": "energy",
        "header_row": 2,
        "unit_row": 3,
        "rows": {"化学原料和化学制品制造业": "26", "医药制造业": "27"},
        "columns": {"原煤": "raw_coal", "天然气": "natural_gas", "电力": "electricity"},
        "ignore_rows": ["总计"],
    }
    raw.update(over)
    return raw


def test_yearbook_wide_sheet_to_long(tmp_path: Path) -> None:
    _book(tmp_path / "energy_2019.xlsx", {"2019": ENERGY_2019})
    (cfg,) = yearbook.validate_config([_entry()])
    assert cfg["first_data_row"] == 4  # header 2 + unit row 3
    df = yearbook.read_yearbook(tmp_path, cfg)
    assert list(df.columns) == ["year", "sector", "fuel", "value", "unit", "file", "line"]
    got = {(r.sector, r.fuel): (r.value, r.unit, r.line) for r in df.itertuples()}
    assert got[("26", "raw_coal")] == (12.5, "万吨", 5)
    assert math.isnan(got[("26", "natural_gas")][0])  # "-" is missing, never zero
    assert got[("27", "raw_coal")] == (1234.5, "万吨", 6)
    assert got[("27", "electricity")] == (12.0, "亿千瓦时", 6)
    assert set(df["file"]) == {"energy_2019.xlsx [2019]"}
    tables = yearbook.yearbook_tables(tmp_path, [cfg])
    (t,) = tables["energy"]
    assert t.columns == ["year", "sector", "fuel", "value", "unit"]
    assert t.rows[0] == ["2019", "26", "raw_coal", "12.5", "万吨"] and t.lines[0] == 5


def test_yearbook_one_sheet_per_year_and_single_unit(tmp_path: Path) -> None:
    rows = lambda v: [["industry", "output"], ["Pharma", v]]  # noqa: E731
    _book(tmp_path / "econ.xlsx", {"2018": rows(1.5), "2019": rows(2.5)})
    (cfg,) = yearbook.validate_config(
        [
            {
                "file": "econ.xlsx",
                "sheet": "{year}",
                "table": "economy",
                "unit": "亿元",
                "rows": {"pharma": "27"},
                "columns": {"OUTPUT": "output_value"},
            }
        ]
    )
    df = yearbook.read_yearbook(tmp_path, cfg, years=[2018, 2019])
    assert df[["year", "variable", "value", "unit"]].values.tolist() == [
        [2018, "output_value", 1.5, "亿元"],
        [2019, "output_value", 2.5, "亿元"],
    ]


def test_unmapped_row_label_is_an_error(tmp_path: Path) -> None:
    _book(tmp_path / "energy_2019.xlsx", {"2019": ENERGY_2019})
    (cfg,) = yearbook.validate_config([_entry(ignore_rows=[])])
    with pytest.raises(StudyError) as e:
        yearbook.read_yearbook(tmp_path, cfg)
    msg = str(e.value)
    assert msg.startswith(
        "energy_2019.xlsx [2019], row 4, column 'A': row label '总计' is not mapped"
    )
    assert "ignore_rows" in msg and "\n" not in msg


def test_missing_sheet_and_file(tmp_path: Path) -> None:
    _book(tmp_path / "energy_2019.xlsx", {"2019": ENERGY_2019})
    (cfg,) = yearbook.validate_config([_entry(sheet="Y{year}")])
    with pytest.raises(StudyError, match="has no sheet 'Y2019'.*sheets are: 2019"):
        yearbook.read_yearbook(tmp_path, cfg)
    (cfg,) = yearbook.validate_config([_entry(years=[2018, 2019])])
    with pytest.raises(StudyError, match="energy_2018.xlsx: file is missing"):
        yearbook.read_yearbook(tmp_path, cfg)


def test_column_label_not_found(tmp_path: Path) -> None:
    _book(tmp_path / "energy_2019.xlsx", {"2019": ENERGY_2019})
    (cfg,) = yearbook.validate_config([_entry(columns={"焦炭": "coke"})])
    with pytest.raises(StudyError, match="row 2 has no column '焦炭'"):
        yearbook.read_yearbook(tmp_path, cfg)


def test_bad_unit_in_unit_row(tmp_path: Path) -> None:
    rows = [list(r) for r in ENERGY_2019]
    rows[2][1] = "万桶桶"
    _book(tmp_path / "energy_2019.xlsx", {"2019": rows})
    (cfg,) = yearbook.validate_config([_entry()])
    with pytest.raises(StudyError, match=r"row 3, column 'B': unit '万桶桶' is not understood"):
        yearbook.read_yearbook(tmp_path, cfg)


@pytest.mark.parametrize(
    ("over", "key", "text"),
    [
        ({"unit": "furlongs", "unit_row": None}, "yearbook[1].unit", "does not use"),
        ({"unit": "万桶桶", "unit_row": None}, "yearbook[1].unit", "not understood"),
        ({"unit": "万元", "unit_row": None}, "yearbook[1].unit", "is a currency"),
        ({"tabel": "energy"}, "yearbook[1].tabel", "did you mean 'table'"),
        ({"table": "energi"}, "yearbook[1].table", "did you mean 'energy'"),
        ({"rows": {}}, "yearbook[1].rows", "is required"),
        ({"columns": {"原煤": "Raw Coal"}}, "yearbook[1].columns.原煤", "lower_snake_case"),
        ({"file": "../x_{year}.xlsx"}, "yearbook[1].file", "outside"),
        ({"file": "x.xlsx", "sheet": "s", "years": None}, "yearbook[1].year", "is required"),
        ({"file": "x_{yr}.xlsx"}, "yearbook[1].file", "placeholder"),
        ({"header_row": 0}, "yearbook[1].header_row", "1 or more"),
        ({"unit_row": None}, "yearbook[1].unit", "no unit"),
        ({"label_column": "1A"}, "yearbook[1].label_column", "column letter"),
        ({"units": {"焦炭": "t"}}, "yearbook[1].units.焦炭", "not under"),
    ],
)
def test_config_errors(over: dict, key: str, text: str) -> None:
    with pytest.raises(StudyError) as e:
        yearbook.validate_config([_entry(**over)])
    assert f"key '{key}'" in str(e.value) and text in str(e.value)
    assert str(e.value).startswith("study.toml")


def test_no_yearbook_is_fine() -> None:
    assert yearbook.validate_config(None) == []


def test_cell_text() -> None:
    assert yearbook.cell_text(2016.0) == "2016"
    assert yearbook.cell_text(0.1) == "0.1"
    assert yearbook.cell_text(None) == ""
    assert yearbook.cell_text(1e-7) == "1e-07"
