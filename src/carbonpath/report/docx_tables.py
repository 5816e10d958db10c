"""Tables of report.docx in the three-line style Chinese journals ask for.

Three horizontal rules and no vertical ones: a thick rule (1.5 pt) above the header, a
thin rule (0.75 pt) under it and a thick rule under the last row. Regression tables
follow the SPSS "Coefficients" layout: a two-row header grouping B and SE as
unstandardised coefficients, Beta as standardised, t, Sig., VIF as collinearity
statistics and the 95 % interval for B.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from carbonpath.report.i18n import text

if TYPE_CHECKING:  # pragma: no cover
    from carbonpath.report.html.tables import Table

__all__ = ["SPSS_GROUPS", "add_table", "three_line"]

THICK, THIN = 12, 6  # border widths in eighths of a point (1.5 pt, 0.75 pt)
#: column id -> SPSS header group (catalogue key ``docx.group.<group>``)
SPSS_GROUPS = {
    "b": "unstd",
    "se": "unstd",
    "beta": "std",
    "vif": "collin",
    "ci_lo": "ci",
    "ci_hi": "ci",
}


def _borders(tc: Any, top: int = 0, bottom: int = 0) -> None:
    """Set a cell's (``w:tc``) top/bottom rule (0: none) and clear its side rules."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = tc.get_or_add_tcPr()
    old = tc_pr.find(qn("w:tcBorders"))
    if old is not None:
        tc_pr.remove(old)
    borders = OxmlElement("w:tcBorders")
    for side, size in (("top", top), ("left", 0), ("bottom", bottom), ("right", 0)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single" if size else "nil")
        if size:
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    tc_pr.append(borders)


def three_line(table: Any, header_rows: int) -> None:
    """Apply the three rules: thick above, thin under the header, thick at the bottom."""
    rows = table.rows
    last = len(rows) - 1
    for i, row in enumerate(rows):
        for tc in row._tr.tc_lst:  # the row's own cells, merged ones included
            top = THICK if i == 0 else 0
            bottom = THIN if i == header_rows - 1 else (THICK if i == last else 0)
            _borders(tc, top, bottom)


def _no_table_borders(table: Any) -> None:
    """Remove the table-level grid so only the cell rules show."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _write(cell: Any, words: str, bold: bool = False, right: bool = False, size: float = 9) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = cell.paragraphs[0]
    for old in p.runs:  # a merged cell may hold the text of a cell merged into it
        old._r.getparent().remove(old._r)
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT
    run = p.add_run(words)
    run.bold = bold
    run.font.size = Pt(size)


def _spss_header(doc_table: Any, t: Table, lang: str) -> int:
    """The two header rows of a regression table; merged group cells. Returns 2."""
    ids = t.ids or []
    top, sub = doc_table.rows[0].cells, doc_table.rows[1].cells
    i = 0
    while i < len(ids):
        group = SPSS_GROUPS.get(ids[i])
        j = i
        while j + 1 < len(ids) and group and SPSS_GROUPS.get(ids[j + 1]) == group:
            j += 1
        if group:
            cell = top[i].merge(top[j]) if j > i else top[i]
            _write(cell, text(f"docx.group.{group}", lang), bold=True)
            for k in range(i, j + 1):
                _write(sub[k], text(f"docx.spss.{ids[k]}", lang), bold=True)
        else:
            cell = top[i].merge(sub[i])
            _write(cell, text(f"docx.spss.{ids[i]}", lang), bold=True)
        i = j + 1
    return 2


def add_table(doc: Any, t: Table, lang: str) -> Any:
    """A Table of the report as a three-line Word table (SPSS layout for regressions)."""
    spss = t.kind == "coef" and bool(t.ids)
    header_rows = 2 if spss else 1
    table = doc.add_table(rows=header_rows + len(t.rows), cols=len(t.headers))
    _no_table_borders(table)
    if spss:
        _spss_header(table, t, lang)
    else:
        for cell, h in zip(table.rows[0].cells, t.headers, strict=True):
            _write(cell, h, bold=True)
    rows = list(table.rows)
    for row, cells in zip(rows[header_rows:], t.rows, strict=True):
        for cell, c in zip(row.cells, cells, strict=True):
            _write(cell, c.text, right=c.numeric)
    three_line(table, header_rows)
    return table
