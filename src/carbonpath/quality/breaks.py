"""Breaks that no single cell shows: totals that jump, and amounts moved between sectors.

- ``totals`` (warnings): the jump rule and the zero-run rule of
  :mod:`carbonpath.quality.jumps` applied to sums: each sector's total over its variables (when the table has one unit,
  as an emission inventory in t CO2 has), and the region's total over its member sectors
  (of each variable, or of everything in a one-unit table).  A province whose power
  sector reports no fuel for three years has every cell at zero, each one small; its
  sector total and its region total show the break at its real size.
- ``reallocation``: in one year one sector's value falls and other sectors' values rise
  by about as much, while their sum stays smooth (a reclassification between sectors,
  often undone a year or two later).  With x_s,t the value of sector s and
  d_s,t = x_s,t - x_s,t-1 its change, sector a is a source in year t when

      |d_a,t - median(d_a)| >= k x 1.4826 x MAD(d_a)     (an unusual change for a)
      |d_a,t| >= 0.5 x max(x_a,t-1, x_a,t)              (half of the series or more)

  (k = ``jump_mad_k``; MAD as in the jump rule), and its partners are the sectors whose
  change meets both conditions too, with the other sign.  The finding
  needs |d_a,t + sum of the partners' d| <= 0.25 x |d_a,t|: the best single partner,
  else all partners together (one sector spread over many).  Its size is the amount
  moved, min(|d_a,t|, |sum of the partners' d|).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from carbonpath.quality.flags import fmt, frame, make_flag, var_blocks
from carbonpath.quality.jumps import Series, jump_found, zero_run_found
from carbonpath.quality.stacked import Flat, nanmedian
from carbonpath.quality.totals import ADDITIVE_DIMENSIONS, NON_ADDITIVE

__all__ = ["check_reallocation", "check_totals", "one_unit", "part_sectors", "reallocations"]

#: a source moves at least this share of its own value (max of the two years)
MOVED_SHARE = 0.5
#: the sum of the changes may be at most this share of the source's change
BALANCE = 0.25
TOTAL = "total"


def one_unit(d: pd.DataFrame) -> str | None:
    """The one unit of every observed value of the table (an inventory: t), or None."""
    units = set(d.loc[d["value"].notna(), "unit"].astype(str).unique().tolist()) - {""}
    return units.pop() if len(units) == 1 else None


def part_sectors(d: pd.DataFrame, sectors: pd.DataFrame | None) -> list[str]:
    """The sectors that add up to the region: members (no aggregates, no region row)."""
    codes = [str(c) for c in pd.unique(d["sector"])]
    if sectors is None or sectors.empty:
        return codes
    members = set(sectors.loc[sectors["role"] == "member", "code"].astype(str))
    return [c for c in codes if c in members]


def _additive(d: pd.DataFrame, key: str) -> pd.DataFrame:
    pairs = d[[key, "dimension"]].drop_duplicates()
    dims: dict[Any, set[str]] = {}
    for var, dim in zip(pairs[key].tolist(), pairs["dimension"].tolist(), strict=True):
        dims.setdefault(var, set())
        if dim != "":
            dims[var].add(dim)
    ok = [v for v, ds in dims.items() if v not in NON_ADDITIVE and ds <= set(ADDITIVE_DIMENSIONS)]
    return d.loc[d[key].isin(ok)]


def _wide(d: pd.DataFrame, index: str, years: list[int]) -> pd.DataFrame:
    """``index`` x year sums (NaN where nothing is given)."""
    return (
        d.groupby([index, "year"], sort=False)["value"]
        .sum(min_count=1)
        .unstack()
        .reindex(columns=years)
    )


def total_series(
    df: pd.DataFrame, key: str, sectors: pd.DataFrame | None
) -> Iterator[tuple[str, str, str, list[int], np.ndarray]]:
    """(sector, variable, unit, years, values) of every total the checks look at."""
    d = _additive(frame(df, key), key)
    d = d.loc[d["value"].notna()]
    if d.empty:
        return
    years = sorted(int(y) for y in d["year"].unique())
    parts = part_sectors(d, sectors)
    unit = one_unit(d)
    if unit is not None:
        counts = d.groupby("sector")[key].nunique()
        wide = _wide(d, "sector", years)
        for code in wide.index:
            if counts.get(code, 0) > 1:
                yield str(code), TOTAL, unit, years, wide.loc[code].to_numpy(dtype=float)
        if len(parts) > 1:
            region = d.loc[d["sector"].isin(parts)].assign(_all=TOTAL)
            yield "*", TOTAL, unit, years, _wide(region, "_all", years).iloc[0].to_numpy(float)
        return
    if len(parts) > 1:
        members = d.loc[d["sector"].isin(parts)]
        units = members.groupby(key)["unit"].first()
        spread = members.groupby(key)["sector"].nunique()
        wide = _wide(members, key, years)
        for var in wide.index:
            if spread[var] < 2:  # one sector's total is that sector's cell
                continue
            yield "*", str(var), str(units[var]), years, wide.loc[var].to_numpy(dtype=float)


def check_series_totals(
    series: Iterator[tuple[str, str, str, list[int], np.ndarray]], cfg: dict[str, Any]
) -> list[dict[str, Any]]:
    """The jump and zero-run rules on each (sector, variable, unit, years, values) total,
    all totals at once; per total its jumps, then its runs of zeros."""
    items = list(series)
    if not items:
        return []
    keep = [np.isfinite(values) for *_, values in items]
    vals = [values[k] for (*_, values), k in zip(items, keep, strict=True)]
    lengths = [len(v) for v in vals]
    flat = Flat(
        values=np.concatenate(vals),
        years=np.concatenate(
            [np.asarray(y)[k] for (*_, y, _v), k in zip(items, keep, strict=True)]
        ),
        offsets=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
    )
    units = np.repeat(np.array([str(u) for _s, _v, u, *_ in items], dtype=object), lengths)
    sums = Series(flat, [str(it[0]) for it in items], [str(it[1]) for it in items], "", None, units)
    found = [(s, 0, i, f) for s, i, f in jump_found(sums, cfg, check="totals")]
    found += [(s, 1, i, f) for s, i, f in zero_run_found(sums, check="totals")]
    found.sort(key=lambda item: item[:3])
    flags = [f for *_, f in found]
    for f in flags:  # a sum of cells the cell checks judge: reported, never blocking
        f["severity"] = "warning"
    return flags


def check_totals(
    df: pd.DataFrame, key: str, sectors: pd.DataFrame | None, cfg: dict[str, Any]
) -> list[dict[str, Any]]:
    """Jumps and runs of zeros in sector totals and the region's total (module docstring)."""
    return check_series_totals(total_series(df, key, sectors), cfg)


def _robust_unusual(d: np.ndarray, k: float) -> np.ndarray:
    """|d - median| >= k x 1.4826 x MAD per row, over each row's finite changes (rows
    with fewer than two are never unusual)."""
    ok = np.isfinite(d)
    rows = ok.sum(axis=1) >= 2
    dd = np.where(ok, d, np.nan)
    med = nanmedian(dd)[:, None]
    with np.errstate(invalid="ignore"):
        dev = np.abs(dd - med)
        mad = 1.4826 * nanmedian(dev)[:, None]
        return ok & rows[:, None] & (dev >= k * mad)


def reallocations(
    wide: np.ndarray, k: float = 3.0
) -> list[tuple[int, int, list[int], float, float]]:
    """(source row, year column, partner rows, source change, partners' change) found in
    a sectors x years array (module docstring)."""
    prev, cur = wide[:, :-1], wide[:, 1:]
    d = cur - prev
    if d.shape[1] < 2:
        return []
    unusual = _robust_unusual(d, k) & np.isfinite(d) & (d != 0)
    with np.errstate(invalid="ignore"):
        large = np.abs(d) >= MOVED_SHARE * np.fmax(prev, cur)
    found = []
    for t in range(d.shape[1]):
        col, used = d[:, t], set()
        cand = np.flatnonzero(unusual[:, t] & large[:, t])
        if len(cand) < 2:
            continue
        for a in cand[np.argsort(-np.abs(np.nan_to_num(col[cand])), kind="stable")].tolist():
            if a in used:
                continue
            partners = [
                b
                for b in cand.tolist()
                if b != a and b not in used and np.sign(col[b]) == -np.sign(col[a])
            ]
            match = _match(col, a, partners)
            if match:
                used.update([a, *match])
                found.append((a, t + 1, match, float(col[a]), float(col[match].sum())))
    return found


def _match(col: np.ndarray, a: int, partners: list[int]) -> list[int]:
    """The best single partner balancing sector a's change, else all of them, else []."""
    if not partners:
        return []
    gaps = np.abs(col[a] + col[partners])
    best = int(np.argmin(gaps))
    if gaps[best] <= BALANCE * abs(col[a]) and abs(col[partners[best]]) <= abs(col[a]) / (
        1 - BALANCE
    ):
        return [partners[best]]
    if len(partners) > 1 and abs(col[a] + col[partners].sum()) <= BALANCE * abs(col[a]):
        return partners
    return []


def _reallocation_flags(
    wide: pd.DataFrame, var: str, unit: str, cfg: dict[str, Any]
) -> list[dict[str, Any]]:
    values = wide.to_numpy(dtype=float)
    codes = [str(c) for c in wide.index]
    years = [int(y) for y in wide.columns]
    flags = []
    for a, t, partners, da, dp in reallocations(values, float(cfg["jump_mad_k"])):
        what = "rises" if da > 0 else "falls"
        other = ("fall" if da > 0 else "rise") + ("s" if len(partners) == 1 else "")
        names = ", ".join(codes[b] for b in partners[:5]) + (" ..." if len(partners) > 5 else "")
        who = f"sector {names}" if len(partners) == 1 else f"{len(partners)} sectors ({names})"
        flags.append(
            make_flag(
                "warning",
                "reallocation",
                f"{var} of sector {codes[a]} {what} by {fmt(abs(da))} in {years[t]} "
                f"({fmt(values[a, t - 1])} -> {fmt(values[a, t])}) while {who} "
                f"{other} by {fmt(abs(dp))}: their sum changes by {fmt(da + dp)} only "
                "(moved between sectors: a reclassification?)",
                year=years[t],
                sector=codes[a],
                variable=var,
                value=values[a, t],
                unit=unit or None,
                size=min(abs(da), abs(dp)),
            )
        )
    return flags


def check_reallocation(
    df: pd.DataFrame, key: str, sectors: pd.DataFrame | None, cfg: dict[str, Any]
) -> list[dict[str, Any]]:
    """Amounts moved between member sectors: per variable, and of sector totals in a
    one-unit table (module docstring)."""
    d = _additive(frame(df, key), key)
    d = d.loc[d["value"].notna() & d["sector"].isin(part_sectors(d, sectors))]
    if d.empty or d["sector"].nunique() < 2:
        return []
    years = sorted(int(y) for y in d["year"].unique())
    flags: list[dict[str, Any]] = []
    unit = one_unit(d)
    if unit is not None:
        flags += _reallocation_flags(_wide(d, "sector", years), TOTAL, unit, cfg)
    units = d["unit"].to_numpy(dtype=object)
    for var, codes, wide, first in var_blocks(d, key, years):
        if len(codes) > 1:
            block = pd.DataFrame(wide, index=codes, columns=years)
            flags += _reallocation_flags(block, str(var), str(units[int(min(first))]), cfg)
    return flags


def _explains(cell: dict[str, Any], total: dict[str, Any]) -> bool:
    if total["sector"] != "*" and cell["sector"] != total["sector"]:
        return False
    if total["variable"] != TOTAL and cell["variable"] != total["variable"]:
        return False
    return (cell["size"] or 0.0) >= 0.5 * (total["size"] or 0.0)


def unexplained(totals: list[dict[str, Any]], cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The total findings that no cell finding of the same year explains (a cell finding
    of at least half the total's size, in that sector and variable where the total has
    one): a total that jumps because one cell does is that cell's finding."""
    by_year: dict[Any, list[dict[str, Any]]] = {}
    for c in cells:
        if c["check"] in ("jump", "zero_between"):
            by_year.setdefault(c["year"], []).append(c)
    return [t for t in totals if not any(_explains(c, t) for c in by_year.get(t["year"], ()))]


def common_zero_runs(cells: list[dict[str, Any]], least: int = 3) -> list[dict[str, Any]]:
    """One finding for a run of zeros over several years that ``least`` or more series
    share (the same years): a whole table missing for those years, not a cell."""
    runs: dict[tuple, list[dict[str, Any]]] = {}
    for f in cells:
        if f["check"] == "zero_between" and "in every year" in f["message"]:
            span = f["message"].split("in every year ", 1)[1].split(" ", 1)[0]
            runs.setdefault((span, f["unit"]), []).append(f)
    out = []
    for (span, unit), group in runs.items():
        if len(group) < least:
            continue
        sectors = sorted({str(f["sector"]) for f in group})
        names = sorted({str(f["variable"]) for f in group})
        out.append(
            make_flag(
                "warning",
                "zero_between",
                f"{len(group)} series are zero in every year {span} between non-zero years: "
                f"{len(sectors)} sector(s) ({', '.join(sectors[:8])}{' ...' * (len(sectors) > 8)})"
                f", {len(names)} variable(s) ({', '.join(names[:6])}{' ...' * (len(names) > 6)}): "
                "years missing from the source, written as 0?",
                year=group[0]["year"],
                sector="*",
                variable=TOTAL,
                value=0.0,
                unit=unit,
                size=sum(f["size"] or 0.0 for f in group),
            )
        )
    return out
