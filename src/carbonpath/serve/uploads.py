"""Uploaded files checked like any input, then made into a study folder.

Each uploaded table is stored under the name of its role (``energy.csv``,
``economy.xlsx`` ...) in a staging folder inside the workspace and read by the reader
``carbonpath run`` uses (:func:`carbonpath.io.tables.read_csv_table` or
:func:`carbonpath.io.yearbook.read_workbook_table`: size, binary content, encoding,
header, row bounds).  A problem is the reader's one-line message, shown next to the
file's field.  The study.toml written names what was uploaded; the whole staging folder
is then loaded with :func:`carbonpath.load_study` and moved into place only when asked
(a study that does not load yet may be kept, e.g. to add a yearbook sheet next).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carbonpath.accounting.factors import COLUMNS as FACTOR_COLUMNS
from carbonpath.core.errors import InputError, StudyError
from carbonpath.serve.forms import Form, Upload, safe_upload_name
from carbonpath.serve.loaded import ErrorInfo, error_info
from carbonpath.serve.workspace import Workspace

__all__ = ["ROLES", "Staged", "batch_dir", "new_batch", "stage_tables", "study_toml"]

_LONG = ["year", "value", "unit"]
#: role -> (required columns, optional columns) as the loader accepts them at most
ROLES: dict[str, tuple[list[str], list[str]]] = {
    "sectors": (["code", "name"], ["group", "name_zh", "role"]),
    "energy": (["year", "fuel", "value", "unit"], ["sector", "region"]),
    "economy": (["year", "variable", "value", "unit"], ["sector", "region"]),
    "emissions": (["year", "fuel", "value", "unit"], ["sector", "region"]),
    "factors": (["fuel"], [c for c in FACTOR_COLUMNS if c != "fuel"]),
    "corrections": (["year", "variable", "value", "reason"], ["sector", "unit", "region"]),
    "regions": (["code", "name"], ["name_zh", "group"]),
}
_BATCH = re.compile(r"^[0-9a-f]{16}$")


@dataclass
class Staged:
    """The checked tables of a new study: file names and the errors by field."""

    folder: Path
    files: dict[str, str] = field(default_factory=dict)  # role -> "name" or "book.xlsx#Sheet"
    errors: dict[str, str] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)
    lead_years: list[int] = field(default_factory=list)


def new_batch(ws: Workspace, kind: str) -> tuple[str, Path]:
    """A fresh staging folder ``.carbonpath-uploads/<kind>-<id>`` and its id."""
    batch = secrets.token_hex(8)
    path = ws.uploads() / f"{kind}-{batch}"
    path.mkdir()
    return batch, path


def batch_dir(ws: Workspace, kind: str, batch: str) -> Path:
    """An existing staging folder by id; InputError for anything else."""
    if not _BATCH.fullmatch(batch):
        raise InputError("this upload is unknown", fix="upload the files again")
    path = ws.inside(ws.uploads() / f"{kind}-{batch}")
    if not path.is_dir():
        raise InputError(
            "this upload is no longer there (it was used or removed)",
            fix="upload the files again",
        )
    return path


def size_text(n: int) -> str:
    """A byte count as people read it: whole MB, else whole KB."""
    mb = 1024 * 1024
    return f"{n // mb} MB" if n >= mb else f"{max(n // 1024, 1)} KB"


def _too_large(up: Upload, limit: int) -> str:
    return (
        f"{safe_upload_name(up.filename)}: is larger than the upload limit of "
        f"{size_text(limit)}; fix: check that this is the right file"
    )


def _read_table(path: Path, label: str, role: str, sheet: str | None, root: Path) -> Any:
    from carbonpath.io.tables import read_csv_table
    from carbonpath.io.workbook import read_workbook_table

    required, optional = ROLES[role]
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_workbook_table(
            path, sheet, label=label, required=required, optional=optional, root=root
        )
    return read_csv_table(path, label=label, required=required, optional=optional, root=root)


def _sheet_for(path: Path, role: str, wanted: str) -> str:
    """The sheet to read: the one asked for, else one named like the role, else the first."""
    from carbonpath.io.workbook import open_workbook

    with open_workbook(path, label=path.name, root=path.parent) as wb:
        names = list(wb.sheetnames)
    if wanted:
        return wanted
    for name in names:
        if name.strip().lower() == role:
            return name
    return names[0] if names else role


def _years(table: Any) -> list[int]:
    from carbonpath.io.tables import parse_year

    out = []
    if "year" in table.columns:
        for value, line in zip(table.column("year"), table.lines, strict=True):
            out.append(parse_year(value, file=table.label, row=line))
    return out


def stage_table(staged: Staged, role: str, up: Upload, sheet: str, limit: int) -> None:
    """Store one uploaded table under its role's name and read it; errors by field."""
    if up.too_large or up.path is None:
        staged.errors[role] = _too_large(up, limit)
        return
    suffix = Path(safe_upload_name(up.filename)).suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm", ".txt"):
        suffix = ".csv"
    name = f"{role}{'.csv' if suffix == '.txt' else suffix}"
    dest = staged.folder / name
    os.replace(up.path, dest)
    up.path = None
    try:
        chosen = _sheet_for(dest, role, sheet) if suffix in (".xlsx", ".xlsm") else ""
        label = f"{name}#{chosen}" if chosen else name
        table = _read_table(dest, label, role, chosen or None, staged.folder)
        years = _years(table) if role in ("energy", "economy", "emissions") else []
    except InputError as exc:
        staged.errors[role] = error_info(exc).line
        dest.unlink(missing_ok=True)
        return
    staged.files[role] = label
    (staged.lead_years if role == "economy" else staged.years).extend(years)


def stage_tables(staged: Staged, form: Form, limit: int) -> None:
    """Every table field of the new-study form."""
    for role in ROLES:
        up = form.file(role)
        if up is not None:
            stage_table(staged, role, up, form.get(f"{role}_sheet").strip(), limit)


def study_years(staged: Staged, first: str, last: str) -> tuple[int, int, int]:
    """(first, last, lead_years): as typed, else from the tables' year columns."""
    try:
        a = int(first) if first.strip() else min(staged.years or staged.lead_years)
        b = int(last) if last.strip() else max(staged.years or staged.lead_years)
    except ValueError:
        raise StudyError(
            "years must be whole numbers such as 2015",
            file="study.toml",
            key="years",
            fix="type the first and last year, or leave both empty to take them from the tables",
        ) from None
    lead = 0
    if staged.lead_years and min(staged.lead_years) < a:
        lead = min(a - min(staged.lead_years), 20)
    return a, b, lead


def study_toml(meta: dict[str, Any], files: dict[str, str]) -> str:
    """The text of a new study.toml (commented, like the one `carbonpath init` writes)."""
    import tomlkit

    doc = tomlkit.document()
    doc.add(
        tomlkit.comment("carbonpath study created with `carbonpath serve` from uploaded files.")
    )
    doc.add(tomlkit.comment("Every key is documented in docs/study-format.md; this file runs"))
    doc.add(tomlkit.comment("unchanged with `carbonpath run <this folder>`."))
    doc.add(tomlkit.nl())
    for key in ("title", "region", "description"):
        if meta.get(key):
            doc[key] = meta[key]
    years = tomlkit.array()
    years.extend([meta["years"][0], meta["years"][1]])
    doc["years"] = years
    doc["years"].comment("first and last year analysed")
    if meta.get("lead_years"):
        doc["lead_years"] = meta["lead_years"]
    defaults = {
        "sectors": "sectors.csv",
        "energy": "energy.csv",
        "economy": "economy.csv",
        "emissions": "emissions.csv",
        "factors": "factors.csv",
        "corrections": "corrections.csv",
        "regions": "regions.csv",
    }
    named = {r: f for r, f in files.items() if f != defaults[r]}
    if named:
        table = tomlkit.table()
        for role, name in named.items():
            table[role] = name
        doc["files"] = table
    if "emissions" in files and "energy" not in files:
        acc = tomlkit.table()
        acc["source"] = "inventory"
        doc["accounting"] = acc
    return tomlkit.dumps(doc)


def errors_by_field(info: ErrorInfo, staged: Staged) -> dict[str, str]:
    """Put a load error next to the field of the file it names (else at the top)."""
    if info.file:
        base = str(info.file).partition("#")[0]
        for role, name in staged.files.items():
            if name.partition("#")[0] == base:
                return {role: info.line}
        if base == "study.toml":
            return {_toml_field(info.key): info.line}
    return {"_": info.line}


def _toml_field(key: str | None) -> str:
    head = (key or "").split(".")[0].split("[")[0]
    return head if head in ("title", "region", "years", "description") else "_"


def place(staged: Staged, dest: Path) -> None:
    """Move the staged study folder into the workspace as ``dest``."""
    os.replace(staged.folder, dest)


def drop(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
