"""``carbonpath run [STUDY] [--out DIR]``: the whole assessment in one command.

``--out`` is checked and locked before the study is even loaded (docs/reliability.md):
a folder that is not carbonpath's, the study, current or home folder, a read-only or
busy folder is exit 2 at once.  SIGTERM and SIGHUP end the run like Ctrl-C, so its
temporary folder is removed and ``--out`` keeps what it held.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer


def _study_folder(study: Path | None) -> Path:
    """The folder a run reads (for the --out rules), before the study is loaded."""
    from carbonpath.study import builtin_path

    if study is None:
        return builtin_path()
    path = Path(study).expanduser()
    return path.parent if path.name == "study.toml" and path.is_file() else path


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@contextmanager
def _terminable() -> Iterator[None]:
    """SIGTERM/SIGHUP raise KeyboardInterrupt while the run is on (main thread only)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = [n for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    before = {n: signal.signal(getattr(signal, n), _interrupt) for n in names}
    try:
        yield
    finally:
        for n, handler in before.items():
            signal.signal(getattr(signal, n), handler)


def _progress(status: Any) -> Callable[[str], None]:
    """The terminal's progress line while outputs are written.  It is stopped while the
    figures are drawn: rich refreshes it from a thread, and with a second thread alive
    the figures are drawn in one process instead of forked ones."""

    def step(fmt: str) -> None:
        if fmt == "figures":
            status.stop()
            return
        status.start()
        status.update(f"writing {fmt}")

    return step


class _Serialised:
    """The run's results with ``to_dict()`` computed once: results.json and the printed
    summary share one serialisation (for a national inventory a second one cost as much
    as the JSON writer itself).  Everything else is the results object's."""

    def __init__(self, results: Any) -> None:
        self._results = results
        self._dict: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        if self._dict is None:
            self._dict = self._results.to_dict()
        return self._dict

    def __getattr__(self, name: str) -> Any:
        return getattr(self._results, name)


def _formats(formats: str | None) -> list[str] | None:
    from carbonpath.core.errors import InputError, suggest
    from carbonpath.study.settings import REPORT_FORMATS

    chosen = [f.strip() for f in formats.split(",") if f.strip()] if formats else None
    for f in chosen or []:
        if f not in REPORT_FORMATS:
            raise InputError(
                f"--formats: unknown format '{f}'{suggest(f, REPORT_FORMATS)}",
                fix=f"choose from {', '.join(REPORT_FORMATS)}",
            )
    return chosen


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run(
        study: Path | None = typer.Argument(
            None, help="Study folder (default: the built-in Beijing study)."
        ),
        out: Path = typer.Option(
            Path("carbonpath-report"),
            "--out",
            "-o",
            help="Output folder: new, empty, or an earlier carbonpath output (replaced "
            "atomically; see docs/reliability.md).",
        ),
        only: str | None = typer.Option(
            None,
            "--only",
            help="Comma-separated steps: emissions,index,stirpat,decomposition,targets,scenarios.",
        ),
        formats: str | None = typer.Option(
            None,
            "--formats",
            help="Comma-separated outputs (default from study.toml): json,csv,html,xlsx,figures.",
        ),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    ) -> None:
        """Load, check and analyse a study; write results.json, tables and the report."""
        from rich.console import Console

        from carbonpath.pipeline import check_steps, load_study
        from carbonpath.report.output import claim_output, write_outputs
        from carbonpath.report.summary import summary_lines
        from carbonpath.report.writers import available_writers

        console = Console(stderr=False, highlight=False, soft_wrap=True)
        show = not quiet and sys.stdout.isatty()
        steps = [s.strip() for s in only.split(",") if s.strip()] if only else None
        check_steps(steps or [], "--only: ")
        chosen = _formats(formats)
        with _terminable(), claim_output(out, _study_folder(study)) as target:
            st = load_study(study)
            fmts = chosen or st.settings.report.formats
            if show:
                with console.status("loading") as status:
                    results = _Serialised(
                        st.run(only=steps, progress=lambda s: status.update(f"running {s}"))
                    )
                    status.update("writing outputs")
                    written = write_outputs(
                        results,
                        target,
                        fmts,
                        available_writers(),
                        on_step=_progress(status),
                    )
            else:
                results = _Serialised(st.run(only=steps))
                written = write_outputs(results, target, fmts, available_writers())
        if quiet:
            return
        d = results.to_dict()
        for label, text in summary_lines(d):
            console.print(
                f"[bold]{label}:[/bold] {text}" if show else f"{label}: {text}", markup=show
            )
        console.print(f"Outputs: {written}", markup=False)
