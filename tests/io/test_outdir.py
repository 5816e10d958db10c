"""The output folder (io/outdir.py): the --out rule, the manifest, the lock, the exchange."""

from __future__ import annotations

import errno
import hashlib
import json
import os
from pathlib import Path

import pytest

from carbonpath.core.errors import InputError
from carbonpath.io import outdir
from carbonpath.io.outdir import (
    MANIFEST,
    OutputFolder,
    check_out,
    exchange,
    read_manifest,
    verify_ours,
    write_manifest,
)


def _fill(folder: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")


def test_path_rules(tmp_path: Path) -> None:
    study, cwd, home = tmp_path / "s", tmp_path / "c" / "d", tmp_path / "h" / "u"
    for p in (study, cwd, home):
        p.mkdir(parents=True)

    def check(out: Path) -> str:
        with pytest.raises(InputError) as e:
            check_out(out, study_dir=study, cwd=cwd, home=home)
        return str(e.value)

    assert check(study).endswith(
        "is the study folder; fix: choose an empty or new folder for --out"
    )
    assert "holds the study folder" in check(tmp_path)
    assert "is inside the study folder" in check(study / "report")
    assert "is the current folder" in check(cwd)
    assert "holds the current folder" in check(tmp_path / "c")
    assert "is the home folder" in check(home)
    assert "holds the home folder" in check(tmp_path / "h")
    assert "is the root of the file system" in check(Path("/"))
    (tmp_path / "f").write_text("x")
    assert "lies below" in check(tmp_path / "f" / "a" / "b")
    assert "is a file" in check(tmp_path / "f")
    assert check_out(tmp_path / "new" / "out", study_dir=study, cwd=cwd, home=home) == (
        tmp_path / "new" / "out"
    )


def test_manifest_lists_every_file_deterministically(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        _fill(folder, {"results.json": "{}\n", "tables/x.csv": "a,b\n"})
        (folder / "empty").mkdir()
        write_manifest(folder)
    assert (a / MANIFEST).read_bytes() == (b / MANIFEST).read_bytes()
    m = json.loads((a / MANIFEST).read_text())
    assert m["folders"] == ["empty", "tables"]
    assert m["files"] == [
        {"path": "results.json", "size": 3, "sha256": hashlib.sha256(b"{}\n").hexdigest()},
        {"path": "tables/x.csv", "size": 4, "sha256": hashlib.sha256(b"a,b\n").hexdigest()},
    ]
    verify_ours(a)  # unchanged: replaceable
    (a / ".DS_Store").write_text("litter")
    verify_ours(a)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: (f / "thesis.docx").write_text("mine"), "holds 'thesis.docx'"),
        (lambda f: (f / "tables" / "x.csv").write_text("edited"), "'tables/x.csv' was changed"),
        (lambda f: (f / "notes").mkdir(), "holds 'notes'"),
        (lambda f: (f / "link").symlink_to("/etc"), "holds 'link'"),
        (lambda f: (f / MANIFEST).write_text("{"), "has a damaged"),
        (lambda f: (f / MANIFEST).unlink(), "is not empty and was not written by carbonpath"),
    ],
)
def test_a_folder_that_is_not_wholly_ours_is_refused(tmp_path: Path, change, message) -> None:
    folder = tmp_path / "out"
    _fill(folder, {"tables/x.csv": "a,b\n", "report.html": "<html>"})
    write_manifest(folder)
    change(folder)
    with pytest.raises(InputError, match=message):
        verify_ours(folder)


def test_results_json_without_manifest_is_named_as_0_1_0(tmp_path: Path) -> None:
    _fill(tmp_path / "old", {"results.json": "{}", "thesis.docx": "x"})
    with pytest.raises(InputError, match="carbonpath 0.1.0 or of someone else"):
        verify_ours(tmp_path / "old")
    assert read_manifest(tmp_path / "old") is None
    (tmp_path / "empty").mkdir()
    verify_ours(tmp_path / "empty")


def test_claim_write_commit_replaces_atomically(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for n in (1, 2):
        with OutputFolder.claim(out, study_dir=tmp_path / "study") as folder:
            assert folder.tmp.name == f".out.carbonpath-tmp-{os.getpid()}"
            assert (tmp_path / ".out.carbonpath-lock").is_file()
            _fill(folder.tmp, {"results.json": f'{{"run": {n}}}\n'})
            folder.commit()
        assert (out / "results.json").read_text() == f'{{"run": {n}}}\n'
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_failed_run_leaves_nothing_and_keeps_the_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "er" / "out"
    with pytest.raises(RuntimeError), OutputFolder.claim(out) as folder:
        _fill(folder.tmp, {"results.json": "{}"})
        raise RuntimeError("analysis failed")
    assert not (tmp_path / "deep").exists()  # the parents it created are removed too
    with OutputFolder.claim(out) as folder:
        _fill(folder.tmp, {"results.json": "old"})
        folder.commit()
    with pytest.raises(RuntimeError), OutputFolder.claim(out) as folder:
        raise RuntimeError("analysis failed")
    assert (out / "results.json").read_text() == "old"
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]


def test_second_claim_is_refused_naming_the_process(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with OutputFolder.claim(out):
        with pytest.raises(InputError) as e:
            OutputFolder.claim(out)
        assert f"is in use by process {os.getpid()} (another carbonpath run)" in str(e.value)
    with OutputFolder.claim(out):  # released: free again
        pass


def test_a_dead_runs_leftovers_are_removed_a_live_ones_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    dead, live = tmp_path / ".out.carbonpath-tmp-99999999", tmp_path / ".out.carbonpath-tmp-1"
    for p in (dead, live):
        _fill(p, {"results.json": "{}"})
    (tmp_path / ".out.carbonpath-lock").write_text('{"pid": 99999999}\n')
    (tmp_path / ".other.carbonpath-tmp-99999999").mkdir()  # another --out's: not touched
    with OutputFolder.claim(out) as folder:
        folder.commit()
    assert not dead.exists() and live.exists()
    assert (tmp_path / ".other.carbonpath-tmp-99999999").exists()
    assert not (tmp_path / ".out.carbonpath-lock").exists()


def test_without_exchange_a_crash_between_the_renames_is_repaired(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    with OutputFolder.claim(out) as folder:
        _fill(folder.tmp, {"results.json": "previous"})
        folder.commit()
    monkeypatch.setattr(outdir, "exchange", lambda a, b: False)
    with OutputFolder.claim(out) as folder:
        _fill(folder.tmp, {"results.json": "new"})
        folder.commit()
    assert (out / "results.json").read_text() == "new"
    # what a kill between the two renames leaves: no --out, the old folder, the new one
    old = tmp_path / ".out.carbonpath-old-99999999"
    out.rename(old)
    _fill(tmp_path / ".out.carbonpath-tmp-99999999", {"results.json": "unfinished"})
    with OutputFolder.claim(out) as folder:  # the next run puts the old output back
        assert (out / "results.json").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_exchange_swaps_two_folders(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _fill(a, {"x": "A"})
    _fill(b, {"y": "B"})
    if not exchange(a, b):
        pytest.skip("no atomic exchange on this system")
    assert (a / "y").read_text() == "B" and (b / "x").read_text() == "A"


def test_read_only_file_system_and_unwritable_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_mkdir = os.mkdir

    def readonly_mkdir(path, *args, **kwargs):
        if ".carbonpath-tmp-" in str(path):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", readonly_mkdir)
    with pytest.raises(InputError, match="read-only file system"):
        OutputFolder.claim(tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    monkeypatch.setattr(os, "mkdir", real_mkdir)
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(InputError, match="cannot create the output folder in .*permission denied"):
        OutputFolder.claim(tmp_path / "out")


def test_inputs_inside_out_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InputError, match="holds the input"):
        OutputFolder.claim(out, inputs=[out / "energy.csv"])
