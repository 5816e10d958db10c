"""CO2 by sector, group and total from the emissions by fuel; sector roles.

Sums (t CO2), per year:

- by sector: sum over fuels, for the member sectors and the reference row;
- by group: sum over the member sectors of each group (groups in display order);
- total: sum over the member sectors, with ``share_of_reference`` = total / CO2 of the
  reference row (NaN without a reference row or when its CO2 is 0);
- year-on-year change by fuel: CO2_{s,f,t} - CO2_{s,f,t-1} (a missing cell counts 0).

A sum that overflows is an input error located at the most extreme input row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonpath.accounting.overflow import overflow_error

__all__ = ["Aggregates", "SectorRoles", "aggregate", "yoy_by_fuel"]


@dataclass(frozen=True)
class SectorRoles:
    """Who is who in sectors.csv: member sectors (with their group), the reference row."""

    members: tuple[str, ...]
    reference: str | None
    group_of: dict[str, str]
    groups: tuple[str, ...]

    @classmethod
    def of(cls, sectors: pd.DataFrame) -> SectorRoles:
        """Roles from a sectors table (``code, group, role``)."""
        is_member = sectors["role"] == "member"
        members = tuple(sectors.loc[is_member, "code"].astype(str))
        refs = sectors.loc[sectors["role"] == "reference", "code"].astype(str).tolist()
        group_of = dict(zip(members, sectors.loc[is_member, "group"].astype(str), strict=True))
        groups = tuple(dict.fromkeys(group_of[m] for m in members))
        return cls(members, refs[0] if refs else None, group_of, groups)

    @property
    def reported(self) -> list[str]:
        """Sectors whose CO2 is reported: the members and the reference row."""
        return [*self.members, *([self.reference] if self.reference else [])]


@dataclass(frozen=True)
class Aggregates:
    """CO2 (t) by sector (all sectors), by group and in total, and per (year, sector)."""

    by_sector_all: pd.DataFrame
    by_sector: pd.DataFrame
    by_group: pd.DataFrame
    total: pd.DataFrame
    co2_sector: dict[tuple[int, str], float]


def _check_finite(
    frame: pd.DataFrame,
    column: str,
    rows: pd.DataFrame,
    scope: Callable[[pd.Series], tuple[str, list[str]]],
) -> None:
    """An infinite sum is an input error at the most extreme of its input rows;
    ``scope(row)`` gives the words for the row's scope and the sector codes it sums."""
    bad = np.isinf(frame[column].to_numpy(dtype=float))
    if not bad.any():
        return
    hit = frame.loc[bad].iloc[0]
    label, codes = scope(hit)
    cand = rows[(rows["year"] == hit["year"]) & rows["sector"].isin(codes)]
    raise overflow_error(f"the {column.replace('_', ' ')} of {label} in {int(hit['year'])}", cand)


def aggregate(by_fuel: pd.DataFrame, roles: SectorRoles, rows: pd.DataFrame) -> Aggregates:
    """Sums of ``by_fuel`` (``year, sector, fuel, co2_t``) by sector, group and total.

    ``rows``: the input rows (``year, sector, value, file, line``) for locating overflow.
    """
    members = list(roles.members)
    sec = by_fuel.groupby(["year", "sector"], as_index=False)["co2_t"].sum()
    _check_finite(sec, "co2_t", rows, lambda h: (f"sector {h['sector']}", [h["sector"]]))
    by_sector = sec[sec["sector"].isin(roles.reported)].reset_index(drop=True)
    mem = sec[sec["sector"].isin(members)].copy()
    mem["group"] = mem["sector"].map(roles.group_of)
    order = {g: i for i, g in enumerate(roles.groups)}
    by_group = (
        mem.groupby(["year", "group"], as_index=False, sort=False)["co2_t"]
        .sum()
        .assign(_o=lambda d: d["group"].map(order))
        .sort_values(["year", "_o"])
        .drop(columns="_o")
        .reset_index(drop=True)
    )
    in_group = {g: [m for m in members if roles.group_of[m] == g] for g in roles.groups}
    _check_finite(by_group, "co2_t", rows, lambda h: (f"group {h['group']}", in_group[h["group"]]))
    total = mem.groupby("year", as_index=False)["co2_t"].sum()
    _check_finite(total, "co2_t", rows, lambda h: ("the member sectors", members))
    co2_sec = {
        (int(y), str(c)): float(v)
        for y, c, v in zip(sec["year"], sec["sector"], sec["co2_t"], strict=True)
    }
    ref = roles.reference
    if ref is not None:
        ref_co2 = total["year"].map(lambda y: co2_sec.get((y, ref), np.nan))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            total["share_of_reference"] = np.where(ref_co2 > 0, total["co2_t"] / ref_co2, np.nan)
        _check_finite(
            total, "share_of_reference", rows, lambda h: ("the member sectors", [*members, ref])
        )
    else:
        total["share_of_reference"] = np.nan
    return Aggregates(sec, by_sector, by_group, total, co2_sec)


def yoy_by_fuel(by_fuel: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Change of each sector's CO2 by fuel from the previous year with data (t)."""
    if by_fuel.empty or len(years) < 2:
        return pd.DataFrame(columns=["year", "sector", "fuel", "change_t"])
    piv = by_fuel.pivot_table(
        index=["sector", "fuel"], columns="year", values="co2_t", aggfunc="sum", fill_value=0.0
    ).reindex(columns=years, fill_value=0.0)
    diff = piv.diff(axis=1).iloc[:, 1:]
    out = diff.stack().rename("change_t").reset_index()
    out = out[["year", "sector", "fuel", "change_t"]]
    return out.sort_values(["year", "sector", "fuel"]).reset_index(drop=True)
