"""The pathways section: the LMDI decomposition, targets, scenario assumptions and peaks."""

from __future__ import annotations

from typing import Any

from carbonpath.report.figures import lmdi_span, target_records
from carbonpath.report.html.model import Figure, Section
from carbonpath.report.html.tables import Table, add_tables, records_table

TARGET_HEADERS = {
    "name": "Target",
    "type": "Type",
    "unit": "Unit",
    "base_year": "Base year",
    "target_year": "Target year",
    "reduction": "Reduction (%)",
    "base_value": "Base value",
    "target_value": "Target value",
    "last_year": "Last year",
    "last_value": "Last value",
    "progress": "Change since base (%)",
    "required_rate": "Required rate (%/yr)",
    "trend_rate": "Recent trend (%/yr)",
    "status": "Status",
}
ASSUMPTION_HEADERS = {
    "scenario": "Scenario",
    "label": "Label",
    "driver": "Driver",
    "rate": "Rate (%/yr)",
    "source": "Source",
}
PEAK_HEADERS = {"scenario": "Scenario", "peak_year": "Peak year", "peak_co2_t": "Peak CO₂ (t)"}
LMDI_HEADERS = {
    "effect": "Effect",
    "additive": "Additive effect (t CO₂)",
    "share": "Share of change (%)",
}
LMDI_NOTES = ("mode", "delta", "zero_rule", "zero_limits")


def _lmdi_table(d: dict[str, Any]) -> Table | None:
    """Each additive effect of the span and its share of the change, ``dC_X / dC``."""
    span = lmdi_span(d)
    if not span:
        return None
    change = sum(v for _, v in span["effects"])
    rows = [
        {"effect": n.replace("_", " "), "additive": v, "share": v / change if change else None}
        for n, v in span["effects"]
    ]
    rows.append({"effect": "total change", "additive": change, "share": 1.0 if change else None})
    t = records_table(
        rows, f"LMDI-I decomposition {span['start']}-{span['end']}", headers=LMDI_HEADERS
    )
    if t:
        dec = d.get("decomposition") or {}
        t.note = "; ".join(f"{k}: {v}" for k, v in dec.items() if k in LMDI_NOTES and v is not None)
    return t


def _lmdi_warnings(d: dict[str, Any]) -> list[str]:
    dec = d.get("decomposition")
    if not isinstance(dec, dict):
        return []
    return [str(w) for w in (dec.get("notes") or dec.get("warnings") or [])]


def build(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section:
    """Decomposition and pathways: LMDI table, targets, figures, scenario tables."""
    sec = Section("pathways", "Decomposition and pathways")
    sec.figures = figs.get("pathways", [])
    lmdi = _lmdi_table(d)
    if lmdi_span(d):
        sec.warnings = _lmdi_warnings(d)
    sc = d.get("scenarios") if isinstance(d.get("scenarios"), dict) else {}
    add_tables(
        sec.tables,
        lmdi,
        records_table(target_records(d), "Targets", list(TARGET_HEADERS), headers=TARGET_HEADERS),
    )
    add_tables(
        sec.extra,
        records_table(
            sc.get("assumptions") or [],
            "Scenario assumptions (annual growth of each driver)",
            headers=ASSUMPTION_HEADERS,
        ),
        records_table(sc.get("peaks") or [], "Peak years", headers=PEAK_HEADERS),
    )
    if not (sec.tables or sec.extra or any(f.src for f in sec.figures)):
        sec.intro.append("No decomposition, targets or scenarios in this run.")
    return sec
