"""CSV reading as yearbook exports arrive: encodings, missing markers, number formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from carbonpath.core.errors import StudyError
from carbonpath.io.tables import parse_number, read_csv_table

REQ = ["year", "sector", "variable", "value", "unit"]
TEXT = "year,sector,variable,value,unit\n2015,39,output_value,1234.5,万元\n"


def _write(tmp_path: Path, data: bytes, name: str = "economy.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_gbk_detected_with_auto(tmp_path: Path) -> None:
    p = _write(tmp_path, TEXT.encode("gbk"))
    t = read_csv_table(p, label="economy.csv", required=REQ)
    assert t.encoding == "gb18030"
    assert t.rows == [["2015", "39", "output_value", "1234.5", "万元"]]


def test_gbk_forced_as_utf8_is_refused_not_mojibake(tmp_path: Path) -> None:
    p = _write(tmp_path, TEXT.encode("gbk"))
    with pytest.raises(StudyError) as e:
        read_csv_table(p, label="economy.csv", required=REQ, encoding="utf-8")
    msg = str(e.value)
    assert msg.startswith("economy.csv, row 2: is not valid utf-8")
    assert "GB18030" in msg and "\n" not in msg


def test_utf8_bom(tmp_path: Path) -> None:
    p = _write(tmp_path, b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    t = read_csv_table(p, label="economy.csv", required=REQ)
    assert t.encoding == "utf-8" and t.columns == REQ  # the BOM is not part of 'year'
    t2 = read_csv_table(p, label="economy.csv", required=REQ, encoding="utf-8")
    assert t2.columns == REQ


@pytest.mark.parametrize("token", ["", "-", "—", "…", "--", "NA"])
def test_missing_markers_are_missing_not_zero(token: str) -> None:
    assert parse_number(token, file="f", row=2, column="value") is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,234.5", 1234.5),
        ("12,345,678", 12345678.0),
        ("1.2e4", 12000.0),
        ("１２３", 123.0),
        ("-0.5", -0.5),
    ],
)
def test_numbers(text: str, value: float) -> None:
    assert parse_number(text, file="f", row=2, column="value") == value


@pytest.mark.parametrize("text", ["NaN", "nan", "inf", "-Infinity", "1,23", "12a", "1.2.3"])
def test_nan_and_garbage_refused(text: str) -> None:
    with pytest.raises(StudyError) as e:
        parse_number(text, file="economy.csv", row=7, column="value")
    assert str(e.value).startswith("economy.csv, row 7, column 'value':")


def test_line_numbers_skip_blank_lines(tmp_path: Path) -> None:
    p = _write(tmp_path, (TEXT + "\n\n2016,39,output_value,-,万元\n").encode("utf-8"))
    t = read_csv_table(p, label="economy.csv", required=REQ)
    assert t.lines == [2, 5] and t.rows[1][3] == "-"


def test_unknown_and_missing_columns(tmp_path: Path) -> None:
    p = _write(tmp_path, b"year,sector,variabel,value,unit\n")
    with pytest.raises(StudyError, match="lacks column"):
        read_csv_table(p, label="economy.csv", required=REQ)
    p = _write(tmp_path, b"year,sector,variable,value,unit,note\n")
    with pytest.raises(StudyError, match="unknown column"):
        read_csv_table(p, label="economy.csv", required=REQ)


def test_only_separators_is_empty(tmp_path: Path) -> None:
    p = _write(tmp_path, b",,,\n,,\n")
    with pytest.raises(StudyError, match="is empty"):
        read_csv_table(p, label="economy.csv", required=REQ)


def test_binary_refused(tmp_path: Path) -> None:
    p = _write(tmp_path, b"PK\x03\x04\x00\x00binary")
    with pytest.raises(StudyError, match="ZIP archive, not a CSV text table"):
        read_csv_table(p, label="economy.csv", required=REQ)
