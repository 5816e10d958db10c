"""Read yearbook-style wide sheets (study tables as sheets: :mod:`carbonpath.io.workbook`).

``[[yearbook]]`` entries in study.toml map a statistical yearbook's wide sheets
(industries as rows, fuels or variables as columns, one sheet or one file per year)
onto the long tables; see docs/data-import.md for every key.  :func:`validate_config`
checks the entries, :func:`read_yearbook` returns long rows ``year, sector,
fuel|variable, value, unit, file, line`` and :func:`yearbook_tables` the same as
``Table`` objects for the loader.  A label in the mapped block that is neither mapped
nor listed under ``ignore_rows`` is an error: an industry is never dropped silently.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from carbonpath.core.errors import InputError, StudyError, suggest
from carbonpath.core.limits import MAX_TABLE_ROWS
from carbonpath.core.units import parse_unit
from carbonpath.io.tables import Table, parse_number, shown
from carbonpath.io.workbook import open_workbook
from carbonpath.io.xlsx import cell_text as cell_text  # re-exported
from carbonpath.io.xlsx import sheet_rows

FILE = "study.toml"
TABLES = {"energy": "fuel", "economy": "variable"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


# ---------------------------------------------------------------------------
# [[yearbook]] configuration

#: [[yearbook]] keys -> (types, default, help); None default = required or optional
YEARBOOK_KEYS: dict[str, tuple[tuple[type, ...], Any, str]] = {
    "file": ((str,), None, "workbook inside the study folder, may contain {year}"),
    "sheet": ((str, int), None, "sheet name (may contain {year}) or 1-based number"),
    "table": ((str,), None, "energy or economy"),
    "year": ((int,), None, "the year of a sheet when neither file nor sheet uses {year}"),
    "years": ((list,), None, "[first, last] years read when {year} is used"),
    "unit": ((str,), None, "unit of every mapped column"),
    "units": ((dict,), {}, "column label -> unit (overrides unit)"),
    "unit_row": ((int,), None, "row holding each column's unit"),
    "header_row": ((int,), 1, "row holding the column labels"),
    "first_data_row": ((int,), None, "first row of the mapped block (default header_row + 1)"),
    "last_data_row": ((int,), None, "last row of the block (default: up to the first empty row)"),
    "label_column": ((str, int), "A", "column holding the row labels (letter or number)"),
    "rows": ((dict,), None, "row label -> sector code"),
    "columns": ((dict,), None, "column label -> fuel or variable"),
    "ignore_rows": ((list,), [], "row labels in the block that are not sectors (totals ...)"),
}


def norm_label(text: Any) -> str:
    """Label as matched: NFKC, case-folded, inner whitespace collapsed, ends stripped."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


def _col_index(value: str | int, key: str) -> int:
    """0-based column index from a letter ("A", "AB") or a 1-based number."""
    if isinstance(value, int):
        if value < 1:
            raise StudyError("must be 1 or more", file=FILE, key=key)
        return value - 1
    s = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{1,3}", s):
        raise StudyError(f"'{value}' is not a column letter", file=FILE, key=key, fix="e.g. A")
    n = 0
    for ch in s:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _check_unit(text: str, key: str, table: str) -> None:
    try:
        parsed = parse_unit(text)
    except InputError as exc:
        raise StudyError(exc.message, file=FILE, key=key, fix=exc.fix) from exc
    if table == "energy" and parsed.dimension not in ("mass", "volume", "energy"):
        raise StudyError(
            f"unit '{text}' is a {parsed.dimension}, but energy data needs mass, volume or energy",
            file=FILE,
            key=key,
        )


def validate_config(raw: Any) -> list[dict[str, Any]]:
    """Validate the ``[[yearbook]]`` entries; return them with defaults filled in."""
    if raw is None:
        return []
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        raise StudyError(
            "must be an array of tables", file=FILE, key="yearbook", fix="write [[yearbook]]"
        )
    out = []
    for n, entry in enumerate(raw, start=1):
        p = f"yearbook[{n}]"
        cfg = _typed_entry(entry, p)
        _check_table_and_file(cfg, p)
        _check_years(cfg, p)
        _check_rows(cfg, p)
        cfg["label_index"] = _col_index(cfg["label_column"], f"{p}.label_column")
        cfg["rows"] = _row_map(cfg["rows"], p)
        cfg["columns"] = _column_map(cfg, p)
        cfg["units"] = _unit_map(cfg, p)
        ignore = []
        for label in cfg["ignore_rows"]:
            if not isinstance(label, str):
                raise StudyError(
                    "must list row labels (strings)", file=FILE, key=f"{p}.ignore_rows"
                )
            ignore.append(norm_label(label))
        cfg["ignore_rows"] = ignore
        cfg["index"] = n
        out.append(cfg)
    return out


def _typed_entry(entry: Any, p: str) -> dict[str, Any]:
    """One entry with known keys of the right types, defaults filled in."""
    if not isinstance(entry, dict):
        raise StudyError("must be a table", file=FILE, key=p, fix="write [[yearbook]]")
    for k in entry:
        if k not in YEARBOOK_KEYS:
            raise StudyError(
                f"unknown key{suggest(k, YEARBOOK_KEYS)}",
                file=FILE,
                key=f"{p}.{k}",
                fix=f"keys are {', '.join(YEARBOOK_KEYS)}",
            )
    cfg: dict[str, Any] = {}
    words = {str: "a string", int: "a whole number", list: "a list", dict: "a table"}
    for k, (types, default, help_text) in YEARBOOK_KEYS.items():
        v = entry.get(k, default)
        if v is not None and (isinstance(v, bool) or not isinstance(v, types)):
            names = " or ".join(words[t] for t in types)
            raise StudyError(f"must be {names} ({help_text})", file=FILE, key=f"{p}.{k}")
        cfg[k] = v
    for k in ("file", "table", "rows", "columns"):
        if cfg[k] is None or cfg[k] == "" or cfg[k] == {}:
            raise StudyError(f"is required ({YEARBOOK_KEYS[k][2]})", file=FILE, key=f"{p}.{k}")
    return cfg


def _check_table_and_file(cfg: dict[str, Any], p: str) -> None:
    if cfg["table"] not in TABLES:
        raise StudyError(
            f"'{cfg['table']}' is not a table{suggest(cfg['table'], TABLES)}",
            file=FILE,
            key=f"{p}.table",
            fix="use energy or economy",
        )
    f = cfg["file"]
    if Path(f).is_absolute() or ".." in Path(f).parts:
        raise StudyError(
            f"'{f}' points outside the study folder",
            file=FILE,
            key=f"{p}.file",
            fix="keep the workbooks inside the study folder",
        )
    for k in ("file", "sheet"):
        v = cfg[k]
        if isinstance(v, str) and re.search(r"\{(?!year\})[^}]*\}", v):
            raise StudyError("only the placeholder {year} is allowed", file=FILE, key=f"{p}.{k}")


def _check_years(cfg: dict[str, Any], p: str) -> None:
    """``year`` xor a ``{year}`` placeholder; ``years`` only with the placeholder."""
    f = cfg["file"]
    uses_year = "{year}" in f or (isinstance(cfg["sheet"], str) and "{year}" in cfg["sheet"])
    if uses_year and cfg["year"] is not None:
        raise StudyError(
            "is not allowed when file or sheet uses {year}",
            file=FILE,
            key=f"{p}.year",
            fix="use years = [first, last] to limit the years read",
        )
    if not uses_year and cfg["year"] is None:
        raise StudyError(
            "is required: neither file nor sheet contains {year}",
            file=FILE,
            key=f"{p}.year",
            fix='give year = 2019, or use a placeholder such as sheet = "{year}"',
        )
    ys = cfg["years"]
    if ys is None:
        return
    if not uses_year:
        raise StudyError("needs {year} in file or sheet", file=FILE, key=f"{p}.years")
    if (
        len(ys) != 2
        or not all(isinstance(y, int) and not isinstance(y, bool) for y in ys)
        or ys[0] > ys[1]
    ):
        raise StudyError(
            f"must be [first, last], got {ys!r:.60}",
            file=FILE,
            key=f"{p}.years",
            fix="e.g. years = [2015, 2022]",
        )


def _check_rows(cfg: dict[str, Any], p: str) -> None:
    """Row numbers count from 1; the data block lies below the header."""
    for k in ("header_row", "first_data_row", "last_data_row", "unit_row"):
        if cfg[k] is not None and not 1 <= cfg[k] <= MAX_TABLE_ROWS:
            raise StudyError(
                f"must be 1 or more (rows count from 1) and at most {MAX_TABLE_ROWS:,}",
                file=FILE,
                key=f"{p}.{k}",
            )
    if cfg["first_data_row"] is None:
        cfg["first_data_row"] = cfg["header_row"] + (
            2 if cfg["unit_row"] == cfg["header_row"] + 1 else 1
        )
    if cfg["first_data_row"] <= cfg["header_row"]:
        raise StudyError("must be below header_row", file=FILE, key=f"{p}.first_data_row")
    if cfg["last_data_row"] is not None and cfg["last_data_row"] < cfg["first_data_row"]:
        raise StudyError("must not be above first_data_row", file=FILE, key=f"{p}.last_data_row")


def _row_map(raw: dict[str, Any], p: str) -> dict[str, str]:
    rows: dict[str, str] = {}
    for label, code in raw.items():
        if not isinstance(code, str) or not code.strip():
            raise StudyError("must be a sector code (a string)", file=FILE, key=f"{p}.rows.{label}")
        k = norm_label(label)
        if k in rows:
            raise StudyError(
                "is listed twice (labels match ignoring case and spaces)",
                file=FILE,
                key=f"{p}.rows.{label}",
            )
        rows[k] = code.strip()
    return rows


def _column_map(cfg: dict[str, Any], p: str) -> dict[str, str]:
    what = TABLES[cfg["table"]]
    columns: dict[str, str] = {}
    for label, name in cfg["columns"].items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise StudyError(
                f"must name a {what} in lower_snake_case, got {name!r:.60}",
                file=FILE,
                key=f"{p}.columns.{label}",
            )
        k = norm_label(label)
        if k in columns:
            raise StudyError("is listed twice", file=FILE, key=f"{p}.columns.{label}")
        columns[k] = name
    if len(set(columns.values())) != len(columns):
        raise StudyError(f"maps two columns to one {what}", file=FILE, key=f"{p}.columns")
    return columns


def _unit_map(cfg: dict[str, Any], p: str) -> dict[str, str]:
    columns = cfg["columns"]
    units: dict[str, str] = {}
    for label, unit in cfg["units"].items():
        if not isinstance(unit, str):
            raise StudyError("must be a unit string", file=FILE, key=f"{p}.units.{label}")
        if norm_label(label) not in columns:
            raise StudyError(
                "names a column that is not under [yearbook.columns]"
                f"{suggest(norm_label(label), columns)}",
                file=FILE,
                key=f"{p}.units.{label}",
            )
        _check_unit(unit, f"{p}.units.{label}", cfg["table"])
        units[norm_label(label)] = unit
    if cfg["unit"] is not None:
        _check_unit(cfg["unit"], f"{p}.unit", cfg["table"])
    if cfg["unit"] is None and cfg["unit_row"] is None and set(columns) - set(units):
        missing = sorted(set(columns) - set(units))
        raise StudyError(
            f"no unit for column(s) {', '.join(missing)}",
            file=FILE,
            key=f"{p}.unit",
            fix='give unit = "..." for all columns, [yearbook.units] per column, or unit_row',
        )
    return units


# ---------------------------------------------------------------------------
# reading the mapped sheets


@dataclass(frozen=True)
class _Sheet:
    year: int
    file: str
    sheet: str | int | None
    label: str


def _instances(cfg: dict[str, Any], years: list[int] | None) -> list[_Sheet]:
    if cfg["year"] is not None:
        ys = [cfg["year"]]
    elif cfg["years"] is not None:
        ys = list(range(cfg["years"][0], cfg["years"][1] + 1))
    elif years:
        ys = list(years)
    else:
        raise StudyError(
            "the years to read are unknown",
            file=FILE,
            key=f"yearbook[{cfg['index']}].years",
            fix="give years = [first, last]",
        )
    out = []
    for y in ys:
        f = cfg["file"].replace("{year}", str(y))
        sh = (
            cfg["sheet"].replace("{year}", str(y))
            if isinstance(cfg["sheet"], str)
            else cfg["sheet"]
        )
        label = f if sh is None else f"{f} [{sh}]"
        out.append(_Sheet(year=y, file=f, sheet=sh, label=label))
    return out


def _col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _mapped_columns(cfg: dict[str, Any], label: str, rows: list[list[str]]) -> dict[str, int]:
    """Normalised column label -> 0-based index, from the header row."""
    p = f"yearbook[{cfg['index']}]"
    hr = cfg["header_row"] - 1
    if hr >= len(rows):
        raise StudyError(
            f"has no row {cfg['header_row']} (header_row)", file=label, fix=f"check {p}.header_row"
        )
    header = [norm_label(c) for c in rows[hr]]
    col_of: dict[str, int] = {}
    for i, h in enumerate(header):
        if h in cfg["columns"]:
            if h in col_of:
                raise StudyError(
                    f"has the column label '{shown(rows[hr][i])}' twice",
                    file=label,
                    row=hr + 1,
                    column=_col_letter(i),
                )
            col_of[h] = i
    missing = [c for c in cfg["columns"] if c not in col_of]
    if missing:
        present = [shown(h, 40) for h in header if h]
        raise StudyError(
            f"row {cfg['header_row']} has no column '{missing[0]}'{suggest(missing[0], present)}",
            file=label,
            row=hr + 1,
            fix=f"correct {p}.columns or {p}.header_row (labels in that row: {', '.join(present[:12])})",
        )
    return col_of


def _unit_of(cfg: dict[str, Any], label: str, rows: list[list[str]], c: str, i: int) -> str:
    """The unit of mapped column ``c`` (index ``i``): [yearbook.units], unit_row, or unit."""
    p = f"yearbook[{cfg['index']}]"
    u = cfg["units"].get(c)
    if u is None and cfg["unit_row"] is not None:
        ur = rows[cfg["unit_row"] - 1] if cfg["unit_row"] - 1 < len(rows) else []
        cell = (ur[i].strip() if i < len(ur) else "").strip("()（）[]")
        if cell:
            try:
                parse_unit(cell)
            except InputError as exc:
                raise StudyError(
                    exc.message, file=label, row=cfg["unit_row"], column=_col_letter(i), fix=exc.fix
                ) from exc
            u = cell
    u = u if u is not None else cfg["unit"]
    if u is None:
        raise StudyError(
            f"column '{c}' has no unit",
            file=label,
            row=cfg["unit_row"],
            column=_col_letter(i),
            fix=f"write the unit in that cell, or give {p}.unit",
        )
    return u


def _row_label(cfg: dict[str, Any], label: str, r: list[str], line: int) -> str | None:
    """The mapped label of a data row, ``None`` for an ignored row; unmapped is an error."""
    li = cfg["label_index"]
    text = r[li] if li < len(r) else ""
    lab = norm_label(text)
    if lab in cfg["ignore_rows"]:
        return None
    if lab not in cfg["rows"]:
        raise StudyError(
            f"row label '{shown(text.strip())}' is not mapped to a sector"
            f"{suggest(lab, cfg['rows'])}",
            file=label,
            row=line,
            column=_col_letter(li),
            fix=f"add it under [yearbook.rows] (label = sector code) or to "
            f"yearbook[{cfg['index']}].ignore_rows",
        )
    return lab


def _block(
    cfg: dict[str, Any], label: str, rows: list[list[str]], col_of: dict[str, int]
) -> Iterator[tuple[int, str | None, list[str]]]:
    """``(line, mapped label or None, row)`` of each row of the block, in order.

    The label is ``None`` for an ignored or blank row.  The block ends at
    ``last_data_row`` or, without it, at the first empty row.
    """
    li = cfg["label_index"]
    last = cfg["last_data_row"] - 1 if cfg["last_data_row"] else None
    i = cfg["first_data_row"] - 1
    while i < len(rows) and (last is None or i <= last):
        r = rows[i]
        if not norm_label(r[li] if li < len(r) else ""):
            if any((r[j] if j < len(r) else "").strip() for j in col_of.values()):
                raise StudyError(
                    "has values but no row label",
                    file=label,
                    row=i + 1,
                    column=_col_letter(li),
                    fix=f"label the row, or end the block with yearbook[{cfg['index']}].last_data_row",
                )
            if last is None and not any(c.strip() for c in r):
                return
            yield i + 1, None, r
        else:
            yield i + 1, _row_label(cfg, label, r, i + 1), r
        i += 1


def _read_one(cfg: dict[str, Any], inst: _Sheet, rows: list[list[str]]) -> pd.DataFrame:
    key = TABLES[cfg["table"]]
    label = inst.label
    col_of = _mapped_columns(cfg, label, rows)
    units = {c: _unit_of(cfg, label, rows, c, i) for c, i in col_of.items()}
    out: dict[str, list[Any]] = {
        k: [] for k in ("year", "sector", key, "value", "unit", "file", "line")
    }
    seen_labels: dict[str, int] = {}
    last_line = cfg["first_data_row"]
    for line, lab, r in _block(cfg, label, rows, col_of):
        last_line = line
        if lab is None:
            continue
        if lab in seen_labels:
            li = cfg["label_index"]
            raise StudyError(
                f"row label '{shown(r[li].strip())}' appears twice "
                f"(also on row {seen_labels[lab]})",
                file=label,
                row=line,
                column=_col_letter(li),
            )
        seen_labels[lab] = line
        for c, j in col_of.items():
            v = parse_number(
                r[j] if j < len(r) else "", file=label, row=line, column=_col_letter(j)
            )
            out["year"].append(inst.year)
            out["sector"].append(cfg["rows"][lab])
            out[key].append(cfg["columns"][c])
            out["value"].append(math.nan if v is None else v)
            out["unit"].append(units[c])
            out["file"].append(label)
            out["line"].append(line)
    absent = [lab for lab in cfg["rows"] if lab not in seen_labels]
    if absent:
        raise StudyError(
            f"has no row labelled '{absent[0]}' in rows {cfg['first_data_row']}-{last_line}",
            file=label,
            fix=f"correct the label under yearbook[{cfg['index']}].rows, "
            "or check first_data_row / last_data_row",
        )
    return pd.DataFrame(out).astype({"year": int, "value": float, "line": int})


def read_yearbook(
    study_dir: Path,
    cfg: dict[str, Any],
    years: list[int] | None = None,
    *,
    max_bytes: int | None = None,
) -> pd.DataFrame:
    """Long rows ``year, sector, fuel|variable, value, unit, file, line`` of one entry.

    ``cfg`` is one validated entry; ``years`` are used when the entry has a ``{year}``
    placeholder but no ``years`` key.  ``value`` is as written (NaN = missing), in
    ``unit`` (not yet canonical): the loader converts it like a CSV value.  Workbooks
    must resolve inside ``study_dir`` (a symbolic link out of it is refused) and be at
    most ``max_bytes`` (see :func:`carbonpath.io.files.read_input`).
    """
    frames = []
    cache: dict[str, Any] = {}
    try:
        for inst in _instances(cfg, years):
            path = Path(study_dir) / inst.file
            if inst.file not in cache:
                cache[inst.file] = open_workbook(
                    path, label=inst.file, root=Path(study_dir), max_bytes=max_bytes
                )
            ws = cache[inst.file].sheet(inst.sheet)
            frames.append(_read_one(cfg, inst, sheet_rows(ws)))
    finally:
        for wb in cache.values():
            wb.close()
    return pd.concat(frames, ignore_index=True)


def read_yearbooks(
    study_dir: Path,
    entries: list[dict[str, Any]],
    years: list[int] | None = None,
    *,
    max_bytes: int | None = None,
) -> dict[str, pd.DataFrame]:
    """Every ``[[yearbook]]`` entry read and concatenated per target table."""
    out: dict[str, list[pd.DataFrame]] = {}
    for cfg in entries:
        out.setdefault(cfg["table"], []).append(
            read_yearbook(study_dir, cfg, years, max_bytes=max_bytes)
        )
    return {t: pd.concat(fs, ignore_index=True) for t, fs in out.items()}


def yearbook_tables(
    study_dir: Path,
    entries: list[dict[str, Any]],
    years: list[int] | None = None,
    *,
    max_bytes: int | None = None,
) -> dict[str, list[Table]]:
    """The yearbook rows as CSV-like Tables (one per sheet read), keyed by target table.

    Columns ``year, sector, fuel|variable, value, unit`` as text; ``lines`` are the
    spreadsheet rows, ``label`` names file and sheet; so the loader can run them
    through the same code as ``energy.csv`` / ``economy.csv``.
    """
    out: dict[str, list[Table]] = {}
    for cfg in entries:
        key = TABLES[cfg["table"]]
        df = read_yearbook(study_dir, cfg, years, max_bytes=max_bytes)
        for label, g in df.groupby("file", sort=False):
            rows = [
                [
                    str(int(r.year)),
                    r.sector,
                    getattr(r, key),
                    "" if math.isnan(r.value) else repr(float(r.value)),
                    r.unit,
                ]
                for r in g.itertuples(index=False)
            ]
            out.setdefault(cfg["table"], []).append(
                Table(
                    path=Path(study_dir) / str(label).split(" [")[0],
                    label=str(label),
                    encoding="xlsx",
                    columns=["year", "sector", key, "value", "unit"],
                    rows=rows,
                    lines=g["line"].astype(int).tolist(),
                )
            )
    return out
