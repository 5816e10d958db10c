"""Facility-level energy and emission tables folded into sector cells at load.

A long table with a ``facility`` column (facility -> sector -> region) is summed, on the
study's engine (:mod:`carbonpath.engine`), into one row per ``[region,] year, sector,
fuel``: ``value`` = sum of the facilities' values (canonical units), ``facilities`` =
how many, ``u_scale`` = sqrt(sum x_i^2) / sum x_i (the activity half-width of the sum
relative to that of one datum, IPCC 2006 Vol. 1 eq. 3.2), ``line`` = the first input
line of the cell.  Every later step (quality, accounting, the resolver) sees sector
cells; the facilities named in ``[engine] facilities`` are kept row by row for their
own results.  One cell's facilities must report the fuel in one kind of unit (all
physical, or all energy): carbonpath does not convert between them before the factors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonpath.core.errors import StudyError
from carbonpath.engine.aggregate import aggregate
from carbonpath.engine.settings import EngineSettings

__all__ = ["fold_facilities"]


def _a(word: str) -> str:
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def _mixed(table: pd.DataFrame, keys: list[str], sums: pd.DataFrame, what: str) -> None:
    """Refuse a cell whose facilities give the fuel in two kinds of unit."""
    dup = sums.duplicated(keys, keep=False)
    if not dup.any():
        return
    cell = sums[dup].sort_values("line").iloc[-1]
    first = sums[dup & (sums[keys] == cell[keys]).all(axis=1)].sort_values("line").iloc[0]
    where = ", ".join(f"{k} {cell[k]}" for k in keys)
    raise StudyError(
        f"facilities of {where} give the {what} in {_a(cell['dimension'])} unit here but in "
        f"{_a(first['dimension'])} unit on row {int(first['line'])}",
        file=str(table["file"].iat[0]),
        row=int(cell["line"]),
        column="unit",
        fix="give one cell's facilities in physical units (t, m3) or all in energy units (tce)",
    )


def fold_facilities(
    table: pd.DataFrame | None, engine: EngineSettings, *, value: str = "value", what: str = "fuel"
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """(sector cells, the kept facilities' rows) of a long table; unchanged without facilities."""
    if table is None or "facility" not in table.columns:
        return table, None
    keys = [k for k in ("region", "year", "sector", "fuel") if k in table.columns]
    neg = np.flatnonzero((table[value] < 0).to_numpy())
    if neg.size:
        r = table.iloc[int(neg[0])]
        raise StudyError(
            f"value {r[value]:g} {r['unit']} of facility {r['facility']} is negative",
            file=str(r["file"]),
            row=int(r["line"]),
            column="value",
            fix="a facility's energy use or emissions cannot be negative; correct the value",
        )
    act = table.loc[:, [*keys, "facility", value, "unit", "dimension", "line"]]
    act = act.rename(columns={value: "value"})
    units = act[["unit", "dimension"]].drop_duplicates().assign(factor=1.0)
    factors = pd.DataFrame({"fuel": [], "dimension": [], "co2_per_unit": []})
    sums = aggregate(act, units, factors, engine, by=[*keys, "dimension"])
    _mixed(table, keys, sums, what)
    unit = act.drop_duplicates("dimension").set_index("dimension")["unit"]
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.sqrt(sums["value_sq"].to_numpy()) / sums["value"].to_numpy()
    cells = sums[keys].copy()
    cells[value] = sums["value"].to_numpy()
    cells["unit"] = sums["dimension"].map(unit).to_numpy()
    cells["dimension"] = sums["dimension"].to_numpy()
    cells["source_unit"] = cells["unit"]
    cells["file"] = str(table["file"].iat[0]) if len(table) else ""
    cells["line"] = sums["line"].to_numpy()
    cells["facilities"] = sums["n"].to_numpy()
    cells["u_scale"] = np.where(sums["value"].to_numpy() > 0, scale, np.nan)
    cells = cells.sort_values("line", kind="stable").reset_index(drop=True)
    kept = None
    if engine.facilities:
        kept = table[table["facility"].isin(engine.facilities)].reset_index(drop=True)
    return cells, kept
