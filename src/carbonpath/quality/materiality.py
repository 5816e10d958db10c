"""How much each finding matters: its size, its share of the region's total, a ranking.

Every check gives its finding a ``size`` in the finding's unit (the amount a jump is off
its trend-adjusted neighbours, what a run of zeros lacks against the straight line
between its bounding years, the amount moved between sectors, the double count of an
identical series ...).  The *share* is that size over the region's typical annual total
of the same quantity,

    share = size / median over the years t of T_t,

where T_t is the largest of: the sum over the member sectors, the reference aggregate,
the region row (one of them is the region's total in each kind of study).  In a
one-unit table (an emission inventory in t CO2) T_t sums every variable (all fuels);
otherwise T_t is the total of the finding's own variable (coal in t, output in yuan).
The median, not the finding's own year, so that a year the break itself empties (a
province with no fuel reported for three years) does not inflate the shares.

Findings are ranked: errors that no correction resolved first (they stop a run), then
warnings, then notes (info, and findings a correction resolved); within each class by
share, then by size; findings without a size (a unit of the wrong kind, a missing year)
after those of their class.  ``min_share`` (``[quality] min_share``, ``carbonpath
check --min-share``) sets which are listed one by one; smaller ones are counted per check.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from carbonpath.quality.flags import frame

__all__ = [
    "MIN_SHARE",
    "add_shares",
    "rank",
    "region_totals",
    "counts",
    "split_listed",
    "table_typicals",
    "typical_totals",
]

#: findings below this share of their region's total are summarised, not listed
MIN_SHARE = 0.01
ALL = "*"


def region_totals(df: pd.DataFrame, key: str, sectors: pd.DataFrame | None) -> pd.DataFrame:
    """T_t per variable (``ALL`` for a one-unit table): ``variable, year, total``."""
    d = frame(df, key)
    d = d.loc[d["value"].notna()]
    if d.empty:
        return pd.DataFrame(columns=["variable", "year", "total"])
    units = set(d["unit"].astype(str).unique().tolist()) - {""}
    var = d[key].astype(str) if len(units) != 1 else pd.Series(ALL, index=d.index)
    d = d.assign(_var=var)
    roles = (
        dict(zip(sectors["code"].astype(str), sectors["role"], strict=False))
        if sectors is not None and not sectors.empty
        else {}
    )
    codes = d["sector"].astype(str)
    role = pd.Series("member", index=d.index, dtype=object)
    known = codes.isin(list(roles))
    role[known] = codes[known].map(roles).astype(object)
    d = d.assign(_role=role)
    by = d.groupby(["_var", "year", "_role", "sector"], sort=True)["value"].sum()
    per_role = by.groupby(level=["_var", "year", "_role"]).sum().unstack("_role")
    total = per_role.max(axis=1)
    out = total.reset_index()
    out.columns = ["variable", "year", "total"]
    return out


def typical_totals(totals: pd.DataFrame) -> dict[str, float]:
    """Median over the years of each variable's positive totals."""
    out: dict[str, float] = {}
    for var, g in totals.groupby("variable", sort=False):
        pos = g["total"].to_numpy(dtype=float)
        pos = pos[np.isfinite(pos) & (pos > 0)]
        if len(pos):
            out[str(var)] = float(np.median(pos))
    return out


def table_typicals(
    tables: list[tuple[pd.DataFrame | None, str]], sectors: pd.DataFrame | None
) -> list[tuple[set[str], dict[str, float]]]:
    """(variables of the table, typical totals) of each ``(frame, key)`` table."""
    out = []
    for df, key in tables:
        if df is None or df.empty:
            continue
        names = set(df[key].astype(str).unique().tolist())
        out.append((names, typical_totals(region_totals(df, key, sectors))))
    return out


def add_shares(
    flags: list[dict[str, Any]], typicals: list[tuple[set[str], dict[str, float]]]
) -> None:
    """Set each flag's ``share``: its size over the typical total of its variable's table
    (``ALL`` in a one-unit table, or the variable's own); None without a size."""
    for f in flags:
        var = str(f.get("variable"))
        base = None
        for names, typical in typicals:
            if var in names or (var == "total" and ALL in typical):
                base = typical.get(ALL, typical.get(var))
                break
        size = f.get("size")
        f["share"] = float(size / base) if size is not None and base else None


def _class(f: dict[str, Any]) -> int:
    """0: an error no correction resolved; 1: a warning; 2: info or resolved."""
    if f.get("resolved") or f.get("severity") == "info":
        return 2
    return 0 if f.get("severity") == "error" else 1


def _key(item: tuple[int, dict[str, Any]]) -> tuple:
    i, f = item
    share, size = f.get("share"), f.get("size")
    return (
        _class(f),
        share is None,
        -(share or 0.0),
        -(size or 0.0),
        i,
    )


def rank(flags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings, most material first (module docstring); stable for ties."""
    return [f for _, f in sorted(enumerate(flags), key=_key)]


def split_listed(
    flags: list[dict[str, Any]], min_share: float = MIN_SHARE
) -> tuple[list[dict[str, Any]], Counter]:
    """(findings to list, in rank order; counts per check of the small ones not listed).

    Listed: unresolved errors, findings without a share, and findings whose share is at
    least ``min_share``.
    """
    listed, small = [], Counter()
    for f in rank(flags):
        blocking = f.get("severity") == "error" and not f.get("resolved")
        share = f.get("share")
        if blocking or share is None or share >= min_share:
            listed.append(f)
        else:
            small[f["check"]] += 1
    return listed, small


def counts(flags: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Findings per check and severity, checks in order of their most material finding."""
    out: dict[str, dict[str, int]] = {}
    for f in rank(flags):
        per = out.setdefault(str(f["check"]), {})
        per[f["severity"]] = per.get(f["severity"], 0) + 1
    return out
