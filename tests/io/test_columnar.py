"""Columnar reading: the vectorised CSV path reads exactly what the csv module reads,
Parquet tables read typed, and both give the same located errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from carbonpath.core.errors import StudyError
from carbonpath.io import columnar
from carbonpath.io.tables import _csv_rows, read_csv_table, read_parquet_table, table_from_rows

REQ = ["year", "sector", "fuel", "value", "unit"]

CASES = {
    "plain": "year,sector,fuel,value,unit\n2015,39,coal,1.5,t\n2016,39,coal,2,t\n",
    "crlf_no_final_newline": "year,sector,fuel,value,unit\r\n2015,39,coal,1.5,t\r\n2016,39,coal,2,t",
    "blank_and_comma_lines": "\n,,\nYEAR , Sector,fuel,value,unit\n\n2015,39,coal,1.5,t\n , ,\n2016,39,coal,2,t\n",
    "short_and_trailing_empty": "year,sector,fuel,value,unit\n2015,39,coal\n2016,39,coal,2,t,,\n",
    "fullwidth_and_spaces": "year,sector,fuel,value,unit\n２０１５, 39 ,\tcoal ,１.５,万吨\n2016,\u300039,coal,2,t\n",
    "optional_column": "year,sector,facility,fuel,value,unit\n2015,39,F1,coal,1,t\n2015,39,F2,coal,2,t\n",
}


def _reference(text: str, optional: list[str]) -> tuple[list[str], list[list[str]], list[int]]:
    """What the row-by-row reader (the csv module) makes of ``text``."""
    t = table_from_rows(
        _csv_rows(text, "e.csv"),
        path=Path("e.csv"),
        label="e.csv",
        encoding="utf-8",
        required=REQ,
        optional=optional,
    )
    return t.columns, [list(r) for r in t.rows], list(t.lines)


@pytest.mark.parametrize("name", sorted(CASES))
def test_vectorised_csv_reads_what_the_csv_module_reads(tmp_path: Path, name: str) -> None:
    text = CASES[name]
    assert columnar.split_csv(text) is not None  # the vectorised path is taken
    p = tmp_path / "e.csv"
    p.write_text(text, encoding="utf-8", newline="")
    t = read_csv_table(p, label="e.csv", required=REQ, optional=["facility"], root=tmp_path)
    assert t.frame is not None
    cols, rows, lines = _reference(text, ["facility"])
    assert t.columns == cols
    assert [list(r) for r in t.rows] == rows
    assert list(t.lines) == lines
    assert all(isinstance(v, int) for v in t.lines)


def test_quoted_text_falls_back_to_the_csv_module(tmp_path: Path) -> None:
    text = 'year,sector,fuel,value,unit\n2015,39,coal,"1,234.5",t\n'
    assert columnar.split_csv(text) is None
    p = tmp_path / "e.csv"
    p.write_text(text, encoding="utf-8")
    t = read_csv_table(p, label="e.csv", required=REQ, root=tmp_path)
    assert t.frame is None and t.rows == [["2015", "39", "coal", "1,234.5", "t"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "year,sector,fuel,value,unit\n2015,39,coal,1,t\n2016,39,coal,2,t,x\n",
            "e.csv, row 3: has 6 cells but the header has 5",
        ),
        ("year,sector,fuel,value\n2015,39,coal,1\n", "e.csv, row 1: lacks column(s) unit"),
        (
            "year,sector,fuel,value,unit,colour\n",
            "e.csv, row 1, column 'colour': has unknown column(s) colour",
        ),
        ("\n\n,\n", "e.csv: is empty"),
    ],
)
def test_vectorised_errors_are_located_as_before(tmp_path: Path, text: str, expected: str) -> None:
    p = tmp_path / "e.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(StudyError) as fast:
        read_csv_table(p, label="e.csv", required=REQ, root=tmp_path)
    with pytest.raises(StudyError) as slow:
        table_from_rows(
            _csv_rows(text, "e.csv"), path=p, label="e.csv", encoding="utf-8", required=REQ
        )
    assert fast.value.one_line().startswith(expected)
    assert fast.value.one_line() == slow.value.one_line()


def test_row_bound_is_located(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import carbonpath.io.tables as tables

    monkeypatch.setattr(tables, "MAX_TABLE_ROWS", 3)
    text = "year,sector,fuel,value,unit\n" + "2015,39,coal,1,t\n" * 5
    p = tmp_path / "e.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(StudyError) as exc:
        read_csv_table(p, label="e.csv", required=REQ, root=tmp_path)
    with pytest.raises(StudyError) as slow:
        tables._csv_rows(text, "e.csv")
    assert exc.value.one_line() == slow.value.one_line()
    assert "row 4" in exc.value.one_line()


def test_parquet_reads_typed_columns_with_csv_line_numbers(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "Year": [2015, 2016],
            "sector": ["39", " 40 "],
            "fuel": ["coal", "coal"],
            "value": [1.25, None],
            "unit": ["t", "万吨"],
        }
    )
    frame.to_parquet(tmp_path / "e.parquet", index=False)
    t = read_parquet_table(tmp_path / "e.parquet", label="e.parquet", required=REQ, root=tmp_path)
    assert t.columns == REQ
    assert list(t.lines) == [2, 3]
    assert t.frame is not None
    assert t.frame["value"].iloc[0] == 1.25 and pd.isna(t.frame["value"].iloc[1])
    assert t.rows[1] == ["2016", "40", "coal", "", "万吨"]


def test_damaged_parquet_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "e.parquet").write_bytes(b"PAR1 this is not parquet PAR1")
    with pytest.raises(StudyError, match=r"^e.parquet: is not a readable Parquet file"):
        read_parquet_table(tmp_path / "e.parquet", label="e.parquet", required=REQ, root=tmp_path)
