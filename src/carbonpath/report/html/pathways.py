"""The pathways section: the LMDI decomposition, targets (each on its own scope),
scenario assumptions, peaks and the scenarios' target checks (with the scope they use)."""

from __future__ import annotations

from typing import Any

from carbonpath.report.consistency import peak_statements
from carbonpath.report.figures import lmdi_span, target_records
from carbonpath.report.html.decoupling import decoupling_tables, unit_words
from carbonpath.report.html.format import finite
from carbonpath.report.html.model import Figure, Section
from carbonpath.report.html.summary import effect_name, status_words, target_unit
from carbonpath.report.html.tables import Table, add_tables, records_table
from carbonpath.report.i18n import language_of, text
from carbonpath.report.words import driver_words, scenario_name, scope_words

TARGET_COLUMNS = [
    "name",
    "scope",
    "base_year",
    "target_year",
    "reduction",
    "target_value",
    "last_year",
    "last_value",
    "required_rate",
    "trend_rate",
    "status",
]
CHECK_COLUMNS = [
    "target",
    "scenario",
    "declared_scope",
    "applied_scope",
    "projected_reduction",
    "required_reduction",
    "met",
]
LMDI_NOTES = ("mode", "delta", "zero_rule", "zero_limits")


def _rows(obj: Any) -> list[dict[str, Any]]:
    return [r for r in obj or [] if isinstance(r, dict)] if isinstance(obj, list) else []


def _lmdi_table(d: dict[str, Any], lang: str) -> Table | None:
    """Each additive effect of the span and its share ``dC_X / |dC|`` (sign of the effect)."""
    span = lmdi_span(d)
    if not span:
        return None
    change = sum(v for _, v in span["effects"])
    rows = [
        {
            "effect": effect_name(n, lang),
            "additive": v,
            "share": v / abs(change) if change else None,
        }
        for n, v in span["effects"]
    ]
    rows.append(
        {
            "effect": effect_name("total_change", lang),
            "additive": change,
            "share": change / abs(change) if change else None,
        }
    )
    t = records_table(
        rows,
        text("caption.lmdi", lang, y0=span["start"], y1=span["end"]),
        note=text("note.lmdi_share", lang),
        lang=lang,
    )
    if t:
        dec = d.get("decomposition") or {}
        extra = "; ".join(f"{k}: {v}" for k, v in dec.items() if k in LMDI_NOTES and v is not None)
        t.note += f" {extra}." if extra else ""
    return t


def _regional(rows: list[dict[str, Any]], cols: list[str], lang: str) -> list[str]:
    """``cols`` with ``region`` first when the rows carry one (a panel); ``total`` in
    the rows' region column becomes the catalogue's word for the sum."""
    if not any("region" in r for r in rows):
        return cols
    for r in rows:
        r.update(unit_words(r, ["region"], lang))
    return ["region", *cols]


def _target_rows(d: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Targets with their scope in words and intensities in t CO2 per 10^8 yuan."""
    out = []
    for t in target_records(d):
        div, unit = target_unit(t, lang)
        row = dict(t)
        row["scope"] = scope_words(d, str(t.get("scope") or "modern"), lang)
        row["status"] = status_words(t.get("status"), lang)
        for c in ("base_value", "target_value", "last_value"):
            v = finite(t.get(c))
            row[c] = v / div if v is not None else None
        row["unit"] = unit
        out.append(row)
    return out


def _targets_table(d: dict[str, Any], lang: str) -> Table | None:
    rows = _target_rows(d, lang)
    unit = rows[0]["unit"] if rows and len({r["unit"] for r in rows}) == 1 else ""
    return records_table(
        rows,
        text("caption.targets", lang) + (f" ({unit})" if unit else ""),
        _regional(rows, TARGET_COLUMNS, lang),
        note=text("note.targets", lang),
        lang=lang,
        sheet="targets",
    )


def _checks_table(d: dict[str, Any], sc: dict[str, Any], lang: str) -> Table | None:
    """The scenarios' target checks, with the target's scope and the scope projected."""
    rows = []
    for c in _rows(sc.get("target_checks")):
        row = dict(c)
        row["scenario"] = scenario_name(d, str(c.get("scenario")), lang)
        for k in ("declared_scope", "applied_scope"):
            row[k] = scope_words(d, str(c.get(k)), lang) if c.get(k) else "–"
        rows.append(row)
    other = any(c.get("declared_scope") != c.get("applied_scope") for c in rows)
    return records_table(
        rows,
        text("caption.target_checks", lang),
        _regional(rows, CHECK_COLUMNS, lang),
        note=text("note.target_checks_other" if other else "note.target_checks", lang),
        lang=lang,
        sheet="scenarios_scenario_target_checks",
    )


def _assumptions(d: dict[str, Any], sc: dict[str, Any], lang: str) -> Table | None:
    rows = [
        dict(
            r,
            scenario=scenario_name(d, str(r.get("scenario")), lang),
            driver=driver_words(d, str(r.get("driver")), lang),
        )
        for r in _rows(sc.get("assumptions"))
    ]
    labels = {str(r.get("scenario")): r.get("label") for r in _rows(sc.get("assumptions"))}
    note = " ".join(
        f"{scenario_name(d, k, lang)}: {v}" for k, v in labels.items() if isinstance(v, str)
    )
    return records_table(
        rows,
        text("caption.assumptions", lang),
        _regional(rows, ["scenario", "driver", "rate", "elasticity", "source"], lang),
        note=note,
        lang=lang,
    )


def _peaks(d: dict[str, Any], sc: dict[str, Any], lang: str) -> Table | None:
    rows = [
        {
            **({"region": r["region"]} if "region" in r else {}),
            "scenario": scenario_name(d, str(r.get("scenario")), lang),
            "peak_year": r.get("peak_year"),
            "peak_co2_t": r.get("peak_co2_t"),
            "note": r.get("note"),
        }
        for r in _rows(sc.get("peaks"))
    ]
    cols = _regional(rows, ["scenario", "peak_year", "peak_co2_t"], lang)
    cols += ["note"] if any(r.get("note") for r in rows) else []
    return records_table(
        rows, text("caption.peaks", lang), cols, note=text("note.peaks", lang), lang=lang
    )


def _lmdi_warnings(d: dict[str, Any]) -> list[str]:
    dec = d.get("decomposition")
    if not isinstance(dec, dict):
        return []
    return [str(w) for w in (dec.get("notes") or dec.get("warnings") or [])]


def build(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section:
    """Decomposition and pathways: LMDI table, targets, figures, scenario tables."""
    lang = language_of(d)
    sec = Section("pathways", text("section.pathways", lang))
    sec.figures = figs.get("pathways", [])
    if lmdi_span(d):
        sec.warnings = _lmdi_warnings(d)
    sec.intro += [s.text for s in peak_statements(d, lang)]
    sc = d.get("scenarios") if isinstance(d.get("scenarios"), dict) else {}
    add_tables(sec.tables, _lmdi_table(d, lang), _targets_table(d, lang))
    add_tables(sec.tables, *decoupling_tables(d, lang))
    add_tables(
        sec.extra,
        _assumptions(d, sc, lang),
        _peaks(d, sc, lang),
        _checks_table(d, sc, lang),
    )
    if not (sec.tables or sec.extra or any(f.src for f in sec.figures)):
        sec.intro.append(text("intro.no_pathways", lang))
    return sec
