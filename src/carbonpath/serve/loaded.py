"""Loaded studies, kept while their files do not change.

Loading a study reads and checks every table (about a second for the built-in study),
so the app keeps the last result of :func:`carbonpath.load_study` for each study folder
with a fingerprint of the folder (name, size and modification time of each file); a
page loads again only after a file changed, whoever changed it (the app, an editor or
the command line).  A study that does not load keeps its one-line error instead.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carbonpath.core.errors import InputError, StudyError

__all__ = ["Loaded", "StudyCache", "error_info"]


@dataclass(frozen=True)
class ErrorInfo:
    """A carbonpath error as a page shows it: the line and where it points."""

    line: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    key: str | None = None


def error_info(exc: InputError) -> ErrorInfo:
    """The one-line message (as the command line prints it) and its location."""
    from carbonpath.core.text import display_text

    line = display_text(exc.one_line())
    if isinstance(exc, StudyError):
        return ErrorInfo(line, exc.file, exc.row, exc.column, exc.key)
    return ErrorInfo(line)


@dataclass(frozen=True)
class Loaded:
    """The outcome of loading one study: the study, or the error that stopped it."""

    study: Any | None
    error: ErrorInfo | None


def fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """(name, size, mtime_ns) of every file in the folder, sorted."""
    out = []
    with os.scandir(folder) as it:
        for entry in it:
            if entry.is_file(follow_symlinks=False):
                st = entry.stat(follow_symlinks=False)
                out.append((entry.name, st.st_size, st.st_mtime_ns))
    return tuple(sorted(out))


class StudyCache:
    """``get(folder)``: the loaded study (or its error), loaded again after a change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[Path, tuple[tuple[tuple[str, int, int], ...], Loaded]] = {}

    def get(self, folder: Path) -> Loaded:
        key = fingerprint(folder)
        with self._lock:
            hit = self._items.get(folder)
            if hit is not None and hit[0] == key:
                return hit[1]
        loaded = load(folder)
        with self._lock:
            self._items[folder] = (key, loaded)
        return loaded

    def forget(self, folder: Path) -> None:
        with self._lock:
            self._items.pop(folder, None)


def load(folder: Path) -> Loaded:
    """``carbonpath.load_study(folder)``; an input error is kept, never raised."""
    from carbonpath.pipeline import load_study

    try:
        return Loaded(load_study(folder), None)
    except InputError as exc:
        return Loaded(None, error_info(exc))
