"""The quality step of loading a study: check, correct, fill, re-check.

Order (docs/quality-checks.md):

1. every check on the data *as published* (so published errors are on record);
2. documented corrections applied; the flags on corrected values become ``resolved``;
3. gap filling: interior years interpolated linearly, edge years only with an
   explicit ``[quality] extrapolate``; every filled value flagged;
4. re-check: coverage (every series x study year), and the value checks again so a
   correction or a fill that introduces a new problem is caught too.

Errors that no correction resolved are ``blocking``: they stop ``carbonpath run``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from carbonpath.quality import checks, totals
from carbonpath.quality.corrections import apply_corrections
from carbonpath.quality.flags import incomplete_groups, make_flag
from carbonpath.quality.gapfill import fill_gaps
from carbonpath.quality.materiality import add_shares, table_typicals

#: checks across sectors or tables, resolved when a correction makes them disappear
CROSS_CHECKS = frozenset({"members_vs_reference", "components"})


@dataclass
class QAResult:
    """What the quality step hands back to the loader."""

    energy: pd.DataFrame
    economy: pd.DataFrame
    flags: list[dict[str, Any]] = field(default_factory=list)
    corrections: list[dict[str, Any]] = field(default_factory=list)
    filled: list[dict[str, Any]] = field(default_factory=list)
    blocking: list[dict[str, Any]] = field(default_factory=list)


def _ident(f: dict[str, Any]) -> tuple:
    return (f["check"], f["year"], f["sector"], f["variable"])


def _coverage_flags(
    frame: pd.DataFrame, key: str, years: list[int], unfilled: dict[tuple, str]
) -> list[dict[str, Any]]:
    flags = []
    if frame.empty:
        return flags
    years_col = frame["year"].to_numpy()
    observed = frame["value"].notna().to_numpy()
    sectors = frame["sector"].to_numpy(dtype=object)
    keys = frame[key].to_numpy(dtype=object)
    files = frame["file"].to_numpy(dtype=object) if "file" in frame else None
    units = frame["unit"].to_numpy(dtype=object) if "unit" in frame else None
    lines = frame["line"].to_numpy() if "line" in frame else None
    for pos in incomplete_groups(frame, ["sector", key], years):
        first = pos[0]
        sector, var = sectors[first], keys[first]
        have = set(years_col[pos[observed[pos]]].astype(int).tolist())
        for t in years:
            if t in have:
                continue
            reason = unfilled.get((t, str(sector), str(var)), "no value")
            at = pos[years_col[pos] == t]
            flags.append(
                make_flag(
                    "error",
                    "coverage",
                    f"{var} of sector {sector} has no value for {t}: {reason}",
                    file=str(files[first]) if files is not None else None,
                    line=int(lines[at[0]]) if len(at) and lines is not None else None,
                    year=t,
                    sector=str(sector),
                    variable=str(var),
                    unit=str(units[first]) if units is not None else None,
                )
            )
    return flags


def _value_checks(
    energy: pd.DataFrame,
    economy: pd.DataFrame,
    sectors: pd.DataFrame,
    cfg: dict[str, Any],
    tce_per_unit: dict[str, float] | None,
) -> list[dict[str, Any]]:
    skip = set(cfg["skip"])
    flags: list[dict[str, Any]] = []
    for frame, key in ((energy, "fuel"), (economy, "variable")):
        if frame is not None and not frame.empty:
            flags += checks.run_checks(frame, key, config=cfg, sectors=sectors)
    if "components" not in skip:
        flags += totals.check_components(energy, economy, tce_per_unit, cfg["total_tolerance"])
    if "coverage" not in skip:
        flags += totals.check_missing_variables(economy, sectors)
    return flags


def assure(
    energy: pd.DataFrame,
    economy: pd.DataFrame,
    sectors: pd.DataFrame,
    years: list[int],
    lead_years: int,
    config: dict[str, Any] | None,
    corrections: pd.DataFrame | None,
    tce_per_unit: dict[str, float] | None = None,
) -> QAResult:
    """Check, correct, fill and re-check a study's energy and economy tables.

    ``energy``: ``year, sector, fuel, value, unit, dimension, source_unit, file, line``
    (canonical floats, NaN = missing); ``economy`` the same with ``variable``.
    ``years``: the study years (coverage is required for these; the ``lead_years``
    before them are optional and serve as interpolation anchors).  ``config``: the
    validated ``[quality]`` table.  ``tce_per_unit``: tce per physical unit of each
    fuel, for comparing fuels with ``energy_total`` (energy-unit fuels need none).
    """
    given = config.model_dump() if hasattr(config, "model_dump") else dict(config or {})
    cfg = {**checks.DEFAULTS, "extrapolate": "none", **given}
    skip = set(cfg["skip"])
    del lead_years  # lead years need no special treatment: optional, used as anchors
    flags = _value_checks(energy, economy, sectors, cfg, tce_per_unit)

    energy2, economy2, applied = apply_corrections(energy, economy, corrections, flags)

    filled: list[dict[str, Any]] = []
    frames = {}
    unfilled: dict[str, dict[tuple, str]] = {}
    for frame, key in ((energy2, "fuel"), (economy2, "variable")):
        d, f_rec, f_flags, miss = fill_gaps(frame, key, years, cfg["extrapolate"])
        frames[key] = d
        filled += f_rec
        flags += f_flags
        unfilled[key] = miss

    if "coverage" not in skip:
        for key in ("fuel", "variable"):
            flags += _coverage_flags(frames[key], key, years, unfilled[key])

    # re-check the final data: new problems (from a correction, say) are added; a
    # cross-sector flag (members vs reference, components) that a correction of that
    # year and variable made disappear is resolved; filled cells are flagged already
    known = {_ident(f) for f in flags}
    if not applied and not filled:  # the final data are the data checked: nothing new
        again: list[dict[str, Any]] = []
    else:
        again = _value_checks(frames["fuel"], frames["variable"], sectors, cfg, tce_per_unit)
    still = {_ident(f) for f in again}
    corrected = {(c["year"], c["variable"]) for c in applied}
    for f in flags:
        if (
            f["check"] in CROSS_CHECKS
            and _ident(f) not in still
            and (f["year"], f["variable"]) in corrected
        ):
            f["resolved"] = True
    filled_cells = {(r["year"], r["sector"], r["variable"]) for r in filled}
    for f in again:
        if _ident(f) in known or (f["year"], f["sector"], f["variable"]) in filled_cells:
            continue
        f["message"] = f"after corrections and gap filling: {f['message']}"
        flags.append(f)
        known.add(_ident(f))

    typicals = table_typicals([(frames["fuel"], "fuel"), (frames["variable"], "variable")], sectors)
    add_shares(flags, typicals)
    blocking = [f for f in flags if f["severity"] == "error" and not f["resolved"]]
    return QAResult(
        energy=frames["fuel"],
        economy=frames["variable"],
        flags=flags,
        corrections=applied,
        filled=filled,
        blocking=blocking,
    )
