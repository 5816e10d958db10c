"""The data section: provenance of the input files, quality findings, corrections, gaps."""

from __future__ import annotations

from typing import Any

from carbonpath.report.html.model import Figure, Section
from carbonpath.report.html.tables import add_tables, records_table

FLAG_COLUMNS = [
    "severity",
    "resolved",
    "check",
    "file",
    "line",
    "year",
    "sector",
    "variable",
    "value",
    "message",
]


def _counts(q: dict[str, Any]) -> str:
    """One sentence counting findings, errors, resolved errors, corrections and fills."""
    flags = [f for f in q.get("flags") or [] if isinstance(f, dict)]
    errors = [f for f in flags if f.get("severity") == "error"]
    resolved = [f for f in errors if f.get("resolved")]
    return (
        f"{len(q.get('flags') or [])} quality finding(s) ({len(errors)} error(s), "
        f"{len(resolved)} of them resolved by corrections); "
        f"{len(q.get('corrections') or [])} correction(s) applied from corrections.csv; "
        f"{len(q.get('filled') or [])} value(s) filled."
    )


def build(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section:
    """Data and quality: what was read, what the checks found and what was changed."""
    q = d.get("quality") or {}
    st = d.get("study") or {}
    sec = Section("data", "Data and quality")
    if st.get("description"):
        sec.intro.append(str(st["description"]))
    sec.intro.append(_counts(q))
    add_tables(
        sec.tables,
        records_table(
            st.get("inputs") or [],
            "Input files (provenance)",
            note="SHA-256 of each file as read; rerun on identical files gives identical results.",
        ),
        records_table(
            q.get("flags") or [],
            "Quality findings",
            FLAG_COLUMNS,
            headers={"resolved": "Resolved by a correction"},
        ),
        records_table(q.get("corrections") or [], "Corrections applied"),
        records_table(q.get("filled") or [], "Filled (gap-filled or extrapolated) values"),
        records_table(
            [{"step": k, "reason": v} for k, v in (d.get("skipped") or {}).items()],
            "Steps skipped",
            headers={"step": "Step"},
        ),
    )
    return sec
