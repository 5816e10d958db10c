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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from carbonpath.core.errors import InputError, StudyError, suggest
from carbonpath.core.units import parse_unit
from carbonpath.io.footnotes import split_mark
from carbonpath.io.tables import Table, parse_number, shown
from carbonpath.io.workbook import open_workbook
from carbonpath.io.xlsx import cell_text as cell_text  # re-exported
from carbonpath.io.xlsx import sheet_rows
from carbonpath.io.yearbook_config import FILE, TABLES, YEARBOOK_KEYS, norm_label, validate_config
from carbonpath.io.yearbook_layout import (
    column_keys,
    is_note,
    slash_key,
    strip_label_marks,
    title_unit,
)

__all__ = [
    "YEARBOOK_KEYS",
    "YearbookTable",
    "norm_label",
    "read_yearbook",
    "read_yearbooks",
    "validate_config",
    "yearbook_tables",
]


# ---------------------------------------------------------------------------
# reading the mapped sheets


@dataclass(frozen=True)
class YearbookTable(Table):
    """A yearbook sheet's rows as a Table, with the footnote marks stripped from cells:
    ``footnotes`` = ``[(spreadsheet row, fuel or variable, mark), ...]``."""

    footnotes: tuple[tuple[int, str, str], ...] = ()


@dataclass(frozen=True)
class _Sheet:
    year: int  #: the year of the data (the edition year + data_offset)
    file: str
    sheet: str | int | None
    label: str


def _editions(cfg: dict[str, Any], years: list[int] | None) -> list[int]:
    """The years that name the files or sheets (editions); without ``years`` the
    study's years shifted back by ``data_year`` (a 2020 edition holds 2019 data)."""
    if cfg["year"] is not None:
        return [cfg["year"]]
    if cfg["years"] is not None:
        return list(range(cfg["years"][0], cfg["years"][1] + 1))
    if years:
        return [y - cfg.get("data_offset", 0) for y in years]
    raise StudyError(
        "the years to read are unknown",
        file=FILE,
        key=f"yearbook[{cfg['index']}].years",
        fix="give years = [first, last]",
    )


def _instances(cfg: dict[str, Any], years: list[int] | None) -> list[_Sheet]:
    out = []
    for y in _editions(cfg, years):
        f = cfg["file"].replace("{year}", str(y))
        sh = (
            cfg["sheet"].replace("{year}", str(y))
            if isinstance(cfg["sheet"], str)
            else cfg["sheet"]
        )
        label = f if sh is None else f"{f} [{sh}]"
        out.append(_Sheet(year=y + cfg.get("data_offset", 0), file=f, sheet=sh, label=label))
    return out


def _col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _mapped_columns(cfg: dict[str, Any], label: str, rows: list[list[str]]) -> dict[str, int]:
    """Normalised column label -> 0-based index, from the header row(s)."""
    p = f"yearbook[{cfg['index']}]"
    for r in cfg["header_rows"]:
        if r - 1 >= len(rows):
            raise StudyError(
                f"has no row {r} (header_row)", file=label, fix=f"check {p}.header_row"
            )
    keys = column_keys(rows, cfg["header_rows"])
    col_of: dict[str, int] = {}
    hr = cfg["header_row"]
    for c in cfg["columns"]:
        hits = [j for j, ks in keys.items() if slash_key(c) in ks]
        if len(hits) > 1:
            shown_keys = [keys[j][-1] for j in hits]
            raise StudyError(
                f"has the column label '{shown(c)}' {len(hits)} times "
                f"(columns {', '.join(_col_letter(j) for j in hits)})",
                file=label,
                row=hr,
                column=_col_letter(hits[1]),
                fix=f"name the column with its group under {p}.columns, e.g. '{shown_keys[0]}'",
            )
        if hits:
            col_of[c] = hits[0]
    optional = set(cfg.get("optional_columns", ()))
    missing = [c for c in cfg["columns"] if c not in col_of and c not in optional]
    if missing or not col_of:
        missing = missing or list(cfg["columns"])
        present = [ks[-1] for ks in keys.values()]
        raise StudyError(
            f"row {hr} has no column '{missing[0]}'{suggest(missing[0], present)}",
            file=label,
            row=hr,
            fix=f"correct {p}.columns or {p}.header_row (labels found: {', '.join(present[:12])})",
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
        u = _title_unit(cfg, label, rows)
    if u is None:
        raise StudyError(
            f"column '{c}' has no unit",
            file=label,
            row=cfg["unit_row"],
            column=_col_letter(i),
            fix=f"give {p}.unit, [yearbook.units] or unit_row; or keep the sheet's unit line "
            "(单位：万吨) above the header",
        )
    return u


def _title_unit(cfg: dict[str, Any], label: str, rows: list[list[str]]) -> str | None:
    """The unit line above the header (``单位：万吨``), parsed; None when there is none."""
    found = title_unit(rows, cfg["header_rows"][0])
    if found is None:
        return None
    text, row, col = found
    try:
        parse_unit(text)
    except InputError as exc:
        raise StudyError(
            f"unit line '{shown(text)}': {exc.message}",
            file=label,
            row=row,
            column=_col_letter(col),
            fix=exc.fix,
        ) from exc
    return text


def _row_label(cfg: dict[str, Any], label: str, r: list[str], line: int) -> str | None:
    """The mapped label of a data row, ``None`` for an ignored row; unmapped is an error."""
    li = cfg["label_index"]
    text = r[li] if li < len(r) else ""
    lab = norm_label(text)
    if lab not in cfg["rows"] and lab not in cfg["ignore_rows"]:
        lab = norm_label(strip_label_marks(text))  # 医药制造业① -> 医药制造业
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


def _label_at(cfg: dict[str, Any], r: list[str]) -> str:
    li = cfg["label_index"]
    return r[li] if li < len(r) else ""


def _spacer(cfg: dict[str, Any], rows: list[list[str]], i: int) -> bool:
    """Whether the blank row ``i`` is a spacer: the next filled row is a mapped sector."""
    for r in rows[i + 1 :]:
        if any(c.strip() for c in r):
            text = _label_at(cfg, r)
            keys = (norm_label(text), norm_label(strip_label_marks(text)))
            return any(k in cfg["rows"] or k in cfg["ignore_rows"] for k in keys if k)
    return False


def _block(
    cfg: dict[str, Any], label: str, rows: list[list[str]], col_of: dict[str, int]
) -> Iterator[tuple[int, str | None, list[str]]]:
    """``(line, mapped label or None, row)`` of each row of the block, in order.

    The label is ``None`` for an ignored or blank row.  The block ends at
    ``last_data_row`` or, without it, at a note under the table (``注：``, ``资料来源：``,
    ``①`` ...) or a blank row that is not a spacer before more mapped sectors.
    """
    li = cfg["label_index"]
    last = cfg["last_data_row"] - 1 if cfg["last_data_row"] else None
    i = cfg["first_data_row"] - 1
    while i < len(rows) and (last is None or i <= last):
        r = rows[i]
        text = _label_at(cfg, r)
        if last is None and is_note(text):
            return
        if not norm_label(text):
            if any((r[j] if j < len(r) else "").strip() for j in col_of.values()):
                raise StudyError(
                    "has values but no row label",
                    file=label,
                    row=i + 1,
                    column=_col_letter(li),
                    fix=f"label the row, or end the block with yearbook[{cfg['index']}].last_data_row",
                )
            if last is None and not any(c.strip() for c in r) and not _spacer(cfg, rows, i):
                return
            yield i + 1, None, r
        else:
            yield i + 1, _row_label(cfg, label, r, i + 1), r
        i += 1


def _number(cfg: dict[str, Any], text: str, label: str, line: int, col: str) -> tuple[float, str]:
    """A cell's value (NaN = missing) and the footnote mark stripped from it ("" if none)."""
    mark = ""
    if cfg.get("footnotes", "strip") == "strip":
        text, mark = split_mark(text)
    v = parse_number(text, file=label, row=line, column=col)
    return (math.nan if v is None else v), mark


def _read_one(cfg: dict[str, Any], inst: _Sheet, rows: list[list[str]]) -> pd.DataFrame:
    key = TABLES[cfg["table"]]
    label = inst.label
    col_of = _mapped_columns(cfg, label, rows)
    units = {c: _unit_of(cfg, label, rows, c, i) for c, i in col_of.items()}
    out: dict[str, list[Any]] = {
        k: [] for k in ("year", "sector", key, "value", "unit", "file", "line", "footnote")
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
            v, mark = _number(cfg, r[j] if j < len(r) else "", label, line, _col_letter(j))
            out["footnote"].append(mark)
            out["year"].append(inst.year)
            out["sector"].append(cfg["rows"][lab])
            out[key].append(cfg["columns"][c])
            out["value"].append(v)
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
    """Long rows ``year, sector, fuel|variable, value, unit, file, line, footnote``.

    ``footnote`` is the mark stripped from the cell (``①``), "" for a clean cell.
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
            marks = [
                (int(r.line), getattr(r, key), r.footnote)
                for r in g.itertuples(index=False)
                if r.footnote
            ]
            out.setdefault(cfg["table"], []).append(
                YearbookTable(
                    path=Path(study_dir) / str(label).split(" [")[0],
                    label=str(label),
                    encoding="xlsx",
                    columns=["year", "sector", key, "value", "unit"],
                    rows=rows,
                    lines=g["line"].astype(int).tolist(),
                    footnotes=tuple(marks),
                )
            )
    return out
