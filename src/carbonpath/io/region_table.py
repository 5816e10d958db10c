"""``carbonpath import-table``: a published country/region table -> a region-level panel study.

The table (CSV or XLSX) has one row per region and year and one column per variable
(population, GDP, primary energy, CO2 by fuel ...).  A mapping file
(:class:`~carbonpath.io.region_table_map.TableMap`) says which column is which; no code
is needed.  Written: ``regions.csv`` (first-appearance order), ``economy.csv``
(``region,year,variable,value,unit``), ``emissions.csv`` or ``energy.csv``
(``region,year,fuel,value,unit``) and study.toml (inventory mode with emissions; the
mapping is recorded in its comments; commented analysis templates).  Values are
written as read (the number of the cell, its declared unit), so the study equals the
table; missing cells (empty, ``..``, ``-`` and the mapping's ``missing`` markers) are
left out, never zero.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carbonpath.core.errors import StudyError
from carbonpath.core.settings import parse
from carbonpath.core.text import display_text, is_valid_code, normalise_code
from carbonpath.io.region_table_map import TableMap
from carbonpath.io.study_writer import analysis_templates, csv_text, study_toml_header, toml_str
from carbonpath.io.tables import parse_number, parse_year, shown

__all__ = ["TableImport", "import_table", "read_region_table"]

#: missing markers of data portals beyond the CSV ones (World Bank "..", Eurostat ":")
PORTAL_MISSING = frozenset({"..", ":", "n.a."})


@dataclass(frozen=True)
class TableImport:
    """What was read: regions (code, name, name_zh, group) and long rows per table."""

    file: str
    regions: list[tuple[str, str, str, str]]
    rows: dict[
        str, list[tuple[str, int, str, float, str]]
    ]  #: table -> (region, year, key, value, unit)


def _key(text: Any) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(text or "")).split()).lower()


def _raw_rows(path: Path, mapping: TableMap, label: str) -> list[list[Any]]:
    """The file's rows (CSV text cells, or XLSX values as stored)."""
    if path.suffix.lower() == ".xlsx":
        from carbonpath.io.workbook import open_workbook

        with open_workbook(path, label=label) as wb:
            return [list(r) for r in wb.sheet(mapping.sheet).iter_rows()]
    from carbonpath.io.files import locate_input, read_input
    from carbonpath.io.tables import _csv_rows, decode_bytes

    if locate_input(path, label=label) is None:
        raise StudyError(
            "file is missing", file=label, fix="give the path of the CSV or XLSX table"
        )
    text, _used = decode_bytes(read_input(path, label=label, text=True).data, label)
    return [list(r) for r in _csv_rows(text, label)]


def _header(rows: list[list[Any]], mapping: TableMap, label: str) -> dict[str, int]:
    """Column label (normalised) -> index; every mapped column must be there."""
    if len(rows) < mapping.header_row:
        raise StudyError(f"has no row {mapping.header_row} (header_row)", file=label)
    cells = rows[mapping.header_row - 1]
    header = {_key(c): j for j, c in enumerate(cells) if _key(c)}
    c = mapping.columns
    wanted = [("columns.region", c.region), ("columns.year", c.year)]
    wanted += [
        (f"columns.{k}", v)
        for k, v in (("name", c.name), ("name_zh", c.name_zh), ("group", c.group))
        if v
    ]
    wanted += [(f"{table}.{lab}", lab) for lab, table, _k, _u in mapping.mapped()]
    for key, lab in wanted:
        if _key(lab) not in header:
            found = ", ".join(f"'{shown(cells[j], 30)}'" for j in list(header.values())[:12])
            raise StudyError(
                f"has no column '{shown(lab)}' (mapping key '{key}')",
                file=label,
                row=mapping.header_row,
                fix=f"the header row holds {found}; correct the mapping or header_row",
            )
    return header


def _value(cell: Any, missing: frozenset[str], label: str, row: int, column: str) -> float | None:
    if cell is None or isinstance(cell, bool):
        if isinstance(cell, bool):
            raise StudyError(f"value {cell!r} is not a number", file=label, row=row, column=column)
        return None
    if isinstance(cell, int | float):
        return float(cell)
    text = str(cell).strip()
    if text in missing:
        return None
    return parse_number(text, file=label, row=row, column=column)


def _region(
    cells: list[Any], idx: dict[str, int], mapping: TableMap, label: str, line: int
) -> tuple[str, str, str, str]:
    def cell(name: str | None) -> str:
        if name is None:
            return ""
        j = idx[_key(name)]
        return display_text(cells[j] if j < len(cells) and cells[j] is not None else "").strip()

    code = normalise_code(cell(mapping.columns.region))
    if not is_valid_code(code):
        raise StudyError(
            f"region code '{shown(code)}' is not a valid code",
            file=label,
            row=line,
            column=mapping.columns.region,
            fix="use a code column (e.g. ISO 3166 alpha-3: CHN, DEU) as columns.region and "
            "the names as columns.name (codes are letters, digits, '.', '_', '+', '-')",
        )
    group = normalise_code(cell(mapping.columns.group))
    if group and not is_valid_code(group.replace(" ", "_")):
        raise StudyError(
            f"group '{shown(group)}' is not a valid code",
            file=label,
            row=line,
            column=mapping.columns.group,
        )
    return (
        code,
        cell(mapping.columns.name) or code,
        cell(mapping.columns.name_zh),
        group.replace(" ", "_"),
    )


def read_region_table(path: Path, mapping: TableMap) -> TableImport:
    """Read the table as the mapping declares (see the module docstring)."""
    path = Path(path)
    label = path.name
    rows = _raw_rows(path, mapping, label)
    idx = _header(rows, mapping, label)
    missing = PORTAL_MISSING | set(mapping.missing)
    regions: dict[str, tuple[tuple[str, str, str, str], int]] = {}
    out: dict[str, list[tuple[str, int, str, float, str]]] = {
        "economy": [],
        "energy": [],
        "emissions": [],
    }
    seen: dict[tuple[str, int], int] = {}
    yj = idx[_key(mapping.columns.year)]
    for line, cells in enumerate(rows[mapping.header_row :], mapping.header_row + 1):
        if not any(str(c).strip() for c in cells if c is not None):
            continue
        region = _region(cells, idx, mapping, label, line)
        ycell = cells[yj] if yj < len(cells) else None
        year = (
            ycell
            if isinstance(ycell, int) and not isinstance(ycell, bool)
            else parse_year(str(ycell or ""), file=label, row=line, column=mapping.columns.year)
        )
        if mapping.years and not mapping.years[0] <= year <= mapping.years[1]:
            continue
        _same_region(regions, region, label, line)
        if (region[0], year) in seen:
            raise StudyError(
                f"region {region[0]} year {year} appears twice (also on row {seen[region[0], year]})",
                file=label,
                row=line,
                fix="keep one row per region and year",
            )
        seen[region[0], year] = line
        for lab, table, key, unit in mapping.mapped():
            j = idx[_key(lab)]
            v = _value(cells[j] if j < len(cells) else None, missing, label, line, lab)
            if v is not None:
                out[table].append((region[0], year, key, v, unit))
    if not seen:
        raise StudyError(
            "has no data rows" + (" in the years asked for" if mapping.years else ""), file=label
        )
    return TableImport(label, [r for r, _line in regions.values()], out)


def _same_region(regions: dict, region: tuple[str, str, str, str], label: str, line: int) -> None:
    """A code keeps one name and group over the table."""
    if region[0] not in regions:
        regions[region[0]] = (region, line)
        return
    first, at = regions[region[0]]
    if first != region:
        raise StudyError(
            f"region {region[0]} is named {first[1:]} on row {at} but {region[1:]} here",
            file=label,
            row=line,
            fix="give each region code one name and group",
        )


def _write(folder: Path, data: TableImport, mapping: TableMap, map_text: str, seed: int) -> None:
    years = sorted({r[1] for rows in data.rows.values() for r in rows})
    if not years:
        raise StudyError(
            "has no value in the mapped columns", file=data.file, fix="check the mapping"
        )
    n = len(data.regions)
    title = mapping.title or f"{n} regions {years[0]}-{years[-1]} ({data.file})"
    toml = [
        *study_toml_header(
            "import-table",
            [
                "Mapping used (the --map file):",
                *(f"  {ln}".rstrip() for ln in map_text.splitlines()),
            ],
            [data.file],
        ),
        f"title = {toml_str(title)}",
        f"region = {toml_str(f'{n} regions')}",
        f"description = {toml_str(mapping.description or f'Region-level panel imported from {data.file}.')}",
        f"years = [{years[0]}, {years[-1]}]",
        f"seed = {seed}",
        "",
    ]
    if data.rows["emissions"]:
        toml += [
            "[accounting]",
            'source = "inventory"',
            "",
            "[accounting.uncertainty]",
            "enabled = false  # published CO2: no activity data to propagate",
            "",
        ]
    toml += analysis_templates(True, region_level=True, has_economy=bool(data.rows["economy"]))
    (folder / "study.toml").write_text("\n".join(toml) + "\n", encoding="utf-8")
    (folder / "regions.csv").write_text(
        csv_text(["code", "name", "name_zh", "group"], data.regions), encoding="utf-8"
    )
    order = {r[0]: i for i, r in enumerate(data.regions)}
    for table, key in (("economy", "variable"), ("energy", "fuel"), ("emissions", "fuel")):
        rows = sorted(data.rows[table], key=lambda r: (order[r[0]], r[1]))
        if rows or table == "economy":
            text = csv_text(["region", "year", key, "value", "unit"], rows)
            (folder / f"{table}.csv").write_text(text, encoding="utf-8")


def import_table(
    path: Path, map_path: Path, out: Path, *, force: bool = False, seed: int = 20240601
) -> Path:
    """Read ``path`` as ``map_path`` declares and write the panel study into ``out``."""
    from carbonpath.io.ceads_study import write_folder
    from carbonpath.io.toml import parse_toml

    map_path = Path(map_path)
    mapping = parse(TableMap, parse_toml(map_path), file=map_path.name)
    map_text = map_path.read_text(encoding="utf-8")
    data = read_region_table(Path(path), mapping)
    return write_folder(
        Path(out), lambda tmp: _write(tmp, data, mapping, map_text, seed), force=force
    )
