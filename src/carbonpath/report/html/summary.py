"""The summary section: headline findings in plain words, the headline numbers, warnings.

Each finding is built from one part of the results by its own function; the headline
numbers are :func:`carbonpath.report.summary.summary_lines` (also printed by the CLI).
"""

from __future__ import annotations

from typing import Any

from carbonpath.report.figures import lmdi_span, target_records
from carbonpath.report.html.format import finite, fmt_num
from carbonpath.report.html.model import Figure, Section
from carbonpath.report.html.tables import Cell, Table


def sector_names(d: dict[str, Any]) -> dict[str, str]:
    """{code: name} of every sector of the study."""
    return {
        str(s.get("code")): str(s.get("name") or s.get("code"))
        for s in (d.get("study") or {}).get("sectors") or []
        if isinstance(s, dict)
    }


def _part(d: dict[str, Any], name: str) -> dict[str, Any]:
    """``d[name]`` when it is a dict (a step's results), else {}."""
    v = d.get(name)
    return v if isinstance(v, dict) else {}


def _intensity_finding(d: dict[str, Any]) -> list[str]:
    """The most and the least carbon-intensive industry in the last year."""
    inten = [
        r
        for r in _part(d, "emissions").get("intensity") or []
        if r.get("scope_type", "sector") == "sector"
        and finite(r.get("intensity_t_per_1e8_yuan")) is not None
    ]
    if not inten:
        return []
    last = max(int(r["year"]) for r in inten)
    rows = sorted(
        (r for r in inten if int(r["year"]) == last),
        key=lambda r: -r["intensity_t_per_1e8_yuan"],
    )
    if len(rows) < 2:
        return []
    names = sector_names(d)
    hi, lo = rows[0], rows[-1]
    return [
        f"In {last} the most carbon-intensive industry was "
        f"{names.get(str(hi['scope']), hi['scope'])} "
        f"({fmt_num(hi['intensity_t_per_1e8_yuan'], 1)} t CO₂ per 10⁸ yuan); the least was "
        f"{names.get(str(lo['scope']), lo['scope'])} "
        f"({fmt_num(lo['intensity_t_per_1e8_yuan'], 1)})."
    ]


def _driver_finding(d: dict[str, Any]) -> list[str]:
    """The largest LMDI effect of the decomposition span."""
    span = lmdi_span(d)
    if not span or not span["effects"]:
        return []
    name, v = max(span["effects"], key=lambda e: abs(e[1]))
    return [
        f"The largest driver of the change in emissions {span['start']}-{span['end']} was the "
        f"{name.replace('_', ' ')} effect ({'+' if v >= 0 else ''}{fmt_num(v, 0)} t CO₂, "
        "LMDI-I additive)."
    ]


def _elasticity_finding(d: dict[str, Any]) -> list[str]:
    """The ridge elasticity largest in absolute value."""
    coefs = [
        c
        for c in (_part(d, "stirpat").get("ridge") or {}).get("coefficients") or []
        if c.get("term") != "const" and finite(c.get("b")) is not None
    ]
    if not coefs:
        return []
    c = max(coefs, key=lambda c: abs(c["b"]))
    return [
        f"In the ridge STIRPAT model, a 1 % rise in {c['term']} goes with a "
        f"{fmt_num(c['b'], 3)} % change in emissions (elasticity B), the largest in absolute "
        "value; see the caveats on ridge p-values."
    ]


def _target_findings(d: dict[str, Any]) -> list[str]:
    return [
        f"Target '{t.get('name', '')}' ({t.get('type', '')}, {t.get('target_year', '')}): "
        f"{str(t['status']).replace('_', ' ')}."
        for t in target_records(d)
        if t.get("status")
    ]


def _peak_findings(d: dict[str, Any]) -> list[str]:
    out = []
    for p in _part(d, "scenarios").get("peaks") or []:
        if isinstance(p, dict) and p.get("scenario") is not None:
            when = (
                f"peak in {p['peak_year']}"
                if p.get("peak_year") is not None
                else "do not peak within the horizon"
            )
            note = f" ({p['note']})" if p.get("note") else ""
            out.append(f"Scenario '{p['scenario']}': emissions {when}{note}.")
    return out


def findings(d: dict[str, Any]) -> list[str]:
    """Plain-words headline findings (beyond the summary lines)."""
    return [
        line
        for finder in (
            _intensity_finding,
            _driver_finding,
            _elasticity_finding,
            _target_findings,
            _peak_findings,
        )
        for line in finder(d)
    ]


def _summary_rows(d: dict[str, Any]) -> list[tuple[str, str]]:
    from carbonpath.report.summary import summary_lines

    try:
        return summary_lines(d)
    except (KeyError, IndexError, TypeError, ValueError):
        st = d.get("study") or {}
        return [("Study", str(st.get("title", "")))]


def build(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section:
    """Summary of findings: findings, headline numbers and conventions, all warnings."""
    sec = Section("summary", "Summary of findings")
    sec.intro = findings(d)
    sec.tables.append(
        Table(
            "Headline numbers and conventions",
            ["Item", "Result"],
            [[Cell(a), Cell(b)] for a, b in _summary_rows(d) if a != "Warning"],
        )
    )
    sec.warnings = [str(w) for w in d.get("warnings") or []]
    return sec
