"""Write an inventory-mode study from CEADs province sheets read by :mod:`carbonpath.io.ceads`.

The study folder is written into a temporary sibling and moved into place, so a failed
import never leaves a half-written study: ``study.toml``, ``sectors.csv``,
``emissions.csv`` (t CO2), an empty ``economy.csv`` and, for several provinces,
``regions.csv`` (one panel study whose long tables carry a ``region`` column).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from carbonpath.core.errors import InputError
from carbonpath.io.ceads import (
    CeadsSheet,
    check_years,
    inventory_frame,
    read_ceads_workbook,
    reference_of,
    workbook_provinces,
)
from carbonpath.io.ceads_regions import region_row
from carbonpath.io.ceads_sectors import (
    BY_CODE,
    MODERN_GROUPS,
    group_labels,
    group_of,
    select_sectors,
)
from carbonpath.io.study_writer import analysis_templates, csv_text, study_toml_header, toml_str

REFERENCE_ROWS = {
    "C": ("C", "Manufacturing (all CEADs manufacturing sectors)", "", "制造业", "reference"),
    "total": ("total", "All sectors (the 47 CEADs rows)", "", "全部行业", "reference"),
}
REFERENCE_TEXT = {"C": "C is all manufacturing", "total": "total is all 47 CEADs sectors"}
STUDY_FILES = ("study.toml", "sectors.csv", "emissions.csv", "economy.csv", "regions.csv")


def _write_study(
    folder: Path, by_region: dict[str, list[CeadsSheet]], members: list[str], seed: int
) -> None:
    """Write the study files; one region -> no regions.csv, several -> a panel."""
    panel = len(by_region) > 1
    frames = []
    for code, sheets in by_region.items():
        d = pd.concat([s.data for s in sheets], ignore_index=True)
        if panel:
            d.insert(0, "region", code)
        frames.append(d)
    inv = inventory_frame(pd.concat(frames, ignore_index=True), members)
    reference = reference_of(members)
    years = sorted({s.year for sheets in by_region.values() for s in sheets})
    first, last = years[0], years[-1]
    region = next(iter(by_region)) if not panel else f"{len(by_region)} Chinese provinces"
    files = sorted({s.file for sheets in by_region.values() for s in sheets})
    what = "modern-manufacturing industries" if members == list(MODERN_GROUPS) else "sectors chosen"
    toml = [
        *study_toml_header("import-ceads", CEADS_SOURCE, files),
        f"title = {toml_str(f'{region} CO2 inventory {first}-{last} (CEADs)')}",
        f"region = {toml_str(region)}",
        f"description = {toml_str(f'Scope-1 CO2 by sector and fuel imported from CEADs; members are the {what} ({len(members)}), {REFERENCE_TEXT[reference]}.')}",
        f"years = [{first}, {last}]",
        f"seed = {seed}",
        "",
        "[groups]",
        *(f"{gid} = {toml_str(label)}" for gid, label in group_labels(members).items()),
        "",
        "[accounting]",
        'source = "inventory"',
        "",
        *analysis_templates(panel),
    ]
    (folder / "study.toml").write_text("\n".join(toml), encoding="utf-8")
    if panel:
        rows = [region_row(code) for code in by_region]
        (folder / "regions.csv").write_text(
            csv_text(["code", "name", "name_zh", "group"], rows), encoding="utf-8"
        )
    sector_rows = [
        (c, BY_CODE[c].label, group_of(c), BY_CODE[c].name_zh, "member") for c in members
    ]
    sector_rows.append(REFERENCE_ROWS[reference])
    (folder / "sectors.csv").write_text(
        csv_text(["code", "name", "group", "name_zh", "role"], sector_rows), encoding="utf-8"
    )
    keys = ["region"] if panel else []
    inv = inv.assign(value=inv["co2_t"], unit="t CO2")[
        [*keys, "year", "sector", "fuel", "value", "unit"]
    ]
    (folder / "emissions.csv").write_text(
        csv_text(list(inv.columns), inv.itertuples(index=False)), encoding="utf-8"
    )
    economy = ",".join([*keys, "year", "sector", "variable", "value", "unit"])
    (folder / "economy.csv").write_text(economy + "\n", encoding="utf-8")


CEADS_SOURCE = (
    "Source: CEADs provincial CO2 inventories (ceads.net); cite Shan et al. (2018),",
    "Sci. Data 5, 170201; Shan et al. (2020), Sci. Data 7, 54; Guan et al. (2021),",
    "Earth's Future 9, e2021EF002241.",
)


def resolve_provinces(files: list[Path], provinces: list[str]) -> list[str]:
    """``--province`` names as given; ``all`` -> every province of the first workbook."""
    if any(p.strip().lower() == "all" for p in provinces):
        return workbook_provinces(files[0])
    out = [p.strip() for item in provinces for p in item.split(",") if p.strip()]
    if not out:
        raise InputError("--province is empty", fix="give a province name, several, or all")
    return out


def read_provinces(files: list[Path], provinces: list[str]) -> dict[str, list[CeadsSheet]]:
    """Each workbook opened once for all provinces -> {sheet province: sheets by year}."""
    if not files:
        raise InputError("no CEADs workbook given", fix="give one or more .xlsx files")
    per_file = [read_ceads_workbook(Path(f), provinces) for f in files]
    out: dict[str, list[CeadsSheet]] = {}
    for p in provinces:
        sheets = check_years([wb[p] for wb in per_file])
        code = sheets[0].province
        if code in out:
            raise InputError(f"--province names '{code}' twice", fix="give each province once")
        out[code] = sheets
    return out


def import_ceads(
    files: list[Path],
    province: str | list[str],
    out: Path,
    *,
    sectors: str = "modern",
    force: bool = False,
    seed: int = 20240601,
) -> Path:
    """Write an inventory-mode study from CEADs workbooks into ``out``.

    ``province``: a name, several (a list or a comma list) or ``all``; one province gives
    a one-region study, several a panel study with ``regions.csv``.  ``sectors``: see
    :func:`carbonpath.io.ceads_sectors.select_sectors`.  The files are written to a
    temporary folder next to ``out`` and moved in, so a failure never leaves a
    half-written study.  A non-empty ``out`` is refused unless ``force``; with
    ``force`` only the study files are replaced.
    """
    _check_out(Path(out), force)
    members = select_sectors(sectors)
    files = [Path(f) for f in files]
    names = resolve_provinces(files, [province] if isinstance(province, str) else list(province))
    by_region = read_provinces(files, names)
    return _write_checked(by_region, Path(out), members, force, seed)


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
    sheets: list[CeadsSheet],
    out: Path,
    *,
    sectors: str = "modern",
    force: bool = False,
    seed: int = 20240601,
) -> Path:
    """Write the study files for already-read sheets of one or more provinces."""
    by_region: dict[str, list[CeadsSheet]] = {}
    for s in sheets:
        by_region.setdefault(s.province, []).append(s)
    by_region = {k: check_years(v) for k, v in by_region.items()}
    return _write_checked(by_region, Path(out), select_sectors(sectors), force, seed)


def _write_checked(
    by_region: dict[str, list[CeadsSheet]], out: Path, members: list[str], force: bool, seed: int
) -> Path:
    return write_folder(out, lambda tmp: _write_study(tmp, by_region, members, seed), force=force)


def write_folder(out: Path, write: Callable[[Path], None], *, force: bool = False) -> Path:
    """Run ``write(tmp)`` into a temporary sibling of ``out``, then move the files in.

    A non-empty ``out`` is refused unless ``force``; with ``force`` only the study
    files (:data:`STUDY_FILES`) are replaced (one this import does not write, such as
    the regions.csv of an earlier panel import, is removed) and other files stay.
    """
    out = Path(out)
    _check_out(out, force)
    try:
        return _replace_study(out, write)
    except OSError as exc:
        raise InputError(
            f"cannot write the study to '{out}' ({(exc.strerror or type(exc).__name__).lower()})",
            fix="choose a folder you can write to for --out",
        ) from None


def _replace_study(out: Path, write: Callable[[Path], None]) -> Path:
    """Write into a temporary sibling folder, then move the files into ``out``."""
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
    try:
        write(tmp)
        if not out.exists():
            os.replace(tmp, out)
            return out
        if not any(out.iterdir()):
            out.rmdir()
            os.replace(tmp, out)
            return out
        for name in STUDY_FILES:
            if (tmp / name).exists():
                os.replace(tmp / name, out / name)
            elif (out / name).is_file():
                (out / name).unlink()  # e.g. a one-region study replacing a panel
        return out
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
