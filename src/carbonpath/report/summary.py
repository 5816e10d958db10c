"""A short plain-words summary of a run, built from ``results.to_dict()`` only.

The CLI prints these lines and the HTML report shows them; user text in them (title,
region, warnings, skip reasons) passes :func:`carbonpath.core.text.display_text`, so
it cannot carry terminal control sequences or bidi overrides. The labels and sentences
come from the catalogue (:mod:`carbonpath.report.i18n`); numbers are rounded for
people (k to three significant digits, no '-0.0').
"""

from __future__ import annotations

from typing import Any

from carbonpath.core.text import display_text
from carbonpath.report.html.format import fmt_num, fmt_pct, fmt_sig, setting_text
from carbonpath.report.i18n import text
from carbonpath.report.panel import co2_by_year, incomplete_years, is_panel, region_codes


def _fmt(x: float | None, digits: int = 1) -> str:
    return "n/a" if x is None else fmt_num(x, digits)


def summary_lines(d: dict[str, Any], lang: str = "en") -> list[tuple[str, str]]:
    """(label, text) pairs: the headline numbers and the conventions used."""
    return [(display_text(a), display_text(b)) for a, b in _lines(d, lang)]


def yearly_totals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Emission totals by year, summed over regions when the rows carry one (panel)."""
    by_year: dict[int, float] = {}
    for r in rows:
        if isinstance(r, dict) and isinstance(r.get("co2_t"), int | float):
            by_year[int(r["year"])] = by_year.get(int(r["year"]), 0.0) + float(r["co2_t"])
    return [{"year": y, "co2_t": v} for y, v in sorted(by_year.items())]


def panel_note(d: dict[str, Any], y0: int, y1: int, lang: str, kind: str) -> str:
    """In a panel: over how many regions the CO2 is summed and the years in which the
    sum is incomplete (left out); '' in a one-region study."""
    if not is_panel(d):
        return ""
    gaps = incomplete_years(d)
    note = text(f"{kind}.panel_sum", lang, n=len(region_codes(d)), y0=y0, y1=y1)
    if gaps:
        note += text(f"{kind}.panel_gaps", lang, years=", ".join(str(y) for y in gaps))
    return note


def _emission_lines(d: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    em = d.get("emissions")
    tot = [{"year": y, "co2_t": v} for y, v in co2_by_year(d).items()] if em else []
    if not tot:
        return []
    a, b = tot[0], tot[-1]
    pct = fmt_pct(b["co2_t"] / a["co2_t"] - 1, sign=True).replace(" %", "%")
    out = [
        (
            text("sum.co2", lang),
            text(
                "sum.from_to",
                lang,
                v0=f"{_fmt(a['co2_t'], 0)} t",
                y0=a["year"],
                v1=f"{_fmt(b['co2_t'], 0)} t",
                y1=b["year"],
            )
            + (f" ({pct})" if a["co2_t"] else "")
            + panel_note(d, a["year"], b["year"], lang, "sum"),
        )
    ]
    settings = em.get("settings", {})
    if settings.get("factor_set"):
        ov = settings.get("overrides") or []
        more = text("sum.overrides", lang, n=len(ov)) if ov else ""
        out.append((text("sum.factor_set", lang), settings["factor_set"] + more))
    return out


def _index_lines(d: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    idx = d.get("index")
    if not (idx and idx.get("scores")):
        return []
    sc = sorted(idx["scores"], key=lambda r: r["year"])
    method = (idx.get("settings") or {}).get("method", "")
    return [
        (
            text("sum.index", lang),
            text(
                "sum.from_to",
                lang,
                v0=_fmt(sc[0]["score"], 4),
                y0=sc[0]["year"],
                v1=_fmt(sc[-1]["score"], 4),
                y1=sc[-1]["year"],
            )
            + (text("sum.weights", lang, method=method) if method else ""),
        )
    ]


def _ridge_lines(d: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    sp = d.get("stirpat")
    if not (sp and sp.get("ridge")):
        return []
    r = sp["ridge"]
    terms = ", ".join(
        f"{c['term']} {_fmt(c['b'], 3)}" for c in r.get("coefficients", []) if c["term"] != "const"
    )
    return [
        (
            text("sum.elasticities", lang),
            f"k = {fmt_sig(r.get('k'))} ({r.get('k_rule')}): {terms}",
        )
    ]


def _quality_line(d: dict[str, Any], lang: str) -> tuple[str, str]:
    q = d.get("quality") or {}
    flags = q.get("flags") or []
    n_err = sum(1 for f in flags if f.get("severity") == "error")
    n_fixed = sum(1 for f in flags if f.get("severity") == "error" and f.get("resolved"))
    n_warn = sum(
        1 for f in flags if f.get("severity") == "warning" and f.get("check") != "gap_filled"
    )
    return (
        text("sum.quality", lang),
        text(
            "sum.quality_text",
            lang,
            errors=n_err,
            fixed=text("sum.resolved", lang, n=n_fixed) if n_fixed else "",
            warnings=n_warn,
            corrections=len(q.get("corrections") or []),
            filled=len(q.get("filled") or []),
        ),
    )


def _lines(d: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    st = d["study"]
    lines = [
        (
            text("sum.study", lang),
            f"{st['title']} ({st['region']}, {st['years'][0]}-{st['years'][1]})",
        )
    ]
    lines += _emission_lines(d, lang) + _index_lines(d, lang) + _ridge_lines(d, lang)
    lines += _conventions(d, lang)
    lines.append(_quality_line(d, lang))
    lines.append((text("sum.seed", lang), str(d["settings"].get("seed"))))
    for name, why in (d.get("skipped") or {}).items():
        lines.append((text("sum.skipped", lang, step=name), why))
    for w in d.get("warnings") or []:
        lines.append((text("sum.warning", lang), w))
    return lines


def _conventions(d: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """The conventions the numbers depend on, stated next to them."""
    out: list[tuple[str, str]] = []
    idx = (d.get("settings") or {}).get("index")
    idx = idx if isinstance(idx, dict) else {}
    if d.get("index"):
        eps = idx.get("epsilon", 0.0)
        out.append(
            (
                text("sum.index_conventions", lang),
                text(
                    "sum.index_conventions_text",
                    lang,
                    normalisation=idx.get("normalisation"),
                    method=idx.get("method"),
                    epsilon="0 ln 0 = 0" if not eps else f"epsilon {setting_text(eps)}",
                ),
            )
        )
    ridge = (d.get("stirpat") or {}).get("ridge") or {}
    if ridge:
        conv = ridge.get("k_convention")
        conv = conv if isinstance(conv, dict) else {}
        out.append(
            (
                text("sum.ridge_k", lang),
                text(
                    "sum.ridge_k_text",
                    lang,
                    k=fmt_sig(ridge.get("k")),
                    rule=ridge.get("k_rule"),
                    mass=fmt_sig(conv.get("mass_lambda")),
                    alpha=fmt_sig(conv.get("statsmodels_alpha")),
                ),
            )
        )
    dec = d.get("decomposition") or {}
    if dec:
        out.append(
            (
                text("sum.lmdi_zero", lang),
                f"{dec.get('zero_handling')} (delta {setting_text(dec.get('delta'))})",
            )
        )
    return out
