"""Overflow is an input error (issue 12, class 5): an emission or indicator that would be
infinite names the file, line and column of the input that made it so."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carbonpath.accounting.overflow import magnitude, most_extreme
from carbonpath.cli import main
from carbonpath.core.errors import StudyError
from tests.accounting.small_study import economy_table, energy_table, run
from tests.conftest import REPO

MINI = REPO / "tests" / "bad_inputs" / "_mini"


def test_magnitude_and_most_extreme():
    assert magnitude(1e308) == pytest.approx(308.0)
    assert magnitude(1e-300) == pytest.approx(300.0)
    assert magnitude(0.0) == 0.0 and magnitude(math.inf) == math.inf
    assert most_extreme(np.array([20_000.0, 1e-300, 5e7, 0.0])) == 1
    assert most_extreme(pd.Series([3.0, 1e308, 1e-300])) == 1


def located(frame, file):
    out = frame.copy()
    out["file"] = file
    out["line"] = range(2, 2 + len(out))
    return out


def test_a_sum_that_overflows_names_its_largest_row():
    # two rows of coal of 6e307 t: each CO2 (1.14e308 t) is finite, their sum is not
    energy = located(
        energy_table([(2020, "26", "coal", 6e307, "t"), (2020, "26", "coal", 6e307, "t")]),
        "energy.csv",
    )
    with pytest.raises(StudyError) as exc:
        run({"uncertainty": {"enabled": False}}, energy=energy)
    err = exc.value
    assert err.file == "energy.csv" and err.row == 13 and err.column == "value"
    assert "the CO2 of year 2020, sector 26, coal" in err.message and "6e+307 t" in err.message


def test_sector_and_total_sums_that_overflow():
    energy = located(
        energy_table([(2021, "27", "coal", 9e307, "t"), (2021, "35", "coal", 9e307, "t")]),
        "energy.csv",
    )
    # 27: 12 t diesel + 9e307 t coal -> 1.71e308 t (finite); 27 + 35 overflows
    with pytest.raises(StudyError) as exc:
        run({"uncertainty": {"enabled": False}}, energy=energy)
    assert exc.value.row in (13, 14) and "the member sectors in 2021" in exc.value.message


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("output_value", 1e-300, "the CO2 intensity of sector 26 in 2020"),
        ("employment", 1e-310, "the CO2 per employee of sector 26 in 2020"),
        ("output_value", 1.7e308, "the output value of group:other"),
    ],
)
def test_an_indicator_that_overflows_names_its_economy_row(variable, value, words):
    econ = economy_table()
    hit = (econ["year"] == 2020) & (econ["variable"] == variable)
    hit &= econ["sector"].isin(["26", "35"] if value > 1 else ["26"])
    econ.loc[hit, "value"] = value
    econ = located(econ, "economy.csv")
    with pytest.raises(StudyError) as exc:
        run({"uncertainty": {"enabled": False}}, economy=econ)
    err = exc.value
    assert err.file == "economy.csv" and err.column == "value"
    assert err.row == int(econ.loc[hit, "line"].iloc[0])
    assert words.replace("group:other", "group other") in err.message


def test_a_corrected_value_is_located_at_its_correction():
    from types import SimpleNamespace

    from carbonpath.accounting.overrides import resolve_factor_set
    from carbonpath.accounting.settings import parse_accounting
    from carbonpath.accounting.step import run as run_step
    from tests.accounting.small_study import SECTORS

    energy = located(energy_table(), "energy.csv")
    energy["corrected"] = False
    hit = (energy["year"] == 2021) & (energy["sector"] == "26") & (energy["fuel"] == "coal")
    energy.loc[hit, ["value", "corrected"]] = [1e308, True]
    study = SimpleNamespace(
        sectors=SECTORS,
        energy=energy,
        economy=economy_table(),
        emissions_inventory=None,
        corrections=[
            {"year": 2021, "sector": "26", "variable": "coal", "file": "corrections.csv", "line": 4}
        ],
        seed=1,
    )
    settings = parse_accounting({"uncertainty": {"enabled": False}})
    with pytest.raises(StudyError) as exc:
        run_step(study, settings, factors=resolve_factor_set(settings.factor_set))
    assert (exc.value.file, exc.value.row, exc.value.column) == ("corrections.csv", 4, "value")


def _mini(tmp_path: Path) -> Path:
    study = tmp_path / "mini"
    shutil.copytree(MINI, study)
    return study


def _run(study: Path, tmp_path: Path, capsys) -> tuple[int, str]:
    code = main(["run", str(study), "--out", str(tmp_path / "out"), "--quiet", "--formats", "json"])
    return code, capsys.readouterr().err.strip()


def test_study_with_a_1e308_value(tmp_path, capsys):
    """Every year of sector A's coal at 1e308 t: no jump for the quality checks, but its
    CO2 (1.9e308 t) cannot be represented."""
    study = _mini(tmp_path)
    lines = (study / "energy.csv").read_text(encoding="utf-8").splitlines()
    out = [",".join([*ln.split(",")[:3], "1e308", "t"]) if ",A,coal," in ln else ln for ln in lines]
    (study / "energy.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    code, err = _run(study, tmp_path, capsys)
    assert code == 2
    assert err == (
        "error: energy.csv, row 2, column 'value': year 2015, sector A, coal: value 1e+308 t "
        "makes its CO2 too large to represent (overflow); fix: correct the value (a unit or "
        "exponent slip?) in its file, or its corrections.csv row"
    )
    assert not (tmp_path / "out").exists()


def test_study_with_a_1e308_factor(tmp_path, capsys):
    study = _mini(tmp_path)
    (study / "factors.csv").write_text("fuel,ncv\ncoal,1e308\n", encoding="utf-8")
    code, err = _run(study, tmp_path, capsys)
    assert code == 2
    assert err.startswith("error: factors.csv, row 2, column 'ncv': fuel 'coal': ncv 1e+308 ")
    assert "too large to represent (overflow)" in err and "\n" not in err
