"""Write a run's outputs into the folder the user named, safely.

The folder rules, the lock and the atomic replacement live in
:mod:`carbonpath.io.outdir` (docs/reliability.md): ``--out`` is checked and locked
before any analysis (:func:`claim_output`), everything is built in a temporary sibling
folder, and the finished folder, with its manifest ``.carbonpath-output.json``,
replaces ``--out`` in one atomic exchange, so a failed or killed run leaves the
previous output (or nothing) -- never a half-written report, and never a folder of
someone else's files deleted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from carbonpath.core.errors import InputError
from carbonpath.io.outdir import OutputFolder, check_out, verify_ours
from carbonpath.report.contract import ResultsLike as Results
from carbonpath.report.safe import csv_frame

__all__ = [
    "check_out_dir",
    "claim_output",
    "results_json",
    "safe_filename",
    "write_outputs",
    "write_tables",
]

_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_filename(name: str) -> str:
    """A file name that cannot leave its folder (no separators, no '..')."""
    cleaned = _SAFE_NAME.sub("_", name).strip("._") or "table"
    return cleaned[:120]


def check_out_dir(out: Path, study_dir: Path | None) -> Path:
    """Validate the output folder (path rules and ownership) without locking it."""
    path = check_out(out, study_dir=study_dir)
    if path.is_dir():
        verify_ours(path)
    return path


def claim_output(
    out: Path, study_dir: Path | None = None, inputs: Iterable[Path] = ()
) -> OutputFolder:
    """Check and lock ``out`` before any analysis (use as a context manager).

    Every output problem is an :class:`InputError` at once: a path in the study folder
    or above it, the current or home folder, a file in the way, a read-only folder,
    a folder of someone else's files, a folder another run is writing.
    """
    return OutputFolder.claim(Path(out), study_dir=study_dir, inputs=inputs)


def results_json(results: Results) -> str:
    """The canonical, deterministic text of results.json."""
    return json.dumps(results.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_tables(results: Results, folder: Path) -> list[str]:
    """Write every result table as CSV (UTF-8; formula-like text neutralised, line breaks
    in text quoted; see :mod:`carbonpath.report.safe`)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in sorted(results.tables().items()):
        fname = safe_filename(name) + ".csv"
        csv_frame(frame).to_csv(folder / fname, index=False, lineterminator="\n")
        written.append(fname)
    return written


def _write_all(
    results: Results,
    tmp: Path,
    formats: list[str],
    extra_writers: dict[str, Callable[[Results, Path], Any]] | None,
    on_step: Callable[[str], Any] | None,
) -> None:
    # results.json is always written: the machine-readable record of the run
    (tmp / "results.json").write_text(results_json(results), encoding="utf-8")
    if "csv" in formats:
        write_tables(results, tmp / "tables")
    for fmt, writer in (extra_writers or {}).items():
        if fmt in formats:
            if on_step is not None:
                on_step(fmt)
            writer(results, tmp)


def write_outputs(
    results: Results,
    out: Path | OutputFolder,
    formats: list[str],
    extra_writers: dict[str, Callable[[Results, Path], Any]] | None = None,
    on_step: Callable[[str], Any] | None = None,
    *,
    study_dir: Path | None = None,
) -> Path:
    """Build all outputs in the claimed temporary folder, then put it in place atomically.

    ``out``: an :class:`OutputFolder` from :func:`claim_output` (the CLI claims before
    the analysis), or a path, claimed here (``study_dir`` for the path rules).  A
    failure removes the temporary folder and leaves ``--out`` as it was; a file system
    error (disk full ...) is an :class:`InputError`.
    """
    folder = out if isinstance(out, OutputFolder) else claim_output(Path(out), study_dir)
    try:
        _write_all(results, folder.tmp, formats, extra_writers, on_step)
        return folder.commit()
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).lower()
        raise InputError(
            f"could not write the output to '{folder.out}' ({reason}); what it held is unchanged",
            fix="free some disk space or choose another --out",
        ) from None
    finally:
        folder.release()
