"""The context section: the study's context series (context.csv), as figures and tables.

Each series is drawn as a line or bar figure with its source (``kind`` line|bar), or
shown as a table (``kind = table``, for category tables such as the paper's Tables 1-2);
a series marked illustrative carries that word in its title and a note saying its
values are placeholders, not data.
"""

from __future__ import annotations

from typing import Any

from carbonpath.report.html.model import Figure, Section
from carbonpath.report.html.tables import Table, add_tables, records_table
from carbonpath.report.i18n import language_of, text


def context_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """The context series' rows of the results (study.context), [] when absent."""
    st = d.get("study") if isinstance(d.get("study"), dict) else {}
    rows = st.get("context") if isinstance(st, dict) else None
    return [r for r in rows or [] if isinstance(r, dict)] if isinstance(rows, list) else []


def series_title(rows: list[dict[str, Any]], lang: str) -> str:
    """The series' title in the report language (``title_zh`` in Chinese when given)."""
    r = rows[0]
    title = str((r.get("title_zh") if lang == "zh" else None) or r.get("title") or r["series"])
    if any(x.get("illustrative") for x in rows):
        title += f" ({text('word.illustrative', lang)})"
    return title


def grouped(d: dict[str, Any], kind: str = "table") -> dict[str, list[dict[str, Any]]]:
    """Rows of ``kind`` per title (the series of one table share a title), in file order."""
    out: dict[str, list[dict[str, Any]]] = {}
    for r in context_rows(d):
        if r.get("kind", "line") == kind:
            out.setdefault(str(r.get("title") or r.get("series")), []).append(r)
    return out


def _table(rows: list[dict[str, Any]], lang: str) -> Table | None:
    """The series of one title as a table: one row per category (or year), one column
    per series, its unit in the header."""
    by_cat: dict[str, dict[str, Any]] = {}
    heads: dict[str, str] = {}
    for r in rows:
        label = str(r.get("category") or r.get("year"))
        col = f"s:{r['series']}"
        unit = str(r.get("unit") or "")
        heads[col] = str(r["series"]) + (f" ({unit})" if unit else "")
        v = r.get("value")
        whole = isinstance(v, float) and v.is_integer() and abs(v) < 1e15
        by_cat.setdefault(label, {"category": label})[col] = int(v) if whole else v
    sources = list(dict.fromkeys(str(r.get("source") or "–") for r in rows))
    note = text("note.context", lang, source="; ".join(sources))
    if any(r.get("illustrative") for r in rows):
        note += " " + text("note.illustrative", lang)
    return records_table(
        list(by_cat.values()),
        series_title(rows, lang),
        ["category", *heads],
        headers=heads,
        note=note,
        lang=lang,
    )


def build(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section | None:
    """Context: the series' figures and tables; absent when the study has no context.csv."""
    if not context_rows(d):
        return None
    lang = language_of(d)
    sec = Section("context", text("section.context", lang))
    sec.intro.append(text("intro.context", lang))
    sec.figures = figs.get("context", [])
    add_tables(sec.tables, *(_table(rows, lang) for rows in grouped(d).values()))
    return sec
