"""Crash safety (issue 12): kill a real ``carbonpath run`` with SIGKILL at random moments.

After every kill, ``--out`` must hold a complete output -- the previous one or the new
one, checked file by file against its manifest (``.carbonpath-output.json``) -- and
nothing may be left in ``$TMPDIR`` (a private folder per run) or running (no orphan
processes: every process started for this test carries a marker in its environment,
and ``/proc`` is searched for it).  Next to ``--out`` only the documented leftovers of a
dead run may remain (docs/reliability.md), and the next complete run removes them.

A third of the 21 kills fall at a uniformly random moment of a run, a third while the
outputs are written (after results.json appears in the temporary folder) and a third
in the commit (after the manifest appears: the atomic exchange of the folders and the
removal of the old one), with the phases timed on an unkilled run.  The moments come
from a seeded generator.  A commit that deleted --out before moving the new folder in
fails this test (tried).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    os.name != "posix" or not Path("/proc/self/environ").exists(),
    reason="SIGKILL and the /proc process search need Linux",
)

MINI = Path(__file__).resolve().parent / "bad_inputs" / "_mini"
SEED = 20241201
KILLS = 21
MANIFEST = ".carbonpath-output.json"
LEFTOVER = re.compile(r"^\.out\.carbonpath-(lock|tmp-\d+|old-\d+)$")


def _set_title(study: Path, title: str) -> None:
    toml = study / "study.toml"
    text = re.sub(r'(?m)^title = ".*"$', f'title = "{title}"', toml.read_text(encoding="utf-8"))
    toml.write_text(text, encoding="utf-8")


def _start(study: Path, out: Path, env: dict[str, str], formats: str) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "carbonpath", "run", str(study), "--out", str(out), "--quiet"]
    cmd += ["--formats", formats, "--only", "emissions"]
    return subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _marked_processes(marker: str) -> list[int]:
    """Pids of live processes whose environment holds ``marker`` (this test's runs)."""
    needle = marker.encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes():
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def _complete_output(out: Path) -> str:
    """The title of the run in ``out`` after checking every file against the manifest."""
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    listed = {f["path"]: f for f in manifest["files"]}
    found = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and p.name != MANIFEST}
    assert found == set(listed), f"files differ from the manifest: {found ^ set(listed)}"
    for rel, f in listed.items():
        data = (out / rel).read_bytes()
        assert len(data) == f["size"] and hashlib.sha256(data).hexdigest() == f["sha256"], rel
    assert any(rel.startswith("tables/") for rel in listed)
    return json.loads((out / "results.json").read_text(encoding="utf-8"))["study"]["title"]


def _tmp_of(proc: subprocess.Popen[bytes], parent: Path) -> Path:
    return parent / f".out.carbonpath-tmp-{proc.pid}"


def _wait_for(proc: subprocess.Popen[bytes], path: Path) -> float | None:
    """Poll until ``path`` exists (its time) or the run ends (None)."""
    while proc.poll() is None:
        if path.exists():
            return time.monotonic()
        time.sleep(0.0005)
    return None


def _phases(proc: subprocess.Popen[bytes], parent: Path) -> tuple[float, float]:
    """Seconds of a whole run's writing phase (results.json in the temporary folder until
    the folder is gone) and of its commit (the manifest written until the folder is gone).

    A phase missed by the poller (it ended between two polls) gets a short window."""
    tmp = _tmp_of(proc, parent)
    t_json = _wait_for(proc, tmp / "results.json")
    t_manifest = _wait_for(proc, tmp / MANIFEST)
    while proc.poll() is None and tmp.exists():
        time.sleep(0.0005)
    t_gone = time.monotonic()
    proc.communicate(timeout=300)
    assert proc.returncode == 0
    # On a loaded machine a phase can end between two polls: aim at a short window then.
    writing = t_gone - t_json if t_json is not None else 0.05
    commit = t_gone - t_manifest if t_manifest is not None else 0.005
    return writing, commit


def _kill_after(
    proc: subprocess.Popen[bytes], path: Path, window: float, rng: random.Random
) -> bool:
    """Kill at a random moment within ``window`` s after ``path`` appears; False if the
    run ended first."""
    if _wait_for(proc, path) is None:
        return False
    time.sleep(rng.uniform(0.0, window))
    proc.send_signal(signal.SIGKILL)
    return True


@pytest.fixture
def sandbox(tmp_path: Path) -> dict[str, object]:
    study = tmp_path / "study"
    shutil.copytree(MINI, study)
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    marker = f"CARBONPATH_CRASH_TEST={uuid.uuid4().hex}"
    env = dict(os.environ, TMPDIR=str(tmpdir), CARBONPATH_CRASH_TEST=marker.split("=")[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return {
        "study": study,
        "out": tmp_path / "out",
        "tmpdir": tmpdir,
        "env": env,
        "marker": marker,
    }


def _check_after(box: dict[str, object], out: Path, titles: tuple[str, str]) -> str:
    title = _complete_output(out)
    assert title in titles, f"--out holds {title!r}, neither the previous nor the new run"
    tmpdir = box["tmpdir"]
    assert isinstance(tmpdir, Path)
    assert not list(tmpdir.iterdir()), f"left in $TMPDIR: {list(tmpdir.iterdir())}"
    orphans = _marked_processes(str(box["marker"]))
    assert not orphans, f"processes still running after the kill: {orphans}"
    extra = {
        p.name
        for p in out.parent.iterdir()
        if p.name not in ("study", "out", "tmpdir") and not LEFTOVER.match(p.name)
    }
    assert not extra, f"undocumented files next to --out: {extra}"
    return title


def test_sigkill_at_random_moments_leaves_a_complete_output(sandbox: dict[str, object]) -> None:
    study, out, env = sandbox["study"], sandbox["out"], sandbox["env"]
    assert isinstance(study, Path) and isinstance(out, Path) and isinstance(env, dict)
    rng = random.Random(SEED)
    _set_title(study, "run 0")
    start = time.monotonic()
    first = _start(study, out, env, "json,csv")
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err.decode()
    duration = time.monotonic() - start
    _set_title(study, "run 0 again")  # a replacing run, timed: where to aim the kills
    writing, commit = _phases(_start(study, out, env, "json,csv"), out.parent)
    committed = _check_after(sandbox, out, ("run 0 again", "run 0 again"))
    aimed = 0
    for i in range(1, KILLS + 1):
        new = f"run {i}"
        _set_title(study, new)
        proc = _start(study, out, env, "json,csv")
        tmp = _tmp_of(proc, out.parent)
        if i % 3 == 0:  # anywhere in the run
            time.sleep(rng.uniform(0.0, duration))
            proc.send_signal(signal.SIGKILL)
        elif i % 3 == 1:  # while the outputs are written
            aimed += _kill_after(proc, tmp / "results.json", writing * 1.2, rng)
        else:  # while the folders are exchanged and the old one removed
            aimed += _kill_after(proc, tmp / MANIFEST, max(commit * 1.5, 0.003), rng)
        _, err = proc.communicate(timeout=300)
        assert proc.returncode in (0, -signal.SIGKILL), err.decode()
        committed = _check_after(sandbox, out, (committed, new))
    assert aimed >= KILLS // 2, f"only {aimed} kills hit the writing phase"
    _set_title(study, "final")
    last = _start(study, out, env, "json,csv")
    _, err = last.communicate(timeout=300)
    assert last.returncode == 0, err.decode()
    assert _check_after(sandbox, out, ("final", "final")) == "final"
    leftovers = [p.name for p in out.parent.iterdir() if LEFTOVER.match(p.name)]
    assert not leftovers, f"the next complete run did not clean up: {leftovers}"


def test_second_run_on_a_busy_out_is_refused(sandbox: dict[str, object]) -> None:
    """While a run holds --out, a second run exits 2 naming the holder's process."""
    from carbonpath.io.outdir import OutputFolder

    study, out, env = sandbox["study"], sandbox["out"], sandbox["env"]
    assert isinstance(study, Path) and isinstance(out, Path) and isinstance(env, dict)
    with OutputFolder.claim(out, study_dir=study):
        proc = _start(study, out, env, "json")
        _, err = proc.communicate(timeout=300)
    assert proc.returncode == 2
    text = err.decode()
    assert f"is in use by process {os.getpid()}" in text and text.count("\n") == 1
    assert not out.exists()


def test_sigkill_while_drawing_figures_leaves_nothing_behind(
    sandbox: dict[str, object],
) -> None:
    study, out, env, tmpdir = (sandbox[k] for k in ("study", "out", "env", "tmpdir"))
    assert isinstance(tmpdir, Path) and isinstance(env, dict)
    assert isinstance(study, Path) and isinstance(out, Path)
    rng = random.Random(SEED)
    for _ in range(2):
        proc = _start(study, out, env, "json,figures")
        while proc.poll() is None and not list(tmpdir.iterdir()):
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.2))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=300)
        time.sleep(0.2)
        assert not list(tmpdir.iterdir()), f"left in $TMPDIR: {list(tmpdir.iterdir())}"
        assert not _marked_processes(str(sandbox["marker"])), "orphan worker processes"
