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
        title += f" ({text('word.illustrative', lang)})" if lang != "zh" else "（示意）"
    return title


def grouped(d: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Rows per series, in the file's order."""
    out: dict[str, list[dict[str, Any]]] = {}
    for r in context_rows(d):
        out.setdefault(str(r.get("series")), []).append(r)
    return out


def _table(rows: list[dict[str, Any]], lang: str) -> Table | None:
    """A category series as a table: category, value (unit)."""
    unit = str(rows[0].get("unit") or "")
    label = text("header.value", lang) + (f" ({unit})" if unit else "")
    cols = ["category" if any(r.get("category") for r in rows) else "year", "value"]
    note = text("note.context", lang, source=rows[0].get("source") or "–")
    if any(r.get("illustrative") for r in rows):
        note += " " + text("note.illustrative", lang)
    return records_table(
        rows, series_title(rows, lang), cols, headers={"value": label}, note=note, lang=lang
    )


def build(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section | None:
    """Context: the series' figures and tables; absent when the study has no context.csv."""
    series = grouped(d)
    if not series:
        return None
    lang = language_of(d)
    sec = Section("context", text("section.context", lang))
    sec.intro.append(text("intro.context", lang))
    sec.figures = figs.get("context", [])
    add_tables(
        sec.tables, *(_table(r, lang) for r in series.values() if r[0].get("kind") == "table")
    )
    return sec
