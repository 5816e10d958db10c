"""Tapio (2005) decoupling of CO2 from economic growth, and its LMDI decoupling effort.

For a unit (a region, or a sector with its output) and a period from year 0 to year T,
the decoupling elasticity is

    e = (dC / C_0) / (dG / G_0),      dC = C_T - C_0,  dG = G_T - G_0

with C the CO2 and G the driver (GDP, or output value for sectors).  Tapio (2005,
Transport Policy 12(2): 137-151, Fig. 2) names eight states from the signs of dG and dC
and the elasticity, with the thresholds 0.8 and 1.2:

    dG > 0, dC < 0  (e < 0)          strong decoupling
    dG > 0, dC >= 0, 0 <= e < 0.8    weak decoupling
    dG > 0,          0.8 <= e <= 1.2 expansive coupling
    dG > 0,          e > 1.2         expansive negative decoupling
    dG < 0, dC > 0  (e < 0)          strong negative decoupling
    dG < 0, dC <= 0, 0 <= e < 0.8    weak negative decoupling
    dG < 0,          0.8 <= e <= 1.2 recessive coupling
    dG < 0,          e > 1.2         recessive decoupling

Tapio gives the ranges as 0 < e < 0.8, 0.8 < e < 1.2 and e > 1.2; carbonpath puts the
boundaries 0.8 and 1.2 themselves in the coupling states and e = 0 (no change of C) in the
weak states.  dG = 0 leaves e undefined (state "undefined").

Decoupling effort: with additive LMDI effects dC_k that sum to dC (Ang 2004),
e = sum_k (dC_k / C_0) / (dG / G_0), so each effect contributes e_k = dC_k / C_0 / (dG/G_0)
to the elasticity (a negative e_k: the effect pulls towards decoupling).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from carbonpath.core.errors import InputError
from carbonpath.pathways.results import DecouplingResults

WEAK, STRONG = 0.8, 1.2
STATES = (
    "strong decoupling",
    "weak decoupling",
    "expansive coupling",
    "expansive negative decoupling",
    "strong negative decoupling",
    "weak negative decoupling",
    "recessive coupling",
    "recessive decoupling",
)
UNDEFINED = "undefined"
KEY_COLUMNS = ("region", "sector")
TOTAL = "total"


def tapio_state(pct_driver: float, elasticity: float) -> str:
    """The Tapio state of a period from the sign of dG/G_0 and e (see the module)."""
    if pct_driver == 0 or not np.isfinite(elasticity):
        return UNDEFINED
    growing = pct_driver > 0
    if elasticity < 0:
        band = 0
    elif elasticity < WEAK:
        band = 1
    elif elasticity <= STRONG:
        band = 2
    else:
        band = 3
    return STATES[band] if growing else STATES[4 + band]


def _pairs(years: Sequence[int], periods: str | Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    ys = sorted({int(y) for y in years})
    if len(ys) < 2:
        raise InputError("decoupling needs at least two years", fix="add another year")
    if periods == "chained":
        return list(zip(ys[:-1], ys[1:], strict=True))
    if periods == "first_last":
        return [(ys[0], ys[-1])]
    out = []
    for pair in periods:
        y0, y1 = (int(y) for y in pair)
        if y0 >= y1 or y0 not in ys or y1 not in ys:
            raise InputError(
                f"period {[y0, y1]} is not two data years in order", fix=f"use years among {ys}"
            )
        out.append((y0, y1))
    return out


def _unit_levels(levels: pd.DataFrame, keys: list[str], values: list[str]) -> pd.DataFrame:
    """(unit keys..., year)-indexed levels, with a "total" unit when there are several."""
    missing = [c for c in ("year", *values) if c not in levels.columns]
    if missing:
        raise InputError(
            f"the levels table lacks columns {missing}", fix="give year and both variables"
        )
    tab = levels[[*keys, "year", *values]].copy()
    tab["year"] = tab["year"].astype(int)
    for k in keys:
        tab[k] = tab[k].astype(str)
    if tab[values].isna().to_numpy().any() or (tab[values].to_numpy(dtype=float) <= 0).any():
        raise InputError("CO2 and the driver must be positive in every year", fix="check the data")
    if keys and tab[keys].drop_duplicates().shape[0] > 1:
        total = tab.groupby("year", as_index=False)[values].sum().assign(**{k: TOTAL for k in keys})
        tab = pd.concat([tab, total[[*keys, "year", *values]]], ignore_index=True)
    return tab.set_index([*keys, "year"]).sort_index()


def _is_total(unit: object) -> bool:
    label = unit if isinstance(unit, tuple) else (unit,)
    return bool(label) and label[0] == TOTAL


def _state_rows(
    tab: pd.DataFrame, keys: list[str], pairs: list[tuple[int, int]], quantity: str, driver: str
) -> pd.DataFrame:
    units = list(tab.index.droplevel("year").unique()) if keys else [()]
    # the sum last (a code may sort after "total", e.g. 山西)
    units = [u for u in units if not _is_total(u)] + [u for u in units if _is_total(u)]
    rows = []
    for unit in units:
        label = unit if isinstance(unit, tuple) else (unit,)
        sub = tab.loc[unit] if keys else tab
        for y0, y1 in pairs:
            c0, c1 = float(sub.loc[y0, quantity]), float(sub.loc[y1, quantity])
            g0, g1 = float(sub.loc[y0, driver]), float(sub.loc[y1, driver])
            pc, pg = (c1 - c0) / c0, (g1 - g0) / g0
            e = pc / pg if pg != 0 else float("nan")
            rows.append(
                {
                    **dict(zip(keys, label, strict=True)),
                    "period_start": y0,
                    "period_end": y1,
                    "co2_start": c0,
                    "co2_end": c1,
                    "driver_start": g0,
                    "driver_end": g1,
                    "pct_co2": pc,
                    "pct_driver": pg,
                    "elasticity": e,
                    "state": tapio_state(pg, e),
                }
            )
    return pd.DataFrame(rows)


def decoupling_effort(
    states: pd.DataFrame, effects: pd.DataFrame, keys: Sequence[str]
) -> pd.DataFrame:
    """Each LMDI effect's contribution e_k = dC_k / C_0 / (dG / G_0) to the elasticity.

    ``effects``: period_start, period_end, the unit keys, effect, additive (as the
    decomposition results' ``effects``).  Rows of ``states`` without effects are left out.
    """
    on = [*keys, "period_start", "period_end"]
    missing = [c for c in (*on, "effect", "additive") if c not in effects.columns]
    if missing:
        raise InputError(
            f"the effects table lacks columns {missing}", fix="pass the decomposition effects"
        )
    eff = effects[[*on, "effect", "additive"]].copy()
    for k in keys:
        eff[k] = eff[k].astype(str)
    merged = states[[*on, "co2_start", "pct_driver"]].merge(eff, on=on, how="inner")
    with np.errstate(divide="ignore", invalid="ignore"):
        share = merged["additive"] / merged["co2_start"] / merged["pct_driver"]
    merged["contribution"] = share.where(merged["pct_driver"] != 0)
    return merged[[*on, "effect", "additive", "contribution"]].reset_index(drop=True)


def decoupling(
    levels: pd.DataFrame,
    *,
    driver: str = "gdp",
    quantity: str = "co2",
    periods: str | Sequence[Sequence[int]] = "chained",
    effects: pd.DataFrame | None = None,
) -> DecouplingResults:
    """Tapio decoupling per unit and period, with the decoupling effort of ``effects``.

    ``levels``: year, optional ``region``/``sector`` columns, the quantity (t CO2) and the
    driver (GDP or output, yuan).  Several units get a ``total`` unit (their sums).
    ``periods``: "chained", "first_last" or (start, end) pairs.
    """
    keys = [k for k in KEY_COLUMNS if k in levels.columns]
    tab = _unit_levels(levels, keys, [quantity, driver])
    pairs = _pairs(tab.index.get_level_values("year"), periods)
    states = _state_rows(tab, keys, pairs, quantity, driver)
    on = [*keys, "period_start", "period_end", "effect", "additive", "contribution"]
    effort = (
        decoupling_effort(states, effects, keys)
        if effects is not None
        else pd.DataFrame(columns=on)
    )
    return DecouplingResults(
        driver=driver, keys=tuple(keys), weak=WEAK, strong=STRONG, states=states, effort=effort
    )
