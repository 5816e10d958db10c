"""The summary section: headline findings in plain words, the headline numbers, warnings.

Every sentence is generated from the results by its own function and its words come
from the catalogue (:mod:`carbonpath.report.i18n`); the consistency pass
(:mod:`carbonpath.report.consistency`) adds what the tables say together: the peak of
observed and projected emissions, scenarios above the baseline, targets judged on two
scopes. The headline numbers are :func:`carbonpath.report.summary.summary_lines`.
"""

from __future__ import annotations

from typing import Any

from carbonpath.report.consistency import check
from carbonpath.report.figures import lmdi_span, target_records
from carbonpath.report.html.format import finite, fmt_mass, fmt_num, fmt_pct, fmt_sig
from carbonpath.report.html.model import Figure, Section
from carbonpath.report.html.tables import Cell, Table
from carbonpath.report.i18n import has_text, language_of, text
from carbonpath.report.panel import co2_by_year, is_panel, region_codes
from carbonpath.report.words import driver_words, scope_words, sector_names

__all__ = ["build", "findings", "sector_names", "target_unit"]


def _part(d: dict[str, Any], name: str) -> dict[str, Any]:
    """``d[name]`` when it is a dict (a step's results), else {}."""
    v = d.get(name)
    return v if isinstance(v, dict) else {}


def _trend_finding(d: dict[str, Any], lang: str) -> list[str]:
    """Emissions of the studied industries from the first to the last year."""
    from carbonpath.report.summary import panel_note

    tot = [{"year": y, "co2_t": v} for y, v in co2_by_year(d).items()]
    if len(tot) < 2 or not tot[0]["co2_t"]:
        return []
    a, b = tot[0], tot[-1]
    change = b["co2_t"] / a["co2_t"] - 1
    key = "find.trend_down" if change < 0 else "find.trend_up"
    return [
        text(
            key,
            lang,
            y0=a["year"],
            y1=b["year"],
            v0=fmt_mass(a["co2_t"], lang),
            v1=fmt_mass(b["co2_t"], lang),
            change=fmt_pct(change, sign=True),
        )
        + panel_note(d, a["year"], b["year"], lang, "find")
    ]


def _intensity_finding(d: dict[str, Any], lang: str) -> list[str]:
    """The most and the least carbon-intensive industry in the last year (in a panel:
    of the sum of regions, each industry's CO2 over its output summed over regions)."""
    panel = is_panel(d)
    table = "sum_of_regions" if panel else "intensity"
    inten = [
        r
        for r in _part(d, "emissions").get(table) or []
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
    names = sector_names(d, lang)
    hi, lo = rows[0], rows[-1]
    return [
        text(
            "find.intensity_panel" if panel else "find.intensity",
            lang,
            n=len(region_codes(d)),
            year=last,
            hi=names.get(str(hi["scope"]), hi["scope"]),
            hi_value=fmt_sig(hi["intensity_t_per_1e8_yuan"]),
            lo=names.get(str(lo["scope"]), lo["scope"]),
            lo_value=fmt_sig(lo["intensity_t_per_1e8_yuan"]),
        )
    ]


def effect_name(name: str, lang: str) -> str:
    """An LMDI effect in words ('emission_factor' -> 'emission factor')."""
    key = f"effect.{name}"
    return text(key, lang) if has_text(key, lang) else name.replace("_", " ")


def _driver_finding(d: dict[str, Any], lang: str) -> list[str]:
    """The largest LMDI effect of the decomposition span, with its direction."""
    span = lmdi_span(d)
    if not span or not span["effects"]:
        return []
    name, v = max(span["effects"], key=lambda e: abs(e[1]))
    total = sum(x for _, x in span["effects"])
    return [
        text(
            "find.lmdi_up" if v > 0 else "find.lmdi_down",
            lang,
            y0=span["start"],
            y1=span["end"],
            effect=effect_name(name, lang),
            value=fmt_mass(abs(v), lang),
            share=fmt_pct(abs(v) / abs(total)) if total else "–",
        )
    ]


def _elasticity_finding(d: dict[str, Any], lang: str) -> list[str]:
    """The ridge elasticity largest in absolute value, its regressor named in words."""
    coefs = [
        c
        for c in (_part(d, "stirpat").get("ridge") or {}).get("coefficients") or []
        if c.get("term") != "const" and finite(c.get("b")) is not None
    ]
    if not coefs:
        return []
    c = max(coefs, key=lambda c: abs(c["b"]))
    return [
        text(
            "find.elasticity",
            lang,
            driver=driver_words(d, str(c["term"]), lang),
            b=fmt_num(c["b"], 3),
        )
    ]


def target_unit(t: dict[str, Any], lang: str = "en") -> tuple[float, str]:
    """Display divisor and unit of a target: intensity in t CO2 per 10^8 yuan, as elsewhere."""
    if str(t.get("unit")) == "t/yuan":
        return 1e-8, text("unit.intensity", lang)
    if str(t.get("unit") or "t") == "t":
        return 1.0, text("unit.t", lang)
    return 1.0, str(t.get("unit"))


def status_words(status: Any, lang: str) -> str:
    key = f"status.{status}"
    return text(key, lang) if has_text(key, lang) else str(status).replace("_", " ")


def region_prefix(row: dict[str, Any], lang: str) -> str:
    """'Region BJ: ' before a sentence about one region of a panel, 'Sum of regions: '
    before one about their sum; '' when the row has no region."""
    region = row.get("region")
    if region in (None, "") or str(region).startswith("regiongroup:"):
        return ""
    if str(region) in ("total", "*"):
        return text("find.sum_prefix", lang)
    return text("find.region_prefix", lang, region=str(region))


def _target_findings(d: dict[str, Any], lang: str) -> list[str]:
    """Each target's status on its own scope, with the numbers behind it."""
    out = []
    for t in target_records(d):
        if not t.get("status"):
            continue
        div, unit = target_unit(t, lang)
        last, base = finite(t.get("last_value")), finite(t.get("target_value"))
        out.append(
            region_prefix(t, lang)
            + text(
                "find.target",
                lang,
                name=t.get("name", ""),
                scope=scope_words(d, str(t.get("scope") or "modern"), lang),
                reduction=fmt_pct(t.get("reduction"), 0),
                what=text(
                    f"word.target_{'absolute' if t.get('type') == 'absolute' else 'intensity'}",
                    lang,
                ),
                base_year=t.get("base_year", ""),
                target_year=t.get("target_year", ""),
                status=status_words(t["status"], lang),
                last_year=t.get("last_year", ""),
                last=fmt_sig(last / div) if last is not None else "–",
                target=fmt_sig(base / div) if base is not None else "–",
                unit=unit,
                progress=fmt_pct(t.get("progress"), sign=True),
                required=fmt_pct(t.get("required_rate"), sign=True),
                trend=fmt_pct(t.get("trend_rate"), sign=True),
            )
        )
    return out


def findings(d: dict[str, Any], lang: str | None = None) -> list[str]:
    """Plain-words headline findings, then the consistency statements."""
    lang = lang or language_of(d)
    lines = [
        line
        for finder in (
            _trend_finding,
            _intensity_finding,
            _driver_finding,
            _elasticity_finding,
            _target_findings,
        )
        for line in finder(d, lang)
    ]
    return lines + [s.text for s in check(d, lang)]


def _summary_rows(d: dict[str, Any]) -> list[tuple[str, str]]:
    from carbonpath.report.summary import summary_lines

    try:
        return summary_lines(d, language_of(d))
    except (KeyError, IndexError, TypeError, ValueError):
        st = d.get("study") or {}
        return [(text("sum.study", language_of(d)), str(st.get("title", "")))]


def build(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section:
    """Summary of findings: findings, headline numbers and conventions, all warnings."""
    lang = language_of(d)
    sec = Section("summary", text("section.summary", lang))
    sec.intro = findings(d, lang)
    sec.tables.append(
        Table(
            text("caption.headline", lang),
            [text("header.item", lang), text("header.result", lang)],
            [[Cell(a), Cell(b)] for a, b in _summary_rows(d) if a != text("sum.warning", lang)],
        )
    )
    sec.warnings = [str(w) for w in d.get("warnings") or []]
    return sec
