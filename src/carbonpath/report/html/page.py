"""The page: its sections in order, the embedded figures, and the Jinja2 rendering.

Each section is built by its own module's ``build(d, figs)`` from ``results.to_dict()``;
this module only orders them.  Figures are embedded as SVG ``data:`` URIs, read from
``figures/`` when ``write_figures`` wrote them, else drawn in memory (SVG only).  Every
``{{ }}`` value of the templates goes through :func:`carbonpath.core.text.display_text`
(no bidi overrides, invisible or control characters) and then Jinja2's HTML escaping.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from carbonpath.core.text import display_text
from carbonpath.core.units import TCE_GJ
from carbonpath.report.html.format import fmt_num
from carbonpath.report.html.model import Figure, Section
from carbonpath.report.i18n import language_of, text
from carbonpath.report.i18n.localise import localised

if TYPE_CHECKING:  # pragma: no cover
    from carbonpath.report.contract import ResultsLike as Results
    from carbonpath.report.figures import FigureSpec
    from carbonpath.report.i18n.messages import Translator

TEMPLATE = "report.html.j2"
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
_SVG_SIZE = re.compile(rb'<svg[^>]*?width="([0-9.]+)pt"[^>]*?height="([0-9.]+)pt"', re.S)
DISPLAY_SCALE = 1.3  # figures are drawn at print size (6.3 in); show them a little larger


def svg_size_px(svg: bytes) -> tuple[int, int]:
    """Display size in CSS pixels of a matplotlib SVG (its size in pt x 4/3 x scale)."""
    m = _SVG_SIZE.search(svg[:2000])
    if not m:
        return 800, 480
    w, h = (float(x) * 4 / 3 * DISPLAY_SCALE for x in m.groups())
    return round(w), round(h)


def _same(message: str) -> str:
    return message


def _figure(spec: FigureSpec, files: dict[str, bytes], notes: list[str], tr: Any = _same) -> Figure:
    """A figure of the page; its skip reason and notes in the report language (``tr``)."""
    fig = Figure(spec.name, spec.title, spec.caption)
    svg, png = files.get("svg"), files.get("png", b"")
    if svg is None and not png:
        fig.skipped = tr(spec.skip or "no data")
        return fig
    if svg is not None:
        fig.src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        fig.width, fig.height = svg_size_px(svg)
    fig.png = png
    fig.notes = [tr(n) for n in notes]
    return fig


def _on_disk(specs: list[FigureSpec], folder: Path | None, formats: tuple[str, ...]) -> dict:
    """{name: {format: bytes}} of the figures write_figures left in folder/figures/."""
    out: dict[str, dict[str, bytes]] = {}
    for spec in specs:
        for fmt in formats:
            path = folder / "figures" / f"{spec.name}.{fmt}" if folder is not None else None
            if spec.draw is not None and path is not None and path.is_file():
                out.setdefault(spec.name, {})[fmt] = path.read_bytes()
    return out


def _keep(folder: Path | None, name: str, svg: bytes, png: bytes) -> None:
    """Leave a figure drawn here in folder/figures/ when write_figures wrote that folder
    (the context series' figures: drawn once for report.html and report.docx)."""
    if folder is not None and (folder / "figures").is_dir():
        from carbonpath.report.style import write_figure_files

        write_figure_files(folder / "figures", name, svg, png)


def section_figures(
    d: dict[str, Any],
    folder: Path | None,
    formats: tuple[str, ...] = ("svg",),
    tr: Translator | None = None,
) -> dict[str, list[Figure]]:
    """Figures per section in ``formats``; embedded from folder/figures/<name>.<fmt>
    or drawn in memory. The context series' figures (context.csv) come with them.
    ``tr`` translates skip reasons and notes (see :mod:`carbonpath.report.i18n.localise`)."""
    from carbonpath.report.figures import (
        build_context,
        context_series,
        figure_specs,
        render,
        render_figures,
        report_dpi,
    )
    from carbonpath.report.style import style_context

    with style_context() as info:
        ctx = build_context(d, info)
        specs = figure_specs(d, info)
        known = {s.name for s in specs}
        extra = [s for s in context_series.specs(ctx) if s.name not in known]
        files = _on_disk(specs + extra, folder, formats)
        missing = [
            s.name
            for s in specs
            if s.draw is not None and set(formats) - set(files.get(s.name, {}))
        ]
        if missing:
            drawn = render_figures(d, info, missing, report_dpi(d), formats=formats)
            for name, out in drawn.items():
                files[name] = dict(zip(formats, out, strict=True))
        for s in extra:
            if s.draw is not None and set(formats) - set(files.get(s.name, {})):
                svg, png = render(s, ctx, report_dpi(d))
                files[s.name] = {"svg": svg, "png": png}
                _keep(folder, s.name, svg, png)
    out: dict[str, list[Figure]] = {}
    for spec in [*specs, *extra]:
        fig = _figure(spec, files.get(spec.name, {}), ctx.notes, tr or _same)
        out.setdefault(spec.section, []).append(fig)
    return out


def number_items(sections: list[Section]) -> list[Section]:
    """Number the tables and the drawn figures in page order (Table 1..., Figure 1...)."""
    n_tab = n_fig = 0
    for sec in sections:
        for t in [*sec.tables, *sec.extra]:
            n_tab += 1
            t.number = n_tab
        for f in sec.figures:
            if f.src or f.png:
                n_fig += 1
                f.number = n_fig
    return sections


def build_sections(
    d: dict[str, Any],
    folder: Path | None = None,
    figs: dict[str, list[Figure]] | None = None,
    tr: Translator | None = None,
) -> list[Section]:
    """The report's sections in the order of the paper, each with its tables, figures and
    warnings: summary, the overview (economy, context series), data, emissions, index,
    drivers, decomposition and pathways, regions, methods, software.

    ``d`` should be :func:`~carbonpath.report.i18n.localise.localised` results (its
    messages in the report language); ``tr`` translates the figures' notes."""
    from carbonpath.report.html import (
        context,
        data,
        drivers,
        emissions,
        index,
        methods,
        pathways,
        regions,
        summary,
    )

    figs = section_figures(d, folder, tr=tr) if figs is None else figs
    builders = (
        summary.build,
        emissions.build_economy,
        context.build,
        data.build,
        emissions.build,
        index.build,
        drivers.build,
        pathways.build,
        regions.build,
        methods.build,
        methods.build_software,
    )
    return number_items([s for s in (b(d, figs) for b in builders) if s is not None])


def _finalize(value: Any) -> Any:
    """Every template value: user text made display-safe before it is escaped."""
    return display_text(value) if isinstance(value, str) else value


def untranslated_note(tr: Translator) -> str:
    """How many messages the report leaves in English ('' when none)."""
    if not tr.missed:
        return ""
    return text("report.untranslated", tr.lang, n=len(tr.missed), mark=tr.mark.strip())


def render_html(d: dict[str, Any], folder: Path | None = None) -> str:
    """The report's HTML text for the plain results ``d``."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every user string is escaped, whatever the template's name
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.filters["num"] = fmt_num
    d, tr = localised(d)
    sections = build_sections(d, folder, tr=tr)
    lang = language_of(d)
    st = d.get("study") or {}
    years = st.get("years") or []
    return env.get_template(TEMPLATE).render(
        tr=lambda key, **kw: text(key, lang, **kw),
        html_lang=text("lang.html", lang),
        title=str(st.get("title") or "carbonpath report"),
        region=str(st.get("region") or ""),
        years=f"{years[0]}-{years[1]}" if len(years) == 2 else "",
        version=str(d.get("carbonpath_version") or ""),
        sections=sections,
        untranslated=untranslated_note(tr),
        tce_gj=TCE_GJ,
    )


def write_html(results: Results, folder: Path) -> Path:
    """Write ``folder/report.html`` (self-contained, deterministic); return its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.html"
    path.write_text(render_html(results.to_dict(), folder), encoding="utf-8")
    return path
