"""Units of observation of a decomposition: balanced years, sums over regions, levels.

A multi-region (chained or first-to-last) LMDI needs every unit in every year it uses:
:func:`balanced_years` keeps the years all units have and says what it dropped.
:func:`sum_regions` adds the regions up (the sectors of the whole panel, ``unit =
"sector"``).  :func:`levels_frame` lays resolved series out as the tidy levels table of
:func:`.identity.decompose_identity`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from carbonpath.core.errors import InputError

REGION = "region"


def balanced_years(
    years_by_unit: Mapping[str, set[int]], wanted: Sequence[int]
) -> tuple[list[int], list[str]]:
    """The years of ``wanted`` that every unit has, and one note per dropped year range.

    ``years_by_unit``: unit code -> its data years.  A note names the years dropped and
    the units that lack them (a chained or first-to-last LMDI over several units needs a
    balanced panel).
    """
    wanted = sorted({int(y) for y in wanted})
    keep = [y for y in wanted if all(y in ys for ys in years_by_unit.values())]
    dropped = [y for y in wanted if y not in keep]
    if not dropped:
        return keep, []
    lacking = sorted(u for u, ys in years_by_unit.items() if any(y not in ys for y in dropped))
    return keep, [
        f"years {_span(dropped)} dropped: {', '.join(lacking)} "
        f"{'lacks' if len(lacking) == 1 else 'lack'} data there "
        f"(a multi-unit LMDI needs every unit in every year; used {_span(keep)})"
    ]


def _span(years: Sequence[int]) -> str:
    if not years:
        return "none"
    ys = sorted(years)
    if ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}-{ys[-1]}" if len(ys) > 1 else str(ys[0])
    return ", ".join(str(y) for y in ys)


def unit_years(table: pd.DataFrame, key: str = REGION) -> dict[str, set[int]]:
    """``key`` value -> the years the table has rows for."""
    return {
        str(u): {int(y) for y in g["year"]}
        for u, g in table.groupby(table[key].astype(str), sort=True)
    }


def sum_regions(table: pd.DataFrame, value: str) -> pd.DataFrame:
    """The table without its region column, ``value`` summed over the regions."""
    keys = [c for c in ("year", "sector", "fuel") if c in table.columns]
    return table.groupby(keys, as_index=False, sort=True)[value].sum()


def in_years(table: pd.DataFrame | None, years: Sequence[int]) -> pd.DataFrame | None:
    """The rows of ``years`` (None stays None)."""
    if table is None:
        return None
    return table[table["year"].astype(int).isin(list(years))]


def levels_frame(series: Mapping[str, pd.Series], keys: Sequence[str]) -> pd.DataFrame:
    """A levels table from one Series per variable indexed by (keys..., year).

    Rows where a variable is missing stay (NaN), so the caller can say which units
    lack which years.
    """
    if not series:
        raise InputError("an identity needs at least one variable")
    frame = pd.concat(dict(series), axis=1)
    frame.index = frame.index.set_names([*keys, "year"])
    out = frame.reset_index()
    out["year"] = out["year"].astype(int)
    for k in keys:
        out[k] = out[k].astype(str)
    return out
