"""What the report reads of a panel study (a study with ``regions.csv``).

In a panel the emissions tables carry one row per region and year, so a headline
cannot take the first and the last row of ``emissions.total``: that would set one
region's first year against another region's last.  The headline series of a panel
is ``emissions.sum_of_regions`` (scope ``modern``: all member sectors), which is
missing in any year in which a region has no data; the report states over which
years the sum is complete.  In a one-region study the series is ``emissions.total``
exactly as before.

Decomposition rows are per key (``decomposition.keys``: e.g. ``("region",)``,
``("region", "sector")``, ``("sector",)`` or none); the rows of the whole study are
those in which every key column says ``total`` (:func:`whole_rows`).
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["co2_by_year", "incomplete_years", "is_panel", "region_codes", "whole_rows"]

#: the scope of sum_of_regions that matches a one-region study's emissions.total
SUM_SCOPE = "modern"


def _part(d: dict[str, Any], name: str) -> dict[str, Any]:
    v = d.get(name)
    return v if isinstance(v, dict) else {}


def _rows(obj: Any) -> list[dict[str, Any]]:
    return [r for r in obj if isinstance(r, dict)] if isinstance(obj, list) else []


def _finite(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v) if math.isfinite(v) else None


def is_panel(d: dict[str, Any]) -> bool:
    """True when the emissions results are those of a panel (a sum of regions exists)."""
    return isinstance(_part(d, "emissions").get("sum_of_regions"), list)


def region_codes(d: dict[str, Any]) -> list[str]:
    """The regions of a panel in the study's order (emissions.regions), else []."""
    regs = _part(d, "emissions").get("regions")
    return [str(r) for r in regs] if isinstance(regs, list) else []


def co2_by_year(d: dict[str, Any]) -> dict[int, float]:
    """CO2 of the studied industries by year: the sum of regions in the years in which
    it is complete (panel), else ``emissions.total``; missing years are left out."""
    em = _part(d, "emissions")
    if is_panel(d):
        rows = [r for r in _rows(em.get("sum_of_regions")) if str(r.get("scope")) == SUM_SCOPE]
    else:
        rows = _rows(em.get("total"))
    out: dict[int, float] = {}
    for r in rows:
        v = _finite(r.get("co2_t"))
        if v is not None and r.get("year") is not None:
            out[int(r["year"])] = out.get(int(r["year"]), 0.0) + v
    return dict(sorted(out.items()))


def incomplete_years(d: dict[str, Any]) -> list[int]:
    """The years of a panel in which the sum of regions is missing (some region lacks
    data); [] in a one-region study."""
    if not is_panel(d):
        return []
    rows = [
        r
        for r in _rows(_part(d, "emissions").get("sum_of_regions"))
        if str(r.get("scope")) == SUM_SCOPE
    ]
    return sorted({int(r["year"]) for r in rows if _finite(r.get("co2_t")) is None})


def whole_rows(rows: list[dict[str, Any]], keys: Any) -> list[dict[str, Any]]:
    """The rows of the whole study: every key column equals ``total``.  Without keys
    (one unit, e.g. Kaya on one region) every row is the whole study.  Results written
    before ``keys`` existed name their key by its column (``sector``); when no row is a
    ``total`` row there, the units' rows are the whole study (they sum to it)."""
    if isinstance(keys, list | tuple):
        cols = [str(k) for k in keys]
    else:
        cols = [k for k in ("region", "sector") if any(k in r for r in rows)]
    whole = [r for r in rows if all(str(r.get(k)) == "total" for k in cols)]
    if whole or len(cols) != 1 or any(str(r.get(cols[0])) == "total" for r in rows):
        return whole
    return rows


def _summed(rows: list[dict[str, Any]], keys: tuple[str, ...], years: set[int]) -> list[dict]:
    """``co2_t`` summed over regions per ``keys`` in the complete ``years``."""
    sums: dict[tuple[Any, ...], float] = {}
    for r in rows:
        v = _finite(r.get("co2_t"))
        if v is None or r.get("year") is None or int(r["year"]) not in years:
            continue
        k = tuple(int(r[c]) if c == "year" else r.get(c) for c in keys)
        sums[k] = sums.get(k, 0.0) + v
    return [{**dict(zip(keys, k, strict=True)), "co2_t": v} for k, v in sums.items()]


def sum_view(d: dict[str, Any]) -> dict[str, Any]:
    """``d`` with the emissions of a panel replaced by their sum over regions, in the
    years in which every region has data (the one-region figures then draw the sum, not
    every region's bars on top of each other).  Uncertainty stays per region (left out).
    """
    em = _part(d, "emissions")
    years = set(co2_by_year(d))
    sums = [
        r
        for r in _rows(em.get("sum_of_regions"))
        if r.get("year") is not None and int(r["year"]) in years
    ]
    view = {
        "total": [{"year": y, "co2_t": v} for y, v in co2_by_year(d).items()],
        "by_sector": _summed(_rows(em.get("by_sector")), ("year", "sector"), years),
        "by_fuel": _summed(_rows(em.get("by_fuel")), ("year", "sector", "fuel"), years),
        "intensity": sums,
        "settings": em.get("settings"),
    }
    return {**d, "emissions": view}
