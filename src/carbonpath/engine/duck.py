"""DuckDB: the embedded engine, in memory for frames and out of core for files.

A connection per aggregation, with ``memory_limit`` (beyond it DuckDB spills to
``temp_directory``, or to its default next to the process), ``threads`` and insertion
order not preserved (so that a large GROUP BY may spill); frames are registered as
views (no copy), Parquet and CSV files are read by DuckDB itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from carbonpath.engine.settings import EngineSettings, memory_bytes

__all__ = ["connect", "relation_of", "run_duckdb"]


def connect(settings: EngineSettings):  # -> duckdb.DuckDBPyConnection
    """A fresh in-memory DuckDB connection configured by ``settings``."""
    import duckdb

    config = {
        "memory_limit": f"{memory_bytes(settings.memory_limit) // 2**20}MiB",
        "preserve_insertion_order": False,
    }
    if settings.threads:
        config["threads"] = settings.threads
    if settings.temp_directory:
        config["temp_directory"] = settings.temp_directory
    con = duckdb.connect(":memory:", config=config)
    con.execute("SET enable_progress_bar = false")  # a library prints nothing
    return con


def relation_of(con, source: pd.DataFrame | Path):
    """A DuckDB relation over a frame or a Parquet/CSV file (read out of core)."""
    if isinstance(source, pd.DataFrame):
        return con.from_df(source)
    path = str(source)
    if Path(path).suffix.lower() in (".parquet", ".pq"):
        return con.read_parquet(path)
    return con.read_csv(path, header=True, dtype={"region": "VARCHAR", "sector": "VARCHAR"})


def run_duckdb(
    activity: pd.DataFrame | Path,
    units: pd.DataFrame,
    factors: pd.DataFrame,
    sql: str,
    settings: EngineSettings,
    kept: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Run the aggregation ``sql`` over ``activity`` on DuckDB; the result as a frame."""
    con = connect(settings)
    try:
        relation_of(con, activity).create_view("activity")
        con.from_df(units).create_view("units")
        con.from_df(factors).create_view("factors")
        if kept is not None:
            con.from_df(pd.DataFrame({"facility": list(kept)}, dtype=object)).create_view("kept")
        return con.execute(sql).df()
    finally:
        con.close()
