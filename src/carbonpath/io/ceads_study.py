"""Write an inventory-mode study from CEADs province sheets read by :mod:`carbonpath.io.ceads`.

The study folder is written into a temporary sibling and moved into place, so a failed
import never leaves a half-written study: ``study.toml``, ``sectors.csv``,
``emissions.csv`` (t CO2) and an empty ``economy.csv``.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from carbonpath.core.errors import InputError
from carbonpath.io.ceads import (
    GROUP_LABELS,
    MODERN_GROUPS,
    SECTORS,
    CeadsSheet,
    check_years,
    inventory_frame,
    read_ceads_sheets,
)


def _toml_str(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def _csv_number(value: float) -> str:
    return (
        ""
        if value is None or (isinstance(value, float) and math.isnan(value))
        else repr(float(value))
    )


def _write_study(folder: Path, sheets: list[CeadsSheet], province: str, seed: int) -> None:
    import csv

    data = pd.concat([s.data for s in sheets], ignore_index=True)
    inv = inventory_frame(data)
    first, last = sheets[0].year, sheets[-1].year
    sources = ", ".join(f"{s.file} [{s.sheet}]" for s in sheets)
    toml = [
        "# carbonpath study written by `carbonpath import-ceads` (inventory mode).",
        "# Source: CEADs provincial CO2 inventories (ceads.net); cite Shan et al. (2018),",
        "# Sci. Data 5, 170201; Shan et al. (2020), Sci. Data 7, 54; Guan et al. (2021),",
        "# Earth's Future 9, e2021EF002241.",
        f"# Read from: {sources}",
        "# economy.csv is empty: add output value, employment ... to enable the index and",
        "# STIRPAT analyses (see docs/study-format.md).",
        "",
        f"title = {_toml_str(f'{province} CO2 inventory {first}-{last} (CEADs)')}",
        f"region = {_toml_str(province)}",
        f"description = {_toml_str('Scope-1 CO2 by sector and fuel imported from CEADs; members are the modern-manufacturing industries, C is all manufacturing.')}",
        f"years = [{first}, {last}]",
        f"seed = {seed}",
        "",
        "[groups]",
        *(f"{gid} = {_toml_str(label)}" for gid, label in GROUP_LABELS.items()),
        "",
        "[accounting]",
        'source = "inventory"',
        "",
    ]
    (folder / "study.toml").write_text("\n".join(toml), encoding="utf-8")
    names = {code: (name, zh) for name, (code, zh, _c) in SECTORS.items()}
    with (folder / "sectors.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name", "group", "name_zh", "role"])
        for code, group in MODERN_GROUPS.items():
            name, zh = names[code]
            w.writerow([code, name, group, zh, "member"])
        w.writerow(
            ["C", "Manufacturing (all CEADs manufacturing sectors)", "", "制造业", "reference"]
        )
    with (folder / "emissions.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["year", "sector", "fuel", "value", "unit"])
        for rec in inv.itertuples(index=False):
            w.writerow([rec.year, rec.sector, rec.fuel, _csv_number(rec.co2_t), "t CO2"])
    (folder / "economy.csv").write_text("year,sector,variable,value,unit\n", encoding="utf-8")


STUDY_FILES = ("study.toml", "sectors.csv", "emissions.csv", "economy.csv")


def import_ceads(
    files: list[Path],
    province: str,
    out: Path,
    *,
    force: bool = False,
    seed: int = 20240601,
) -> Path:
    """Write an inventory-mode study for ``province`` from CEADs workbooks into ``out``.

    Writes ``study.toml``, ``sectors.csv``, ``emissions.csv`` (t CO2) and an empty
    ``economy.csv`` into a temporary folder next to ``out`` and then moves them in, so
    a failure never leaves a half-written study.  A non-empty ``out`` is refused
    unless ``force``; with ``force`` only these four files are replaced.
    """
    _check_out(Path(out), force)
    sheets = read_ceads_sheets([Path(f) for f in files], province)
    return write_inventory_study(sheets, out, force=force, seed=seed)


def _check_out(out: Path, force: bool) -> None:
    if out.is_symlink() and not out.exists():
        raise InputError(
            f"'{out}' is a symbolic link to a missing folder",
            fix="remove the link or give another folder for --out",
        )
    if out.exists() and not out.is_dir():
        raise InputError(f"'{out}' is a file", fix="give a folder for --out")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise InputError(
            f"folder '{out}' is not empty",
            fix="choose a new folder, or pass --force to replace its study files",
        )


def write_inventory_study(
    sheets: list[CeadsSheet], out: Path, *, force: bool = False, seed: int = 20240601
) -> Path:
    """Write the study files for already-read province sheets (see :func:`import_ceads`)."""
    out = Path(out)
    _check_out(out, force)
    sheets = check_years(list(sheets))
    try:
        return _replace_study(sheets, out, seed)
    except OSError as exc:
        raise InputError(
            f"cannot write the study to '{out}' ({(exc.strerror or type(exc).__name__).lower()})",
            fix="choose a folder you can write to for --out",
        ) from None


def _replace_study(sheets: list[CeadsSheet], out: Path, seed: int) -> Path:
    """Write into a temporary sibling folder, then move the files into ``out``."""
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
    try:
        _write_study(tmp, sheets, sheets[0].province, seed)
        if not out.exists():
            os.replace(tmp, out)
            return out
        if not any(out.iterdir()):
            out.rmdir()
            os.replace(tmp, out)
            return out
        for name in STUDY_FILES:
            os.replace(tmp / name, out / name)
        return out
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
