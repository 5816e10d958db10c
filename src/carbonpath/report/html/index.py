"""The index section: weights, scores per year, robustness, the index figures."""

from __future__ import annotations

from typing import Any

from carbonpath.report.html.emissions import not_run
from carbonpath.report.html.format import finite, fmt_num
from carbonpath.report.html.model import Figure, Section
from carbonpath.report.html.tables import add_tables, records_table

WEIGHT_COLUMNS = ["indicator", "label", "subsystem", "weight", "entropy", "divergence", "rank"]
WEIGHT_HEADERS = {
    "indicator": "Indicator",
    "label": "Label",
    "subsystem": "Subsystem",
    "weight": "Weight (sums to 1)",
    "entropy": "Entropy E",
    "divergence": "Divergence 1 − E",
    "rank": "Rank",
}


def _method_sentence(s: dict[str, Any]) -> list[str]:
    if not s.get("method"):
        return []
    eps = f"; epsilon shift {s['epsilon']}" if s.get("epsilon") else ""
    return [f"Weights: {s['method']}; normalisation: {s.get('normalisation', 'min-max')}{eps}."]


def _robustness_sentence(idx: dict[str, Any]) -> list[str]:
    sens = idx.get("sensitivity") or {}
    if not isinstance(sens, dict) or finite(sens.get("mean_abs_rank_shift")) is None:
        return []
    return [
        "Robustness: across the Monte Carlo variations a year's rank moves by "
        f"{fmt_num(sens['mean_abs_rank_shift'], 2)} places on average."
    ]


def build(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section:
    """Low-carbon development index: method, weights, scores, robustness, figures."""
    idx = d.get("index") if isinstance(d.get("index"), dict) else None
    sec = Section("index", "Low-carbon development index")
    sec.figures = figs.get("index", [])
    if not idx:
        sec.intro.append(not_run(d, "index", "The index was not computed"))
        return sec
    sec.intro += _method_sentence(idx.get("settings") or {})
    sec.warnings = [str(w) for w in idx.get("warnings") or []]
    add_tables(
        sec.tables,
        records_table(
            sorted(idx.get("weights") or [], key=lambda r: r.get("rank") or 0),
            "Indicator weights",
            WEIGHT_COLUMNS,
            headers=WEIGHT_HEADERS,
        ),
        records_table(idx.get("scores") or [], "Index per year", headers={"score": "Index (0-1)"}),
    )
    sec.intro += _robustness_sentence(idx)
    return sec
