"""``carbonpath weights``: published vectors through the command line, and errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from carbonpath.cli import app

runner = CliRunner()


@pytest.fixture
def xu_csv(tmp_path: Path) -> Path:
    # Xu (2004) matrix; published entropy vector [0.4630, 0.3992, 0.1378, 0.0000]
    p = tmp_path / "xu.csv"
    p.write_text(
        "alt,c1,c2,c3,c4\nA1,30,30,38,29\nA2,19,54,86,29\nA3,19,15,85,28.9\nA4,68,70,60,29\n"
    )
    return p


def run(*args: str):
    return runner.invoke(app, ["weights", *args])


def test_json_published_entropy_vector(xu_csv: Path) -> None:
    r = run(str(xu_csv), "--normalise", "none", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["method"] == "entropy"
    np.testing.assert_allclose(
        list(d["weights"].values()), [0.4630, 0.3992, 0.1378, 0.0000], atol=5e-5
    )
    assert list(d["weights"]) == ["c1", "c2", "c3", "c4"]
    # scores = sum_j w_j x_ij on the matrix the weights were computed from
    w = np.array(list(d["weights"].values()))
    np.testing.assert_allclose(d["scores"]["A1"], np.dot(w, [30, 30, 38, 29]), rtol=1e-12)


def test_cv_published_vector(xu_csv: Path) -> None:
    r = run(str(xu_csv), "--normalise", "none", "--method", "cv", "--json")
    assert r.exit_code == 0, r.output
    np.testing.assert_allclose(
        list(json.loads(r.stdout)["weights"].values()), [0.4258, 0.3610, 0.2121, 0.0011], atol=5e-5
    )


def test_minmax_negative_hand_calculation(tmp_path: Path) -> None:
    p = tmp_path / "m.csv"
    p.write_text("year,a,b\n2020,1,10\n2021,2,30\n2022,4,20\n")
    r = run(str(p), "--method", "equal", "--negative", "b", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    # a: (x-1)/3 -> 0, 1/3, 1 ; b negative: (30-x)/20 -> 1, 0, 0.5 ; equal weights
    np.testing.assert_allclose(
        [d["scores"][y] for y in ("2020", "2021", "2022")], [0.5, 1 / 6, 0.75], rtol=1e-12
    )


def test_text_output(xu_csv: Path) -> None:
    r = run(str(xu_csv), "--method", "critic")
    assert r.exit_code == 0, r.output
    assert "weights:" in r.stdout and "A4" in r.stdout


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["--method", "critc"], "did you mean 'critic'"),
        (["--negative", "c9"], "no column 'c9'"),
        (["--normalise", "none", "--negative", "c1"], "--negative needs normalisation"),
        (["--normalise", "zscore"], "unknown normalisation"),
    ],
)
def test_errors_exit_2(xu_csv: Path, args: list[str], text: str) -> None:
    r = run(str(xu_csv), *args)
    assert r.exit_code == 2
    assert text in r.output
    assert r.output.strip().count("\n") == 0


def test_bad_cell_and_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text("alt,c1,c2\nA,1,2\nB,x,3\n")
    r = run(str(p))
    assert r.exit_code == 2
    assert "row 3, column 'c1'" in r.output
    r = run(str(tmp_path / "nope.csv"))
    assert r.exit_code == 2
