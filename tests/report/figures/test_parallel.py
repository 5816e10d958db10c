"""Figures drawn by forked processes: the same bytes, nothing left behind, errors kept."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from carbonpath.core.errors import InputError
from carbonpath.report.figures import parallel

linux = pytest.mark.skipif(parallel.fork_refused() is not None, reason="fork not safe here")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "figures").iterdir())}


SAME_BYTES = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from carbonpath.report import figures
    from carbonpath.report.figures import parallel
    from tests.report.studies import results_for

    out = Path(sys.argv[1])
    results = results_for("full")
    os.environ[parallel.ENV] = "1"
    one = figures.write_figures(results, out / "one")
    os.environ[parallel.ENV] = "3"
    assert parallel.fork_refused() is None, parallel.fork_refused()
    assert parallel.job_count(len(one)) == 3
    three = figures.write_figures(results, out / "three")
    assert one == three
    """
)


@linux
def test_forked_figures_are_the_same_bytes_as_one_process(tmp_path: Path) -> None:
    """In a fresh interpreter (no other thread alive, as in `carbonpath run`), three
    processes write the same files and manifest as one."""
    root = Path(__file__).resolve().parents[3]
    proc = subprocess.run(
        [sys.executable, "-c", SAME_BYTES, str(tmp_path)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    one, three = _files(tmp_path / "one"), _files(tmp_path / "three")
    assert one == three and len(one) >= 20


@linux
def test_every_figure_drawn_once_across_processes(tmp_path: Path) -> None:
    log = tmp_path / "log"

    def draw_one(i: int) -> None:
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{i} {os.getpid()}\n")
        time.sleep(0.02)

    before = set(_children_of(os.getpid()))  # another test's server or browser, say
    parallel.draw_all(40, draw_one, 3)
    rows = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    assert sorted(int(i) for i, _ in rows) == list(range(40))
    assert len({pid for _, pid in rows}) == 3  # this process and two children
    assert set(_children_of(os.getpid())) <= before


@linux
def test_a_figure_failing_in_a_child_raises_here(tmp_path: Path) -> None:
    def draw_one(i: int) -> None:
        if i == 5:
            raise ValueError("figure 5 cannot be drawn")
        time.sleep(0.01)

    before = set(_children_of(os.getpid()))
    with pytest.raises(ValueError, match="figure 5"):
        parallel.draw_all(12, draw_one, 2)
    assert set(_children_of(os.getpid())) <= before


@linux
def test_a_killed_child_is_made_good_here(tmp_path: Path) -> None:
    done: list[int] = []
    me = os.getpid()

    def draw_one(i: int) -> None:
        if os.getpid() != me:
            os.kill(os.getpid(), signal.SIGKILL)  # a child dies on its first figure
        done.append(i)

    parallel.draw_all(6, draw_one, 2)
    assert sorted(done) == list(range(6))


#: a drawing process whose child (drawing "figure" 0 or 1) writes its pid and sleeps
CHILD_SLEEPS = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from carbonpath.report.figures import parallel

    parent = os.getpid()

    def draw_one(i):
        if os.getpid() != parent:
            Path("child.pid").write_text(str(os.getpid()))
        time.sleep(60)

    parallel.draw_all(2, draw_one, 2)
    """
)


@linux
def test_children_die_with_a_killed_parent(tmp_path: Path) -> None:
    """SIGKILL of the drawing process takes its children with it (PR_SET_PDEATHSIG)."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD_SLEEPS], cwd=tmp_path)
    pid_file = tmp_path / "child.pid"
    deadline = time.monotonic() + 60
    while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    child = int(pid_file.read_text())
    assert _alive(child)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "a drawing process outlived its killed parent"


def test_other_threads_keep_drawing_in_one_process() -> None:
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert parallel.fork_refused() == "other Python threads are alive"
        assert parallel.job_count(10) == 1
    finally:
        stop.set()
        t.join()


def test_job_count_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.ENV, "1")
    assert parallel.job_count(10) == 1
    monkeypatch.setenv(parallel.ENV, "4")
    expected = 4 if parallel.fork_refused() is None else 1
    assert parallel.job_count(10) == expected and parallel.job_count(1) == 1
    monkeypatch.setenv(parallel.ENV, "two")
    with pytest.raises(InputError, match="CARBONPATH_FIGURE_JOBS='two'"):
        parallel.job_count(10)
    monkeypatch.delenv(parallel.ENV)
    assert 1 <= parallel.job_count(10) <= max(parallel.usable_cpus(), 1)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _children_of(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                out.append(int(entry.name))
    return out
