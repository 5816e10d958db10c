"""The economy and emissions sections: totals, intensity by industry, scope 2,
uncertainty, their figures."""

from __future__ import annotations

from typing import Any

from carbonpath.report.html.format import finite
from carbonpath.report.html.model import Figure, Section
from carbonpath.report.html.tables import add_tables, records_table
from carbonpath.report.i18n import language_of, text
from carbonpath.report.words import sector_names

INTENSITY_COLUMNS = [
    "scope",
    "co2_t",
    "output_value_yuan",
    "intensity_t_per_1e8_yuan",
    "efficiency_yuan_per_tce",
    "co2_per_employee_t",
]
#: the emission factors' columns by importance (the rest is in the workbook)
FACTOR_COLUMNS = [
    "fuel",
    "label",
    "ncv",
    "ncv_unit",
    "carbon_content",
    "oxidation",
    "co2_factor",
    "unit",
    "tce_factor",
    "co2_per_tce",
    "source",
    "note",
]


def not_run(d: dict[str, Any], step: str, what_key: str) -> str:
    """'<what> was not run: <reason>' (or '.') from results.skipped, in the report language."""
    lang = language_of(d)
    why = (d.get("skipped") or {}).get(step)
    what = text(what_key, lang)
    return text("report.not_run_why", lang, what=what, why=why) if why else what + "."


def build_economy(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section | None:
    """Economy and energy: figures only; absent when the section has no figures."""
    if not figs.get("economy"):
        return None
    lang = language_of(d)
    sec = Section("economy", text("section.economy", lang))
    sec.intro.append(text("intro.economy", lang))
    sec.figures = figs["economy"]
    return sec


def _factor_sentence(settings: dict[str, Any], lang: str) -> list[str]:
    if not settings.get("factor_set"):
        return []
    overrides = settings.get("overrides") or []
    return [
        text(
            "intro.factor_set",
            lang,
            factor_set=settings["factor_set"],
            overrides=text("sum.overrides", lang, n=len(overrides)) if overrides else "",
        )
    ]


def _intensity_rows(d: dict[str, Any], em: dict[str, Any]) -> tuple[int | None, list[dict]]:
    """The last year and its intensity rows by industry (names shown), most intensive first."""
    inten = [r for r in em.get("intensity") or [] if r.get("scope_type", "sector") == "sector"]
    if not inten:
        return None, []
    names = sector_names(d, language_of(d))
    last = max(int(r["year"]) for r in inten)
    rows = [
        dict(r, scope=names.get(str(r.get("scope")), r.get("scope")))
        for r in inten
        if int(r["year"]) == last
    ]
    rows.sort(key=lambda r: -(finite(r.get("intensity_t_per_1e8_yuan")) or 0))
    return last, rows


def _scope2(d: dict[str, Any], em: dict[str, Any], lang: str) -> tuple[list[str], list[Any]]:
    """Scope 2 (purchased electricity and heat): a sentence and the last year's table."""
    s2 = em.get("scope2") if isinstance(em.get("scope2"), dict) else {}
    recs = [r for r in s2.get("records") or [] if isinstance(r, dict)]
    if not s2.get("enabled") or not recs:
        why = s2.get("reason")
        return [text("intro.scope2_off", lang) + (f" ({why})" if why else "")], []
    last = max(int(r["year"]) for r in recs)
    names = sector_names(d, lang)
    rows = [dict(r, sector=names.get(str(r.get("sector")), r.get("sector"))) for r in recs]
    rows = [r for r in rows if int(r["year"]) == last]
    intro = [text("intro.scope2_on", lang, grid=s2.get("grid") or "–", year=last)]
    table = records_table(
        rows,
        text("caption.scope2", lang, year=last),
        ["sector", "electricity_t", "heat_t"],
        lang=lang,
        sheet="emissions_scope2",
    )
    return intro, [table]


def _uncertainty(em: dict[str, Any], lang: str) -> list[str]:
    """The trend's uncertainty in one sentence (IPCC Approach 1 and 2)."""
    unc = em.get("uncertainty") if isinstance(em.get("uncertainty"), dict) else {}
    tr = unc.get("trend") if isinstance(unc.get("trend"), dict) else {}
    if finite(tr.get("trend_pct")) is None:
        return []
    from carbonpath.report.html.format import fmt_sig

    return [
        text(
            "intro.uncertainty",
            lang,
            y0=tr.get("year0"),
            y1=tr.get("year1"),
            trend=fmt_sig(tr["trend_pct"]),
            lo=fmt_sig(tr.get("lower_pct")),
            hi=fmt_sig(tr.get("upper_pct")),
        )
    ]


def build(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section:
    """Emissions: factor set, warnings, the totals and the intensity table, scope 2, figures."""
    lang = language_of(d)
    em = d.get("emissions") if isinstance(d.get("emissions"), dict) else None
    sec = Section("emissions", text("section.emissions", lang))
    sec.figures = figs.get("emissions", [])
    if not em:
        sec.intro.append(not_run(d, "emissions", "report.not_run.emissions"))
        return sec
    sec.intro += _factor_sentence(em.get("settings") or {}, lang) + _uncertainty(em, lang)
    sec.warnings = [str(w) for w in em.get("warnings") or []]
    last, rows = _intensity_rows(d, em)
    add_tables(
        sec.tables,
        records_table(
            sorted(
                em.get("total") or [], key=lambda r: (str(r.get("region", "")), r.get("year", 0))
            ),
            text("caption.total", lang),
            ["region", "year", "co2_t", "share_of_reference"],
            lang=lang,
        ),
        records_table(
            rows,
            text("caption.intensity", lang, year=last),
            INTENSITY_COLUMNS,
            headers={"scope": text("header.industry", lang)},
            lang=lang,
        ),
    )
    intro2, tables2 = _scope2(d, em, lang)
    sec.intro += intro2
    add_tables(sec.tables, *tables2)
    return sec


def factors_table(d: dict[str, Any], lang: str) -> Any:
    """The emission factors used (the most important columns; the rest in the workbook)."""
    em = d.get("emissions") if isinstance(d.get("emissions"), dict) else {}
    factors = (em.get("settings") or {}).get("factors")
    return records_table(
        factors if isinstance(factors, list) else [],
        text("caption.factors", lang),
        FACTOR_COLUMNS,
        lang=lang,
        sheet="emissions_factors",
    )
