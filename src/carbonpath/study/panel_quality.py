"""The quality step over a study: the whole study, or region by region in a panel.

A region is checked, corrected and gap-filled on its own (:func:`quality.assure.assure`);
its findings carry the region, and their materiality share is of that region's total.
The panel total (the sum over the regions that have every year) is checked too: its
findings carry region ``*`` and shares of the panel's total.  In a panel, a region or sector that lacks years at the
start or end of the study is *unbalanced*, not wrong: those coverage findings are
warnings, and every analysis states which cells it used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from carbonpath.quality.assure import QAResult, assure
from carbonpath.quality.breaks import check_series_totals, total_series
from carbonpath.quality.checks import DEFAULTS, run_checks
from carbonpath.quality.folding import fold_into_zero_runs
from carbonpath.quality.materiality import add_shares, table_typicals
from carbonpath.quality.settings import QualitySettings

__all__ = ["assure_study", "inventory_flags", "panel_total_flags"]

PANEL = "*"

UNBALANCED = (
    " (the panel is unbalanced here: analyses use the years this series has and state "
    "their coverage)"
)


@dataclass
class _Merged:
    energy: list[pd.DataFrame] = field(default_factory=list)
    economy: list[pd.DataFrame] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)
    corrections: list[dict[str, Any]] = field(default_factory=list)
    filled: list[dict[str, Any]] = field(default_factory=list)
    blocking: list[dict[str, Any]] = field(default_factory=list)


def _empty_long(key: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": pd.Series(dtype=int),
            "sector": pd.Series(dtype=str),
            key: pd.Series(dtype=str),
            "value": pd.Series(dtype=float),
            "unit": pd.Series(dtype=str),
            "dimension": pd.Series(dtype=str),
            "source_unit": pd.Series(dtype=str),
            "file": pd.Series(dtype=str),
            "line": pd.Series(dtype=int),
        }
    )


def _tag(records: list[dict[str, Any]], region: str) -> list[dict[str, Any]]:
    return [{"region": region, **r} for r in records]


def _soften_edges(flags: list[dict[str, Any]]) -> None:
    """Edge-year coverage errors of a panel become warnings (an unbalanced panel)."""
    for f in flags:
        if f.get("check") == "coverage" and f["severity"] == "error" and "outside" in f["message"]:
            f["severity"] = "warning"
            f["message"] += UNBALANCED


def _one(
    energy: pd.DataFrame | None,
    economy: pd.DataFrame,
    sectors: pd.DataFrame,
    years: list[int],
    settings: Any,
    corrections: pd.DataFrame | None,
    tce_per_unit: dict[str, float],
) -> QAResult:
    return assure(
        energy if energy is not None else _empty_long("fuel"),
        economy,
        sectors,
        years,
        settings.lead_years,
        settings.quality,
        corrections,
        tce_per_unit=tce_per_unit,
    )


def _subset(frame: pd.DataFrame | None, region: str) -> pd.DataFrame | None:
    if frame is None:
        return None
    return frame[frame["region"] == region].drop(columns="region").reset_index(drop=True)


def _balanced(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rows of the regions that give each variable in every year the panel has it."""
    d = frame.loc[frame["value"].notna()]
    years = d.groupby(key)["year"].nunique()
    have = d.groupby([key, "region"])["year"].nunique()
    full = have[have.to_numpy() == years.reindex(have.index.get_level_values(0)).to_numpy()]
    keep = pd.MultiIndex.from_arrays([d[key], d["region"]]).isin(full.index)
    return d.loc[keep]


def _panel_totals(d: pd.DataFrame, key: str, sectors: pd.DataFrame, cfg: dict[str, Any]):
    whole = d.drop(columns="region")
    series = (s for s in total_series(whole, key, sectors) if s[0] == "*")
    return check_series_totals(series, cfg)


def panel_total_flags(
    frame: pd.DataFrame | None,
    key: str,
    sectors: pd.DataFrame,
    config: dict[str, Any],
    cells: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Jumps and runs of zeros in the panel total (region ``*``): the sum over the regions
    that give the variable in every year (so a region that starts late is no jump).  With
    the regions' findings (``cells``), a panel-total finding that a region's run of zeros
    over several years explains is folded into that finding
    (:mod:`carbonpath.quality.folding`)."""
    if frame is None or frame.empty or frame["region"].nunique() < 2:
        return []
    d = _balanced(frame, key)
    if d["region"].nunique() < 2:
        return []
    cfg = {**DEFAULTS, **config}
    flags = _tag(_panel_totals(d, key, sectors, cfg), PANEL)
    if cells and "zero_between" not in cfg.get("skip", ()):
        names = set(d[key].astype(str).unique().tolist()) | {"total"}
        flags = fold_into_zero_runs(
            flags,
            [c for c in cells if c.get("variable") in names],
            d,
            ["region", "sector", key],
            lambda filled: _tag(_panel_totals(filled, key, sectors, cfg), PANEL),
            int(cfg["jump_window"]),
        )
    add_shares(flags, table_typicals([(d.drop(columns="region"), key)], sectors))
    prefix = f"panel total ({d['region'].nunique()} regions): "
    for f in flags:
        f["message"] = prefix + f["message"]
    return flags


def assure_study(
    energy: pd.DataFrame | None,
    economy: pd.DataFrame,
    sectors: pd.DataFrame,
    regions: pd.DataFrame | None,
    years: list[int],
    settings: Any,
    corrections: pd.DataFrame | None,
    tce_per_unit: dict[str, float],
) -> QAResult:
    """Check, correct and fill the study (``regions``: the panel's regions, or None)."""
    if regions is None:
        return _one(energy, economy, sectors, years, settings, corrections, tce_per_unit)
    out = _Merged()
    for region in regions["code"]:
        qa = _one(
            _subset(energy, region),
            _subset(economy, region),
            sectors,
            years,
            settings,
            _subset(corrections, region),
            tce_per_unit,
        )
        _soften_edges(qa.flags)
        out.energy.append(qa.energy.assign(region=region))
        out.economy.append(qa.economy.assign(region=region))
        out.flags += _tag(qa.flags, region)
        out.corrections += _tag(qa.corrections, region)
        out.filled += _tag(qa.filled, region)
    if "totals" not in settings.quality.skip:
        cfg = settings.quality.model_dump()
        for frames, key in ((out.energy, "fuel"), (out.economy, "variable")):
            if frames:
                joined_frame = pd.concat(frames, ignore_index=True)
                out.flags += panel_total_flags(joined_frame, key, sectors, cfg, out.flags)
    blocking = [f for f in out.flags if f["severity"] == "error" and not f.get("resolved")]

    def joined(frames: list[pd.DataFrame]) -> pd.DataFrame:
        frame = pd.concat(frames, ignore_index=True)
        return frame[["region", *[c for c in frame.columns if c != "region"]]]

    return QAResult(
        energy=joined(out.energy),
        economy=joined(out.economy),
        flags=out.flags,
        corrections=out.corrections,
        filled=out.filled,
        blocking=blocking,
    )


def inventory_flags(
    inventory: pd.DataFrame,
    sectors: pd.DataFrame,
    quality: QualitySettings,
    regions: pd.DataFrame | None,
) -> list[dict[str, Any]]:
    """Quality checks on an emission inventory (e.g. CEADs), reported as warnings.

    A published inventory cannot be corrected cell by cell the way a yearbook table
    can, and its small sector-fuel cells jump by orders of magnitude for real reasons;
    so its findings are shown beside the results instead of stopping the run.
    """
    parts = (
        [(None, inventory)]
        if regions is None
        else [
            (r, inventory[inventory["region"] == r].drop(columns="region")) for r in regions["code"]
        ]
    )
    flags: list[dict[str, Any]] = []
    for region, frame in parts:
        found = run_checks(
            frame.rename(columns={"co2_t": "value"}),
            "fuel",
            config=quality.model_dump(),
            sectors=sectors,
        )
        add_shares(
            found, table_typicals([(frame.rename(columns={"co2_t": "value"}), "fuel")], sectors)
        )
        for f in found:
            if f["severity"] == "error":
                f["severity"] = "warning"
                f["message"] += " (inventory data: reported, not blocking)"
        flags += found if region is None else _tag(found, region)
    if regions is not None and "totals" not in quality.skip:
        flags += panel_total_flags(
            inventory.rename(columns={"co2_t": "value"}).assign(unit="t", dimension="mass"),
            "fuel",
            sectors,
            quality.model_dump(),
            flags,
        )
    return flags
