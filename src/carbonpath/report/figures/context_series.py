"""Context series: any series a study carries beside its data, drawn as line or bar figures.

A study's ``context.csv`` (loaded by the study, not here) holds one row per point:

| column | meaning |
|---|---|
| ``series`` | the series' name as shown in the legend (user text) |
| ``year`` | the year (integer) |
| ``value`` | the value (a finite number) |
| ``unit`` | the unit as shown on the axis (``10^8 yuan``, ``%``, ``firms``) |
| ``source`` | where the value comes from (shown in the caption) |
| ``kind`` | ``line`` or ``bar`` |
| ``illustrative`` | true when the value is not a published figure (marked in the figure) |
| ``figure`` (optional) | series with the same ``figure`` share one figure (default: the series) |

The figures read these rows from the plain results (:func:`context_records`:
``d["data"]["context"]``, or ``d["context"]`` as a list or ``{"series": [...]}``), or
take them directly (:func:`draw_context`, a list of dicts or a DataFrame).  One figure
per ``figure`` value, in the order of first appearance; within it the series keep the
table's order and colour; the first unit is the left axis, a second one the right axis
(a figure with more than two units is skipped with the reason).  Illustrative points are
hatched bars or dashed lines with open markers, the legend says "illustrative", and the
caption names the sources and says which series are illustrative.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from carbonpath.report.figures.canvas import legend_top, new_figure, year_axis
from carbonpath.report.figures.context import Context, FigureSpec, num, plain, spec
from carbonpath.report.figures.words import text
from carbonpath.report.style import LINE_PALETTE, MARKERS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

TRUE = ("true", "yes", "1", "y", "t", "x", "illustrative")


@dataclass(frozen=True)
class Point:
    """One context value."""

    year: int
    value: float
    illustrative: bool


@dataclass(frozen=True)
class ContextSeries:
    """One series: its name, unit, kind, sources and points (by year)."""

    name: str
    unit: str
    kind: str
    sources: tuple[str, ...]
    points: tuple[Point, ...]

    @property
    def illustrative(self) -> bool:
        return any(p.illustrative for p in self.points)


@dataclass(frozen=True)
class ContextFigure:
    """The series drawn together, and the figure's file name and title."""

    name: str
    title: str
    series: tuple[ContextSeries, ...]

    @property
    def units(self) -> list[str]:
        return list(dict.fromkeys(s.unit for s in self.series))

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(src for s in self.series for src in s.sources))


# ---------------------------------------------------------------------------- reading
def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value) and value == value
    return str(value or "").strip().lower() in TRUE


def _rows(table: Any) -> list[dict[str, Any]]:
    """Records from a list of dicts or a DataFrame (anything else: none)."""
    if hasattr(table, "to_dict") and hasattr(table, "columns"):
        table = table.to_dict(orient="records")
    return [r for r in table or [] if isinstance(r, dict)] if isinstance(table, list) else []


def context_records(d: dict[str, Any]) -> list[dict[str, Any]]:
    """The context rows of plain results ``d`` (see the module docstring for where)."""
    data = d.get("data") if isinstance(d, dict) else None
    found = data.get("context") if isinstance(data, dict) else None
    if found is None and isinstance(d, dict):
        found = d.get("context")
        if isinstance(found, dict):
            found = found.get("series") or found.get("records")
    return _rows(found)


def _slug(name: str, taken: set[str]) -> str:
    """``context_<ascii slug>`` (or ``context_<n>``), unique among ``taken``."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40]
    base = f"context_{slug}" if slug else f"context_{len(taken) + 1}"
    out, n = base, 2
    while out in taken:
        out, n = f"{base}_{n}", n + 1
    taken.add(out)
    return out


def _series(name: str, rows: list[dict[str, Any]]) -> ContextSeries:
    points: dict[int, Point] = {}
    for r in rows:
        y, v = num(r.get("year")), num(r.get("value"))
        if y is not None and v is not None and y == int(y):
            points[int(y)] = Point(int(y), v, _flag(r.get("illustrative")))
    kinds = [str(r.get("kind") or "").strip().lower() for r in rows]
    return ContextSeries(
        name=name,
        unit=str(rows[0].get("unit") or ""),
        kind="bar" if "bar" in kinds else "line",
        sources=tuple(dict.fromkeys(str(r["source"]) for r in rows if r.get("source"))),
        points=tuple(points[y] for y in sorted(points)),
    )


def context_figures(table: Any) -> list[ContextFigure]:
    """The figures of a context table (rows or DataFrame), in order of first appearance."""
    by_figure: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for r in _rows(table):
        name = str(r.get("series") or "").strip()
        if not name:
            continue
        fig = str(r.get("figure") or "").strip() or name
        by_figure.setdefault(fig, {}).setdefault(name, []).append(r)
    taken: set[str] = set()
    out = []
    for fig, series in by_figure.items():
        drawn = tuple(s for s in (_series(n, rows) for n, rows in series.items()) if s.points)
        if drawn:
            out.append(ContextFigure(_slug(fig, taken), fig, drawn))
    return out


# ------------------------------------------------------------------------------ drawing
def _bar(ax: Axes, s: ContextSeries, colour: str, offset: float, width: float, lang: str) -> None:
    for p in s.points:
        ax.bar(
            p.year + offset,
            p.value,
            width=width,
            color=colour,
            alpha=0.45 if p.illustrative else 0.9,
            hatch="///" if p.illustrative else None,
            edgecolor=colour if p.illustrative else "white",
            linewidth=0.6,
        )
    ax.bar([], [], color=colour, label=_legend(s, lang))


def _line(ax: Axes, s: ContextSeries, i: int, colour: str, lang: str) -> None:
    years = [p.year for p in s.points]
    vals = [p.value for p in s.points]
    solid = [v if not p.illustrative else float("nan") for p, v in zip(s.points, vals, strict=True)]
    marker = MARKERS[i % len(MARKERS)]
    ax.plot(years, vals, color=colour, linestyle="--", marker=marker, markerfacecolor="white")
    if any(v == v for v in solid):  # published points: solid line, filled markers
        ax.plot(years, solid, color=colour, marker=marker)
    ax.plot([], [], color=colour, marker=marker, label=_legend(s, lang))


def _legend(s: ContextSeries, lang: str) -> str:
    name = plain(s.name)
    return text("fig.context.illustrative_label", lang, name=name) if s.illustrative else name


def draw_figure(fig_spec: ContextFigure, lang: str = "en") -> Figure:
    """One context figure: bars side by side per year, lines, one or two value axes."""
    units = fig_spec.units[:2]
    fig = new_figure()
    ax = fig.add_subplot()
    axes = {units[0]: ax}
    if len(units) > 1:
        ax2 = ax.twinx()
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        axes[units[1]] = ax2
    bars = [s for s in fig_spec.series if s.kind == "bar"]
    width = 0.8 / max(len(bars), 1)
    for i, s in enumerate(fig_spec.series):
        if s.unit not in axes:
            continue
        colour = LINE_PALETTE[i % len(LINE_PALETTE)]
        if s.kind == "bar":
            offset = -0.4 + width * (bars.index(s) + 0.5)
            _bar(axes[s.unit], s, colour, offset, width, lang)
        else:
            _line(axes[s.unit], s, i, colour, lang)
    for unit, a in axes.items():
        a.set_ylabel(plain(unit))
    if bars and all(p.value >= 0 for s in bars for p in s.points):
        axes[bars[0].unit].set_ylim(bottom=0)
    year_axis(ax, [p.year for s in fig_spec.series for p in s.points])
    ax.set_xlabel(text("fig.axis.year", lang))
    handles, labels = [], []
    for a in axes.values():
        h, lab = a.get_legend_handles_labels()
        handles, labels = handles + h, labels + lab
    legend_top(ax, handles, labels)
    return fig


def draw_context(table: Any, figure: str | None = None, lang: str = "en") -> Figure:
    """The figure named or titled ``figure`` (default: the first) of a context table."""
    figs = context_figures(table)
    chosen = [f for f in figs if figure in (None, f.name, f.title)]
    if not chosen:
        raise KeyError(f"no context figure '{figure}'")
    return draw_figure(chosen[0], lang)


def caption(fig_spec: ContextFigure, lang: str = "en") -> str:
    """The caption: the series, their sources and which ones are illustrative."""
    names = text("fig.context.list_sep", lang).join(plain(s.name) for s in fig_spec.series)
    parts = [text("fig.context.caption", lang, series=names)]
    if fig_spec.sources:
        sep = text("fig.context.list_sep", lang)
        parts.append(
            text("fig.context.source", lang, source=sep.join(map(plain, fig_spec.sources)))
        )
    illus = [plain(s.name) for s in fig_spec.series if s.illustrative]
    if illus:
        sep = text("fig.context.list_sep", lang)
        parts.append(text("fig.context.illustrative_note", lang, series=sep.join(illus)))
    return " ".join(parts)


def _skip(fig_spec: ContextFigure, lang: str) -> str | None:
    units = fig_spec.units
    if len(units) <= 2:
        return None
    return text("fig.context.too_many_units", lang, units=", ".join(map(plain, units)))


def specs_for(table: Iterable[dict[str, Any]] | Any, lang: str = "en") -> list[FigureSpec]:
    """One spec per context figure (section ``economy``), drawable or skipped."""
    out = []
    for f in context_figures(table):
        out.append(
            spec(
                f.name,
                plain(f.title),
                caption(f, lang),
                "economy",
                lambda ctx, f=f: draw_figure(f, ctx.lang),
                _skip(f, lang),
            )
        )
    return out


def specs(ctx: Context) -> list[FigureSpec]:
    """The context figures of the results (none when the study has no context series)."""
    return specs_for(context_records(ctx.d), ctx.lang)
