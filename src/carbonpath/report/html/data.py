"""The data section: provenance of the input files, quality findings, corrections, gaps."""

from __future__ import annotations

from typing import Any

from carbonpath.report.html.model import Figure, Section
from carbonpath.report.html.tables import add_tables, records_table
from carbonpath.report.i18n import has_text, language_of, text

#: the quality findings' columns by importance (the message first after the place)
FLAG_COLUMNS = [
    "severity",
    "check",
    "year",
    "sector",
    "variable",
    "message",
    "resolved",
    "file",
    "line",
    "value",
]


def _counts(q: dict[str, Any], lang: str) -> str:
    """One sentence counting findings, errors, resolved errors, corrections and fills."""
    flags = [f for f in q.get("flags") or [] if isinstance(f, dict)]
    errors = [f for f in flags if f.get("severity") == "error"]
    resolved = [f for f in errors if f.get("resolved")]
    return text(
        "data.counts",
        lang,
        findings=len(q.get("flags") or []),
        errors=len(errors),
        resolved=len(resolved),
        corrections=len(q.get("corrections") or []),
        filled=len(q.get("filled") or []),
    )


def _word(kind: str, code: Any, lang: str) -> Any:
    """A finding's severity or check in words (``severity.<code>``, ``check.<code>``)."""
    key = f"{kind}.{code}"
    return text(key, lang) if isinstance(code, str) and has_text(key, lang) else code


def flag_rows(q: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The quality findings as the table shows them: severity and check in words (the
    messages are already in the report language, see report.i18n.localise)."""
    return [
        dict(
            f,
            severity=_word("severity", f.get("severity"), lang),
            check=_word("check", f.get("check"), lang),
        )
        for f in q.get("flags") or []
        if isinstance(f, dict)
    ]


def build(d: dict[str, Any], figs: dict[str, list[Figure]]) -> Section:
    """Data and quality: what was read, what the checks found and what was changed."""
    lang = language_of(d)
    q = d.get("quality") or {}
    st = d.get("study") or {}
    sec = Section("data", text("section.data", lang))
    if st.get("description"):
        sec.intro.append(str(st["description"]))
    sec.intro.append(_counts(q, lang))
    add_tables(
        sec.tables,
        records_table(
            st.get("inputs") or [],
            text("caption.inputs", lang),
            note=text("note.inputs", lang),
            lang=lang,
        ),
        records_table(
            flag_rows(q, lang),
            text("caption.flags", lang),
            FLAG_COLUMNS,
            lang=lang,
            sheet="quality_flags",
        ),
        records_table(
            q.get("corrections") or [],
            text("caption.corrections", lang),
            ["year", "sector", "variable", "old", "new", "unit", "reason", "file", "line"],
            lang=lang,
            sheet="quality_corrections",
        ),
        records_table(q.get("filled") or [], text("caption.filled", lang), lang=lang),
        records_table(
            [{"step": k, "reason": v} for k, v in (d.get("skipped") or {}).items()],
            text("caption.skipped", lang),
            lang=lang,
        ),
    )
    return sec
