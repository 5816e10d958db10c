"""Runs of the assessment in the background, one at a time, with their progress.

A run is ``load_study(folder).run(progress=...)`` then ``results.write(out,
on_step=...)`` -- the Python API, so the output folder follows the --out rules
(:mod:`carbonpath.io.outdir`: checked, locked, built in a temporary folder and put in
place in one step).  The page polls :meth:`RunManager.status`; the fraction done counts
the steps of the pipeline and the output formats.  At shutdown a run is cancelled at
its next step: the exception unwinds through ``write_outputs``, which removes the
temporary folder and leaves the previous output as it was.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carbonpath.core.errors import InputError

__all__ = ["RunCancelled", "RunManager", "RunState"]


class RunCancelled(Exception):
    """The server is stopping: the run ends at its next step."""


@dataclass
class RunState:
    """What the progress display shows for a study's latest run."""

    study: str
    state: str = "running"  # running | done | failed | cancelled
    step: str = "loading the study"
    done: int = 0
    total: int = 1
    message: str = ""
    started: float = field(default_factory=time.monotonic)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "study": self.study,
            "state": self.state,
            "step": self.step,
            "done": self.done,
            "total": self.total,
            "percent": round(100 * self.done / max(self.total, 1)),
            "message": self.message,
            "seconds": round(self.seconds or time.monotonic() - self.started, 1),
        }


def _plan(study: Any, formats: list[str]) -> int:
    """How many progress ticks a run has: its steps that run, then its formats."""
    from carbonpath.pipeline import REGISTRY

    steps = sum(1 for s in REGISTRY if s.skip(study) is None)
    writers = sum(1 for f in formats if f in ("figures", "xlsx", "html", "docx"))
    return steps + writers + 1


class RunManager:
    """At most one run at a time (figures share matplotlib's state); status per study."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._states: dict[str, RunState] = {}
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()

    def status(self, study: str) -> RunState | None:
        with self._lock:
            return self._states.get(study)

    def busy(self) -> str | None:
        """The study being run, or None."""
        with self._lock:
            for name, st in self._states.items():
                if st.state == "running":
                    return name
        return None

    def start(
        self,
        name: str,
        folder: Path,
        out: Path,
        formats: list[str] | None,
        on_done: Callable[[], Any] | None = None,
    ) -> RunState:
        """Start a run in a background thread; InputError if one is going on."""
        with self._lock:
            running = [n for n, s in self._states.items() if s.state == "running"]
            if running:
                raise InputError(
                    f"a run of study '{running[0]}' is in progress",
                    fix="wait until it has finished (its page shows the progress)",
                )
            state = RunState(name)
            self._states[name] = state
            self._cancel.clear()
            self._thread = threading.Thread(
                target=self._run,
                args=(state, folder, out, formats, on_done),
                name=f"carbonpath-run-{name}",
                daemon=True,
            )
            self._thread.start()
        return state

    def _tick(self, state: RunState, what: str) -> None:
        if self._cancel.is_set():
            raise RunCancelled
        with self._lock:
            state.done = min(state.done + 1, state.total - 1)
            state.step = what

    def _run(
        self,
        state: RunState,
        folder: Path,
        out: Path,
        formats: list[str] | None,
        on_done: Callable[[], Any] | None,
    ) -> None:
        from carbonpath.core.text import display_text
        from carbonpath.pipeline import load_study

        try:
            study = load_study(folder)
            fmts = list(formats or study.settings.report.formats)
            state.total = _plan(study, fmts)
            results = study.run(progress=lambda s: self._tick(state, f"running {s}"))
            self._tick(state, "writing results.json and tables")
            out.parent.mkdir(parents=True, exist_ok=True)
            results.write(out, fmts, on_step=lambda f: self._tick(state, f"writing {f}"))
            self._finish(state, "done", "")
        except RunCancelled:
            self._finish(state, "cancelled", "the server stopped; the previous output is kept")
        except InputError as exc:
            self._finish(state, "failed", display_text(exc.one_line()))
        except Exception as exc:  # noqa: BLE001 - shown as one line, never a traceback
            text = display_text(" ".join(str(exc).split()))[:300]
            self._finish(
                state,
                "failed",
                f"internal error: {type(exc).__name__}: {text} (this is a bug in carbonpath)",
            )
        finally:
            if on_done is not None:
                on_done()

    def _finish(self, state: RunState, how: str, message: str) -> None:
        with self._lock:
            state.state = how
            state.message = message
            state.seconds = time.monotonic() - state.started
            if how == "done":
                state.done = state.total
                state.step = "finished"

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the current run to end (tests, shutdown)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def shutdown(self, timeout: float = 30.0) -> None:
        """Cancel a run in progress and wait for it to unwind."""
        self._cancel.set()
        self.wait(timeout)
