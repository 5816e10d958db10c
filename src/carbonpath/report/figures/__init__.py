"""The report's figures, drawn from ``results.to_dict()`` only.

One module per report section, each with its readers (its one look into the results),
its drawing functions and ``specs(ctx)``, the section's figures with title, caption and
either a drawing function or the reason it is skipped:

- :mod:`.economy`: value added and its GDP share (paper Fig. 1), output by industry
  (Fig. 2), value-added structure (Fig. 3), energy efficiency (Fig. 8);
- :mod:`.accounting` (and :mod:`.uncertainty`): emissions and share of manufacturing
  (Fig. 10), emissions and intensity per group (Figs. 11-14), intensity ranking
  (Fig. 15), fuel contributions, uncertainty bands;
- :mod:`.index`: index (Fig. 16), weights by method, index sensitivity;
- :mod:`.stirpat`: ridge trace (Fig. 17), R² vs k (Fig. 18), predicted vs actual (Fig. 19);
- :mod:`.decomposition`: LMDI waterfall; :mod:`.pathways`: scenario fan chart.

:mod:`.context` holds the labels, colours and the spec type, :mod:`.canvas` the axis
conventions, :mod:`.render` the report order and the writing (each figure laid out once
for PNG and SVG).  The names below are the package's interface.
"""

from __future__ import annotations

from carbonpath.report.figures.context import Context, FigureSpec, build_context, plain
from carbonpath.report.figures.decomposition import lmdi_span
from carbonpath.report.figures.pathways import scenario_records, target_records
from carbonpath.report.figures.render import (
    figure_specs,
    render,
    render_figures,
    report_dpi,
    write_figures,
)
from carbonpath.report.figures.stirpat import fit_rows

__all__ = [
    "Context",
    "FigureSpec",
    "build_context",
    "figure_specs",
    "fit_rows",
    "lmdi_span",
    "plain",
    "render",
    "render_figures",
    "report_dpi",
    "scenario_records",
    "target_records",
    "write_figures",
]
