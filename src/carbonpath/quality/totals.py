"""Checks across series: members against their reference total, fuels against the
reported energy total, and variables some member sectors lack."""

from __future__ import annotations

from typing import Any

import pandas as pd

from carbonpath.core.units import TCE_GJ
from carbonpath.quality.flags import Rows, fmt, frame, group_positions, make_flag

__all__ = ["check_components", "check_members_vs_reference", "check_missing_variables"]

#: variables that add up over sectors (members vs reference); gdp is region-wide
NON_ADDITIVE = frozenset({"gdp", "population"})
ADDITIVE_DIMENSIONS = ("currency", "headcount", "count", "energy", "mass", "volume")


def check_members_vs_reference(
    df: pd.DataFrame, key: str, sectors: pd.DataFrame, tolerance: float = 0.05
) -> list[dict[str, Any]]:
    """Warn where the members of an additive variable add up to more than the reference.

    The reference row is an aggregate (all manufacturing) that contains the members, so
    sum(members) <= reference x (1 + tolerance) must hold.
    """
    if sectors is None or sectors.empty:
        return []
    ref = sectors.loc[sectors["role"] == "reference", "code"].tolist()
    members = set(sectors.loc[sectors["role"] == "member", "code"])
    if not ref:
        return []
    d = frame(df, key)
    d = d.loc[d["value"].notna()]
    rows = Rows(d, ("file", "line", "unit", "dimension", "year", key))
    is_ref = (d["sector"] == ref[0]).to_numpy()
    is_member = d["sector"].isin(members).to_numpy()
    values = d["value"].to_numpy()
    additive = set(ADDITIVE_DIMENSIONS)
    flags = []
    for pos in group_positions(d, [key, "year"], sort=True):
        var = rows.col[key][pos[0]]
        year = rows.col["year"][pos[0]]
        dims = {rows.col["dimension"][i] for i in pos} - {""}
        if var in NON_ADDITIVE or (dims and not dims <= additive):
            continue
        r = pos[is_ref[pos]]
        m = pos[is_member[pos]]
        if not len(r) or not len(m):
            continue
        total = float(values[r[0]])
        s = float(values[m].sum())  # the same (pairwise) sum as pandas' Series.sum
        if total >= 0 and s > total * (1 + tolerance) and s - total > 1e-9 * max(1.0, abs(s)):
            row = rows.row(int(r[0]))
            flags.append(
                make_flag(
                    "warning",
                    "members_vs_reference",
                    f"{var} of the member sectors adds up to {fmt(s)}, more than the reference "
                    f"{ref[0]} ({fmt(total)}) that contains them",
                    file=row["file"],
                    line=row["line"],
                    year=int(year),
                    sector=ref[0],
                    variable=str(var),
                    value=total,
                    unit=row["unit"] or None,
                    size=s - total,
                )
            )
    return flags


def _fuel_rows(energy: pd.DataFrame) -> dict[tuple, list[tuple[Any, Any, Any]]]:
    """The (dimension, fuel, value) rows of each (year, sector), in table order."""
    e = frame(energy, "fuel")
    e = e.loc[e["value"].notna()]
    fuels: dict[tuple, list[tuple[Any, Any, Any]]] = {}
    for y, sec, dim, fuel, v in zip(
        *(e[c].to_numpy(dtype=object) for c in ("year", "sector", "dimension", "fuel", "value")),
        strict=True,
    ):
        fuels.setdefault((y, sec), []).append((dim, fuel, v))
    return fuels


def _fuels_gj(g: list[tuple[Any, Any, Any]], tce: dict[str, float]) -> tuple[float, list[str]]:
    """GJ of a sector-year's fuels, and the fuels that have no tce factor."""
    gj = 0.0
    missing = []
    for dim, fuel, v in g:
        if dim == "energy":
            gj += v
        elif fuel in tce:
            gj += v * tce[fuel] * TCE_GJ
        else:
            missing.append(str(fuel))
    return gj, missing


def _partial_note(sector: str, items: list[tuple[int, float, dict[str, Any]]]) -> dict[str, Any]:
    """One info flag for the years a sector's fuels cover only part of its energy_total."""
    items.sort(key=lambda it: it[0])
    shares = [100 * it[1] for it in items]
    years = [it[0] for it in items]
    span = f"{years[0]}" if len(years) == 1 else f"{len(years)} years {years[0]}-{years[-1]}"
    pct = f"{shares[0]:.3g}%" if len(shares) == 1 else f"{min(shares):.3g}-{max(shares):.3g}%"
    first = dict(items[0][2])
    first["year"] = None if len(years) > 1 else years[0]
    return make_flag(
        "info",
        "components",
        f"the listed fuels cover {pct} of the reported energy_total of sector {sector} "
        f"({span}); the rest is energy not listed (other fuels, heat, or electricity "
        "at another tce factor)",
        **first,
    )


def check_components(
    energy: pd.DataFrame,
    economy: pd.DataFrame,
    tce_per_unit: dict[str, float] | None = None,
    tolerance: float = 0.05,
) -> list[dict[str, Any]]:
    """Compare fuels converted to energy with the reported ``energy_total`` (GJ).

    Energy-unit fuels count as given; mass/volume fuels need ``tce_per_unit[fuel]``
    (tce per t or per m3, x 29.3076 GJ/tce).  A sector-year with a fuel that cannot be
    converted is skipped (one info flag says so).  Fuels exceeding the total by more
    than ``tolerance`` is a warning; fuels covering less than (1 - tolerance) of it is
    info (the total may include fuels not listed).
    """
    if energy is None or economy is None or energy.empty or economy.empty:
        return []
    tce = tce_per_unit or {}
    tot = frame(economy, "variable")
    tot = tot.loc[(tot["variable"] == "energy_total") & tot["value"].notna()]
    if tot.empty:
        return []
    fuels = _fuel_rows(energy)
    flags = []
    skipped: set[str] = set()
    partial: dict[str, list[tuple[int, float, dict[str, Any]]]] = {}
    tot_rows = Rows(tot, ("file", "line", "year", "sector", "value", "unit"))
    for i in range(len(tot)):
        row = tot_rows.row(i)
        g = fuels.get((row["year"], row["sector"]))
        if not g:
            continue
        gj, missing = _fuels_gj(g, tce)
        if missing:
            skipped.update(missing)
            continue
        total = float(row["value"])
        if total <= 0:
            continue
        common = {
            "file": row["file"],
            "line": row["line"],
            "year": row["year"],
            "sector": row["sector"],
            "variable": "energy_total",
            "value": total,
            "unit": row["unit"] or None,
        }
        if gj > total * (1 + tolerance):
            flags.append(
                make_flag(
                    "warning",
                    "components",
                    f"the fuels add up to {fmt(gj)} GJ, {gj / total:.3g} times the reported "
                    f"energy_total ({fmt(total)} GJ)",
                    **common,
                    size=gj - total,
                )
            )
        elif gj < total * (1 - tolerance):
            partial.setdefault(str(row["sector"]), []).append(
                (int(row["year"]), gj / total, common)
            )
    # partial coverage is common (the total holds energy not listed): one note per sector
    flags += [_partial_note(sector, items) for sector, items in partial.items()]
    if skipped:
        flags.append(
            make_flag(
                "info",
                "components",
                "fuels vs energy_total not compared where these fuels have no tce "
                f"conversion factor: {', '.join(sorted(skipped))}",
                variable="energy_total",
            )
        )
    return flags


def check_missing_variables(economy: pd.DataFrame, sectors: pd.DataFrame) -> list[dict[str, Any]]:
    """Warn when some member sectors give a variable and other members do not give it at all."""
    if economy is None or economy.empty or sectors is None or sectors.empty:
        return []
    members = sectors.loc[sectors["role"] == "member", "code"].tolist()
    flags = []
    for var, g in economy.groupby("variable", sort=False):
        have = set(g["sector"])
        given = [m for m in members if m in have]
        lacking = [m for m in members if m not in have]
        if given and lacking:
            flags.append(
                make_flag(
                    "warning",
                    "coverage",
                    f"{var} is given for member sector(s) {', '.join(given)} but not for "
                    f"{', '.join(lacking)}",
                    file=str(g["file"].iloc[0]) if "file" in g else None,
                    variable=str(var),
                )
            )
    return flags
