"""Index figures: the reference paper's Fig. 16, and weights and robustness beyond it.

- ``index_scores`` (Fig. 16): composite index ``Y_t = sum_j w_j X_tj`` per year and the
  subsystem scores;
- ``index_weights``: each indicator's weight under entropy and the alternative methods;
- ``index_sensitivity``: the rank of each year under the Monte Carlo variations
  (5th-95th percentile bar, baseline dot) and the score band.

Reading: the ``_read_*`` functions are this section's only look into the results.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from carbonpath.report.figures.canvas import legend_right, legend_top, new_figure, year_axis
from carbonpath.report.figures.colours import MARKERS, METHOD_COLOURS, fill_colour, line_colour
from carbonpath.report.figures.context import (
    NEUTRAL,
    Context,
    FigureSpec,
    num,
    plain,
    records,
    spec,
)
from carbonpath.report.figures.words import has_text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_WEIGHT_METHODS = ("entropy", "critic", "cv", "equal", "user", "pca")
NAN = float("nan")


# ---------------------------------------------------------------------------- reading
def _read_scores(ctx: Context) -> list[dict[str, Any]]:
    rows = (r for r in records(ctx.d, "index", "scores") if num(r.get("score")) is not None)
    return sorted(rows, key=lambda r: r["year"])


def _read_subsystems(ctx: Context) -> dict[str, list[tuple[int, float]]]:
    """{subsystem: [(year, score)]} in the declared order (the indicators' order), by year."""
    subs: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for r in records(ctx.d, "index", "subsystems"):
        v = num(r.get("score"))
        if v is not None:
            subs[str(r.get("subsystem"))].append((int(r["year"]), v))
    declared = ctx.declared("index", "indicators", key="subsystem")
    order = list(dict.fromkeys([s for s in declared if s in subs] + list(subs)))
    return {k: sorted(subs[k]) for k in order}


def _read_weights(ctx: Context) -> tuple[list[dict[str, Any]], dict[str, str], list[str]]:
    """Alternative-weight rows, indicator labels and the methods present (known first)."""
    rows = records(ctx.d, "index", "alternative_weights")
    labels = {
        str(r.get("indicator")): str(r.get("label") or r.get("indicator"))
        for r in records(ctx.d, "index", "weights")
    }
    methods = [m for m in _WEIGHT_METHODS if any(num(r.get(m)) is not None for r in rows)]
    others = {
        k
        for r in rows
        for k in r
        if k not in methods and k not in ("indicator", "label") and num(r.get(k)) is not None
    }
    return rows, labels, methods + sorted(others)


def _read_sensitivity(ctx: Context) -> list[dict[str, Any]]:
    rows = records(ctx.d, "index", "sensitivity", "per_year")
    return sorted((r for r in rows if r.get("year") is not None), key=lambda r: r["year"])


# ------------------------------------------------------------------------------ drawing
def _draw_index(ctx: Context) -> Figure:
    scores = _read_scores(ctx)
    subs = _read_subsystems(ctx)
    fig = new_figure()
    ax = fig.add_subplot()
    years = [int(r["year"]) for r in scores]
    vals = [float(r["score"]) for r in scores]
    ax.plot(years, vals, color="black", marker="o", linewidth=2.2, label=ctx.t("fig.legend.index"))
    for i, (name, pts) in enumerate(subs.items()):
        ax.plot(
            [p[0] for p in pts],
            [p[1] for p in pts],
            color=line_colour(i),
            marker=MARKERS[(i + 1) % len(MARKERS)],
            linestyle="--",
            label=ctx.t("fig.legend.subsystem", name=ctx.subsystem_label(name)),
        )
    for y, v in ((years[0], vals[0]), (years[-1], vals[-1])):
        ax.annotate(
            f"{v:.4f}", (y, v), xytext=(0, 6), textcoords="offset points", ha="center", fontsize=7
        )
    ax.set_ylabel(ctx.t("fig.axis.score"))
    ax.set_ylim(bottom=0)
    year_axis(ax, years + [p[0] for pts in subs.values() for p in pts], ctx.lang)
    legend_right(ax)
    return fig


def _draw_weights(ctx: Context) -> Figure:
    import numpy as np

    rows, labels, methods = _read_weights(ctx)
    n = len(rows)
    fig = new_figure("items", n)
    ax = fig.add_subplot()
    height = 0.8 / max(len(methods), 1)
    ys = np.arange(n)
    for j, m in enumerate(methods):
        ax.barh(
            ys - 0.4 + height * (j + 0.5),
            [num(r.get(m)) or 0.0 for r in rows],
            height=height,
            color=METHOD_COLOURS.get(m, fill_colour(j + len(METHOD_COLOURS))),
            label=_method_label(ctx, m),
        )
    ax.set_yticks(ys)
    ax.set_yticklabels(
        [
            textwrap.fill(plain(labels.get(str(r["indicator"]), str(r["indicator"]))), 30)
            for r in rows
        ]
    )
    ax.invert_yaxis()
    ax.set_xlabel(ctx.t("fig.axis.weight"))
    ax.grid(True, axis="x")
    ax.grid(False, axis="y")
    legend_right(ax, title=ctx.t("fig.legend.method"))
    return fig


def _method_label(ctx: Context, method: str) -> str:
    key = f"fig.method.{method}"
    return ctx.t(key) if has_text(key) else plain(method)


def _rank_panel(ax: Axes, ctx: Context, rows: list[dict[str, Any]]) -> None:
    """Rank of each year: 5-95 % bar over the draws and the baseline dot (1 at the top)."""
    years = [int(r["year"]) for r in rows]
    lo = [num(r.get("rank_p5")) for r in rows]
    hi = [num(r.get("rank_p95")) for r in rows]
    base = [num(r.get("baseline_rank")) for r in rows]
    for y, a, b in zip(years, lo, hi, strict=True):
        if a is not None and b is not None:
            ax.plot([y, y], [a, b], color=NEUTRAL, linewidth=5, alpha=0.45, solid_capstyle="butt")
    ax.plot(
        years,
        [NAN if b is None else b for b in base],
        "o",
        color="black",
        label=ctx.t("fig.legend.baseline_rank"),
    )
    ax.plot([], [], color=NEUTRAL, linewidth=5, alpha=0.45, label=ctx.t("fig.legend.draws"))
    top = max([v for v in hi + base if v is not None] or [1.0])
    ax.set_ylim(top + 0.5, 0.5)
    ax.set_ylabel(ctx.t("fig.axis.rank_year"))
    year_axis(ax, years, ctx.lang)
    ax.tick_params(axis="x", labelrotation=45)
    handles, labels = ax.get_legend_handles_labels()
    legend_top(ax, handles, labels, ncol=1)


def _score_panel(ax: Axes, ctx: Context, rows: list[dict[str, Any]]) -> None:
    """Score band (5-95 % of the draws) and the baseline score per year."""
    pts = [
        (
            int(r["year"]),
            num(r.get("score_p5")),
            num(r.get("score_p95")),
            num(r.get("baseline_score")),
        )
        for r in rows
    ]
    pts = [p for p in pts if p[1] is not None and p[2] is not None]
    ax.fill_between(
        [p[0] for p in pts],
        [p[1] for p in pts],
        [p[2] for p in pts],
        color=NEUTRAL,
        alpha=0.25,
        linewidth=0,
        label=ctx.t("fig.legend.draws"),
    )
    ax.plot(
        [p[0] for p in pts],
        [NAN if p[3] is None else p[3] for p in pts],
        color="black",
        marker="o",
        label=ctx.t("fig.legend.baseline_score"),
    )
    ax.set_ylabel(ctx.t("fig.axis.index_score"))
    year_axis(ax, [p[0] for p in pts], ctx.lang)
    ax.tick_params(axis="x", labelrotation=45)
    handles, labels = ax.get_legend_handles_labels()
    legend_top(ax, handles, labels, ncol=1)


def _draw_sensitivity(ctx: Context) -> Figure:
    rows = _read_sensitivity(ctx)
    has_scores = any(num(r.get("score_p5")) is not None for r in rows)
    fig = new_figure()
    axes = fig.subplots(1, 2 if has_scores else 1, squeeze=False)[0]
    _rank_panel(axes[0], ctx, rows)
    if has_scores:
        _score_panel(axes[1], ctx, rows)
    return fig


def specs(ctx: Context) -> list[FigureSpec]:
    """The index section's figures, drawable or skipped with the reason."""
    sens_ok = any(num(r.get("rank_p5")) is not None for r in _read_sensitivity(ctx))
    return [
        spec(
            "index_scores",
            ctx.t("fig.index_scores.title"),
            ctx.t("fig.index_scores.caption"),
            "index",
            _draw_index,
            None if _read_scores(ctx) else ctx.t("fig.skip.no_index"),
        ),
        spec(
            "index_weights",
            ctx.t("fig.index_weights.title"),
            ctx.t("fig.index_weights.caption"),
            "index",
            _draw_weights,
            None if _read_weights(ctx)[0] else ctx.t("fig.skip.no_alternative_weights"),
        ),
        spec(
            "index_sensitivity",
            ctx.t("fig.index_sensitivity.title"),
            ctx.t("fig.index_sensitivity.caption"),
            "index",
            _draw_sensitivity,
            None if sens_ok else ctx.t("fig.skip.no_sensitivity"),
        ),
    ]
