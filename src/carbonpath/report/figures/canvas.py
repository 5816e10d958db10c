"""The canvas and axis conventions every figure shares.

A figure is a ``matplotlib.figure.Figure`` (never pyplot) of a fixed size per figure
type (:data:`CANVAS`; 6.3 in wide, one journal text width), laid out with matplotlib's
constrained layout so that labels and legends fit inside the canvas; the layout runs
once when the figure is saved (:mod:`.files`).  Legends go to the right of the axes
(or above them for a bar and line pair, or below a panel); year axes tick every year
and turn their labels when there are more than ten; stacked bars stack negative parts
downwards from zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from carbonpath.report.figures.context import NEUTRAL, POS, Context
from carbonpath.report.figures.words import text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH = 6.3
#: canvas heights in inches: "chart" for every single-chart figure; the others grow
#: with what they hold (see :func:`canvas_height`)
CANVAS: dict[str, float] = {
    "chart": 3.6,  # 6.3 x 3.6 in
    "panel_row": 2.8,  # emissions_by_group: 6.3 in x 2.8 in per row of two panels
    "per_item": 0.3,  # index_weights, intensity_ranking: 0.3 in per bar or rank ...
    "items_base": 0.9,  # ... plus 0.9 in, never less than the chart height
}


def canvas_height(kind: str, n: int = 0) -> float:
    """The canvas height of a figure type: ``chart``, ``panels`` (n rows), ``items`` (n)."""
    if kind == "panels":
        return CANVAS["panel_row"] * max(n, 1)
    if kind == "items":
        return max(CANVAS["chart"], CANVAS["per_item"] * n + CANVAS["items_base"])
    return CANVAS["chart"]


def new_figure(kind: str = "chart", n: int = 0) -> Figure:
    """An empty figure on the canvas of ``kind`` (Agg drawing, constrained layout)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH, canvas_height(kind, n)), layout="constrained")
    fig.get_layout_engine().set(w_pad=0.04, h_pad=0.04)
    return fig


def legend_right(ax: Axes, handles: Any = None, labels: Any = None, **kw: Any) -> None:
    """A legend to the right of ``ax``, top-aligned."""
    args = (handles, labels) if handles is not None else ()
    ax.legend(*args, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, **kw)


def legend_top(ax: Axes, handles: Any, labels: Any, ncol: int | None = None) -> None:
    """A legend above ``ax`` (one row unless ``ncol`` says otherwise)."""
    ax.legend(
        handles,
        labels,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.01),
        ncol=ncol or max(len(labels), 1),
        borderaxespad=0.0,
    )


def year_axis(ax: Axes, years: list[int], lang: str = "en") -> None:
    """Tick every year; turn the labels when there are more than ten."""
    ax.set_xticks(sorted(set(years)))
    ax.set_xlabel(text("fig.axis.year", lang))
    if len(set(years)) > 10:
        ax.tick_params(axis="x", labelrotation=45)


def sector_lines(
    ax: Axes, ctx: Context, series: dict[str, dict[int, float]], scale: float = 1.0
) -> list[int]:
    """One line per member sector (study order) of ``series / scale``; the years drawn."""
    years: list[int] = []
    for code in ctx.members:
        s = series.get(code)
        if not s:
            continue
        ys = sorted(y for y in s if ctx.in_years(y))
        years += ys
        ax.plot(
            ys,
            [s[y] / scale for y in ys],
            color=ctx.colour(code),
            marker=ctx.marker(code),
            linestyle=ctx.dash(code),
            label=ctx.label(code),
        )
    return years


def stack_signed(ax: Axes, years: list[int], parts: list[tuple[str, str, list[float]]]) -> None:
    """Stacked bars (label, colour, values) where negative parts stack downwards from zero."""
    import numpy as np

    pos = np.zeros(len(years))
    neg = np.zeros(len(years))
    for label, colour, vals in parts:
        v = np.array(vals, dtype=float)
        bottom = np.where(v >= 0, pos, neg)
        ax.bar(years, v, bottom=bottom, color=colour, label=label, edgecolor="white", linewidth=0.4)
        pos = pos + np.where(v >= 0, v, 0)
        neg = neg + np.where(v < 0, v, 0)


def bars_with_share(
    ax: Axes,
    bars: tuple[list[int], list[float], str],
    share: list[tuple[int, float]],
    share_labels: tuple[str, str],
    lang: str = "en",
) -> None:
    """Bars on ``ax`` and, when ``share`` has points, a share line (%) on a right axis.

    ``bars``: (years, heights, legend label); ``share``: (year, percent) points;
    ``share_labels``: (legend label, right axis label).  One legend above the axes.
    """
    years, heights, label = bars
    ax.bar(years, heights, color=NEUTRAL, label=label)
    year_axis(ax, years, lang)
    handles, labels = ax.get_legend_handles_labels()
    if share:
        ax2 = ax.twinx()
        ax2.plot(
            [p[0] for p in share],
            [p[1] for p in share],
            color=POS,
            marker="o",
            label=share_labels[0],
        )
        ax2.set_ylabel(share_labels[1])
        ax2.set_ylim(bottom=0)
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        h2, l2 = ax2.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    legend_top(ax, handles, labels)
