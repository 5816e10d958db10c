"""The bad-input corpus (tests/bad_inputs/, issues 9 and 12): broken studies fail cleanly.

Each case folder is applied to a fresh copy of its base study (see
tests/bad_inputs/README.md for the case.toml format).  For a failing case the test
asserts the CLI contract of docs/cli.md: exit code 2, exactly one line on stderr equal
to ``error: <expected>``, no traceback, the output folder absent (or byte-identical
when it held something before), nothing written next to it, and every input file
byte-identical afterwards.  Cases with ``exit = 0`` must run, and their outputs are
checked for the stated text.  Every case runs with the current folder and $HOME set to
private temporary folders, so that a broken --out rule can never reach a real folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import tomllib
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from carbonpath.cli import main
from carbonpath.study import builtin_path
from tests.io.xlsx_build import BOMB_DTD, build_xlsx, csv_rows

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
MINI = CORPUS / "_mini"
CASE_KEYS = {
    "description",
    "base",
    "delete",
    "command",
    "args",
    "expected",
    "exit",
    "xfail",
    "out",
    "prior_output",
    "patch",
    "append",
    "replace",
    "setup",
    "output_contains",
    "output_absent",
    "present_after",
    "absent_after",
}
SETUP_KEYS = {
    "move",
    "to",
    "symlink",
    "target",
    "fifo",
    "mkdir",
    "device",
    "sparse",
    "size_mb",
    "write",
    "text",
    "repeat",
    "prefix",
    "suffix",
    "readonly",
    "lock",
    "leftover",
    "pid",
    "xlsx",
    "sheet",
    "from_csv",
    "dimension",
    "cells",
    "entity_bomb",
    "truncate",
    "padding_mb",
}


def _case_dirs() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))


def _read_case(folder: Path) -> dict[str, Any]:
    case = tomllib.loads((folder / "case.toml").read_text(encoding="utf-8"))
    unknown = set(case) - CASE_KEYS
    assert not unknown, f"{folder.name}/case.toml: unknown keys {sorted(unknown)}"
    assert case.get("base") in ("beijing", "mini"), f"{folder.name}: base must be beijing or mini"
    for step in case.get("setup", []):
        assert not set(step) - SETUP_KEYS, f"{folder.name}: unknown setup keys {set(step)}"
    return case


def _hashes(folder: Path) -> dict[str, str]:
    out = {}
    for p in sorted(folder.rglob("*")):
        mode = p.lstat().st_mode
        if stat.S_ISLNK(mode):
            out[str(p.relative_to(folder))] = "link:" + os.readlink(p)
        elif stat.S_ISREG(mode):
            out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()
        elif not stat.S_ISDIR(mode):
            out[str(p.relative_to(folder))] = f"special:{stat.S_IFMT(mode)}"
    return out


def _read_lines(path: Path) -> list[str]:
    """Lines split at \n only (a \r inside a line, as a case may write, stays)."""
    lines = path.read_bytes().decode("utf-8").split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


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
        _write_lines(path, [*_read_lines(path), *add["text"].split("\n")])
    return case


# ----------------------------------------------------------------------------- setup


class Places:
    """The placeholders of a case: {study} {out} {tmp} {cwd} {home} {pid}."""

    def __init__(self, tmp: Path, study: Path, out: Path) -> None:
        self.map = {
            "{study}": str(study),
            "{out}": str(out),
            "{tmp}": str(tmp),
            "{cwd}": str(tmp / "cwd" / "here"),
            "{home}": str(tmp / "home" / "user"),
            "{pid}": str(os.getpid()),
        }

    def __call__(self, text: str) -> str:
        for key, value in self.map.items():
            text = text.replace(key, value)
        return text


def _make_xlsx(path: Path, step: dict[str, Any], study: Path) -> None:
    rows = csv_rows((study / step["from_csv"]).read_text(encoding="utf-8"))
    cells = [(c[0], c[1]) for c in step.get("cells", [])]
    if step.get("entity_bomb"):
        cells.append(("A1000", "&i;"))
    data = build_xlsx(
        {step.get("sheet", "Sheet1"): rows},
        dimension=step.get("dimension"),
        extra_cells=cells,
        doctype=BOMB_DTD if step.get("entity_bomb") else "",
        truncate=step.get("truncate", 0),
        padding_mb=step.get("padding_mb", 0),
    )
    path.write_bytes(data)


def _lock_out(out: Path) -> Any:
    from carbonpath.io.outdir import LOCK, _Lock

    lock = _Lock(out.parent / f".{out.name}{LOCK}", out)
    lock.acquire()
    return lock


def _leftover(out: Path, pid: int) -> None:
    from carbonpath.io.outdir import LOCK, TMP

    tmp = out.parent / f".{out.name}{TMP}{pid}"
    tmp.mkdir()
    (tmp / "results.json").write_text("{}\n", encoding="utf-8")
    (out.parent / f".{out.name}{LOCK}").write_text(json.dumps({"pid": pid}) + "\n")


def _protect(path: Path, undo: list[Any]) -> None:
    """Make ``path`` read-only for this process (also as root: chattr +i)."""
    path.chmod(0o555)
    undo.append(lambda: path.chmod(0o755))
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: cannot make a folder read-only")
        subprocess.run(["chattr", "+i", str(path)], check=True, capture_output=True)
        undo.append(lambda: subprocess.run(["chattr", "-i", str(path)], check=False))


def _fresh(path: str) -> Path:
    """``path`` with whatever the copied study had there removed."""
    p = Path(path)
    p.unlink(missing_ok=True)
    return p


def _device(path: str) -> None:
    try:
        os.mknod(_fresh(path), 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs privileges")


def _move(step: dict[str, Any], at: Places) -> None:
    Path(at(step["to"])).parent.mkdir(parents=True, exist_ok=True)
    Path(at(step["move"])).rename(at(step["to"]))


def _sparse(step: dict[str, Any], at: Places) -> None:
    with open(at(step["sparse"]), "wb") as fh:
        fh.truncate(int(step["size_mb"] * 1024 * 1024))


def _write(step: dict[str, Any], at: Places) -> None:
    text = step.get("prefix", "") + step["text"] * step.get("repeat", 1) + step.get("suffix", "")
    Path(at(step["write"])).write_text(at(text), encoding="utf-8")


#: ``[[setup]]`` action key -> what it does (see tests/bad_inputs/README.md)
SETUP: dict[str, Any] = {
    "move": lambda step, at, study, undo: _move(step, at),
    "symlink": lambda step, at, study, undo: _fresh(at(step["symlink"])).symlink_to(
        at(step["target"])
    ),
    "fifo": lambda step, at, study, undo: os.mkfifo(_fresh(at(step["fifo"]))),
    "mkdir": lambda step, at, study, undo: _fresh(at(step["mkdir"])).mkdir(),
    "device": lambda step, at, study, undo: _device(at(step["device"])),
    "sparse": lambda step, at, study, undo: _sparse(step, at),
    "write": lambda step, at, study, undo: _write(step, at),
    "readonly": lambda step, at, study, undo: _protect(Path(at(step["readonly"])), undo),
    "lock": lambda step, at, study, undo: undo.append(_lock_out(Path(at(step["lock"]))).release),
    "leftover": lambda step, at, study, undo: _leftover(Path(at(step["leftover"])), step["pid"]),
    "xlsx": lambda step, at, study, undo: _make_xlsx(Path(at(step["xlsx"])), step, study),
}


def _run_setup(step: dict[str, Any], at: Places, study: Path, undo: list[Any]) -> None:
    """One ``[[setup]]`` action: the first key of :data:`SETUP` the step holds."""
    action = next(k for k in SETUP if k in step)
    SETUP[action](step, at, study, undo)


def _prior_output(kind: Any, case: dict[str, Any], out: Path, tmp: Path) -> None:
    if kind is True:
        # an earlier result in --out (from the unbroken base) must survive byte-identical
        good = tmp / "good"
        shutil.copytree(builtin_path() if case["base"] == "beijing" else MINI, good)
        assert main(["run", str(good), "--out", str(out), "--quiet", "--formats", "json"]) == 0
    elif kind == "foreign":  # a folder of the user's own files: never to be replaced
        out.mkdir()
        (out / "notes.txt").write_text("my notes\n", encoding="utf-8")
    elif kind == "v010":  # an output of carbonpath 0.1.0: results.json, no manifest
        (out / "tables").mkdir(parents=True)
        (out / "results.json").write_text('{"schema_version": 1}\n', encoding="utf-8")
        (out / "tables" / "emissions_total.csv").write_text("year,co2_t\n", encoding="utf-8")
    elif kind == "file":
        out.write_text("not a folder\n", encoding="utf-8")


def _snapshot(path: Path) -> dict[str, str] | None:
    if path.is_symlink() or path.is_file():
        return {"": "link" if path.is_symlink() else hashlib.sha256(path.read_bytes()).hexdigest()}
    return _hashes(path) if path.is_dir() else None


# ------------------------------------------------------------------------------ tests


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
    assert len(_case_dirs()) >= 170


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


@contextmanager
def _undoing() -> Iterator[list[Any]]:
    undo: list[Any] = []
    try:
        yield undo
    finally:
        for fn in reversed(undo):
            fn()


def _output_text(path: Path) -> str:
    """A file's text; for a workbook, the text of all its XML parts."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as zf:
            return "".join(zf.read(n).decode("utf-8") for n in zf.namelist())
    return path.read_text(encoding="utf-8")


def _check_success(case: dict[str, Any], out: Path, code: int, err: str) -> None:
    assert code == 0, err
    assert err == ""
    for item in case.get("output_contains", []):
        if item.get("skip_if_missing") and not (out / item["file"]).exists():
            pytest.skip(item["skip_if_missing"])
        text = _output_text(out / item["file"])
        assert item["text"] in text, f"{item['file']} lacks {item['text']!r}"
    for item in case.get("output_absent", []):
        path = out / item["file"]
        if path.exists():
            assert item["text"] not in _output_text(path), f"{item['file']} has {item['text']!r}"


def _check_failure(
    case: dict[str, Any], at: Places, out: Path, prior: dict[str, str] | None, code: int, err: str
) -> None:
    assert code == 2, err
    assert err.endswith("\n") and err.count("\n") == 1, f"not one line: {err!r}"
    assert err == f"error: {at(case['expected'])}\n"
    if prior is not None:
        assert _snapshot(out) == prior, "a failed run changed what --out held"
    keep = {Path(at(p)).name for p in case.get("present_after", [])}
    names = [p.name for p in out.parent.iterdir()] if out.parent.is_dir() else []
    leftovers = [n for n in names if "carbonpath-" in n]
    assert not set(leftovers) - keep, f"temporary folders left behind: {leftovers}"


@pytest.mark.parametrize("folder", _params())
def test_bad_input(
    folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("cwd/here", "home/user"):
        (tmp_path / name).mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "cwd" / "here")
    monkeypatch.setenv("HOME", str(tmp_path / "home" / "user"))
    study = tmp_path / "study"
    case = apply_case(folder, study)
    out_text = case.get("out", str(tmp_path / "out"))
    at = Places(tmp_path, study, tmp_path / "out")
    out = Path(at(out_text)).expanduser()
    at.map["{out}"] = str(out)
    _prior_output(case.get("prior_output"), case, out, tmp_path)
    with _undoing() as undo:
        for step in case.get("setup", []):
            _run_setup(step, at, study, undo)
        # what --out held before, compared afterwards (not for /, ~, . or the study
        # folder: those are checked by the other assertions, and / is not hashed)
        watched = "prior_output" in case or "{out}" in json.dumps(case.get("setup", []))
        prior = _snapshot(out) if watched else None
        existed = out.exists() or out.is_symlink()
        siblings = sorted(p.name for p in tmp_path.iterdir())
        capsys.readouterr()
        inputs = _hashes(study)
        args = [at(a) for a in case.get("args", [])]
        argv = (
            [case["command"], *args]
            if "command" in case
            else ["run", str(study), "--out", at(out_text), "--quiet", *args]
        )
        code = main(argv)
        err = capsys.readouterr().err
    assert "Traceback" not in err
    assert _hashes(study) == inputs, "an input file was modified"
    created = set(p.name for p in tmp_path.iterdir()) - set(siblings) - {out.name}
    assert not created, f"the run wrote outside --out: {sorted(created)}"
    for path in case.get("present_after", []):
        assert Path(at(path)).exists(), f"{path} was removed"
    for path in case.get("absent_after", []):
        assert not Path(at(path)).exists(), f"{path} was left behind"
    if case.get("exit", 2) == 0:
        _check_success(case, out, code, err)
    else:
        _check_failure(case, at, out, prior, code, err)
        if not existed:
            assert not out.exists(), "a failed run left an output folder"
