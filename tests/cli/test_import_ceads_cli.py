"""``carbonpath import-ceads``: writes a study; bad inputs give one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carbonpath.cli import app, main
from tests.conftest import CEADS

F2018 = CEADS / "Emission_Inventories_for_30_Provinces_2018.xlsx"
F2019 = CEADS / "Emission_Inventories_for_30_Provinces_2019.xlsx"
needs_data = pytest.mark.skipif(not F2019.is_file(), reason="CEADs data not available")


@needs_data
def test_import_writes_study(tmp_path: Path) -> None:
    out = tmp_path / "bj"
    res = CliRunner().invoke(
        app,
        [
            "import-ceads",
            str(F2018),
            str(F2019),
            "--province",
            "Beijing",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["years"] == [2018, 2019] and summary["rows"] == 2 * 9 * 18
    assert "C" in summary["sectors"] and "36+37" in summary["sectors"]
    for name in ("study.toml", "sectors.csv", "emissions.csv", "economy.csv"):
        assert (out / name).is_file()


def _err(argv: list[str], capsys) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err
    return code, err


@needs_data
def test_existing_folder_needs_force(tmp_path: Path, capsys) -> None:
    out = tmp_path / "bj"
    out.mkdir()
    (out / "x.txt").write_text("x")
    code, err = _err(
        ["import-ceads", str(F2019), "--province", "Beijing", "--out", str(out)], capsys
    )
    assert code == 2 and err.count("\n") == 1 and "--force" in err
    code, _ = _err(
        ["import-ceads", str(F2019), "--province", "Beijing", "--out", str(out), "--force"], capsys
    )
    assert code == 0 and (out / "study.toml").is_file()


@needs_data
def test_unknown_province(tmp_path: Path, capsys) -> None:
    code, err = _err(
        ["import-ceads", str(F2019), "--province", "Atlantis", "--out", str(tmp_path / "o")], capsys
    )
    assert code == 2 and err.count("\n") == 1
    assert "has no sheet for province 'Atlantis'" in err and "Beijing" in err


def test_not_a_workbook(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "inventory.xlsx"
    bad.write_text("not,a,workbook\n")
    code, err = _err(
        ["import-ceads", str(bad), "--province", "Beijing", "--out", str(tmp_path / "o")], capsys
    )
    assert code == 2
    assert (
        err
        == "error: inventory.xlsx: is not an Excel workbook (.xlsx); fix: give an .xlsx file (a CSV table goes in the study folder as .csv)\n"
    )
    assert not (tmp_path / "o").exists()


def test_missing_file(tmp_path: Path, capsys) -> None:
    code, err = _err(
        [
            "import-ceads",
            str(tmp_path / "nope.xlsx"),
            "--province",
            "Beijing",
            "--out",
            str(tmp_path / "o"),
        ],
        capsys,
    )
    assert code == 2 and "file is missing" in err and err.count("\n") == 1
