"""The pieces a report page is made of: sections holding tables, figures and text."""

from __future__ import annotations

from dataclasses import dataclass, field

from carbonpath.report.html.tables import Table

__all__ = ["Figure", "Section"]


@dataclass
class Figure:
    """A figure as the page shows it: embedded SVG, or the reason it was not drawn."""

    name: str
    title: str
    caption: str
    src: str = ""
    width: int = 0
    height: int = 0
    skipped: str = ""
    notes: list[str] = field(default_factory=list)
    number: int = 0  # "Figure n" in the report (set when the page is built)
    png: bytes = b""  # the PNG, for report.docx (empty in the HTML report)


@dataclass
class Section:
    """One section of the page (``id`` is its anchor)."""

    id: str
    title: str
    intro: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    extra: list[Table] = field(default_factory=list)  # tables shown after the figures
