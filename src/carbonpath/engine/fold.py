"""Facility tables folded into sector cells on DuckDB, straight from a Parquet file
(or from a CSV streamed into the connection with its exact lines: :mod:`.csvfile`).

A facility inventory too large for memory (``[engine] kind = "duckdb"``, or above
``threshold_rows``) is never read into pandas.  DuckDB scans the file and this module

1. maps each distinct text of the small columns (year, region, sector, fuel, unit; and
   the facility codes) through the same Python normalisation and checks the pandas
   loader applies (:func:`carbonpath.study.tables.read_long` via ``normalise``), held
   as small joined tables — so a code is judged exactly as on the pandas path;
2. flags the rows a check refuses (an unknown code, a year outside the study, a value
   that is not a finite number: a semi-join on the few refused raw texts, no join of
   every row) and the keys ``[region,] year, sector, facility, fuel`` that repeat
   (``GROUP BY hash(...) HAVING COUNT(*) > 1`` over the raw columns where raw texts map
   one to one onto codes, else over the normalised codes; then the exact rows);
3. hands those few raw rows to ``explain`` (the pandas checks on just these rows), which
   raises the one-line error of the earliest offending row; row N is the Parquet
   file's row ``file_row_number + 2`` (the line it would have as CSV), or the CSV's own
   line;
4. runs the engine's aggregation SQL (:func:`carbonpath.engine.aggregate.aggregate_sql`,
   grouped by the raw cell keys and the unit's dimension, with ``MIN(line)``) under the
   engine's memory limit, then maps the raw keys of the sums to codes (and adds up the
   sums of two raw texts of one code).

No user text enters the SQL: the file's columns are renamed through the relation API,
mapping tables are registered frames.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from carbonpath.core.errors import StudyError
from carbonpath.engine.aggregate import aggregate_sql
from carbonpath.engine.csvfile import CsvSource, csv_rows_columns, ingest_csv
from carbonpath.engine.duck import connect
from carbonpath.engine.settings import EngineSettings

__all__ = ["FoldInput", "csv_rows_columns", "fold_file", "parquet_rows_columns"]

_TEXT = ("region", "sector", "fuel", "unit")
_BATCH = 10_000


@dataclass(frozen=True)
class FoldInput:
    """A facility file and the loader's rules for it.

    ``columns``: canonical name -> the column's name in the file; ``maps``: per text
    column a function from its distinct raw values to a frame ``raw, norm, ok`` (plus
    ``factor, dimension`` for ``unit``); ``explain``: raises the pandas error of a frame
    of raw rows (with ``line``); ``csv``: how to read the file when it is a CSV
    (:mod:`carbonpath.engine.csvfile`; None: Parquet).
    """

    path: Path
    columns: dict[str, str]
    maps: dict[str, Callable[[pd.Series], pd.DataFrame]]
    explain: Callable[[pd.DataFrame], None]
    csv: CsvSource | None = None


def parquet_rows_columns(path: Path) -> tuple[int, list[str]]:
    """(rows, column names) of a Parquet file from its footer (nothing else is read)."""
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path)
    return int(meta.metadata.num_rows), list(meta.schema_arrow.names)


def _raw_view(con, inp: FoldInput) -> list[str]:
    """View ``raw``: the file's columns under canonical names, and ``line``."""
    import duckdb

    if inp.csv is not None:  # streamed into a table with its exact lines (csvfile)
        rel = con.table(ingest_csv(con, inp.path, inp.csv, len(inp.columns)))
        pos = {name: f"c{j}" for j, name in enumerate(inp.csv.header)}
        exprs = [duckdb.ColumnExpression(pos[src]).alias(name) for name, src in inp.columns.items()]
        rel.select(*exprs, duckdb.ColumnExpression("line")).create_view("raw")
        return []
    rel = con.read_parquet(str(inp.path), file_row_number=True)
    types = dict(zip(rel.columns, rel.dtypes, strict=True))
    exprs = [duckdb.ColumnExpression(src).alias(name) for name, src in inp.columns.items()]
    line = duckdb.ColumnExpression("file_row_number") + duckdb.ConstantExpression(2)
    rel.select(*exprs, line.alias("line")).create_view("raw")
    return [name for name, src in inp.columns.items() if _numeric(str(types[src]))]


def _numeric(typ: str) -> bool:
    t = typ.upper()
    return (
        t.startswith(("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "U"))
        or t
        in (
            "FLOAT",
            "DOUBLE",
            "REAL",
        )
        or t.startswith("DECIMAL")
    )


def _register_maps(con, inp: FoldInput) -> list[str]:
    """Map tables ``m_<col>`` (raw -> norm, ok) for the small columns and facilities;
    returns the key columns whose map is not one to one (two raw texts, one code)."""
    merged = []
    for col in [c for c in ("year", *_TEXT) if c in inp.columns] + ["facility"]:
        raw = con.execute(f"SELECT DISTINCT {col} AS raw FROM raw").df()["raw"]  # noqa: S608
        m = inp.maps[col](raw)
        con.from_df(m).create_view(f"m_{col}")
        if col != "unit" and m.loc[m["ok"], "norm"].duplicated().any():
            merged.append(col)
    return merged


def _value_sql(inp: FoldInput, numeric: list[str]) -> tuple[str, str]:
    """(the row's value as DOUBLE, the condition that it is not a readable number)."""
    if "value" in numeric:
        value = "CAST(r.value AS DOUBLE)"
        return value, f"COALESCE(isinf({value}), FALSE)"
    t = "trim(CAST(r.value AS VARCHAR))"  # text numbers: a plain decimal, or a missing marker
    ok = (
        rf"(regexp_full_match({t}, '[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?')"
        f" OR COALESCE({t}, '') IN ('', '-', '--', 'NA', 'N/A', 'n/a', '...'))"
    )
    return f"TRY_CAST({t} AS DOUBLE)", f"NOT {ok}"


def _bad_sql(con, inp: FoldInput, bad_value: str) -> str:
    """The condition that a raw row fails a row-local check: a raw text whose map says
    not ok (a few raw texts: a semi-join on them), or a value that is not a number."""
    conds = [bad_value]
    for col in [c for c in ("year", *_TEXT, "facility") if c in inp.columns]:
        bad = con.execute(f"SELECT COUNT(*), COUNT(raw) FROM m_{col} WHERE NOT ok").fetchone()  # noqa: S608
        if bad[1]:
            conds.append(f"r.{col} IN (SELECT raw FROM m_{col} WHERE NOT ok AND raw IS NOT NULL)")
        if bad[0] > bad[1]:
            conds.append(f"r.{col} IS NULL")
    return " OR ".join(f"({c})" for c in conds)


def _keyed_view(con, inp: FoldInput, merged: list[str]) -> str:
    """View ``keyed``: a hash of each row's ``[region,] year, sector, facility, fuel`` and
    its line.  A key column whose raw texts map one to one onto codes is hashed as it is
    in the file (no join); only a column where two raw texts are one code (``A`` and
    `` A``, two Unicode forms of one name) is hashed by its normalised code."""
    keys = [k for k in ("region", "year", "sector", "facility", "fuel") if k in inp.columns]
    parts = [f"m_{k}.norm" if k in merged else f"r.{k}" for k in keys]
    joins = " ".join(
        f"LEFT JOIN m_{k} ON r.{k} IS NOT DISTINCT FROM m_{k}.raw" for k in keys if k in merged
    )
    con.execute(
        f"CREATE VIEW keyed AS SELECT hash({', '.join(parts)}) AS h, r.line AS line "
        f"FROM raw r {joins}"
    )
    return "keyed"


def _offending_lines(con, bad: str) -> str:
    """A query of the lines of every bad row and of every row of a repeated key."""
    con.execute("CREATE TEMP TABLE dup AS SELECT h FROM keyed GROUP BY h HAVING COUNT(*) > 1")
    parts = [f"SELECT r.line AS line FROM raw r WHERE {bad}"]
    if con.execute("SELECT COUNT(*) FROM dup").fetchone()[0]:
        parts.append("SELECT line FROM keyed WHERE h IN (SELECT h FROM dup)")
    return " UNION ".join(parts)


def _first_offence(con, inp: FoldInput, bad: str, merged: list[str]) -> None:
    """Raise the pandas error of the earliest bad row or repeated key, if any."""
    _keyed_view(con, inp, merged)
    query = _offending_lines(con, bad)
    offset = 0
    while True:
        lines = con.execute(
            f"SELECT line FROM ({query}) ORDER BY line LIMIT {_BATCH} OFFSET {offset}"  # noqa: S608
        ).df()["line"]
        if lines.empty:
            _refuse_unread(con, inp, bad)
            return
        con.from_df(pd.DataFrame({"line": lines})).create_view("pick")
        rows = con.execute(
            "SELECT r.* FROM raw r JOIN pick p ON r.line = p.line ORDER BY r.line"
        ).df()
        con.execute("DROP VIEW pick")
        inp.explain(rows)
        offset += _BATCH


def _refuse_unread(con, inp: FoldInput, bad: str) -> None:
    """A row the SQL checks refuse but the pandas rules accept (a text value such as
    ``1,234`` in a Parquet file) is never dropped silently: it is an error."""
    line = con.execute(f"SELECT MIN(r.line) FROM raw r WHERE {bad}").fetchone()[0]  # noqa: S608
    if line is not None:
        raise StudyError(
            "holds a value the large-table path cannot read as a plain number",
            file=inp.path.name,
            row=int(line),
            column="value",
            fix="store the value column as numbers in the Parquet file",
        )


def _sums(con, inp: FoldInput, value: str) -> pd.DataFrame:
    """The engine's aggregation by the raw ``[region,] year, sector, fuel`` and the
    unit's dimension (one join, with the few units; the keys' maps are joined to the
    sums afterwards), then summed again by the normalised keys (where two raw texts are
    one code) -- the same sums as grouping normalised rows, without joining every row."""
    by = [k for k in ("region", "year", "sector", "fuel") if k in inp.columns]
    con.execute(
        f"CREATE VIEW activity AS SELECT {', '.join(f'r.{k} AS {k}' for k in by)}, "
        f"{value} AS value, r.unit AS unit, r.line AS line FROM raw r"
    )
    con.execute("CREATE VIEW units AS SELECT raw AS unit, factor, dimension FROM m_unit WHERE ok")
    con.from_df(
        pd.DataFrame({"fuel": [], "dimension": [], "co2_per_unit": []}).astype(
            {"fuel": object, "dimension": object, "co2_per_unit": float}
        )
    ).create_view("factors")
    con.execute(f"CREATE TEMP TABLE s AS {aggregate_sql([*by, 'dimension'], lines=True)}")
    joins = " ".join(f"JOIN m_{k} ON s.{k} IS NOT DISTINCT FROM m_{k}.raw" for k in by)
    keys = ", ".join(f"m_{k}.norm" for k in by)
    return con.execute(
        f"SELECT {', '.join(f'm_{k}.norm AS {k}' for k in by)}, s.dimension AS dimension, "
        "SUM(s.n) AS n, SUM(s.value) AS value, SUM(s.value_sq) AS value_sq, "
        "SUM(s.co2_t) AS co2_t, SUM(s.co2_sq) AS co2_sq, MIN(s.line) AS line "
        f"FROM s {joins} GROUP BY {keys}, s.dimension"
    ).df()


def fold_file(
    inp: FoldInput, settings: EngineSettings
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(sums by ``[region,] year, sector, fuel, dimension`` with ``line`` = the cell's
    first row; the raw first row with a negative value (empty if none); the raw rows of
    the kept facilities).

    Raises the loader's error at the earliest offending row (see the module docstring).
    """
    con = connect(settings)
    try:
        numeric = _raw_view(con, inp)
        merged = _register_maps(con, inp)
        value, bad_value = _value_sql(inp, numeric)
        bad = _bad_sql(con, inp, bad_value)
        _first_offence(con, inp, bad, merged)
        neg = con.execute(
            f"SELECT * FROM raw WHERE line = (SELECT MIN(r.line) FROM raw r WHERE {value} < 0)"  # noqa: S608
        ).df()
        sums = _sums(con, inp, value)
        kept = pd.DataFrame()
        if settings.facilities:
            con.from_df(pd.DataFrame({"facility": list(settings.facilities)})).create_view("kept")
            kept = con.execute(
                "SELECT r.* FROM raw r WHERE r.facility IN (SELECT m.raw FROM m_facility m "
                "JOIN kept k ON m.norm = k.facility) ORDER BY r.line"
            ).df()
        return sums, neg, kept
    finally:
        con.close()
