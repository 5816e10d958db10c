"""The self-contained HTML report (``report.html``), built from ``results.to_dict()``.

One file: figures are embedded as ``data:`` URIs (SVG), styles are inline, there is no
JavaScript and a Content-Security-Policy forbids every request except embedded images,
so the report opens offline and can be mailed as it is.  All text that comes from the
user (study title, sector names, correction reasons, messages) is made display-safe
(:func:`carbonpath.core.text.display_text`) and escaped by Jinja2 (``autoescape=True``).
Numbers are formatted here (the report layer), with units in the table headers.  No
timestamps: two runs on the same results give the same bytes.

One module per section (:mod:`.summary`, :mod:`.data`, :mod:`.emissions` with the
economy section, :mod:`.index`, :mod:`.drivers`, :mod:`.pathways`, :mod:`.methods` with
the software section), each with ``build(d, figs) -> Section``; :mod:`.page` orders
them and renders ``report/templates/report.html.j2``; :mod:`.format` and :mod:`.tables`
format numbers and tables.
"""

from __future__ import annotations

from carbonpath.report.html.drivers import RIDGE_WARNING, unit_root_tables
from carbonpath.report.html.format import (
    column_digits,
    fmt_cell,
    fmt_num,
    fmt_p,
    fmt_pct,
    setting_text,
)
from carbonpath.report.html.page import (
    Figure,
    Section,
    build_sections,
    render_html,
    svg_size_px,
    write_html,
)
from carbonpath.report.html.tables import Cell, Table, records_table

__all__ = [
    "RIDGE_WARNING",
    "Cell",
    "Figure",
    "Section",
    "Table",
    "build_sections",
    "column_digits",
    "fmt_cell",
    "fmt_num",
    "fmt_p",
    "fmt_pct",
    "records_table",
    "render_html",
    "setting_text",
    "svg_size_px",
    "unit_root_tables",
    "write_html",
]
