"""The economy and emissions sections: totals, intensity by industry, their figures."""

from __future__ import annotations

from typing import Any

from carbonpath.report.html.format import finite
from carbonpath.report.html.model import Figure, Section
from carbonpath.report.html.summary import sector_names
from carbonpath.report.html.tables import add_tables, records_table

INTENSITY_COLUMNS = [
    "scope",
    "co2_t",
    "output_value_yuan",
    "intensity_t_per_1e8_yuan",
    "efficiency_yuan_per_tce",
    "co2_per_employee_t",
]


def not_run(d: dict[str, Any], step: str, what: str) -> str:
    """'<what> was not run: <reason>' (or '.') from results.skipped."""
    why = (d.get("skipped") or {}).get(step)
    return what + (f": {why}" if why else ".")


def build_economy(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section | None:
    """Economy and energy: figures only; absent when the section has no figures."""
    if not figs.get("economy"):
        return None
    sec = Section("economy", "Economy and energy")
    sec.intro.append(
        "The studied industries' economic scale, structure and energy efficiency (from the "
        "study's economy data after quality checks)."
    )
    sec.figures = figs["economy"]
    return sec


def _factor_sentence(settings: dict[str, Any]) -> list[str]:
    if not settings.get("factor_set"):
        return []
    overrides = settings.get("overrides") or []
    tail = f" and {len(overrides)} override(s)." if overrides else "."
    return [f"Scope 1 CO₂ from fuel use with the factor set '{settings['factor_set']}'{tail}"]


def _intensity_rows(d: dict[str, Any], em: dict[str, Any]) -> tuple[int | None, list[dict]]:
    """The last year and its intensity rows by industry (names shown), most intensive first."""
    inten = [r for r in em.get("intensity") or [] if r.get("scope_type", "sector") == "sector"]
    if not inten:
        return None, []
    names = sector_names(d)
    last = max(int(r["year"]) for r in inten)
    rows = [
        dict(r, scope=names.get(str(r.get("scope")), r.get("scope")))
        for r in inten
        if int(r["year"]) == last
    ]
    rows.sort(key=lambda r: -(finite(r.get("intensity_t_per_1e8_yuan")) or 0))
    return last, rows


def build(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section:
    """Emissions: factor set, warnings, the totals and the intensity table, figures."""
    em = d.get("emissions") if isinstance(d.get("emissions"), dict) else None
    sec = Section("emissions", "Emissions")
    sec.figures = figs.get("emissions", [])
    if not em:
        sec.intro.append(not_run(d, "emissions", "Emission accounting was not run"))
        return sec
    sec.intro += _factor_sentence(em.get("settings") or {})
    sec.warnings = [str(w) for w in em.get("warnings") or []]
    last, rows = _intensity_rows(d, em)
    add_tables(
        sec.tables,
        records_table(
            sorted(em.get("total") or [], key=lambda r: r.get("year", 0)),
            "Total emissions of the studied industries",
            ["year", "co2_t", "share_of_reference"],
        ),
        records_table(
            rows,
            f"Emissions, intensity and efficiency by industry, {last}",
            INTENSITY_COLUMNS,
            headers={"scope": "Industry"},
        ),
    )
    return sec
