"""Facility-level energy and emission tables folded into sector cells at load.

A long table with a ``facility`` column (facility -> sector -> region) is summed, on the
study's engine (:mod:`carbonpath.engine`), into one row per ``[region,] year, sector,
fuel``: ``value`` = sum of the facilities' values (canonical units), ``facilities`` =
how many, ``u_scale`` = sqrt(sum x_i^2) / sum x_i (the activity half-width of the sum
relative to that of one datum, IPCC 2006 Vol. 1 eq. 3.2), ``line`` = the first input
line of the cell.  Every later step (quality, accounting, the resolver) sees sector
cells; the facilities named in ``[engine] facilities`` are kept row by row for their
own results.  One cell's facilities must report the fuel in one kind of unit (all
physical, or all energy): carbonpath does not convert between them before the factors.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from carbonpath.core.errors import InputError, StudyError
from carbonpath.core.text import is_valid_code
from carbonpath.core.units import CANONICAL, parse_unit
from carbonpath.engine.aggregate import aggregate
from carbonpath.engine.csvfile import CsvSource, csv_header
from carbonpath.engine.fold import FoldInput, fold_file
from carbonpath.engine.settings import EngineSettings
from carbonpath.io import columnar
from carbonpath.io.tables import Table
from carbonpath.study.tables import Codes, LongSpec, codes_of, numbers, read_long, years_of

__all__ = ["FileRules", "cells_of", "fold_facilities", "fold_facility_file", "negative"]


def _a(word: str) -> str:
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def _mixed(label: str, keys: list[str], sums: pd.DataFrame, what: str) -> None:
    """Refuse a cell whose facilities give the fuel in two kinds of unit."""
    dup = sums.duplicated(keys, keep=False)
    if not dup.any():
        return
    cell = sums[dup].sort_values("line").iloc[-1]
    first = sums[dup & (sums[keys] == cell[keys]).all(axis=1)].sort_values("line").iloc[0]
    where = ", ".join(f"{k} {cell[k]}" for k in keys)
    raise StudyError(
        f"facilities of {where} give the {what} in {_a(cell['dimension'])} unit here but in "
        f"{_a(first['dimension'])} unit on row {int(first['line'])}",
        file=label,
        row=int(cell["line"]),
        column="unit",
        fix="give one cell's facilities in physical units (t, m3) or all in energy units (tce)",
    )


def cells_of(
    sums: pd.DataFrame, keys: list[str], unit: pd.Series, label: str, value: str
) -> pd.DataFrame:
    """Sector cells from the sums by ``keys`` and dimension: ``value`` = sum x,
    ``facilities`` = n, ``u_scale`` = sqrt(sum x^2) / sum x (NaN where the sum is 0),
    ``line`` = the cell's first row; ordered by that row."""
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.sqrt(sums["value_sq"].to_numpy()) / sums["value"].to_numpy()
    cells = sums[keys].copy()
    cells[value] = sums["value"].to_numpy()
    cells["unit"] = sums["dimension"].map(unit).to_numpy()
    cells["dimension"] = sums["dimension"].to_numpy()
    cells["source_unit"] = cells["unit"]
    cells["file"] = label
    cells["line"] = sums["line"].to_numpy()
    cells["facilities"] = sums["n"].to_numpy()
    cells["u_scale"] = np.where(sums["value"].to_numpy() > 0, scale, np.nan)
    return cells.sort_values("line", kind="stable").reset_index(drop=True)


def negative(r: pd.Series, value: str, label: str) -> StudyError:
    """The error of a facility row with a negative (canonical) value."""
    return StudyError(
        f"value {r[value]:g} {r['unit']} of facility {r['facility']} is negative",
        file=label,
        row=int(r["line"]),
        column="value",
        fix="a facility's energy use or emissions cannot be negative; correct the value",
    )


def fold_facilities(
    table: pd.DataFrame | None, engine: EngineSettings, *, value: str = "value", what: str = "fuel"
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """(sector cells, the kept facilities' rows) of a long table; unchanged without facilities."""
    if table is None or "facility" not in table.columns:
        return table, None
    keys = [k for k in ("region", "year", "sector", "fuel") if k in table.columns]
    neg = np.flatnonzero((table[value] < 0).to_numpy())
    if neg.size:
        r = table.iloc[int(neg[0])]
        raise negative(r, value, str(r["file"]))
    act = table.loc[:, [*keys, "facility", value, "unit", "dimension", "line"]]
    act = act.rename(columns={value: "value"})
    units = act[["unit", "dimension"]].drop_duplicates().assign(factor=1.0)
    factors = pd.DataFrame({"fuel": [], "dimension": [], "co2_per_unit": []})
    sums = aggregate(act, units, factors, engine, by=[*keys, "dimension"])
    label = str(table["file"].iat[0]) if len(table) else ""
    _mixed(label, keys, sums, what)
    unit = act.drop_duplicates("dimension").set_index("dimension")["unit"]
    cells = cells_of(sums, keys, unit, label, value)
    kept = None
    if engine.facilities:
        kept = table[table["facility"].isin(engine.facilities)].reset_index(drop=True)
    return cells, kept


# -- out of core: a facility Parquet file folded on DuckDB (carbonpath.engine.fold) --


def _column(raw: pd.Series) -> pd.Series:
    """Raw file cells as the pandas loader holds them (:func:`columnar.parquet_columns`):
    integers Int64, floats float, anything else stripped (NFKC) text with "" for null."""
    raw = raw.reset_index(drop=True)
    if pd.api.types.is_bool_dtype(raw.dtype) or not pd.api.types.is_numeric_dtype(raw.dtype):
        text = pa.array(
            [
                None
                if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))
                else str(v)
                for v in raw.astype(object)
            ],
            type=pa.string(),
        )
        return pd.Series(pd.arrays.ArrowStringArray(columnar._clean(pc.fill_null(text, ""))))
    if pd.api.types.is_integer_dtype(raw.dtype):
        return raw.astype("Int64")
    return raw.astype(float)


@dataclass(frozen=True)
class FileRules:
    """What the pandas loader checks in a long table (study codes, years, the spec)."""

    spec: LongSpec
    codes: Codes
    years: tuple[int, int]

    def year(self, raw: pd.Series) -> pd.DataFrame:
        y, bad = years_of(_column(raw))
        ok = (~bad & (y >= self.years[0]) & (y <= self.years[1])).fillna(False).astype(bool)
        return pd.DataFrame({"raw": raw, "norm": y.fillna(0).astype(np.int64), "ok": ok.values})

    def region(self, raw: pd.Series) -> pd.DataFrame:
        code = codes_of(_column(raw))
        return pd.DataFrame({"raw": raw, "norm": code.values, "ok": code.isin(self.codes.regions)})

    def sector(self, raw: pd.Series) -> pd.DataFrame:
        code = codes_of(_column(raw))
        allowed = set(self.codes.sectors)
        if self.spec.region_rows or not self.codes.sectors:
            allowed.add("")
        return pd.DataFrame({"raw": raw, "norm": code.values, "ok": code.isin(allowed).values})

    def fuel(self, raw: pd.Series) -> pd.DataFrame:
        name = _column(raw).astype(str).str.strip().str.lower()
        ok = name != ""
        if self.spec.known is not None:
            ok &= name.isin(list(self.spec.known))
        return pd.DataFrame({"raw": raw, "norm": name.values, "ok": ok.values})

    def unit(self, raw: pd.Series) -> pd.DataFrame:
        rows = []
        for text in _column(raw).astype(str):
            try:
                p = parse_unit(text) if text.strip() else None
            except InputError:
                p = None
            ok = p is not None and (self.spec.dims is None or p.dimension in self.spec.dims)
            rows.append(
                (p.canonical if p else "", ok, p.factor if p else 0.0, p.dimension if p else "")
            )
        m = pd.DataFrame(rows, columns=["norm", "ok", "factor", "dimension"])
        m.insert(0, "raw", raw.reset_index(drop=True))
        return m.astype({"ok": bool, "factor": float})

    def facility(self, raw: pd.Series) -> pd.DataFrame:
        code = codes_of(_column(raw).astype(str))
        plain = code.str.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.+\-]{0,63}").fillna(False)
        ok = plain.to_numpy(dtype=bool).copy()
        rest = np.flatnonzero(~ok)
        ok[rest] = [is_valid_code(code.iat[i]) for i in rest]
        return pd.DataFrame({"raw": raw, "norm": code.values, "ok": ok})

    def table(self, rows: pd.DataFrame, path: Path, label: str) -> pd.DataFrame:
        """``read_long`` of raw file rows (raises its error at the earliest bad row)."""
        frame = pd.DataFrame({c: _column(rows[c]) for c in rows.columns if c != "line"})
        frame["line"] = rows["line"].to_numpy(dtype=np.int64)
        t = Table.of_frame(frame, path=path, label=label, encoding="parquet")
        return read_long(t, self.spec, self.codes, self.years)


def plain_values(raw: pd.Series) -> pd.Series:
    """Value texts as the pandas loader reads them (:func:`numbers`: ``1,234``, full-width
    digits, spaces, the missing markers), as plain texts: the number (``repr``, which
    reads back to the same float), ``""`` where missing, the text itself where it is
    not a number (the fold then refuses it at its row)."""
    raw = raw.reset_index(drop=True)
    v, bad = numbers(_column(raw))
    text = pd.Series([repr(float(x)) for x in v.to_numpy()], dtype=object)
    text[v.isna().to_numpy()] = ""
    return text.where(~bad.to_numpy(), raw.astype(str))


def fold_facility_file(
    path: Path,
    columns: dict[str, str],
    rules: FileRules,
    engine: EngineSettings,
    *,
    label: str,
    value: str = "value",
    what: str = "fuel",
    encoding: str = "auto",
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """(sector cells, the kept facilities' rows) of a facility Parquet or CSV file
    (``encoding``: the study's, for a CSV), folded on DuckDB out of core with the checks
    of the pandas path (same cells, same errors)."""
    maps = {c: getattr(rules, c) for c in ("year", "region", "sector", "fuel", "unit", "facility")}
    csv = None
    if path.suffix.lower() not in (".parquet", ".pq"):
        header = csv_header(path, encoding)
        csv = CsvSource(header, encoding, label, plain_values, columns.get("value", "value"))
    inp = FoldInput(path, columns, maps, lambda rows: rules.table(rows, path, label), csv)
    sums, neg, kept_rows = fold_file(inp, engine)
    if len(neg):
        raise negative(rules.table(neg, path, label).iloc[0], "value", label)
    keys = [k for k in ("region", "year", "sector", "fuel") if k in columns]
    sums = sums.astype({"n": np.int64, "line": np.int64})
    if "year" in sums:
        sums["year"] = sums["year"].astype(np.int64)
    sums = sums.sort_values([*keys, "dimension"], kind="stable").reset_index(drop=True)
    _mixed(label, keys, sums, what)
    unit = pd.Series(CANONICAL)  # the canonical unit of each dimension
    cells = cells_of(sums, keys, unit, label, value)
    kept = None
    if engine.facilities:
        kept = rules.table(kept_rows, path, label) if len(kept_rows) else None
        if kept is not None and value != "value":
            kept = kept.rename(columns={"value": value})
    return cells, kept
