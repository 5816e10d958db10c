"""The list of figures in report order, and drawing them into bytes and files.

``figure_specs(d)`` is pure: from the plain results it decides which figures can be
drawn (with title and caption) and which are skipped (with the reason); nothing is ever
drawn empty.  ``write_figures`` draws the drawable ones into ``figures/`` as PNG
(200 dpi, or ``[report] dpi``) and SVG.

Each figure is built once on its fixed canvas and laid out once
(:func:`carbonpath.report.figures.files.freeze_layout`); its PNG and SVG are drawn from
that same layout.  The figures are drawn one after the
other in this process: with one layout per figure, worker processes no longer paid for
their start-up on a default run (measured in benchmarks/bench_report.py), and drawing
here means nothing outlives a killed run and nothing is written outside the output
folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from carbonpath.core.errors import InputError
from carbonpath.report.figures import (
    accounting,
    context_series,
    decomposition,
    decoupling,
    economy,
    index,
    pathways,
    regions,
    stirpat,
)
from carbonpath.report.figures.context import Context, FigureSpec, build_context
from carbonpath.report.figures.files import figure_files, write_figure_files
from carbonpath.report.style import DEFAULT_DPI, StyleInfo, style_context, style_info

if TYPE_CHECKING:  # pragma: no cover
    from carbonpath.report.contract import ResultsLike as Results

#: the sections' figure lists, in report order
SECTIONS = (
    economy,
    context_series,
    accounting,
    regions,
    index,
    stirpat,
    decomposition,
    decoupling,
    pathways,
)


def figure_specs(d: dict[str, Any], info: StyleInfo | None = None) -> list[FigureSpec]:
    """Every figure of the report, in report order, each drawable or skipped with a reason."""
    ctx = build_context(d, info or style_info())
    return [s for module in SECTIONS for s in module.specs(ctx)]


def report_dpi(d: dict[str, Any]) -> int:
    """``[report] dpi`` from the settings, else 200."""
    rep = (d.get("settings") or {}).get("report") or {}
    dpi = rep.get("dpi", DEFAULT_DPI) if isinstance(rep, dict) else DEFAULT_DPI
    return int(dpi) if isinstance(dpi, int | float) and dpi > 0 else DEFAULT_DPI


def render(spec: FigureSpec, ctx: Context, dpi: int = DEFAULT_DPI) -> tuple[bytes, bytes]:
    """(SVG, PNG) bytes of one drawable figure, laid out once (call inside ``style_context``)."""
    assert spec.draw is not None
    svg, png = figure_files(spec.draw(ctx), dpi, ("svg", "png"))
    return svg, png


def render_figures(
    d: dict[str, Any],
    info: StyleInfo,
    names: list[str],
    dpi: int = DEFAULT_DPI,
    formats: tuple[str, ...] = ("svg", "png"),
) -> dict[str, tuple[bytes, ...]]:
    """Bytes of each named figure in ``formats`` ("svg", "png"), in ``names`` order.

    Call inside ``style_context``.  A name that cannot be drawn is an InputError with
    the skip reason.
    """
    specs = {s.name: s for s in figure_specs(d, info)}
    ctx = build_context(d, info)
    out: dict[str, tuple[bytes, ...]] = {}
    for name in names:
        draw = specs[name].draw
        if draw is None:
            raise InputError(f"figure '{name}' cannot be drawn: {specs[name].skip}")
        out[name] = figure_files(draw(ctx), dpi, formats)
    return out


def write_figures(results: Results, folder: Path) -> list[dict[str, Any]]:
    """Draw every figure into ``folder/figures/`` (PNG and SVG); return the manifest.

    Manifest entries: {name, title, caption, files: ["figures/<name>.png", ".svg"]} or
    {name, title, caption, skipped: reason}; a drawn entry carries ``notes`` when the
    figures had to fall back (no CJK font for Chinese sector names).
    """
    d = results.to_dict()
    dpi = report_dpi(d)
    out_dir = Path(folder) / "figures"
    manifest: list[dict[str, Any]] = []
    with style_context() as info:
        ctx = build_context(d, info)
        for spec in (s for module in SECTIONS for s in module.specs(ctx)):
            entry: dict[str, Any] = {
                "name": spec.name,
                "title": spec.title,
                "caption": spec.caption,
            }
            if spec.draw is None:
                entry["skipped"] = spec.skip
            else:
                svg, png = figure_files(spec.draw(ctx), dpi, ("svg", "png"))
                files = write_figure_files(out_dir, spec.name, svg, png)
                entry["files"] = [f"figures/{f}" for f in files]
                if ctx.notes:
                    entry["notes"] = list(ctx.notes)
            manifest.append(entry)
    return manifest
