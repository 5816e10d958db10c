"""report.docx: the report as a Word document, in the report language.

The same sections, tables and figures as report.html (:func:`build_sections`), laid out
as Chinese journals ask: table captions above the table ("Table n." / "表 n"), tables
in the three-line style (:mod:`carbonpath.report.docx_tables`; regressions in the SPSS
layout), figures as PNG with numbered captions below them, notes under each table.
Text from the study passes :func:`carbonpath.core.text.display_text`. Deterministic:
the document's dates are fixed and the ZIP container has fixed timestamps.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from carbonpath.core.errors import InputError
from carbonpath.core.text import display_text
from carbonpath.report.docx_tables import add_table
from carbonpath.report.i18n import language_of, text

if TYPE_CHECKING:  # pragma: no cover
    from carbonpath.report.contract import ResultsLike as Results
    from carbonpath.report.html.model import Section

__all__ = ["docx_bytes", "write_docx"]

FIGURE_WIDTH_IN = 6.0
#: Latin and East Asian fonts of the document (Word substitutes when one is missing)
FONTS = {"en": ("Times New Roman", "SimSun"), "zh": ("Times New Roman", "SimSun")}


def _fonts(doc: Any, lang: str) -> None:
    """Body font (Latin and East Asian) of the Normal style, 10.5 pt (五号)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    latin, east = FONTS.get(lang, FONTS["en"])
    style = doc.styles["Normal"]
    style.font.name = latin
    style.font.size = Pt(10.5)
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east)


def _para(
    doc: Any,
    words: str,
    *,
    style: str | None = None,
    size: float | None = None,
    italic: bool = False,
    bold_lead: str = "",
) -> Any:
    from docx.shared import Pt

    p = doc.add_paragraph(style=style)
    if bold_lead:
        lead = p.add_run(display_text(bold_lead) + " ")
        lead.bold = True
    run = p.add_run(display_text(words))
    run.italic = italic
    if size:
        for r in p.runs:
            r.font.size = Pt(size)
    return p


def _figure(doc: Any, f: Any, lang: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches

    if not f.png:
        _para(
            doc, f"{f.title}: {text('report.not_drawn', lang)} — {f.skipped}.", size=9, italic=True
        )
        return
    doc.add_picture(io.BytesIO(f.png), width=Inches(FIGURE_WIDTH_IN))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    notes = "".join(f" {text('report.note', lang)} {n}." for n in f.notes)
    cap = _para(
        doc,
        f"{f.title}. {f.caption}{notes}",
        size=9,
        bold_lead=text("report.figure", lang, n=f.number),
    )
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _tables(doc: Any, tables: list[Any], lang: str) -> None:
    for t in tables:
        if t.warn:
            _para(doc, t.warn, size=9, bold_lead=text("report.read_with_care", lang))
        _para(doc, t.caption, size=10, bold_lead=text("report.table", lang, n=t.number))
        add_table(doc, t, lang)
        if t.note:
            _para(doc, t.note, size=8.5)


def _section(doc: Any, sec: Section, lang: str) -> None:
    doc.add_heading(display_text(sec.title), level=1)
    for line in sec.intro:
        _para(doc, line, style="List Bullet" if sec.id == "summary" else None)
    for w in sec.warnings:
        _para(doc, w, size=9, bold_lead=text("report.warning", lang))
    _tables(doc, sec.tables, lang)
    for f in sec.figures:
        _figure(doc, f, lang)
    _tables(doc, sec.extra, lang)


def docx_bytes(d: dict[str, Any], folder: Path | None = None) -> bytes:
    """The bytes of report.docx for the plain results ``d`` (figures from folder/figures/
    when there, else drawn in memory)."""
    try:
        from docx import Document
    except ImportError:
        raise InputError(
            text("docx.no_python_docx", "en"), fix=text("docx.no_python_docx_fix", "en")
        ) from None

    from carbonpath.report.html.page import build_sections, section_figures, untranslated_note
    from carbonpath.report.i18n.localise import localised
    from carbonpath.report.xlsx import FIXED_TIME, _normalise_zip

    d, tr = localised(d)
    lang = language_of(d)
    doc = Document()
    _fonts(doc, lang)
    st = d.get("study") or {}
    title = display_text(str(st.get("title") or text("report.title_suffix", lang)))
    doc.add_heading(title, level=0)
    years = st.get("years") or []
    span = f" · {years[0]}-{years[1]}" if len(years) == 2 else ""
    _para(doc, f"{st.get('region', '')}{span} · carbonpath {d.get('carbonpath_version', '')}")
    figs = section_figures(d, folder, ("png",), tr=tr)
    sections = build_sections(d, folder, figs=figs, tr=tr)
    for sec in sections:
        _section(doc, sec, lang)
        if sec.id == "summary" and untranslated_note(tr):
            _para(doc, untranslated_note(tr), size=9, italic=True)
    _para(doc, text("report.footer", lang, version=d.get("carbonpath_version", "")), size=8.5)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title[:255], "carbonpath", "carbonpath"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    raw = io.BytesIO()
    doc.save(raw)
    return _normalise_zip(raw.getvalue())


def write_docx(results: Results, folder: Path) -> Path:
    """Write ``folder/report.docx``; return its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.docx"
    path.write_bytes(docx_bytes(results.to_dict(), folder))
    return path
