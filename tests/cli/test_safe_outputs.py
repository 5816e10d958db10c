"""Outputs that cannot attack their reader (issue 12, class 4), and a wide `weights` run.

CSV files are read back with Python's csv module and the workbook with openpyxl (both
independent of the writers); the weights are checked against the entropy formula
computed here with numpy.
"""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import openpyxl
import pandas as pd
import pytest

from carbonpath.cli import main
from carbonpath.report.output import write_tables
from carbonpath.report.safe import csv_frame, neutralise
from carbonpath.report.xlsx import workbook_bytes

HOSTILE = [
    "line\rbreak",
    "two\r\nlines",
    "lf\nonly",
    "=1+2",
    ' =HYPERLINK("http://x","y")',
    "\u3000@SUM(A1)",
    "\t-2",
    "+33",
    "\u202etxt.exe",
    "bell\x07 esc\x1b[2J nul\x00",
    "\u2066isolate\u2069",
    "plain, with comma",
    "-",
]


class _Results(SimpleNamespace):
    def tables(self) -> dict[str, pd.DataFrame]:
        return self._tables


def _results() -> _Results:
    frame = pd.DataFrame({"label": HOSTILE, "value": np.arange(len(HOSTILE), dtype=float)})
    return _Results(study={"title": "Study\u202e\x07 =title"}, _tables={"index_weights": frame})


def test_csv_quotes_line_breaks_and_neutralises_formulas(tmp_path: Path) -> None:
    write_tables(_results(), tmp_path)  # type: ignore[arg-type]
    raw = (tmp_path / "index_weights.csv").read_bytes()
    assert b"\r" not in raw  # a bare CR would end the row in every CSV reader
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert len(rows) == 1 + len(HOSTILE)  # one row per record, whatever the text holds
    cells = {r[1]: r[0] for r in rows[1:]}
    assert cells["0.0"] == "line\nbreak" and cells["1.0"] == "two\nlines"
    for value, text in cells.items():
        first = text.lstrip(" \u3000")[:1]
        assert first not in ("=", "+", "-", "@", "\t", "\r") or text.startswith("'"), value
    assert cells["4.0"] == '\' =HYPERLINK("http://x","y")'
    assert cells["11.0"] == "plain, with comma"


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=cmd", "'=cmd"),
        ("  +1", "'  +1"),
        ("\u00a0-1", "'\u00a0-1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\nx", "'\nx"),
        ("@x", "'@x"),
        ("a=b", "a=b"),
        ("３=", "３="),
    ],
)
def test_neutralise_looks_past_blanks(text: str, safe: str) -> None:
    assert neutralise(text) == safe
    assert neutralise(3.5) == 3.5


def test_csv_frame_keeps_numbers_numbers() -> None:
    out = csv_frame(pd.DataFrame({"n": [-1.0, 2.0], "t": ["-1", "x"]}))
    assert out["n"].tolist() == [-1.0, 2.0] and out["t"].tolist() == ["'-1", "x"]


def test_workbook_is_written_without_invisible_or_control_characters() -> None:
    data = workbook_bytes(_results())  # type: ignore[arg-type]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = "".join(zf.read(n).decode("utf-8") for n in zf.namelist())
    for bad in ("\u202e", "\u2066", "\u2069", "\x07", "\x1b", "\x00"):
        assert bad not in xml
    wb = openpyxl.load_workbook(io.BytesIO(data))  # an independent reader opens it
    ws = wb[wb.sheetnames[1]]
    labels = [ws.cell(row=i, column=1).value for i in range(2, 2 + len(HOSTILE))]
    assert "txt.exe" in labels and "isolate" in labels
    assert "bell  esc [2J nul " in labels
    for text in labels:
        assert not text.lstrip(" \u3000").startswith(("=", "+", "-", "@")), text
    assert wb.properties.title == "Study  =title"


def _entropy_weights(x: np.ndarray) -> np.ndarray:
    """The entropy weights of a matrix (rows = alternatives), min-max normalised first:
    p = z / sum z, e = -sum p ln p / ln n, w = (1 - e) / sum (1 - e)."""
    z = (x - x.min(axis=0)) / (x.max(axis=0) - x.min(axis=0))
    p = z / z.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    e = -plogp.sum(axis=0) / np.log(x.shape[0])
    return (1 - e) / (1 - e).sum()


def test_weights_on_200000_columns_is_linear_and_right(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = np.random.default_rng(12)
    n = 200_000
    x = rng.uniform(1.0, 2.0, size=(6, n))
    path = tmp_path / "wide.csv"
    lines = ["year," + ",".join(f"c{j}" for j in range(n))]
    lines += [f"{2015 + i}," + ",".join(f"{v:.6f}" for v in row) for i, row in enumerate(x)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    x = np.loadtxt(path, delimiter=",", skiprows=1)[:, 1:]  # the values as written
    start = time.process_time()
    assert main(["weights", str(path), "--json"]) == 0
    cpu = time.process_time() - start
    got = json.loads(capsys.readouterr().out)
    w = np.array([got["weights"][f"c{j}"] for j in range(n)])
    np.testing.assert_allclose(w, _entropy_weights(x), rtol=1e-9)
    assert cpu < 30, f"weights on {n} columns took {cpu:.1f} s of CPU"
