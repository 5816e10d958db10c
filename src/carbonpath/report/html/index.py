"""The index section: weights with their intervals, scores per year with TOPSIS
closeness and coupling coordination, obstacle degrees, robustness, the index figures."""

from __future__ import annotations

from typing import Any

from carbonpath.report.html.emissions import not_run
from carbonpath.report.html.format import finite, fmt_num
from carbonpath.report.html.model import Figure, Section
from carbonpath.report.html.tables import Table, add_tables, header, records_table
from carbonpath.report.i18n import has_text, language_of, text
from carbonpath.report.words import indicator_words

WEIGHT_COLUMNS = ["rank", "label", "indicator", "subsystem", "weight", "p5", "p95", "entropy"]
OBSTACLES_SHOWN = 5


def _rows(obj: Any) -> list[dict[str, Any]]:
    return [r for r in obj or [] if isinstance(r, dict)] if isinstance(obj, list) else []


def subsystem_words(sub: Any, lang: str) -> str:
    key = f"subsystem.{sub}"
    return text(key, lang) if has_text(key, lang) else str(sub).replace("_", " ")


def _method_sentence(s: dict[str, Any], lang: str) -> list[str]:
    if not s.get("method"):
        return []
    eps = text("intro.epsilon", lang, eps=s["epsilon"]) if s.get("epsilon") else ""
    return [
        text(
            "intro.index_method",
            lang,
            method=s["method"],
            normalisation=s.get("normalisation", "minmax"),
            eps=eps,
        )
    ]


def _robustness_sentence(idx: dict[str, Any], lang: str) -> list[str]:
    sens = idx.get("sensitivity") or {}
    if not isinstance(sens, dict) or finite(sens.get("mean_abs_rank_shift")) is None:
        return []
    return [text("intro.robustness", lang, shift=fmt_num(sens["mean_abs_rank_shift"], 2))]


def _weights(idx: dict[str, Any], lang: str) -> Table | None:
    """Weights by rank with their bootstrap 5-95 % interval, indicators named in words."""
    sens = idx.get("sensitivity") if isinstance(idx.get("sensitivity"), dict) else {}
    iv = {str(r.get("indicator")): r for r in _rows(sens.get("weight_intervals"))}
    rows = []
    for r in sorted(_rows(idx.get("weights")), key=lambda r: r.get("rank") or 0):
        i = iv.get(str(r.get("indicator")), {})
        rows.append(
            dict(
                r,
                label=indicator_words(str(r.get("indicator")), r.get("label"), lang),
                subsystem=subsystem_words(r.get("subsystem"), lang),
                p5=i.get("p5"),
                p95=i.get("p95"),
            )
        )
    return records_table(
        rows,
        text("caption.weights", lang),
        WEIGHT_COLUMNS,
        headers={
            "p5": text("header.weight_p5", lang),
            "p95": text("header.weight_p95", lang),
            "label": text("header.indicator_name", lang),
            "indicator": text("header.indicator_id", lang),
        },
        note=text("note.weights", lang) if iv else "",
        lang=lang,
        sheet="index_weights",
    )


def _per_year(idx: dict[str, Any], lang: str) -> Table | None:
    """Per year: the index, its subsystem scores, TOPSIS closeness, coupling C, T, D."""
    by_year: dict[int, dict[str, Any]] = {}
    for r in _rows(idx.get("scores")):
        by_year.setdefault(int(r["year"]), {"year": int(r["year"])})["score"] = r.get("score")
    subs: list[str] = []
    for r in _rows(idx.get("subsystems")):
        col = f"sub:{r.get('subsystem')}"
        subs += [col] if col not in subs else []
        by_year.setdefault(int(r["year"]), {"year": int(r["year"])})[col] = r.get("score")
    for part, cols in (("topsis", ("closeness",)), ("coupling", ("c", "t", "d"))):
        for r in _rows(idx.get(part)):
            row = by_year.setdefault(int(r["year"]), {"year": int(r["year"])})
            row.update({c: r.get(c) for c in cols})
    heads = {c: subsystem_words(c[4:], lang) for c in subs}
    heads |= {c: header(c, lang, "coupling") for c in ("c", "t", "d")}
    return records_table(
        [by_year[y] for y in sorted(by_year)],
        text("caption.index_years", lang),
        ["year", "score", *subs, "closeness", "c", "t", "d"],
        headers=heads,
        note=text("note.index_years", lang),
        lang=lang,
        sheet="index_scores",
    )


def _obstacles(idx: dict[str, Any], lang: str) -> Table | None:
    """The last year's largest obstacle degrees (share of the gap to the ideal)."""
    obs = _rows(idx.get("obstacles"))
    if not obs:
        return None
    last = max(int(r["year"]) for r in obs)
    labels = {str(r.get("indicator")): r.get("label") for r in _rows(idx.get("weights"))}
    rows = sorted(
        (r for r in obs if int(r["year"]) == last), key=lambda r: -(finite(r.get("obstacle")) or 0)
    )[:OBSTACLES_SHOWN]
    rows = [
        dict(
            r, indicator=indicator_words(str(r["indicator"]), labels.get(str(r["indicator"])), lang)
        )
        for r in rows
    ]
    return records_table(
        rows,
        text("caption.obstacles", lang, year=last, n=len(rows)),
        ["indicator", "obstacle"],
        note=text("note.obstacles", lang),
        lang=lang,
    )


def build(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section:
    """Low-carbon development index: method, weights, scores, robustness, figures."""
    lang = language_of(d)
    idx = d.get("index") if isinstance(d.get("index"), dict) else None
    sec = Section("index", text("section.index", lang))
    sec.figures = figs.get("index", [])
    if not idx:
        sec.intro.append(not_run(d, "index", "report.not_run.index"))
        return sec
    sec.intro += _method_sentence(idx.get("settings") or {}, lang)
    sec.warnings = [str(w) for w in idx.get("warnings") or []]
    add_tables(sec.tables, _weights(idx, lang), _per_year(idx, lang), _obstacles(idx, lang))
    sec.intro += _robustness_sentence(idx, lang)
    return sec
