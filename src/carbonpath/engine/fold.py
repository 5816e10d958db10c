"""Facility tables folded into sector cells on DuckDB, straight from a Parquet file.

A facility inventory too large for memory (``[engine] kind = "duckdb"``, or above
``threshold_rows``) is never read into pandas.  DuckDB scans the file and this module

1. maps each distinct text of the small columns (year, region, sector, fuel, unit; and
   the facility codes) through the same Python normalisation and checks the pandas
   loader applies (:func:`carbonpath.study.tables.read_long` via ``normalise``), held
   as small joined tables — so a code is judged exactly as on the pandas path;
2. flags the rows a check refuses (an unknown code, a year outside the study, a value
   that is not a finite number) and the keys ``[region,] year, sector, facility, fuel``
   that repeat (``GROUP BY hash(...) HAVING COUNT(*) > 1``, then the exact rows);
3. hands those few raw rows to ``explain`` (the pandas checks on just these rows), which
   raises the one-line error of the earliest offending row; row N is the file's row
   ``file_row_number + 2`` (the line it would have as CSV);
4. runs the engine's aggregation SQL (:func:`carbonpath.engine.aggregate.aggregate_sql`,
   grouped by the cell keys and the unit's dimension, with ``MIN(line)``) under the
   engine's memory limit.

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
from carbonpath.engine.duck import connect
from carbonpath.engine.settings import EngineSettings

__all__ = ["FoldInput", "fold_file", "parquet_rows_columns"]

_TEXT = ("region", "sector", "fuel", "unit")
_BATCH = 10_000


@dataclass(frozen=True)
class FoldInput:
    """A facility file and the loader's rules for it.

    ``columns``: canonical name -> the column's name in the file; ``maps``: per text
    column a function from its distinct raw values to a frame ``raw, norm, ok`` (plus
    ``factor, dimension`` for ``unit``); ``explain``: raises the pandas error of a frame
    of raw rows (with ``line``).
    """

    path: Path
    columns: dict[str, str]
    maps: dict[str, Callable[[pd.Series], pd.DataFrame]]
    explain: Callable[[pd.DataFrame], None]


def parquet_rows_columns(path: Path) -> tuple[int, list[str]]:
    """(rows, column names) of a Parquet file from its footer (nothing else is read)."""
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path)
    return int(meta.metadata.num_rows), list(meta.schema_arrow.names)


def _raw_view(con, inp: FoldInput) -> list[str]:
    """View ``raw``: the file's columns under canonical names, and ``line``."""
    import duckdb

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
    """Map tables ``m_<col>`` (raw -> norm, ok) for the small columns and facilities."""
    keys = [c for c in ("year", *_TEXT) if c in inp.columns]
    for col in [*keys, "facility"]:
        raw = con.execute(f"SELECT DISTINCT {col} AS raw FROM raw").df()["raw"]  # noqa: S608
        m = inp.maps[col](raw)
        con.from_df(m).create_view(f"m_{col}")
    return keys


def _normal_view(con, inp: FoldInput, numeric: list[str]) -> None:
    """View ``n``: normalised keys, canonical value, ``bad`` (a row-local check fails)."""
    joins, cols, bad = [], [], []
    for col in [c for c in ("year", *_TEXT, "facility") if c in inp.columns]:
        joins.append(f"LEFT JOIN m_{col} ON r.{col} IS NOT DISTINCT FROM m_{col}.raw")
        bad.append(f"NOT COALESCE(m_{col}.ok, FALSE)")
        if col == "unit":
            cols += ["r.unit AS unit", "m_unit.factor AS factor", "m_unit.dimension AS dimension"]
        else:
            cols.append(f"m_{col}.norm AS {col}")
    if "value" in numeric:
        value = "CAST(r.value AS DOUBLE)"
        bad.append(f"COALESCE(isinf({value}), FALSE)")
    else:  # text numbers: a plain decimal, or a missing marker
        t = "trim(CAST(r.value AS VARCHAR))"
        ok = (
            rf"(regexp_full_match({t}, '[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?')"
            f" OR COALESCE({t}, '') IN ('', '-', '--', 'NA', 'N/A', 'n/a', '...'))"
        )
        value = f"TRY_CAST({t} AS DOUBLE)"
        bad.append(f"NOT {ok}")
    con.execute(
        f"CREATE VIEW n AS SELECT {', '.join(cols)}, {value} AS value, r.line AS line, "
        f"({' OR '.join(bad)}) AS bad FROM raw r {' '.join(joins)}"
    )


def _first_offence(con, inp: FoldInput, keys: list[str]) -> None:
    """Raise the pandas error of the earliest bad row or repeated key, if any."""
    dup_keys = [k for k in ("region", "year", "sector", "facility", "fuel") if k in inp.columns]
    h = f"hash({', '.join(dup_keys)})"
    con.execute(
        f"CREATE TEMP TABLE dup AS SELECT h FROM (SELECT {h} AS h, COUNT(*) AS c FROM n "
        "GROUP BY h) WHERE c > 1"
    )
    offset = 0
    while True:
        lines = con.execute(
            f"SELECT line FROM n WHERE bad OR {h} IN (SELECT h FROM dup) "
            f"ORDER BY line LIMIT {_BATCH} OFFSET {offset}"
        ).df()["line"]
        if lines.empty:
            _refuse_unread(con, inp)
            return
        con.from_df(pd.DataFrame({"line": lines})).create_view("pick")
        rows = con.execute(
            "SELECT r.* FROM raw r JOIN pick p ON r.line = p.line ORDER BY r.line"
        ).df()
        con.execute("DROP VIEW pick")
        inp.explain(rows)
        offset += _BATCH


def _refuse_unread(con, inp: FoldInput) -> None:
    """A row the SQL checks refuse but the pandas rules accept (a text value such as
    ``1,234`` in a Parquet file) is never dropped silently: it is an error."""
    line = con.execute("SELECT MIN(line) FROM n WHERE bad").fetchone()[0]
    if line is not None:
        raise StudyError(
            "holds a value the large-table path cannot read as a plain number",
            file=inp.path.name,
            row=int(line),
            column="value",
            fix="store the value column as numbers in the Parquet file",
        )


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
        keys = _register_maps(con, inp)
        _normal_view(con, inp, numeric)
        _first_offence(con, inp, keys)
        neg = con.execute(
            "SELECT * FROM raw WHERE line = (SELECT MIN(line) FROM n WHERE value < 0)"
        ).df()
        con.execute("CREATE VIEW activity AS SELECT * EXCLUDE (factor, dimension, bad) FROM n")
        con.execute(
            "CREATE VIEW units AS SELECT raw AS unit, factor, dimension FROM m_unit WHERE ok"
        )
        con.from_df(
            pd.DataFrame({"fuel": [], "dimension": [], "co2_per_unit": []}).astype(
                {"fuel": object, "dimension": object, "co2_per_unit": float}
            )
        ).create_view("factors")
        by = [k for k in ("region", "year", "sector", "fuel") if k in inp.columns]
        sums = con.execute(aggregate_sql([*by, "dimension"], lines=True)).df()
        kept = pd.DataFrame()
        if settings.facilities:
            con.from_df(pd.DataFrame({"facility": list(settings.facilities)})).create_view("kept")
            kept = con.execute(
                "SELECT r.* FROM raw r JOIN (SELECT n.line FROM n JOIN kept k "
                "ON n.facility = k.facility) s ON r.line = s.line ORDER BY r.line"
            ).df()
        return sums, neg, kept
    finally:
        con.close()
