"""Write a run's outputs atomically into the folder the user named.

Everything is built in a temporary sibling folder, then moved into place in one
rename, so a failed run leaves the previous output (or nothing) — never a half-written
report.  The output folder may not lie inside the study folder, and an existing folder
is replaced only if it is empty or an earlier carbonpath output (it has results.json).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from carbonpath.core.errors import InputError
from carbonpath.report.contract import ResultsLike as Results
from carbonpath.report.safe import neutralise_frame

_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_filename(name: str) -> str:
    """A file name that cannot leave its folder (no separators, no '..')."""
    cleaned = _SAFE_NAME.sub("_", name).strip("._") or "table"
    return cleaned[:120]


def check_out_dir(out: Path, study_dir: Path | None) -> Path:
    """Validate the output folder before any work is done."""
    out = out.expanduser().resolve()
    if study_dir is not None:
        sd = study_dir.resolve()
        if out == sd or out.is_relative_to(sd):
            raise InputError(
                f"output folder '{out}' is inside the study folder",
                fix="choose --out outside the study folder (inputs are never written to)",
            )
    if out.exists():
        if not out.is_dir():
            raise InputError(f"output path '{out}' is a file", fix="give a folder for --out")
        if any(out.iterdir()) and not (out / "results.json").is_file():
            raise InputError(
                f"output folder '{out}' is not empty and holds no earlier carbonpath results",
                fix="choose a new or empty folder for --out",
            )
    return out


def results_json(results: Results) -> str:
    """The canonical, deterministic text of results.json."""
    return json.dumps(results.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_tables(results: Results, folder: Path) -> list[str]:
    """Write every result table as CSV (UTF-8, neutralised text cells)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in sorted(results.tables().items()):
        fname = safe_filename(name) + ".csv"
        neutralise_frame(frame).to_csv(folder / fname, index=False, lineterminator="\n")
        written.append(fname)
    return written


def write_outputs(
    results: Results,
    out: Path,
    formats: list[str],
    extra_writers: dict[str, Callable[[Results, Path], Any]] | None = None,
    on_step: Callable[[str], Any] | None = None,
) -> Path:
    """Build all outputs in a temp folder, then move it to ``out`` atomically."""
    out = out.expanduser().resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".carbonpath-", dir=out.parent))
    try:
        if "json" in formats:
            (tmp / "results.json").write_text(results_json(results), encoding="utf-8")
        if "csv" in formats:
            write_tables(results, tmp / "tables")
        for fmt, writer in (extra_writers or {}).items():
            if fmt in formats:
                if on_step is not None:
                    on_step(fmt)
                writer(results, tmp)
        if "json" not in formats:  # keep the marker that this is carbonpath output
            (tmp / "results.json").write_text(results_json(results), encoding="utf-8")
        os.chmod(tmp, 0o755)
        backup = None
        if out.exists():
            backup = out.with_name(f".{out.name}.old-{os.getpid()}")
            out.rename(backup)
        tmp.rename(out)
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
