"""Drawing the figures in worker processes forked once the results are ready.

Each figure is independent of the others, so on a machine with more than one usable CPU
(``os.sched_getaffinity``) :func:`draw_all` forks ``jobs - 1`` children and draws in
this process too; every process takes the next figure from one queue (a pipe holding
the figure numbers, read four bytes at a time: reads of a pipe are atomic) and writes
its files itself into the run's own output folder.  The children:

- die with this process: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` (Linux, through ctypes),
  and a child whose parent died before that call exits at once; a killed run therefore
  leaves no process behind, and no file outside its temporary output folder (the
  children write nowhere else, start nothing, and create no temporary files);
- never return into the caller's code: they leave with ``os._exit`` (no ``atexit``, no
  ``finally`` of the caller, no flushing of buffers copied from this process), with
  their own ``sys.stdout`` (discarded) and ``sys.stderr`` (a new writer on fd 2, so no
  lock held at the fork is ever needed);
- report each finished figure through a second pipe; a figure no child reported (the
  child failed, or was killed) is drawn again here, so an error is raised here, with
  its own traceback, exactly as in one process.

Threads at the fork: forking is refused while any other Python thread is alive (it may
hold a lock the child would need, e.g. a figure being drawn elsewhere, as the web app
could), off the main thread, and off Linux; the figures are then drawn here, one after
the other.  The native threads a run has at that point are OpenBLAS's workers (OpenBLAS
stops them in its ``pthread_atfork`` handler) and, once pyarrow is loaded, jemalloc's
background thread (whose ``pthread_atfork`` handlers keep its locks consistent); DuckDB's
threads end with its connection, which the facility path closes before the analyses.
The children draw with matplotlib and numpy only.  ``gc.freeze()`` keeps the garbage
collector in the children away from objects made before the fork (no finaliser of the
caller's objects can run there).

``CARBONPATH_FIGURE_JOBS=N`` caps the number of processes (1: draw here only).
"""

from __future__ import annotations

import gc
import os
import signal
import struct
import sys
import threading
from collections.abc import Callable

from carbonpath.core.errors import InputError

TOKEN = struct.Struct("<I")
#: figures the queue pipe holds without blocking (64 KiB pipe buffer, 4 bytes each)
MAX_QUEUE = 16_000
PR_SET_PDEATHSIG = 1
ENV = "CARBONPATH_FIGURE_JOBS"


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask), at least 1."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def job_count(n: int) -> int:
    """Processes to draw ``n`` figures with: ``CARBONPATH_FIGURE_JOBS`` or the usable CPUs,
    at most ``n``; 1 when forking is not safe here (:func:`fork_refused`)."""
    raw = os.environ.get(ENV, "").strip()
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise InputError(
                f"{ENV}={raw!r} is not a whole number >= 1 (the processes drawing "
                f"figures); set e.g. {ENV}=1 to draw in one process, or unset it"
            )
        jobs = int(raw)
    else:
        jobs = usable_cpus()
    jobs = min(jobs, n)
    if jobs > 1 and fork_refused() is not None:
        return 1
    return max(jobs, 1)


def fork_refused() -> str | None:
    """Why forking is not safe in this process now, or None when it is."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return "not Linux (no PR_SET_PDEATHSIG)"
    if threading.current_thread() is not threading.main_thread():
        return "not the main thread"
    if threading.active_count() > 1:
        return "other Python threads are alive"
    if _prctl() is None:
        return "prctl not found in the C library"
    return None


def _prctl() -> Callable[..., int] | None:
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).prctl  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


def draw_all(n: int, draw_one: Callable[[int], None], jobs: int) -> None:
    """Call ``draw_one(i)`` for every i < n, in ``jobs`` processes (this one included).

    ``draw_one`` must write its own files; it runs in a child with this process's state
    at the fork.  A figure a child did not finish is drawn here afterwards.
    """
    drawn = _in_processes(n, draw_one, jobs) if 1 < jobs and 1 < n <= MAX_QUEUE else set()
    for i in range(n):
        if i not in drawn:  # one process, or a child failed or was killed: draw it here
            draw_one(i)


def _in_processes(n: int, draw_one: Callable[[int], None], jobs: int) -> set[int]:
    """Draw from a shared queue in this process and ``jobs - 1`` forked children; the
    figure numbers finished (here or reported by a child)."""
    queue_r, queue_w = os.pipe()
    done_r, done_w = os.pipe()
    os.write(queue_w, b"".join(TOKEN.pack(i) for i in range(n)))
    os.close(queue_w)
    children: list[int] = []
    drawn: set[int] = set()
    gc.freeze()
    try:
        parent = os.getpid()
        for _ in range(jobs - 1):
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child, which never returns
                _child(parent, queue_r, done_w, draw_one)
            children.append(pid)
        gc.unfreeze()
        os.close(done_w)
        done_w = -1
        while (i := _next(queue_r)) is not None:
            draw_one(i)
            drawn.add(i)
        for pid in children:
            os.waitpid(pid, 0)
        children = []
        return drawn | set(_take(done_r))
    finally:
        gc.unfreeze()
        _stop(children)
        for fd in (queue_r, done_r, done_w):
            if fd >= 0:
                os.close(fd)


def _next(fd: int) -> int | None:
    """The next figure number from the pipe ``fd`` (one number per read, so that the
    processes share the queue), or None when it is empty and closed."""
    chunk = os.read(fd, TOKEN.size)
    return TOKEN.unpack(chunk)[0] if len(chunk) == TOKEN.size else None


def _take(fd: int) -> list[int]:
    """Every figure number left in the pipe ``fd`` (all writers closed)."""
    out = []
    while (i := _next(fd)) is not None:
        out.append(i)
    return out


def _stop(children: list[int]) -> None:
    """Kill and reap children still running (this process is leaving with an error)."""
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def _child(
    parent: int, queue_r: int, done_w: int, draw_one: Callable[[int], None]
) -> None:  # pragma: no cover - measured through the processes it leaves, not coverage
    """A forked worker: dies with its parent, draws figures from the queue, reports each."""
    code = 1
    try:
        prctl = _prctl()
        if prctl is None or prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return
        if os.getppid() != parent:  # the parent died before prctl took effect
            return
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        while (i := _next(queue_r)) is not None:
            draw_one(i)
            os.write(done_w, TOKEN.pack(i))
        code = 0
    except BaseException:  # noqa: BLE001 - the parent draws what is missing, with its error
        code = 1
    finally:
        os._exit(code)
