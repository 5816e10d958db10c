"""A quality finding (a flag) and the table access every check shares."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Rows", "fmt", "frame", "group_positions", "make_flag"]


def make_flag(
    severity: str,
    check: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    year: int | None = None,
    sector: str | None = None,
    variable: str | None = None,
    value: float | None = None,
    unit: str | None = None,
    size: float | None = None,
) -> dict[str, Any]:
    """One QA flag as a plain dict (JSON-ready; NaN value -> None).

    ``size`` is how much of the variable the finding concerns, in ``unit`` (the amount
    a jump is off its expected value, the amount a run of zeros lacks ...); see
    :mod:`carbonpath.quality.materiality`, which adds the share of the region's total.
    """
    v = None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
    sz = None if size is None or not math.isfinite(float(size)) else abs(float(size))
    return {
        "severity": severity,
        "check": check,
        "file": file or None,
        "line": int(line) if line else None,
        "year": None if year is None else int(year),
        "sector": sector,
        "variable": variable,
        "value": v,
        "unit": unit,
        "message": message,
        "resolved": False,
        "size": sz,
    }


def fmt(x: float) -> str:
    return f"{x:.6g}"


def _framed(df: pd.DataFrame) -> bool:
    """Whether ``df`` already has what :func:`frame` adds (then it is used as it is: the
    checks only read it)."""
    if not {"file", "line", "dimension", "unit"} <= set(df.columns):
        return False
    file = df["file"]
    return (
        df["line"].dtype.kind in "iu"
        and pd.api.types.is_string_dtype(file)
        and not bool(file.isna().any())
    )


def frame(df: pd.DataFrame, key: str) -> pd.DataFrame:
    """The table with ``file, line, dimension, unit`` (filled where absent)."""
    if _framed(df):
        return df
    d = df.copy()
    for col, default in (("file", ""), ("line", 0), ("dimension", ""), ("unit", "")):
        if col not in d.columns:
            d[col] = default
    d["file"] = d["file"].fillna("").astype(str)
    d["line"] = pd.to_numeric(d["line"], errors="coerce").fillna(0).astype(int)
    return d


def group_positions(d: pd.DataFrame, cols: list[str], sort: bool) -> list[np.ndarray]:
    """Row positions of each group of ``d.groupby(cols, sort=sort)``, in iteration order.

    Within a group the positions keep the frame's row order, as ``groupby`` does; rows
    with a missing key belong to no group (``dropna``).  One grouping pass instead of a
    sub-frame per group keeps the checks fast on studies with hundreds of series.
    """
    if d.empty:
        return []
    codes = d.groupby(cols, sort=sort).ngroup().to_numpy()
    keep = np.flatnonzero(codes >= 0)  # NaN (missing key) compares False
    codes = codes[keep].astype(np.int64)
    order = keep[np.argsort(codes, kind="stable")]
    counts = np.bincount(codes)
    return np.split(order, np.cumsum(counts)[:-1])


class Rows:
    """A frame's columns as Python objects, as ``iterrows`` would give them per row."""

    def __init__(self, d: pd.DataFrame, cols: tuple[str, ...]) -> None:
        self.col = {c: d[c].to_numpy(dtype=object) for c in cols}

    def row(self, i: int) -> dict[str, Any]:
        return {c: v[i] for c, v in self.col.items()}


def var_blocks(
    d: pd.DataFrame, key: str, years: list[int]
) -> list[tuple[Any, list[str], np.ndarray, np.ndarray]]:
    """Per variable (in ``groupby(key, sort=False)`` order): its sectors in order of first
    appearance, their sectors x ``years`` values (NaN where none; one value per cell, as
    the loader refuses duplicate rows) and each sector's first row position in ``d``.
    One factorisation of the whole table instead of a grouping per variable."""
    if d.empty:
        return []
    vcode, vnames = pd.factorize(d[key], sort=False)
    scode, snames = pd.factorize(d["sector"], sort=False)
    ok = np.flatnonzero((vcode >= 0) & (scode >= 0))
    n_s = len(snames)
    pair = vcode[ok].astype(np.int64) * n_s + scode[ok]
    uniq, first = np.unique(pair, return_index=True)
    first = ok[first]
    by_var = uniq // n_s
    slot = np.zeros(len(vnames) * n_s, dtype=np.int64)
    names = [str(s) for s in snames]
    out = []
    for v in range(len(vnames)):
        mine = np.flatnonzero(by_var == v)
        mine = mine[np.argsort(first[mine], kind="stable")]
        sec = (uniq[mine] % n_s).astype(np.int64)
        slot[v * n_s + sec] = np.arange(len(sec))
        wide = np.full((len(sec), len(years)), np.nan)
        out.append((vnames[v], [names[s] for s in sec], wide, first[mine]))
    ycode = np.searchsorted(np.asarray(years), d["year"].to_numpy()[ok])
    at = slot[pair]
    values = d["value"].to_numpy(dtype=float)[ok]
    for v in range(len(vnames)):
        m = vcode[ok] == v
        out[v][2][at[m], ycode[m]] = values[m]
    return out


def incomplete_groups(d: pd.DataFrame, cols: list[str], years: list[int]) -> list[np.ndarray]:
    """Row positions of the groups of ``d.groupby(cols, sort=False)`` (in that order) that
    lack an observed value (``value`` not NaN) in one of ``years``: the only series gap
    filling and coverage have work for (the others are skipped without a Python loop)."""
    if d.empty:
        return []
    codes = d.groupby(cols, sort=False).ngroup().to_numpy()
    keep = np.flatnonzero(codes >= 0)
    codes = codes[keep].astype(np.int64)
    n = int(codes.max()) + 1 if len(codes) else 0
    study = np.unique(np.asarray(years, dtype=np.int64))
    yr = d["year"].to_numpy()[keep]
    have = d["value"].notna().to_numpy()[keep] & np.isin(yr, study)
    pairs = np.unique(codes[have] * (len(study) + 1) + np.searchsorted(study, yr[have]))
    done = np.bincount(pairs // (len(study) + 1), minlength=n) >= len(study)
    if done.all():
        return []
    order = keep[np.argsort(codes, kind="stable")]
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=n))])
    return [order[bounds[g] : bounds[g + 1]] for g in np.flatnonzero(~done).tolist()]
