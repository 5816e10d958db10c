"""The workspace: the one folder the app reads and writes, and the studies in it.

Layout (everything a plain file, so each study also runs from the command line)::

    WORKSPACE/
      <study>/            a study folder (study.toml, sectors.csv, ...)
      reports/<study>/    the last run's output (Results.write: the --out rules)
      .carbonpath-uploads/ uploads being checked (removed when done)

A study name in a URL is one folder name (letters, digits, ``_ . -``); the folder it
names must resolve inside the workspace, so neither ``..`` nor a symbolic link leads
out.  Every path the app opens goes through :meth:`Workspace.inside`.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from carbonpath.core.errors import InputError

__all__ = ["NAME_RULE", "REPORTS", "UPLOADS", "Workspace", "valid_name"]

REPORTS = "reports"
UPLOADS = ".carbonpath-uploads"
NAME_RULE = (
    "a study name is letters and digits (any script), '_', '-' or '.', starting with a "
    "letter or digit, at most 64 characters"
)
_NAME = re.compile(r"^[^\W_][\w.\-]{0,63}$")
_RESERVED = {REPORTS, UPLOADS}


def valid_name(name: str) -> bool:
    """Whether ``name`` may name a study folder (no separators, no dots alone)."""
    name = unicodedata.normalize("NFC", name)
    return bool(_NAME.fullmatch(name)) and name not in _RESERVED and ".." not in name


@dataclass(frozen=True)
class StudyEntry:
    """A study folder of the workspace as the start page lists it."""

    name: str
    path: Path


class Workspace:
    """The workspace folder; nothing outside it is read or written."""

    def __init__(self, root: Path) -> None:
        root = Path(root).expanduser()
        if not root.is_dir():
            raise InputError(
                f"workspace '{root}' is not a folder",
                fix="give a folder to hold your studies (it is created by `mkdir`)",
            )
        self.root = Path(os.path.realpath(root))

    # ---- confinement ----------------------------------------------------------------
    def inside(self, path: Path) -> Path:
        """``path`` resolved; an InputError unless it lies inside the workspace."""
        real = Path(os.path.realpath(path))
        if real != self.root and not real.is_relative_to(self.root):
            raise InputError(
                f"'{path}' lies outside the workspace",
                fix="keep studies and their files inside the workspace folder",
            )
        return real

    def study_dir(self, name: str) -> Path:
        """The folder of an existing study; InputError for a bad or unknown name."""
        if not valid_name(name):
            raise InputError(f"'{name[:80]}' is not a study name", fix=NAME_RULE)
        path = self.inside(self.root / name)
        if path.parent != self.root or not (path / "study.toml").is_file():
            raise InputError(
                f"there is no study '{name}' in the workspace",
                fix="open a study from the start page",
            )
        return path

    def new_dir(self, name: str) -> Path:
        """The folder for a new study: a valid name not yet taken."""
        name = unicodedata.normalize("NFC", name.strip())
        if not valid_name(name):
            raise InputError(f"'{name[:80]}' cannot name a study", fix=NAME_RULE)
        path = self.root / name
        if path.exists() or path.is_symlink():
            raise InputError(f"'{name}' already exists in the workspace", fix="choose another name")
        return path

    def report_dir(self, name: str) -> Path:
        """Where a study's run output goes (``reports/<study>``)."""
        return self.inside(self.root / REPORTS) / name

    def uploads(self) -> Path:
        """The folder uploads are checked in (created on first use)."""
        path = self.root / UPLOADS
        path.mkdir(exist_ok=True)
        return self.inside(path)

    # ---- listing ----------------------------------------------------------------------
    def studies(self) -> list[StudyEntry]:
        """The study folders (holding study.toml), sorted by name."""
        out = []
        for entry in sorted(os.scandir(self.root), key=lambda e: e.name):
            if not entry.is_dir(follow_symlinks=False) or not valid_name(entry.name):
                continue
            if os.path.isfile(os.path.join(entry.path, "study.toml")):
                out.append(StudyEntry(entry.name, Path(entry.path)))
        return out

    def study_files(self, name: str) -> list[str]:
        """The table files of a study (CSV and workbooks), sorted."""
        folder = self.study_dir(name)
        names = []
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.is_file(follow_symlinks=False) and entry.name.lower().endswith(
                (".csv", ".xlsx", ".xlsm")
            ):
                names.append(entry.name)
        return names

    def study_file(self, name: str, filename: str) -> Path:
        """A file of a study by its name; InputError unless it is one of its tables."""
        if filename not in self.study_files(name):
            raise InputError(
                f"study '{name}' has no table file '{filename[:80]}'",
                fix="choose a table from the study's page",
            )
        return self.inside(self.study_dir(name) / filename)

    def copy_builtin(self, name: str) -> Path:
        """A new study folder holding a copy of the built-in example (as `init` writes)."""
        from carbonpath.study import builtin_path

        dest = self.new_dir(name)
        tmp = self.uploads() / f".new-{name}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for item in sorted(builtin_path().iterdir()):
            if item.is_file() and not item.name.startswith((".", "__")):
                shutil.copyfile(item, tmp / item.name)
        os.replace(tmp, dest)
        return dest
