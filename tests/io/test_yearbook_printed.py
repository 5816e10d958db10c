"""Yearbook sheets as printed: two-row merged headers, the unit line in the title area,
notes under the table, footnote marks, ``……``, a yearbook printing last year's data.

References: hand-written sheets whose every value is stated in the test.
"""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pytest

from carbonpath.core.errors import StudyError
from carbonpath.io import yearbook
from carbonpath.io.footnotes import split_mark
from carbonpath.io.tables import parse_number

# a printed table: title, unit line, fuel groups over sub-columns (merged), notes below
PRINTED = [
    ["表 9-12 分行业能源消费量", None, None, None, None, None, None],
    [None, None, None, None, None, None, "单位：万吨"],
    ["行业", "煤炭", None, None, "石油", None, "天然气"],
    [None, "原煤", "洗精煤", "其他", "汽油", "其他", None],
    ["总计", 100, 20, 5, 8, 1, 3],
    ["化学原料和化学制品制造业", "1,234.5①", 10, "……", 2, 0.5, "12*"],
    [None, None, None, None, None, None, None],
    ["医药制造业²", "567①", 1.5, 0, "3.25a", "…", 1],
    ["注：①含外省调入。", None, None, None, None, None, None],
    ["资料来源：省统计局。", None, None, None, None, None, None],
    ["其他行业", 9, 9, 9, 9, 9, 9],  # below the notes: not part of the table
]


def _book(
    path: Path, rows: list[list], merges: tuple[str, ...] = ("B3:D3", "E3:F3", "G3:G4")
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2020"
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


def _entry(**over):
    raw = {
        "file": "yb_{year}.xlsx",
        "sheet": 1,
        "years": [2020, 2020],
        "table": "energy",
        "header_row": [3, 4],
        "rows": {"化学原料和化学制品制造业": "26", "医药制造业": "27"},
        "columns": {
            "原煤": "raw_coal",
            "洗精煤": "cleaned_coal",
            "煤炭/其他": "other_washed_coal",
            "汽油": "gasoline",
            "石油 / 其他": "other_petroleum_products",
            "天然气": "natural_gas",
        },
        "ignore_rows": ["总计"],
    }
    raw.update(over)
    return raw


def _read(tmp_path: Path, **over):
    _book(tmp_path / "yb_2020.xlsx", PRINTED)
    (cfg,) = yearbook.validate_config([_entry(**over)])
    return cfg, yearbook.read_yearbook(tmp_path, cfg)


def test_printed_sheet(tmp_path: Path) -> None:
    cfg, df = _read(tmp_path)
    assert cfg["first_data_row"] == 5
    got = {(r.sector, r.fuel): (r.value, r.unit, r.line, r.footnote) for r in df.itertuples()}
    # footnote marks stripped, never read as digits (1234.51 / 5671 before)
    assert got["26", "raw_coal"] == (1234.5, "万吨", 6, "①")
    assert got["27", "raw_coal"] == (567.0, "万吨", 8, "①")
    assert got["27", "gasoline"] == (3.25, "万吨", 8, "a")
    assert got["26", "natural_gas"] == (12.0, "万吨", 6, "*")
    # merged group header: 其他 under 煤炭 vs 其他 under 石油
    assert math.isnan(got["26", "other_washed_coal"][0])
    assert got["26", "other_petroleum_products"][:3] == (0.5, "万吨", 6)
    assert math.isnan(got["27", "other_petroleum_products"][0])  # … missing
    assert got["27", "other_washed_coal"][0] == 0.0  # a printed zero stays zero
    assert got["27", "cleaned_coal"][:2] == (1.5, "万吨")
    # the spacer row is skipped, the notes end the table (其他行业 below them is not read)
    assert sorted(set(df["sector"])) == ["26", "27"] and len(df) == 12
    (t,) = yearbook.yearbook_tables(tmp_path, [cfg])["energy"]
    assert (6, "raw_coal", "①") in t.footnotes and len(t.footnotes) == 4


def test_footnotes_refused(tmp_path: Path) -> None:
    with pytest.raises(StudyError, match=r"row 6, column 'B': value '1,234.5①' carries a footnote"):
        _read(tmp_path, footnotes="refuse")


def test_ambiguous_sub_label(tmp_path: Path) -> None:
    columns = {"原煤": "raw_coal", "其他": "other_washed_coal"}
    with pytest.raises(StudyError, match=r"'其他' 2 times.*煤炭/其他"):
        _read(tmp_path, columns=columns)


def test_data_year_and_title_unit(tmp_path: Path) -> None:
    # the 2020 edition prints 2019 data; the study's years name the data years
    _book(tmp_path / "yb_2020.xlsx", PRINTED)
    (cfg,) = yearbook.validate_config([_entry(years=None, data_year="year - 1")])
    df = yearbook.read_yearbook(tmp_path, cfg, years=[2019])
    assert set(df["year"]) == {2019} and set(df["file"]) == {"yb_2020.xlsx [1]"}
    (cfg,) = yearbook.validate_config([_entry(data_year="year - 1")])  # years = editions
    assert set(yearbook.read_yearbook(tmp_path, cfg)["year"]) == {2019}


def test_no_unit_anywhere(tmp_path: Path) -> None:
    rows = [list(r) for r in PRINTED]
    rows[1][6] = None
    _book(tmp_path / "yb_2020.xlsx", rows)
    (cfg,) = yearbook.validate_config([_entry()])
    with pytest.raises(StudyError, match="has no unit.*单位：万吨"):
        yearbook.read_yearbook(tmp_path, cfg)


def test_bad_title_unit(tmp_path: Path) -> None:
    rows = [list(r) for r in PRINTED]
    rows[1][6] = "单位：万桶桶"
    _book(tmp_path / "yb_2020.xlsx", rows)
    (cfg,) = yearbook.validate_config([_entry()])
    with pytest.raises(StudyError, match=r"row 2, column 'G': unit line '万桶桶'"):
        yearbook.read_yearbook(tmp_path, cfg)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("1,234.5①", ("1,234.5", "①")),
        ("567¹", ("567", "¹")),
        ("12*", ("12", "*")),
        ("89.1 a", ("89.1", "a")),
        ("89.1(b)", ("89.1", "(b)")),
        ("1.2e4", ("1.2e4", "")),
        ("12e", ("12e", "")),
        ("-", ("-", "")),
    ],
)
def test_split_mark(text: str, expect: tuple[str, str]) -> None:
    assert split_mark(text) == expect


@pytest.mark.parametrize("text", ["567①", "1,234.5①", "12³", "4⑵"])
def test_csv_cells_with_marks_are_refused(text: str) -> None:
    with pytest.raises(StudyError, match="footnote mark"):
        parse_number(text, file="x.csv", row=2, column="value")


def test_missing_markers() -> None:
    for text in ("……", "…", "...", "-", "——"):
        assert parse_number(text, file="x.csv", row=2, column="value") is None
    assert parse_number("１２３.５", file="x.csv", row=2, column="value") == 123.5


def test_ceads_fuel_preset(tmp_path: Path) -> None:
    rows = [
        ["单位：万吨"],
        ["行业", "原煤", "型煤", "焦炉煤气", "其他石油制品", "柴油", "备注"],
        ["医药制造业", 1, 2, 3, 4, 5, "x"],
        ["化学原料和化学制品制造业", 6, 7, 8, 9, 10, "y"],
    ]
    _book(tmp_path / "yb_2020.xlsx", rows, merges=())
    over = {"header_row": 2, "fuels": "ceads", "columns": {"柴油": "diesel"}}
    (cfg,) = yearbook.validate_config([_entry(**over)])
    df = yearbook.read_yearbook(tmp_path, cfg)
    got = {(r.sector, r.fuel): r.value for r in df.itertuples()}
    assert got == {
        ("27", "raw_coal"): 1.0, ("27", "briquettes"): 2.0, ("27", "coke_oven_gas"): 3.0,
        ("27", "other_petroleum_products"): 4.0, ("27", "diesel"): 5.0,
        ("26", "raw_coal"): 6.0, ("26", "briquettes"): 7.0, ("26", "coke_oven_gas"): 8.0,
        ("26", "other_petroleum_products"): 9.0, ("26", "diesel"): 10.0,
    }  # fmt: skip
    with pytest.raises(StudyError, match="fuels"):
        yearbook.validate_config([_entry(fuels="ceads", table="economy")])


@pytest.mark.parametrize(
    ("over", "text"),
    [
        (
            {"header_row": 2.5},
            "key 'yearbook[1].header_row': must be a whole number, got float 2.5",
        ),
        ({"header_row": True}, "key 'yearbook[1].header_row': must be a whole number, got bool"),
        (
            {"rows": {"医药制造业": 27}},
            "key 'yearbook[1].rows.医药制造业': must be a string, got int",
        ),
        ({"unit_row": "3"}, "key 'yearbook[1].unit_row': must be a whole number, got str '3'"),
        ({"fuels": "iea"}, "key 'yearbook[1].fuels': 'iea' is not a fuel list"),
    ],
)
def test_typed_entry_errors(over: dict, text: str) -> None:
    with pytest.raises(StudyError) as e:
        yearbook.validate_config([_entry(**over)])
    assert text in str(e.value) and "\n" not in str(e.value)
