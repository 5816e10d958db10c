"""The bad-input corpus (tests/bad_inputs/, issue 9): broken studies must fail cleanly.

Each case folder is applied to a fresh copy of its base study (see
tests/bad_inputs/README.md for the case.toml format).  For a failing case the test
asserts the CLI contract of docs/cli.md: exit code 2, exactly one line on stderr equal
to ``error: <expected>``, no traceback, the output folder absent (or byte-identical
when it held an earlier result), and every input file byte-identical afterwards.
Cases with ``exit = 0`` must run, and their outputs are checked for the stated text.
"""

from __future__ import annotations

import hashlib
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

from carbonpath.cli import main
from carbonpath.study import builtin_path

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
MINI = CORPUS / "_mini"
CASE_KEYS = {
    "description",
    "base",
    "delete",
    "args",
    "expected",
    "exit",
    "xfail",
    "out",
    "prior_output",
    "patch",
    "append",
    "replace",
    "output_contains",
    "output_absent",
}


def _case_dirs() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))


def _read_case(folder: Path) -> dict[str, Any]:
    case = tomllib.loads((folder / "case.toml").read_text(encoding="utf-8"))
    unknown = set(case) - CASE_KEYS
    assert not unknown, f"{folder.name}/case.toml: unknown keys {sorted(unknown)}"
    assert case.get("base") in ("beijing", "mini"), f"{folder.name}: base must be beijing or mini"
    return case


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _read_lines(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8").splitlines()


def _write_lines(path: Path, lines: list[str]) -> None:
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))


def apply_case(folder: Path, study: Path) -> dict[str, Any]:
    """Build the broken study of case ``folder`` at ``study``; return the parsed case."""
    case = _read_case(folder)
    base = builtin_path() if case["base"] == "beijing" else MINI
    shutil.copytree(base, study)
    for name in case.get("delete", []):
        (study / name).unlink()
    for src in sorted(folder.rglob("*")):
        if src.is_file() and src.name != "case.toml":
            dest = study / src.relative_to(folder)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
    for rep in case.get("replace", []):
        path = study / rep["file"]
        text = path.read_bytes().decode("utf-8")
        assert text.count(rep["old"]) == 1, f"{folder.name}: 'old' must occur once in {path.name}"
        path.write_bytes(text.replace(rep["old"], rep["new"]).encode("utf-8"))
    for patch in case.get("patch", []):
        path = study / patch["file"]
        lines = _read_lines(path)
        lines[patch["line"] - 1] = patch["text"]
        _write_lines(path, lines)
    for add in case.get("append", []):
        path = study / add["file"]
        _write_lines(path, [*_read_lines(path), *add["text"].splitlines()])
    return case


def _params() -> list[Any]:
    out = []
    for folder in _case_dirs():
        case = _read_case(folder)
        marks = []
        if case.get("xfail"):
            marks.append(pytest.mark.xfail(strict=True, reason=case["xfail"]))
        out.append(pytest.param(folder, id=folder.name, marks=marks))
    return out


def test_corpus_is_large_enough() -> None:
    assert len(_case_dirs()) >= 40


def test_mini_study_runs_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The small base study itself is valid: exit 0, no error output, no quality errors."""
    study = tmp_path / "mini"
    shutil.copytree(MINI, study)
    before = _hashes(study)
    out = tmp_path / "out"
    code = main(["run", str(study), "--out", str(out), "--quiet", "--formats", "json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.err == ""
    assert (out / "results.json").is_file()
    assert _hashes(study) == before


@pytest.mark.parametrize("folder", _params())
def test_bad_input(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    study = tmp_path / "study"
    case = apply_case(folder, study)
    out = Path(case.get("out", str(tmp_path / "out")).replace("{study}", str(study)))
    prior = None
    kind = case.get("prior_output")
    if kind is True:
        # an earlier result in --out (from the unbroken base) must survive byte-identical
        good = tmp_path / "good"
        shutil.copytree(builtin_path() if case["base"] == "beijing" else MINI, good)
        assert main(["run", str(good), "--out", str(out), "--quiet", "--formats", "json"]) == 0
    elif kind == "foreign":  # a folder of the user's own files: never to be replaced
        out.mkdir()
        (out / "notes.txt").write_text("my notes\n", encoding="utf-8")
    elif kind == "file":
        out.write_text("not a folder\n", encoding="utf-8")
    if kind:
        prior = _hashes(out) if out.is_dir() else {"": hashlib.sha256(out.read_bytes()).hexdigest()}
    siblings = sorted(p.name for p in tmp_path.iterdir())
    capsys.readouterr()
    inputs = _hashes(study)
    args = [a.replace("{study}", str(study)) for a in case.get("args", [])]
    code = main(["run", str(study), "--out", str(out), "--quiet", *args])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert _hashes(study) == inputs, "an input file was modified"
    created = set(p.name for p in tmp_path.iterdir()) - set(siblings) - {out.name}
    assert not created, f"the run wrote outside --out: {sorted(created)}"
    if case.get("exit", 2) == 0:
        assert code == 0, err
        assert err == ""
        for item in case.get("output_contains", []):
            if item.get("skip_if_missing") and not (out / item["file"]).exists():
                pytest.skip(item["skip_if_missing"])
            text = (out / item["file"]).read_text(encoding="utf-8")
            assert item["text"] in text, f"{item['file']} lacks {item['text']!r}"
        for item in case.get("output_absent", []):
            path = out / item["file"]
            if path.exists():
                assert item["text"] not in path.read_text(encoding="utf-8")
        return
    assert code == 2, err
    assert err.endswith("\n") and err.count("\n") == 1, f"not one line: {err!r}"
    expected = case["expected"].replace("{study}", str(study)).replace("{out}", str(out))
    assert err == f"error: {expected}\n"
    if prior is None:
        assert not out.exists(), "a failed run left an output folder"
    elif out.is_dir():
        assert _hashes(out) == prior, "a failed run changed what --out held"
    else:
        assert {"": hashlib.sha256(out.read_bytes()).hexdigest()} == prior
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(".carbonpath-")]
    assert not leftovers, f"temporary folders left behind: {leftovers}"
