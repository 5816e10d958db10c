"""`carbonpath run`, `init` and the error contract, end to end on the built-in study."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from carbonpath.cli import main


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def builtin_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "report"
    assert main(["run", "--out", str(out), "--quiet"]) == 0  # every format
    return out


def test_help_and_version(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    for cmd in ("run", "init", "check"):
        assert cmd in text
    assert main(["--version"]) == 0
    assert "carbonpath" in capsys.readouterr().out


def test_run_builtin_writes_required_keys(builtin_run: Path):
    d = json.loads((builtin_run / "results.json").read_text(encoding="utf-8"))
    assert d["schema_version"] == 1
    assert d["carbonpath_version"]
    for rec in d["emissions"]["by_sector"][:3]:
        assert set(rec) >= {"year", "sector", "co2_t"}
    assert {r["year"] for r in d["emissions"]["total"]} == set(range(2015, 2023))
    assert abs(sum(w["weight"] for w in d["index"]["weights"]) - 1) < 1e-9
    assert len(d["index"]["scores"]) == 8
    assert d["stirpat"]["ridge"]["k"] is not None
    terms = [c["term"] for c in d["stirpat"]["ridge"]["coefficients"]]
    assert "const" in terms and len(terms) == 5
    for c in d["stirpat"]["ridge"]["coefficients"]:
        assert set(c) >= {"term", "b", "se", "beta", "t", "p"}
    assert isinstance(d["quality"]["flags"], list)
    assert d["settings"]["accounting"]["factor_set"] == "cn-provincial-2011"
    assert d["settings"]["seed"] == 20240601
    assert (builtin_run / "tables").is_dir()
    assert any((builtin_run / "tables").glob("emissions_*.csv"))


EXPECTED_FIGURES = {
    "value_added_gdp_share",
    "output_by_industry",
    "value_added_structure",
    "energy_efficiency",
    "emissions_total_share",
    "emissions_by_group",
    "intensity_ranking",
    "index_scores",
    "ridge_trace",
    "ridge_r2",
    "predicted_actual",
    "fuel_contributions",
    "uncertainty_bands",
    "index_weights",
    "index_sensitivity",
    "lmdi_waterfall",
    "scenario_fan",
    "decoupling",
    # the built-in study's context.csv: one figure per drawable title
    *(f"context_{i}" for i in range(1, 6)),
}


def test_run_writes_every_figure_sheet_and_report(builtin_run: Path):
    figs = builtin_run / "figures"
    assert {p.stem for p in figs.glob("*.png")} == EXPECTED_FIGURES
    assert {p.stem for p in figs.glob("*.svg")} == EXPECTED_FIGURES
    from openpyxl import load_workbook

    from carbonpath.report.xlsx import sheet_names

    tables = sorted(p.stem for p in (builtin_run / "tables").glob("*.csv"))
    wb = load_workbook(builtin_run / "results.xlsx", read_only=False)
    assert set(sheet_names(tables).values()) <= set(wb.sheetnames)
    ws = wb[sheet_names(tables)["emissions_intensity"]]
    assert ws.freeze_panes == "A2"
    html = (builtin_run / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/") >= len(EXPECTED_FIGURES)
    assert "http://" not in html and "https://" not in html.replace("https://www.w3.org", "")


def test_run_is_deterministic(builtin_run: Path, tmp_path: Path):
    out2 = tmp_path / "again"
    assert main(["run", "--out", str(out2), "--quiet", "--formats", "json,csv"]) == 0

    def tables_and_json(folder: Path) -> dict[str, str]:
        return {
            k: v
            for k, v in _hashes(folder).items()
            if k == "results.json" or k.startswith("tables")
        }

    assert tables_and_json(builtin_run) == tables_and_json(out2)


def test_init_then_run(tmp_path: Path, capsys):
    study = tmp_path / "x"
    assert main(["init", str(study)]) == 0
    toml = (study / "study.toml").read_text(encoding="utf-8")
    assert toml.lstrip().startswith("#")  # a commented study.toml
    before = _hashes(study)
    out = tmp_path / "out"
    assert main(["run", str(study), "--out", str(out), "--quiet", "--formats", "json"]) == 0
    assert (out / "results.json").is_file()
    assert _hashes(study) == before  # the study folder is never touched
    assert main(["init", str(study)]) == 2  # refuses to overwrite
    assert "already exists" in capsys.readouterr().err


def test_out_inside_study_is_refused(beijing_copy: Path, capsys):
    assert main(["run", str(beijing_copy), "--out", str(beijing_copy / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "inside the study folder" in err
    assert not (beijing_copy / "out").exists()


def _replace_line(path: Path, line_no: int, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line_no - 1] = new
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _line(path: Path, line_no: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[line_no - 1]


def _break_missing_file(study: Path) -> str:
    (study / "economy.csv").unlink()
    return "economy.csv: file is missing"


def _break_unit(study: Path) -> str:
    cells = _line(study / "energy.csv", 2).split(",")
    cells[-1] = "bananas"
    _replace_line(study / "energy.csv", 2, ",".join(cells))
    return "energy.csv, row 2, column 'unit': unit 'bananas' is not understood"


def _break_sector(study: Path) -> str:
    cells = _line(study / "economy.csv", 3).split(",")
    cells[1] = "99"
    _replace_line(study / "economy.csv", 3, ",".join(cells))
    return "economy.csv, row 3, column 'sector': unknown sector code '99'"


def _break_number(study: Path) -> str:
    cells = _line(study / "economy.csv", 4).split(",")
    cells[3] = "12x4"
    _replace_line(study / "economy.csv", 4, ",".join(cells))
    return "economy.csv, row 4, column 'value': value '12x4' is not a number"


def _break_duplicate(study: Path) -> str:
    path = study / "energy.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append(lines[1])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"energy.csv, row {len(lines)}: duplicate row for year"


@pytest.mark.parametrize(
    "breaker", [_break_missing_file, _break_unit, _break_sector, _break_number, _break_duplicate]
)
def test_bad_study_gets_one_line_and_exit_2(beijing_copy: Path, tmp_path: Path, capsys, breaker):
    expected = breaker(beijing_copy)
    before = _hashes(beijing_copy)
    out = tmp_path / "out"
    code = main(["run", str(beijing_copy), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert expected in err
    assert "Traceback" not in err
    assert not out.exists()
    assert _hashes(beijing_copy) == before


def test_console_script_exit_code_and_no_traceback(beijing_copy: Path, tmp_path: Path):
    _break_unit(beijing_copy)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "carbonpath",
            "run",
            str(beijing_copy),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_failed_run_keeps_previous_output(builtin_run: Path, beijing_copy: Path, tmp_path: Path):
    out = tmp_path / "keep"
    assert main(["run", str(beijing_copy), "--out", str(out), "--quiet", "--formats", "json"]) == 0
    before = _hashes(out)
    _break_number(beijing_copy)
    assert main(["run", str(beijing_copy), "--out", str(out), "--quiet"]) == 2
    assert _hashes(out) == before


def test_numpy_warnings_never_reach_the_terminal(tmp_path: Path):
    """A value of 1e-320 t makes numpy warn inside the checks; stderr stays one line."""
    study = tmp_path / "mini"
    shutil.copytree(Path(__file__).resolve().parents[1] / "bad_inputs" / "_mini", study)
    _replace_line(study / "energy.csv", 2, "2015,A,coal,1e-320,t")
    cmd = [sys.executable, "-m", "carbonpath", "run", str(study), "--out", str(tmp_path / "o")]
    proc = subprocess.run([*cmd, "--formats", "json"], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: energy.csv, row 2")
    debug = subprocess.run(
        [sys.executable, "-m", "carbonpath", "--debug", *cmd[3:], "--formats", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "RuntimeWarning" in debug.stderr  # shown with --debug


def test_results_are_serialised_once_for_the_json_and_the_summary(tmp_path, monkeypatch, capsys):
    from carbonpath.results import Results

    calls = []
    real = Results.to_dict

    def counted(self):
        calls.append(1)
        return real(self)

    monkeypatch.setattr(Results, "to_dict", counted)
    assert (
        main(["run", "--out", str(tmp_path / "o"), "--formats", "json", "--only", "emissions"]) == 0
    )
    printed = capsys.readouterr().out
    assert "Outputs:" in printed  # the summary was printed (from the same dict)
    assert len(calls) == 1
    saved = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
    assert saved["emissions"]["total"]
