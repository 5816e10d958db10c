"""The heavy aggregation of a large study, on pandas, DuckDB or Apache Spark.

Activity rows ``[region,] year, sector, [facility,] fuel, value, unit`` (a frame, or a
Parquet/CSV file read out of core) are joined with

- ``units``: ``unit, factor, dimension`` (the factor onto the canonical unit: t, m3, GJ;
  parsed once per distinct unit text by :mod:`carbonpath.core.units`), and
- ``factors``: ``fuel, dimension, co2_per_unit`` (t CO2 per canonical unit; 0 for
  electricity and heat),

and summed by the grouping keys (``region, year, sector, fuel`` by default)::

    x = value x factor,   e = x x co2_per_unit
    n = count,  value = sum x,  value_sq = sum x^2,  co2_t = sum e,  co2_sq = sum e^2

``co2_sq`` gives the Monte Carlo of sums its summed variance: for independent data with
one relative half-width U, the half-width of a sum is U x sqrt(co2_sq) / co2_t
(IPCC 2006 Vol. 1 eq. 3.2), the ``u_scale`` of :mod:`carbonpath.accounting.
uncertainty_study`.

The aggregation is written once, as :func:`aggregate_sql` (standard SQL that DuckDB and
Spark SQL run unchanged), and in pandas for small inputs; the three agree to rounding
(tests/engine).  No user text enters the SQL: columns come from a fixed list, files and
frames are registered as views, kept facilities are a joined table.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from carbonpath.core.errors import InputError
from carbonpath.engine.settings import EngineSettings

__all__ = ["KEYS", "SUMS", "aggregate", "aggregate_pandas", "aggregate_sql", "u_scale"]

#: the columns an aggregation may group by, in output order
KEYS = ("region", "year", "sector", "facility", "fuel", "dimension")
#: the sums it returns
SUMS = ("n", "value", "value_sq", "co2_t", "co2_sq")
Source = pd.DataFrame | Path


def _keys(by: Sequence[str]) -> list[str]:
    keys = [k for k in KEYS if k in by]
    unknown = set(by) - set(KEYS)
    if unknown:
        raise InputError(f"cannot group by {sorted(unknown)}", fix=f"group by some of {KEYS}")
    return keys


def aggregate_sql(by: Sequence[str], keep: bool = False, lines: bool = False) -> str:
    """The aggregation as one SQL text over views ``activity``, ``units``, ``factors``
    (and ``kept``: facility codes, when ``keep``); DuckDB and Spark SQL both run it.
    ``lines``: also the first input line of each group (``MIN(line)``)."""
    keys = _keys(by)
    col = {k: ("u.dimension" if k == "dimension" else f"a.{k}") for k in keys}
    select = ", ".join(f"{col[k]} AS {k}" for k in keys)
    group = ", ".join(col[k] for k in keys)
    x = "(CAST(a.value AS DOUBLE) * u.factor)"
    e = f"({x} * COALESCE(f.co2_per_unit, 0.0))"
    join_kept = " JOIN kept k ON a.facility = k.facility" if keep else ""
    return (
        f"SELECT {select}, COUNT(*) AS n, SUM({x}) AS value, SUM({x} * {x}) AS value_sq, "
        f"SUM({e}) AS co2_t, SUM({e} * {e}) AS co2_sq{', MIN(a.line) AS line' if lines else ''} "
        "FROM activity a JOIN units u ON a.unit = u.unit"
        f"{join_kept} "
        "LEFT JOIN factors f ON a.fuel = f.fuel AND u.dimension = f.dimension "
        f"WHERE a.value IS NOT NULL GROUP BY {group}"
    )


def aggregate_pandas(
    activity: pd.DataFrame,
    units: pd.DataFrame,
    factors: pd.DataFrame,
    by: Sequence[str],
    kept: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The same aggregation in pandas (small inputs; the reference of the SQL engines)."""
    keys = _keys(by)
    a = activity[activity["value"].notna()]
    if kept is not None:
        a = a[a["facility"].isin(list(kept))]
    a = a.drop(columns=[c for c in ("dimension",) if c in a.columns])
    a = a.merge(units, on="unit", how="inner").merge(factors, on=["fuel", "dimension"], how="left")
    x = a["value"].to_numpy(dtype=float) * a["factor"].to_numpy(dtype=float)
    e = x * a["co2_per_unit"].fillna(0.0).to_numpy(dtype=float)
    frame = a[keys].assign(n=1, value=x, value_sq=x * x, co2_t=e, co2_sq=e * e)
    out = frame.groupby(keys, as_index=False, sort=False)[list(SUMS)].sum()
    if "line" in a.columns:
        out["line"] = a.groupby(keys, sort=False)["line"].min().to_numpy()
    return out


def _finish(out: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sorted by the keys, typed (year int, n int, sums float), index reset."""
    out = out.loc[:, [*keys, *SUMS, *(["line"] if "line" in out.columns else [])]].copy()
    if "line" in out:
        out["line"] = out["line"].astype(np.int64)
    if "year" in out:
        out["year"] = out["year"].astype(np.int64)
    for k in keys:
        if k != "year":
            out[k] = out[k].astype(str)
    out["n"] = out["n"].astype(np.int64)
    for c in SUMS[1:]:
        out[c] = out[c].astype(float)
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def aggregate(
    activity: Source,
    units: pd.DataFrame,
    factors: pd.DataFrame,
    settings: EngineSettings,
    *,
    by: Sequence[str] = ("region", "year", "sector", "fuel"),
    kept: Sequence[str] | None = None,
    kind: str | None = None,
) -> pd.DataFrame:
    """Sums by ``by`` (see the module docstring) on the engine of ``settings``.

    ``activity``: a frame or a Parquet/CSV file; ``kept``: only these facilities;
    ``kind``: force an engine (default :meth:`EngineSettings.engine_for` the row count).
    """
    keys = _keys(by)
    lines = isinstance(activity, pd.DataFrame) and "line" in activity.columns
    rows = len(activity) if isinstance(activity, pd.DataFrame) else settings.threshold_rows + 1
    engine = kind or settings.engine_for(rows)
    if engine == "pandas":
        if not isinstance(activity, pd.DataFrame):
            activity = _read_file(activity)
        out = aggregate_pandas(activity, units, factors, keys, kept)
    elif engine == "duckdb":
        from carbonpath.engine.duck import run_duckdb

        out = run_duckdb(
            activity, units, factors, aggregate_sql(keys, kept is not None, lines), settings, kept
        )
    elif engine == "spark":
        from carbonpath.engine.spark import run_spark

        out = run_spark(
            activity, units, factors, aggregate_sql(keys, kept is not None, lines), settings, kept
        )
    else:  # pragma: no cover - the settings model allows only the three
        raise InputError(f"unknown engine {engine!r}")
    return _finish(out, keys)


def _read_file(path: Path) -> pd.DataFrame:
    if path.suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(path)
    return pd.read_csv(path, dtype={"region": str, "sector": str, "facility": str})


def u_scale(sums: pd.DataFrame) -> pd.Series:
    """sqrt(co2_sq) / co2_t per group: the factor on a datum's half-width for their sum
    (1 for a single datum; NaN where the sum is 0)."""
    co2 = sums["co2_t"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.sqrt(sums["co2_sq"].to_numpy(dtype=float)) / co2
    return pd.Series(np.where(co2 > 0, scale, np.nan), index=sums.index)
