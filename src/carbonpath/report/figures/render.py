"""The list of figures in report order, and drawing them into bytes and files.

``figure_specs(d)`` is pure: from the plain results it decides which figures can be
drawn (with title and caption) and which are skipped (with the reason); nothing is ever
drawn empty.  ``write_figures`` draws the drawable ones into ``figures/`` as PNG
(200 dpi, or ``[report] dpi``) and SVG.

Each figure is built once on its fixed canvas and laid out once
(:func:`carbonpath.report.figures.files.freeze_layout`); its PNG and SVG are drawn from
that same layout.  With more than one usable CPU the figures are drawn by processes
forked here, once the results are ready (:mod:`carbonpath.report.figures.parallel`:
they die with this process and write only into ``figures/``); the files are the same
bytes as when one process draws them all.  The manifest is built here, in report order.
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
from carbonpath.report.figures.parallel import draw_all, job_count
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
        specs = [s for module in SECTIONS for s in module.specs(ctx)]
        drawable = [s for s in specs if s.draw is not None]
        if drawable:
            out_dir.mkdir(parents=True, exist_ok=True)

        def draw_one(i: int) -> None:
            spec = drawable[i]
            assert spec.draw is not None
            svg, png = figure_files(spec.draw(ctx), dpi, ("svg", "png"))
            write_figure_files(out_dir, spec.name, svg, png)

        draw_all(len(drawable), draw_one, job_count(len(drawable)))
        for spec in specs:
            manifest.append(_entry(spec, ctx))
    return manifest


def _entry(spec: FigureSpec, ctx: Context) -> dict[str, Any]:
    """The manifest entry of a figure drawn into figures/ or skipped."""
    entry: dict[str, Any] = {"name": spec.name, "title": spec.title, "caption": spec.caption}
    if spec.draw is None:
        entry["skipped"] = spec.skip
        return entry
    entry["files"] = [f"figures/{spec.name}.png", f"figures/{spec.name}.svg"]
    if ctx.notes:
        entry["notes"] = list(ctx.notes)
    return entry
