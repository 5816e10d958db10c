"""The ``[[yearbook]]`` entries of study.toml: validated once, defaults filled in.

:func:`validate_config` checks every key (one-line errors naming ``yearbook[n].key``)
and returns each entry as a dict with derived fields (``label_index``, normalised
``rows`` / ``columns`` / ``units`` / ``ignore_rows``, ``header_rows``, ``data_offset``).
Keys and rules: docs/data-import.md.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from carbonpath.core.errors import InputError, StudyError, suggest
from carbonpath.core.limits import MAX_TABLE_ROWS
from carbonpath.core.settings import SettingsModel, parse
from carbonpath.core.units import parse_unit

FILE = "study.toml"
TABLES = {"energy": "fuel", "economy": "variable"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
FOOTNOTES = ("strip", "refuse")
_DATA_YEAR = re.compile(r"^\s*year\s*(?:(?P<sign>[+-])\s*(?P<n>\d{1,2}))?\s*$")


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
    "header_row": ((int, list), 1, "row holding the column labels, or [group row, sub row]"),
    "first_data_row": ((int,), None, "first row of the mapped block (default header_row + 1)"),
    "last_data_row": ((int,), None, "last row of the block (default: up to the first empty row)"),
    "label_column": ((str, int), "A", "column holding the row labels (letter or number)"),
    "rows": ((dict,), None, "row label -> sector code"),
    "columns": ((dict,), None, "column label -> fuel or variable"),
    "ignore_rows": ((list,), [], "row labels in the block that are not sectors (totals ...)"),
    "footnotes": ((str,), "strip", "strip or refuse footnote marks (①, ¹, *, a) on numbers"),
    "fuels": ((str,), None, "ceads: the yearbook's 17 fuel columns (原煤 ... 天然气) mapped"),
    "data_year": ((str,), "year", 'the year of the data, e.g. "year - 1" for a yearbook'),
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
        cfg = _typed_entry(entry, p, n)
        _check_table_and_file(cfg, p)
        _check_years(cfg, p)
        _check_header_rows(cfg, p)
        _check_rows(cfg, p)
        _check_marks_and_data_year(cfg, p)
        cfg["label_index"] = _col_index(cfg["label_column"], f"{p}.label_column")
        cfg["rows"] = _row_map(cfg["rows"], p)
        cfg["columns"] = _column_map(cfg, p)
        cfg["units"] = _unit_map(cfg, p)
        cfg["ignore_rows"] = [norm_label(label) for label in cfg["ignore_rows"]]
        cfg["index"] = n
        out.append(cfg)
    return out


class YearbookEntry(SettingsModel):
    """One ``[[yearbook]]`` table, typed (strict: no bool for an int, no float for a row).

    Unknown keys are refused with a suggestion and every error is one line naming the
    key path (``yearbook[2].header_row``); :func:`validate_config` adds the checks across
    keys and the derived fields.
    """

    file: str
    table: str
    sheet: str | int | None = None
    year: int | None = None
    years: list[int] | None = None
    unit: str | None = None
    units: dict[str, str] = {}
    unit_row: int | None = None
    header_row: int | list[int] = 1
    first_data_row: int | None = None
    last_data_row: int | None = None
    label_column: str | int = "A"
    rows: dict[str, str]
    columns: dict[str, str] = {}
    ignore_rows: list[str] = []
    footnotes: str = "strip"
    data_year: str = "year"
    fuels: str | None = None


def _typed_entry(entry: Any, p: str, n: int) -> dict[str, Any]:
    """One entry parsed by :class:`YearbookEntry`, as a dict with defaults filled in."""
    if not isinstance(entry, dict):
        raise StudyError("must be a table", file=FILE, key=p, fix="write [[yearbook]]")
    cfg = parse(YearbookEntry, entry, prefix=("yearbook", n - 1)).model_dump()
    cfg = {k: cfg[k] for k in YEARBOOK_KEYS}  # the documented order
    if cfg["fuels"] is not None:
        _preset(cfg, p)
    for k in ("file", "table", "rows", "columns"):
        if cfg[k] is None or cfg[k] == "" or cfg[k] == {}:
            raise StudyError(f"is required ({YEARBOOK_KEYS[k][2]})", file=FILE, key=f"{p}.{k}")
    return cfg


#: the fuel columns of the China Energy Statistical Yearbook (and CEADs) -> CEADs fuel ids
CEADS_FUEL_LABELS: dict[str, str] = {
    "原煤": "raw_coal",
    "洗精煤": "cleaned_coal",
    "其他洗煤": "other_washed_coal",
    "型煤": "briquettes",
    "焦炭": "coke",
    "焦炉煤气": "coke_oven_gas",
    "其他煤气": "other_gas",
    "其他焦化产品": "other_coking_products",
    "原油": "crude_oil",
    "汽油": "gasoline",
    "煤油": "kerosene",
    "柴油": "diesel_oil",
    "燃料油": "fuel_oil",
    "液化石油气": "lpg",
    "炼厂干气": "refinery_gas",
    "其他石油制品": "other_petroleum_products",
    "天然气": "natural_gas",
    "热力": "heat",
    "电力": "electricity",
}


def _preset(cfg: dict[str, Any], p: str) -> None:
    """``fuels = "ceads"``: the standard fuel columns, each optional (a sheet may print
    some only); ``columns`` entries add to or override them."""
    if cfg["fuels"] != "ceads":
        raise StudyError(
            f"'{cfg['fuels']}' is not a fuel list{suggest(cfg['fuels'], ['ceads'])}",
            file=FILE,
            key=f"{p}.fuels",
            fix='use fuels = "ceads" (the yearbook\'s 17 fuels, heat and electricity)',
        )
    if cfg["table"] != "energy":
        raise StudyError(
            "is for energy sheets", file=FILE, key=f"{p}.fuels", fix='use it with table = "energy"'
        )
    given = dict(cfg["columns"] or {})
    taken = {norm_label(k) for k in given}
    used = set(given.values())
    preset = {
        k: v for k, v in CEADS_FUEL_LABELS.items() if norm_label(k) not in taken and v not in used
    }
    cfg["columns"] = {**preset, **given}
    cfg["optional_columns"] = [norm_label(k) for k in preset]


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


def _check_header_rows(cfg: dict[str, Any], p: str) -> None:
    """``header_row``: one row, or two (a group row over a sub row, merged cells)."""
    h = cfg["header_row"]
    rows = h if isinstance(h, list) else [h]
    ok = all(isinstance(r, int) and not isinstance(r, bool) for r in rows) and len(rows) in (1, 2)
    if not ok or (len(rows) == 2 and rows[1] <= rows[0]):
        raise StudyError(
            f"must be a row number or [group row, sub row], got {h!r:.60}",
            file=FILE,
            key=f"{p}.header_row",
            fix="e.g. header_row = 3, or header_row = [3, 4] for a fuel group over its sub-columns",
        )
    cfg["header_rows"] = rows
    cfg["header_row"] = rows[-1]


def _check_marks_and_data_year(cfg: dict[str, Any], p: str) -> None:
    if cfg["footnotes"] not in FOOTNOTES:
        raise StudyError(
            f"'{cfg['footnotes']}' is not allowed{suggest(cfg['footnotes'], FOOTNOTES)}",
            file=FILE,
            key=f"{p}.footnotes",
            fix="use strip (marks removed, each stripped cell listed) or refuse",
        )
    m = _DATA_YEAR.match(cfg["data_year"])
    if not m:
        raise StudyError(
            f"'{cfg['data_year']}' is not of the form year, year - 1, year + 1",
            file=FILE,
            key=f"{p}.data_year",
            fix='a yearbook printing the previous year\'s data: data_year = "year - 1"',
        )
    n = int(m.group("n") or 0)
    cfg["data_offset"] = -n if m.group("sign") == "-" else n


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
    # without unit, units or unit_row the unit line above the header (单位：万吨) is
    # used; a sheet without one is an error when it is read
    return units
